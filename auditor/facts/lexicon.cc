#include "facts/lexicon.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <type_traits>

#include "core/embedded.h"
#include "core/text.h"

namespace mmaudit::facts {

namespace {

// Decodes the code point that starts at `i` (for `forward`) or ends just before `i`; -1 at the edge.
int32_t CodePointAround(std::string_view s, std::size_t i, bool forward) {
  if (forward) {
    if (i >= s.size()) return -1;
  } else {
    if (i == 0) return -1;
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  }
  const auto b0 = static_cast<unsigned char>(s[i]);
  int n = b0 < 0x80 ? 1 : (b0 & 0xE0) == 0xC0 ? 2 : (b0 & 0xF0) == 0xE0 ? 3 : 4;
  int32_t cp = n == 1 ? b0 : n == 2 ? (b0 & 0x1F) : n == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int k = 1; k < n; ++k) {
    if (i + static_cast<std::size_t>(k) >= s.size()) return -1;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]) & 0x3F);
  }
  return cp;
}

// Letters and digits of the scripts we read; punctuation, spaces and symbols are not.
bool IsWordCodePoint(int32_t cp) {
  if (cp < 0) return false;
  if (cp < 0x80) return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (cp < 0xC0 || cp == 0xD7 || cp == 0xF7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, currency, arrows, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  return true;
}

}  // namespace

// Aho-Corasick: every phrase is found in one pass over the text, whatever their number. A match
// counts only as a whole word: a phrase edge that is a letter or digit needs a non-word neighbour
// in the text ("reso" is not found in "resort"); an edge that is a space or punctuation ("как ",
// "q&a") needs nothing. A phrase ending in "*" is a stem: any ending may follow ("opini*" finds
// "opinie", "opinii"), which inflected languages such as Polish and Russian need.
class PhraseMatcher {
 public:
  struct Phrase {
    int id;              // what the caller gave Add (a payment method's index, or 0)
    std::string text;    // without the stem's "*"
    bool check_start, check_end;
  };

  void Add(std::string_view phrase, int id) {
    const bool stem = !phrase.empty() && phrase.back() == '*';
    if (stem) phrase.remove_suffix(1);
    if (phrase.empty()) return;
    Phrase p{id, std::string(phrase), IsWordCodePoint(CodePointAround(phrase, 0, true)),
             !stem && IsWordCodePoint(CodePointAround(phrase, phrase.size(), false))};
    int node = 0;
    for (unsigned char c : p.text) {
      int next = Child(node, c);
      if (next < 0) {
        next = static_cast<int>(nodes_.size());
        nodes_.emplace_back();
        nodes_[static_cast<std::size_t>(node)].next.emplace_back(c, next);
      }
      node = next;
    }
    nodes_[static_cast<std::size_t>(node)].out.push_back(static_cast<int>(phrases_.size()));
    max_phrase_bytes_ = std::max(max_phrase_bytes_, p.text.size());
    phrases_.push_back(std::move(p));
  }

  // Computes failure links breadth-first; call once after the last Add.
  void Build() {
    std::vector<int> queue;
    for (auto [c, child] : nodes_[0].next) {
      nodes_[static_cast<std::size_t>(child)].fail = 0;
      queue.push_back(child);
    }
    for (std::size_t qi = 0; qi < queue.size(); ++qi) {
      const int u = queue[qi];
      for (auto [c, v] : nodes_[static_cast<std::size_t>(u)].next) {
        int f = nodes_[static_cast<std::size_t>(u)].fail;
        while (f > 0 && Child(f, c) < 0) f = nodes_[static_cast<std::size_t>(f)].fail;
        const int fc = Child(f, c);
        nodes_[static_cast<std::size_t>(v)].fail = (fc >= 0 && fc != v) ? fc : 0;
        queue.push_back(v);
      }
    }
    // Output links, breadth-first so a node's failure target is done before the node.
    for (const int u : queue) {
      Node& n = nodes_[static_cast<std::size_t>(u)];
      const Node& f = nodes_[static_cast<std::size_t>(n.fail)];
      n.output_link = !f.out.empty() ? n.fail : f.output_link;
    }
    first_output_.resize(nodes_.size());
    for (std::size_t u = 0; u < nodes_.size(); ++u)
      first_output_[u] = nodes_[u].out.empty() ? nodes_[u].output_link : static_cast<int>(u);
    for (int c = 0; c < 256; ++c) root_[c] = Child(0, static_cast<unsigned char>(c));
    BuildTable(queue);
  }

  // Calls on_match(phrase) for every whole-word match, in order of where matches end; stops when
  // on_match returns false. An on_match that also takes a std::size_t gets the byte offset just
  // past the match as well.
  template <typename F>
  void Scan(std::string_view text, F on_match) const {
    if (table_.empty()) return ScanByLinks(text, on_match);
    // One table read per byte: the entry is the next state's row offset with kHasOutput set when
    // the state ends a phrase, so the loop touches no other array unless something matches.
    std::uint32_t entry = 0;
    const std::uint32_t* table = table_.data();
    for (std::size_t i = 0; i < text.size(); ++i) {
      entry = table[(entry & ~kHasOutput) + byte_class_[static_cast<unsigned char>(text[i])]];
      if ((entry & kHasOutput) == 0) [[likely]]
        continue;
      const int state = state_of_row_[(entry & ~kHasOutput) / class_count_];
      if (!Report(text, i, state, on_match)) return;
    }
  }

  // Like Scan, for callers that only collect which phrases occur: reports every whole-word match,
  // in no particular order, some of them twice, and never stops early. The text is read as
  // kChains parts at once (each part after the first starting at the root, each but the last
  // running on by the longest phrase length so no match across a border is lost): independent
  // chains of table reads run in parallel in the processor, and the table's deeper rows are often
  // out of cache, so more chains hide more of the wait.
  template <typename F>
  void ScanAll(std::string_view text, F on_match) const {
    constexpr std::size_t kChains = 4;
    if (table_.empty() || text.size() < kChains * (max_phrase_bytes_ + 64)) {
      Scan(text, [&](const Phrase& p) {
        on_match(p);
        return true;
      });
      return;
    }
    const std::uint32_t* table = table_.data();
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    auto keep_going = [&](const Phrase& p) {
      on_match(p);
      return true;
    };
    auto report = [&](std::size_t i, std::uint32_t entry) {
      Report(text, i, state_of_row_[(entry & ~kHasOutput) / class_count_], keep_going);
    };
    const std::size_t part = text.size() / kChains;
    std::array<std::size_t, kChains> at{}, stop{};
    for (std::size_t k = 0; k < kChains; ++k) {
      at[k] = k * part;
      stop[k] = k + 1 == kChains ? text.size() : (k + 1) * part + max_phrase_bytes_;
    }
    // In step: every chain but the last reads part + max_phrase_bytes_ bytes, the last at least part.
    const std::size_t steps = std::min(part + max_phrase_bytes_, text.size() - at[kChains - 1]);
    std::array<std::uint32_t, kChains> state{};
    for (std::size_t s = 0; s < steps; ++s) {
      std::uint32_t any = 0;
      for (std::size_t k = 0; k < kChains; ++k) {
        state[k] = table[(state[k] & ~kHasOutput) + byte_class_[bytes[at[k] + s]]];
        any |= state[k];
      }
      if ((any & kHasOutput) == 0) [[likely]]
        continue;
      for (std::size_t k = 0; k < kChains; ++k)
        if (state[k] & kHasOutput) report(at[k] + s, state[k]);
    }
    // Then each chain on its own to its stop.
    for (std::size_t k = 0; k < kChains; ++k)
      for (std::size_t i = at[k] + steps; i < stop[k]; ++i) {
        state[k] = table[(state[k] & ~kHasOutput) + byte_class_[bytes[i]]];
        if (state[k] & kHasOutput) report(i, state[k]);
      }
  }

 private:
  static constexpr std::uint32_t kHasOutput = 0x80000000u;

  // The phrases that end at text[i] in `state` and its failure chain, longest first, each checked
  // for whole words; false when on_match asked to stop.
  template <typename F>
  bool Report(std::string_view text, std::size_t i, int state, F& on_match) const {
    for (int s = first_output_[static_cast<std::size_t>(state)]; s > 0;
         s = nodes_[static_cast<std::size_t>(s)].output_link) {
      for (int pi : nodes_[static_cast<std::size_t>(s)].out) {
        const Phrase& p = phrases_[static_cast<std::size_t>(pi)];
        const std::size_t start = i + 1 - p.text.size();
        if (p.check_start && IsWordCodePoint(CodePointAround(text, start, false))) continue;
        if (p.check_end && IsWordCodePoint(CodePointAround(text, i + 1, true))) continue;
        if constexpr (std::is_invocable_v<F&, const Phrase&, std::size_t>) {
          if (!on_match(p, i + 1)) return false;
        } else {
          if (!on_match(p)) return false;
        }
      }
    }
    return true;
  }

  // Scan without the table (an automaton too big for one): child searches along failure links.
  template <typename F>
  void ScanByLinks(std::string_view text, F& on_match) const {
    int state = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      for (;;) {
        const int next = state == 0 ? root_[c] : Child(state, c);
        if (next >= 0) {
          state = next;
          break;
        }
        if (state == 0) break;
        state = nodes_[static_cast<std::size_t>(state)].fail;
      }
      if (first_output_[static_cast<std::size_t>(state)] > 0 && !Report(text, i, state, on_match)) return;
    }
  }

 private:
  // The automaton as a table of next states (failure links followed in advance), one row per state
  // and one column per byte class: each byte that occurs in a phrase has a class of its own, all
  // other bytes share class 0 (they lead back to the root from anywhere). One lookup per text byte
  // instead of child searches along the failure chain. Entries hold the next state's row offset
  // (row * class_count_), with kHasOutput set for states that end a phrase. `queue` is every state
  // but the root, breadth-first. Rows are in that order, not in the order states were made: the
  // shallow states, where the scan spends most of its time, then share a few hundred KB of the table
  // that stays in cache, instead of rows spread over megabytes. Skipped (Scan then follows failure
  // links) when the table would not fit its 31-bit offsets or 64 MB.
  void BuildTable(const std::vector<int>& queue) {
    bool used[256] = {};
    for (const Node& n : nodes_)
      for (auto [c, child] : n.next) used[c] = true;
    class_count_ = 1;  // class 0: bytes in no phrase
    for (int c = 0; c < 256; ++c)
      if (used[c]) byte_class_[c] = static_cast<std::uint8_t>(class_count_++);
    if (class_count_ > 256) return;  // every byte value in some phrase: classes do not fit a byte
    const std::size_t cells = nodes_.size() * class_count_;
    if (cells >= kHasOutput || cells > (std::size_t{64} << 20) / sizeof(std::uint32_t)) return;
    table_.assign(cells, 0);
    std::vector<std::size_t> row_of(nodes_.size(), 0);  // the root's row is 0
    state_of_row_.assign(1, 0);
    for (const int u : queue) {
      row_of[static_cast<std::size_t>(u)] = state_of_row_.size();
      state_of_row_.push_back(u);
    }
    auto entry = [&](int state) {
      return static_cast<std::uint32_t>(row_of[static_cast<std::size_t>(state)] * class_count_) |
             (first_output_[static_cast<std::size_t>(state)] > 0 ? kHasOutput : 0);
    };
    auto row = [&](int state) { return table_.data() + row_of[static_cast<std::size_t>(state)] * class_count_; };
    for (auto [c, child] : nodes_[0].next) row(0)[byte_class_[c]] = entry(child);
    for (const int u : queue) {  // a state's failure target is shallower, so its row is done
      const Node& n = nodes_[static_cast<std::size_t>(u)];
      std::copy_n(row(n.fail), class_count_, row(u));
      for (auto [c, child] : n.next) row(u)[byte_class_[c]] = entry(child);
    }
  }

  struct Node {
    std::vector<std::pair<unsigned char, int>> next;
    int fail = 0;
    std::vector<int> out;
    int output_link = 0;  // the nearest state down the failure chain with phrases in `out`, or 0
  };
  int Child(int node, unsigned char c) const {
    for (auto [k, v] : nodes_[static_cast<std::size_t>(node)].next)
      if (k == c) return v;
    return -1;
  }
  std::vector<Node> nodes_ = std::vector<Node>(1);
  std::vector<Phrase> phrases_;
  std::size_t max_phrase_bytes_ = 0;
  int root_[256];
  std::uint8_t byte_class_[256] = {};
  std::size_t class_count_ = 0;
  std::vector<std::uint32_t> table_;  // empty when not built (see BuildTable)
  std::vector<int> state_of_row_;     // the state each row of table_ is for
  // Per state: itself when it ends phrases, else its output_link; a small array read at every text
  // byte (the Node array is not touched unless something matches).
  std::vector<int> first_output_;
};

void Lexicon::BuildMatchers() {
  auto all = std::make_shared<PhraseMatcher>();
  for (const auto& [name, langs] : concepts_) {
    const int id = static_cast<int>(concept_names_.size());
    concept_names_.push_back(name);
    for (const auto& [lang, phrases] : langs)
      for (const auto& p : phrases) all->Add(p, id);
  }
  for (std::size_t i = 0; i < payment_methods_.size(); ++i)
    for (const auto& c : payment_methods_[i].second) all->Add(c, static_cast<int>(concept_names_.size() + i));
  all->Build();
  all_matcher_ = std::move(all);
  for (const auto& [name, langs] : concepts_) {
    auto m = std::make_shared<PhraseMatcher>();
    for (const auto& [lang, phrases] : langs)
      for (const auto& p : phrases) m->Add(p, 0);
    m->Build();
    matchers_[name] = std::move(m);
  }
}

std::optional<Lexicon> Lexicon::Parse(std::string_view json, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    *error = std::string("lexicon is not valid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()) +
             " at offset " + std::to_string(d.GetErrorOffset());
    return std::nullopt;
  }
  if (!d.IsObject() || !d.HasMember("concepts") || !d["concepts"].IsObject()) {
    *error = "lexicon needs an object member \"concepts\"";
    return std::nullopt;
  }
  Lexicon lex;
  auto read_list = [&](const rapidjson::Value& v, const std::string& where, std::vector<std::string>* out) {
    if (!v.IsArray()) {
      *error = where + " must be an array of strings";
      return false;
    }
    for (const auto& s : v.GetArray()) {
      if (!s.IsString()) {
        *error = where + " must be an array of strings";
        return false;
      }
      out->push_back(text::FoldCase(std::string_view(s.GetString(), s.GetStringLength())));
    }
    return true;
  };
  for (const auto& c : d["concepts"].GetObject()) {
    const std::string name = c.name.GetString();
    if (!c.value.IsObject()) {
      *error = "lexicon cue \"" + name + "\" must be an object of language lists";
      return std::nullopt;
    }
    auto& langs = lex.concepts_[name];
    for (const auto& l : c.value.GetObject()) {
      if (!read_list(l.value, "lexicon cue \"" + name + "\" language \"" + l.name.GetString() + "\"",
                     &langs[l.name.GetString()]))
        return std::nullopt;
    }
  }
  if (d.HasMember("payment_methods")) {
    if (!d["payment_methods"].IsObject()) {
      *error = "lexicon \"payment_methods\" must be an object";
      return std::nullopt;
    }
    for (const auto& m : d["payment_methods"].GetObject()) {
      std::vector<std::string> cues;
      if (!read_list(m.value, std::string("payment method \"") + m.name.GetString() + "\"", &cues)) return std::nullopt;
      lex.payment_methods_.emplace_back(m.name.GetString(), std::move(cues));
    }
  }
  lex.BuildMatchers();
  return lex;
}

const Lexicon& Lexicon::Default() {
  static const Lexicon& lex = Embedded("rules/lexicon.json");
  return lex;
}

const Lexicon& Lexicon::Embedded(std::string_view path) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const Lexicon>, std::less<>> loaded;
  const std::lock_guard<std::mutex> lock(mutex);
  if (auto it = loaded.find(path); it != loaded.end()) return *it->second;
  auto data = embedded::Find(path);
  std::string error = std::string(path) + " was not embedded";
  std::optional<Lexicon> parsed = data ? Parse(*data, &error) : std::nullopt;
  if (!parsed) {
    std::fprintf(stderr, "mmaudit: internal error: %s: %s\n", std::string(path).c_str(), error.c_str());
    std::abort();
  }
  auto lex = std::make_unique<const Lexicon>(std::move(*parsed));
  const Lexicon& ref = *lex;
  loaded.emplace(std::string(path), std::move(lex));
  return ref;
}

Lexicon::Cue Lexicon::Find(std::string_view cue) const {
  Cue c;
  if (auto it = matchers_.find(cue); it != matchers_.end()) c.matcher_ = it->second.get();
  if (auto it = concepts_.find(cue); it != concepts_.end()) c.phrases_ = &it->second;
  return c;
}

bool Lexicon::Cue::Matches(std::string_view folded_text) const {
  bool found = false;
  if (matcher_ != nullptr) matcher_->Scan(folded_text, [&](const PhraseMatcher::Phrase&) { return !(found = true); });
  return found;
}

std::string Lexicon::Cue::FirstMatch(std::string_view folded_text) const {
  std::string found;
  // Scan reports matches by where they end, and at one end position the longest phrase first.
  if (matcher_ != nullptr) {
    matcher_->Scan(folded_text, [&](const PhraseMatcher::Phrase& p) {
      found = p.text;
      return false;
    });
  }
  return found;
}

bool Lexicon::Cue::Equals(std::string_view folded_text) const {
  if (phrases_ == nullptr) return false;
  for (const auto& [lang, phrases] : *phrases_)
    for (const std::string& p : phrases)
      if (p == folded_text) return true;
  return false;
}

bool Lexicon::Matches(std::string_view cue, std::string_view folded_text) const {
  return Find(cue).Matches(folded_text);
}

std::string Lexicon::FirstMatch(std::string_view cue, std::string_view folded_text) const {
  return Find(cue).FirstMatch(folded_text);
}

bool Lexicon::Equals(std::string_view cue, std::string_view folded_text) const {
  return Find(cue).Equals(folded_text);
}

Lexicon::TextCues Lexicon::CuesIn(std::string_view folded_text) const {
  const std::size_t concepts = concept_names_.size();
  std::vector<bool> seen(concepts + payment_methods_.size(), false);
  all_matcher_->ScanAll(folded_text, [&](const PhraseMatcher::Phrase& p) { seen[static_cast<std::size_t>(p.id)] = true; });
  TextCues out;
  for (std::size_t i = 0; i < concepts; ++i)
    if (seen[i]) out.concepts.push_back(concept_names_[i]);
  for (std::size_t i = 0; i < payment_methods_.size(); ++i)
    if (seen[concepts + i]) out.payment_methods.push_back(payment_methods_[i].first);
  return out;
}

std::vector<std::string> Lexicon::ConceptsIn(std::string_view folded_text) const {
  return CuesIn(folded_text).concepts;
}

std::vector<Lexicon::Match> Lexicon::AllMatches(std::string_view folded_text) const {
  std::vector<Match> out;
  all_matcher_->Scan(folded_text, [&](const PhraseMatcher::Phrase& p, std::size_t end) {
    const auto id = static_cast<std::size_t>(p.id);
    if (id < concept_names_.size()) out.push_back({concept_names_[id], p.text, end});  // not a payment cue
    return true;
  });
  return out;
}

std::vector<std::string> Lexicon::PaymentMethods(std::string_view folded_text) const {
  return CuesIn(folded_text).payment_methods;
}

std::vector<std::string> Lexicon::Concepts() const {
  std::vector<std::string> out;
  for (const auto& [name, langs] : concepts_) out.push_back(name);
  return out;
}

std::vector<std::string> Lexicon::Languages(std::string_view cue) const {
  std::vector<std::string> out;
  auto it = concepts_.find(cue);
  if (it == concepts_.end()) return out;
  for (const auto& [lang, phrases] : it->second)
    if (!phrases.empty()) out.push_back(lang);
  return out;
}

}  // namespace mmaudit::facts
