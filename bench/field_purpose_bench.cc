// Accuracy of facts::InferFieldPurpose on real checkout, payment and login forms: how often the
// inferred purpose agrees with the human label each input carries (data-manual-scoring="TYPE").
//
// Usage: mmaudit_field_purpose_bench [--misses] [--without LIST] [FORMS_DIR]
// FORMS_DIR defaults to ../shared/corpora/checkout-forms/forms beside the source tree; when it is
// absent the program prints "skipped" and exits 0. --misses lists every disagreement. --without
// blanks some of each control's attributes before inferring (a comma-separated subset of
// autocomplete, type, name, id, label, placeholder), to see how the other cues fare alone.
//
// Every element with a label is read with facts::FormControlReader (the code path ExtractForms
// uses), so controls outside any <form> count too. Each named label accepts a set of purposes
// (kLabels below). A label "unknown" marks a field that is none of the named kinds; it agrees with
// any purpose that no named label accepts (unknown, coupon, organization ...), and disagrees with
// one that a named label accepts (calling a loyalty-card PIN a password is a miss). Agreement is
// reported on the named labels and on all labels, separately.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "facts/field_purpose.h"
#include "html/document.h"
#include "html/query.h"

namespace {

namespace fs = std::filesystem;
using mmaudit::facts::FieldPurpose;

struct LabelMapping {
  const char* label;
  std::vector<FieldPurpose> accepts;
};

const std::vector<LabelMapping>& Labels() {
  using P = FieldPurpose;
  static const std::vector<LabelMapping> labels = {
      {"firstName", {P::kGivenName, P::kCcGivenName}},
      {"lastName", {P::kFamilyName, P::kCcFamilyName}},
      {"fullName", {P::kName}},
      {"emailAddress", {P::kEmail}},
      {"phone", {P::kTel, P::kTelNational}},
      {"addressStreet", {P::kStreetAddress, P::kAddressLine1}},
      {"addressStreet2", {P::kAddressLine2, P::kAddressLine3, P::kApartment}},
      {"addressCity", {P::kAddressLevel2}},
      {"addressProvince", {P::kAddressLevel1}},
      {"addressPostalCode", {P::kPostalCode}},
      {"addressCountryCode", {P::kCountry, P::kCountryName}},
      {"cardName", {P::kCcName}},
      {"cardNumber", {P::kCcNumber}},
      {"cardSecurityCode", {P::kCcCsc}},
      {"expiration", {P::kCcExp}},
      {"expirationMonth", {P::kCcExpMonth}},
      {"expirationYear", {P::kCcExpYear}},
      {"password", {P::kCurrentPassword, P::kNewPassword}},
      {"password.new", {P::kNewPassword}},
      {"username", {P::kUsername}},
  };
  return labels;
}

const LabelMapping* FindLabel(const std::string& label) {
  for (const LabelMapping& m : Labels())
    if (label == m.label) return &m;
  return nullptr;
}

// True when some named label accepts `p`.
bool NamedPurpose(FieldPurpose p) {
  for (const LabelMapping& m : Labels())
    if (std::find(m.accepts.begin(), m.accepts.end(), p) != m.accepts.end()) return true;
  return false;
}

struct Tally {
  int total = 0, agreed = 0;
  std::map<std::string, int> misses;  // inferred purpose -> count
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Blanks the attributes named in `without` (comma-separated) of `c`.
void Blank(const std::string& without, mmaudit::facts::FormControl* c) {
  for (const std::string& what : mmaudit::text::SplitTrimmed(without, ',')) {
    if (what == "autocomplete") c->autocomplete.clear();
    else if (what == "type") c->type = c->tag == "input" ? "text" : c->tag;
    else if (what == "name") c->name.clear();
    else if (what == "id") c->id.clear();
    else if (what == "label") c->label = c->placeholder;  // what ExtractForms falls back to
    else if (what == "placeholder") {
      if (c->label == c->placeholder) c->label.clear();
      c->placeholder.clear();
    }
  }
}

double Percent(int part, int whole) { return whole == 0 ? 0 : 100.0 * part / whole; }

}  // namespace

int main(int argc, char** argv) {
  bool list_misses = false;
  std::string without;
  fs::path dir = fs::path(MMAUDIT_SOURCE_DIR).parent_path() / "shared/corpora/checkout-forms/forms";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--misses") {
      list_misses = true;
    } else if (arg == "--without" && i + 1 < argc) {
      without = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      std::printf("usage: %s [--misses] [--without autocomplete,type,name,id,label,placeholder] [FORMS_DIR]\n", argv[0]);
      return 0;
    } else {
      dir = arg;
    }
  }
  if (!fs::is_directory(dir)) {
    std::printf("field purpose agreement: skipped (%s is absent)\n", dir.string().c_str());
    return 0;
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".html") files.push_back(e.path());
  std::sort(files.begin(), files.end());

  std::map<std::string, Tally> by_label;
  std::map<std::string, int> by_source;  // agreed named fields by where the purpose came from
  int unmapped = 0, not_controls = 0;
  for (const fs::path& file : files) {
    const auto doc = mmaudit::html::Document::Parse(mmaudit::text::SanitizeUtf8(ReadAll(file)));
    const mmaudit::facts::FormControlReader reader(doc);
    mmaudit::html::Walk(doc.root(), [&](const GumboNode* n, std::size_t) {
      const auto label_attr = mmaudit::html::Attr(n, "data-manual-scoring");
      if (!label_attr) return mmaudit::html::Visit::kContinue;
      const std::string label(*label_attr);
      std::optional<mmaudit::facts::FormControl> control = reader.Read(n);
      if (!control) {
        ++not_controls;
        std::printf("  not a form control: %s <%s> labelled %s\n", file.filename().c_str(),
                    mmaudit::html::TagName(n).c_str(), label.c_str());
        return mmaudit::html::Visit::kContinue;
      }
      Blank(without, &*control);
      const mmaudit::facts::FieldPurposeGuess guess = mmaudit::facts::InferFieldPurpose(*control);
      const LabelMapping* mapping = FindLabel(label);
      if (mapping == nullptr && label != "unknown") {
        ++unmapped;
        std::printf("  label with no mapping: %s in %s\n", label.c_str(), file.filename().c_str());
        return mmaudit::html::Visit::kContinue;
      }
      const bool agreed =
          mapping != nullptr
              ? std::find(mapping->accepts.begin(), mapping->accepts.end(), guess.purpose) != mapping->accepts.end()
              : !NamedPurpose(guess.purpose);
      Tally& t = by_label[label];
      ++t.total;
      const std::string inferred(mmaudit::facts::FieldPurposeName(guess.purpose));
      if (agreed) {
        ++t.agreed;
        if (mapping != nullptr) ++by_source[std::string(mmaudit::facts::PurposeSourceName(guess.source))];
      } else {
        ++t.misses[inferred];
        if (list_misses)
          std::printf("  miss: %-40s %-18s -> %-16s via %s \"%s\" (name=\"%s\" id=\"%s\" label=\"%s\")\n",
                      file.filename().c_str(), label.c_str(), inferred.c_str(),
                      std::string(mmaudit::facts::PurposeSourceName(guess.source)).c_str(), guess.evidence.c_str(),
                      control->name.c_str(), control->id.c_str(),
                      mmaudit::text::Truncate(control->label, 60).c_str());
      }
      return mmaudit::html::Visit::kContinue;
    });
  }

  int named_total = 0, named_agreed = 0;
  std::printf("field purpose agreement on %zu forms in %s%s%s\n", files.size(), dir.string().c_str(),
              without.empty() ? "" : ", without ", without.c_str());
  std::printf("  %-20s %6s %7s %8s   misses (inferred purpose x count)\n", "label", "fields", "agreed", "share");
  for (const auto& [label, t] : by_label) {
    if (label != "unknown") {
      named_total += t.total;
      named_agreed += t.agreed;
    }
    std::string misses;
    for (const auto& [purpose, count] : t.misses) misses += " " + purpose + " x" + std::to_string(count);
    std::printf("  %-20s %6d %7d %7.1f%%  %s\n", label.c_str(), t.total, t.agreed, Percent(t.agreed, t.total),
                misses.c_str());
  }
  const Tally& unknown = by_label["unknown"];
  const int all_total = named_total + unknown.total, all_agreed = named_agreed + unknown.agreed;
  std::printf("named labels: %d of %d agree (%.1f%%)\n", named_agreed, named_total, Percent(named_agreed, named_total));
  std::printf("all labels (\"unknown\" agrees with a purpose no named label accepts): %d of %d agree (%.1f%%)\n",
              all_agreed, all_total, Percent(all_agreed, all_total));
  std::string sources;
  for (const auto& [source, count] : by_source) sources += " " + source + " " + std::to_string(count);
  std::printf("agreeing named fields by source:%s\n", sources.c_str());
  if (unmapped > 0 || not_controls > 0)
    std::printf("labels with no mapping: %d, labelled elements that are not form controls: %d\n", unmapped,
                not_controls);
  return 0;
}
