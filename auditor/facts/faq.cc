// ExtractFaq: questions a shopper can get answered on the page, from FAQPage / QAPage markup and
// from the visible DOM.
//
// A visible question is taken only inside a "FAQ section", which is any of:
//  - the part of the page after a heading that matches the lexicon cue "faq_heading", up to the
//    next heading of the same or a higher rank that is neither an FAQ heading nor a question, or
//    up to a <footer>;
//  - the inside of an element whose id or class contains "faq";
//  - the whole page, when its <title> or an <h1> matches "faq_heading".
// Inside a section, a question is (a) the <summary> of a <details> element (the rest of the
// <details> is the answer), or (b) an h2-h6, <dt>, <button> or element whose class contains
// "question" (and that has no such child itself) whose text ends with "?" or "？". Its answer is
// the next element sibling's text (the <dd> for a <dt>), or the parent's next sibling's when the
// element is the last of its parent (<h3><button>Q?</button></h3><div>A</div>).
// Questions are de-duplicated by case-folded text, so a <summary><h3>Q?</h3></summary> counts once.
//
// Text is read under a page-wide node budget, so deeply nested hostile pages stay linear.
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/text.h"
#include "facts/extract.h"
#include "html/document.h"
#include "html/query.h"

namespace mmaudit::facts {
namespace {

constexpr std::size_t kAnswerCodePoints = 200;
constexpr std::size_t kQuestionCodePoints = 300;
constexpr std::size_t kTextBudget = 1'000'000;       // nodes visited by all element-text reads
constexpr std::size_t kElementTextBytes = 1024;      // per read: enough for 200 code points

const GumboNode* NextElementSibling(const GumboNode* n) {
  const GumboNode* parent = n->parent;
  if (parent == nullptr || parent->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboVector& children = parent->v.element.children;
  for (unsigned i = n->index_within_parent + 1; i < children.length; ++i) {
    const auto* c = static_cast<const GumboNode*>(children.data[i]);
    if (html::IsElement(c)) return c;
  }
  return nullptr;
}

bool IsQuestionShaped(std::string_view s) {
  return text::EndsWith(s, "?") || text::EndsWith(s, "\xEF\xBC\x9F");  // "？"
}

// True when a child element would itself be a question candidate (h2-h6, dt, button): the
// wrapper then leaves the question to it.
bool HasQuestionChild(const GumboNode* n) {
  const GumboVector& children = n->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* c = static_cast<const GumboNode*>(children.data[i]);
    if (html::HeadingLevel(c) >= 2 || html::Is(c, GUMBO_TAG_DT) || html::Is(c, GUMBO_TAG_BUTTON)) return true;
  }
  return false;
}

bool AttrContains(const GumboNode* n, std::string_view attr, std::string_view needle) {
  return text::Contains(text::AsciiLower(html::AttrOr(n, attr)), needle);
}

// Markup answers may carry the HTML Google allows in answer text (<p>, <a>, <br>, <li> ...). Tags
// are dropped; block-level ones leave a space so that words do not run together.
std::string StripTags(std::string_view s) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      out += s[i++];
      continue;
    }
    const std::size_t end = s.find('>', i);
    if (end == std::string_view::npos) break;
    std::string_view name = s.substr(i + 1, end - i - 1);
    if (!name.empty() && name.front() == '/') name.remove_prefix(1);
    name = name.substr(0, name.find_first_of(" \t\n/"));
    const std::string tag = text::AsciiLower(name);
    for (std::string_view block : {"br", "p", "div", "li", "ul", "ol", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6"})
      if (tag == block) out += ' ';
    i = end + 1;
  }
  return text::CollapseWhitespace(out);
}

// Adds questions to FaqFacts, de-duplicated by folded text within each list.
class FaqCollector {
 public:
  explicit FaqCollector(FaqFacts* f) : f_(f) {}

  void AddMarkup(const std::string& question, const std::string& answer) {
    const std::string key = Add(&f_->markup, &markup_seen_, question, answer, "markup");
    if (!key.empty()) markup_keys_.push_back(key);
  }
  void AddVisible(const std::string& question, const std::string& answer) {
    Add(&f_->visible, &visible_seen_, question, answer, "visible");
  }
  // Folded full texts of the markup questions, for the visibility check.
  const std::vector<std::string>& markup_keys() const { return markup_keys_; }

 private:
  // Returns the folded question, or "" when it was empty or already known.
  static std::string Add(std::vector<FaqEntry>* list, std::unordered_set<std::string>* seen,
                         const std::string& question, const std::string& answer, const char* source) {
    const std::string collapsed = text::CollapseWhitespace(question);
    if (collapsed.empty()) return {};
    std::string key = text::FoldCase(collapsed);
    if (!seen->insert(key).second) return {};
    list->push_back(FaqEntry{text::Truncate(collapsed, kQuestionCodePoints),
                             text::Truncate(text::CollapseWhitespace(answer), kAnswerCodePoints), source});
    return key;
  }

  FaqFacts* f_;
  std::unordered_set<std::string> markup_seen_, visible_seen_;
  std::vector<std::string> markup_keys_;
};

void CollectMarkup(const StructuredData& sd, FaqFacts* f, FaqCollector* collector) {
  for (const char* page_type : {"FAQPage", "QAPage"}) {
    for (const SdItem* page : sd.FindAll(page_type)) {
      if (std::string_view(page_type) == "FAQPage") f->faq_page_markup = true;
      for (const SdValue& v : *page->Get("mainEntity")) {
        if (!v.item || !v.item->IsA("Question")) continue;
        const SdItem& q = *v.item;
        std::string question = q.Text("name");
        if (question.empty()) question = q.Text("text");
        const SdItem* answer = q.Item("acceptedAnswer");
        if (answer == nullptr) answer = q.Item("suggestedAnswer");
        collector->AddMarkup(StripTags(question), answer ? StripTags(answer->Text("text")) : std::string());
      }
    }
  }
}

}  // namespace

FaqFacts ExtractFaq(const html::Document& doc, const StructuredData& sd, const Context& ctx) {
  FaqFacts f;
  FaqCollector collector(&f);
  CollectMarkup(sd, &f, &collector);

  const Lexicon& lex = *ctx.lexicon;
  std::size_t budget = kTextBudget;
  // Element texts, all charged to one page-wide node budget.
  auto element_text = [&](const GumboNode* e) { return html::BoundedText(e, kElementTextBytes, &budget); };
  const Lexicon::Cue faq_heading = lex.Find("faq_heading");
  auto matches_faq = [&](const std::string& s) { return faq_heading.Matches(text::FoldCase(s)); };

  bool faq_page = false;
  if (const GumboNode* title = html::FindFirst(doc.root(), GUMBO_TAG_TITLE))
    faq_page = matches_faq(element_text(title));
  for (const GumboNode* h1 : html::FindAll(doc.root(), GUMBO_TAG_H1)) {
    if (faq_page) break;
    faq_page = matches_faq(element_text(h1));
  }

  int section_level = 0;             // rank of the FAQ heading whose section we are in; 0 = none
  std::vector<std::size_t> faq_boxes;  // walk depths of open elements whose id/class says "faq"
  html::Walk(doc.root(), [&](const GumboNode* n, std::size_t depth) {
    if (html::IsNonRendered(n)) return html::Visit::kSkipChildren;
    if (!html::IsElement(n)) return html::Visit::kContinue;
    if (html::IsHiddenSelf(n)) return html::Visit::kSkipChildren;
    while (!faq_boxes.empty() && faq_boxes.back() >= depth) faq_boxes.pop_back();
    if (AttrContains(n, "id", "faq") || AttrContains(n, "class", "faq")) faq_boxes.push_back(depth);
    if (html::Is(n, GUMBO_TAG_FOOTER)) section_level = 0;

    const int level = html::HeadingLevel(n);
    std::optional<std::string> own_text;  // read at most once per element
    auto text_of_n = [&]() -> const std::string& {
      if (!own_text) own_text = element_text(n);
      return *own_text;
    };
    if (level > 0) {
      if (matches_faq(text_of_n())) {
        f.has_faq_heading = true;
        section_level = level;
      } else if (section_level > 0 && level <= section_level && !IsQuestionShaped(text_of_n())) {
        section_level = 0;
      }
    }
    if (!faq_page && section_level == 0 && faq_boxes.empty()) return html::Visit::kContinue;

    if (html::Is(n, GUMBO_TAG_DETAILS)) {
      const GumboVector& children = n->v.element.children;
      const GumboNode* summary = nullptr;
      std::string answer;
      for (unsigned i = 0; i < children.length; ++i) {
        const auto* c = static_cast<const GumboNode*>(children.data[i]);
        if (summary == nullptr && html::Is(c, GUMBO_TAG_SUMMARY)) {
          summary = c;
        } else if (answer.size() < kElementTextBytes) {
          answer += ' ';
          if (html::IsTextNode(c)) text::AppendUtf8Prefix(c->v.text.text, kElementTextBytes, &answer);
          else answer += element_text(c);
        }
      }
      if (summary != nullptr) collector.AddVisible(element_text(summary), answer);
      return html::Visit::kContinue;
    }
    const bool candidate = (level >= 2) || html::Is(n, GUMBO_TAG_DT) || html::Is(n, GUMBO_TAG_BUTTON) ||
                           (AttrContains(n, "class", "question") && !HasQuestionChild(n));
    if (!candidate) return html::Visit::kContinue;
    const std::string& question = text_of_n();
    if (!IsQuestionShaped(question) || text::CodePointCount(question) > kQuestionCodePoints)
      return html::Visit::kContinue;
    const GumboNode* answer = NextElementSibling(n);
    if (answer == nullptr && n->parent != nullptr) answer = NextElementSibling(n->parent);
    const bool answer_is_question = answer != nullptr && html::HeadingLevel(answer) > 0;
    collector.AddVisible(question, answer && !answer_is_question ? element_text(answer) : std::string());
    return html::Visit::kContinue;
  });

  std::string storage;
  const std::string& folded = FoldedVisibleText(doc, ctx, &storage);
  for (const std::string& key : collector.markup_keys())
    if (text::Contains(folded, key)) ++f.markup_visible;
  return f;
}

}  // namespace mmaudit::facts
