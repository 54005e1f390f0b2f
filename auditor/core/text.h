// Small text helpers with no third-party dependencies. All functions are pure and thread-safe.
// Strings are UTF-8 unless a function says otherwise.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::text {

// `s` without leading and trailing ASCII whitespace (space, tab, CR, LF, FF, VT).
std::string_view Trim(std::string_view s);

// `s` with every run of Unicode-ish whitespace (ASCII whitespace and U+00A0) folded to one space,
// and trimmed.
std::string CollapseWhitespace(std::string_view s);

// Builds CollapseWhitespace(a + b + ...) piece by piece, without building the concatenation
// first: Append(a); Append(b) gives CollapseWhitespace(a + b) as long as no U+00A0 is split
// between two pieces (always so for pieces of valid UTF-8). AppendSpace() stands for a " " piece.
// A piece of text collapsed once (WhitespaceCollapser::Collapse) to be appended to several
// collapsers, each as if it were given the original piece.
struct CollapsedPiece {
  std::string body;           // the piece without leading or trailing whitespace, runs collapsed
  bool space_before = false;  // the piece starts with whitespace
  bool space_after = false;   // the piece ends with whitespace after something kept
};

class WhitespaceCollapser {
 public:
  // Collapses `s` into *out, reusing out->body's storage.
  static void Collapse(std::string_view s, CollapsedPiece* out);
  void Reserve(std::size_t bytes) { out_.reserve(bytes); }
  void Append(std::string_view s);
  // The same as Append(s) for the `s` that `piece` was collapsed from.
  void Append(const CollapsedPiece& piece);
  void AppendSpace() { pending_space_ = !out_.empty(); }
  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
  bool pending_space_ = false;  // whitespace seen since the last character kept
};

// ASCII-only lower case; other bytes are copied unchanged.
std::string AsciiLower(std::string_view s);

// Lower case for the scripts our shops use: ASCII, Latin-1 Supplement, Latin Extended-A (Polish,
// Czech, German, French ...), Greek and Cyrillic (Russian, Ukrainian). Other code points and invalid
// bytes are copied unchanged. Used to match multilingual cues.
std::string FoldCase(std::string_view s);
// Appends FoldCase(s) to *out. Folding never makes text longer, so at most s.size() bytes.
void AppendFolded(std::string_view s, std::string* out);
// *s = FoldCase(*s), without a copy.
void FoldInPlace(std::string* s);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// The longest prefix of `s` of at most `max_bytes` bytes that does not end inside a UTF-8
// sequence (a cut never leaves the lead byte of a character without its continuation bytes).
std::string_view Utf8Prefix(std::string_view s, std::size_t max_bytes);

// Appends to *out as much of `piece` as keeps it at most `max_bytes` long, cut between characters
// (Utf8Prefix); nothing when *out is already that long. For reading text of unbounded size into a
// bounded buffer without copying the rest first.
void AppendUtf8Prefix(std::string_view piece, std::size_t max_bytes, std::string* out);

// `s` with every ill-formed UTF-8 sequence replaced by U+FFFD and NUL bytes dropped. Sets
// *replaced (when non-null) to the number of replacements made.
std::string SanitizeUtf8(std::string_view s, std::size_t* replaced = nullptr);

// Number of code points in valid UTF-8 (invalid bytes count one each).
std::size_t CodePointCount(std::string_view s);

// The first `max_code_points` code points of `s`, with "…" appended when something was cut.
std::string Truncate(std::string_view s, std::size_t max_code_points);

// True when `haystack` contains `needle`; both should already be case-folded.
inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// `s` split on `sep`, with every piece trimmed; empty pieces are dropped.
std::vector<std::string> SplitTrimmed(std::string_view s, char sep);

// True when the glob `pattern` matches all of `path`: "*" matches any run (also empty), "?" one
// UTF-8 character, everything else itself. Backtracking only to the last "*", so the work is
// O(|pattern| * |path|) at worst, never exponential. Used for --include, --exclude, --page-type.
bool GlobMatch(std::string_view pattern, std::string_view path);

// The position of the first byte of `s` at or after `from` whose value lies in [lo, hi], or
// s.size() when there is none. `lo` <= `hi` must be ASCII. Sixteen bytes at a time (eight without
// SSE2): for scans that look for rare bytes (digits) in long texts.
std::size_t FindByteInRange(std::string_view s, std::size_t from, char lo, char hi);

bool StartsWith(std::string_view s, std::string_view prefix);
// StartsWith with ASCII letters compared case-insensitively ("HTTPS://x" starts with "https://").
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
bool EndsWith(std::string_view s, std::string_view suffix);
// True when `s` and `t` are equal, and when `needle` occurs in `haystack`, with ASCII letters
// compared case-insensitively: ContainsIgnoreCase(s, cue) == Contains(AsciiLower(s), AsciiLower(cue)),
// without building the lower-case copies.
bool EqualsIgnoreCase(std::string_view s, std::string_view t);
bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle);

}  // namespace mmaudit::text
