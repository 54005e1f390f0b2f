#include "core/text.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace mmaudit::text {
namespace {

bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// What CollapseWhitespace needs to know about a byte: kSpace for ASCII whitespace, kMaybeNbsp for
// 0xC2 (the lead byte of U+00A0), kOther for everything else. A table keeps the hot loop branch-light.
enum ByteKind : unsigned char { kOther, kSpace, kMaybeNbsp };
constexpr std::array<unsigned char, 256> kByteKinds = [] {
  std::array<unsigned char, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f', '\v'}) t[c] = kSpace;
  t[0xC2] = kMaybeNbsp;
  return t;
}();

// Length of the run of ASCII bytes (other than NUL when `stop_at_nul`) at the start of [p, end),
// read eight bytes at a time.
std::size_t AsciiPrefix(const char* p, const char* end, bool stop_at_nul = false) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull, kOnes = 0x0101010101010101ull;
  const char* start = p;
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    if (w & kHigh) break;
    if (stop_at_nul && ((w - kOnes) & ~w & kHigh)) break;  // some byte is 0
    p += 8;
  }
  while (p < end && static_cast<unsigned char>(*p) < 0x80 && !(stop_at_nul && *p == '\0')) ++p;
  return static_cast<std::size_t>(p - start);
}

// Decodes one UTF-8 sequence at s[i]. Returns the code point and sets *len; returns -1 (and *len = 1)
// for an ill-formed sequence.
int32_t DecodeOne(std::string_view s, std::size_t i, std::size_t* len) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  *len = 1;
  if (b0 < 0x80) return b0;
  std::size_t n;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xE0) == 0xC0) { n = 2; cp = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { n = 3; cp = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { n = 4; cp = b0 & 0x07; min = 0x10000; }
  else return -1;
  if (i + n > s.size()) return -1;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *len = n;
  return cp;
}

// Writes `cp` as UTF-8 at `o` and returns the position after it.
char* WriteUtf8(char* o, int32_t cp) {
  if (cp < 0x80) {
    *o++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *o++ = static_cast<char>(0xC0 | (cp >> 6));
    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = static_cast<char>(0xE0 | (cp >> 12));
    *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *o++ = static_cast<char>(0xF0 | (cp >> 18));
    *o++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *o++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return o;
}

int32_t LowerCodePoint(int32_t cp) {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp < 0xC0) return cp;
  if (cp <= 0xDE && cp != 0xD7) return cp + 32;                       // Latin-1 À..Þ
  if (cp >= 0x100 && cp <= 0x17F) {                                   // Latin Extended-A
    if (cp == 0x130) return 'i';
    if (cp == 0x138 || cp == 0x149 || cp == 0x17F) return cp;
    if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return (cp % 2 == 1) ? cp + 1 : cp;
    if (cp == 0x178) return 0xFF;
    if (cp >= 0x149 && cp <= 0x177) return (cp % 2 == 0) ? cp + 1 : cp;
    return (cp % 2 == 0) ? cp + 1 : cp;
  }
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 32;      // Greek
  if (cp >= 0x410 && cp <= 0x42F) return cp + 32;                     // Cyrillic А..Я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 80;                     // Ѐ..Џ (Ё, Є, І, Ї ...)
  if (cp >= 0x460 && cp <= 0x4FF && cp % 2 == 0) return cp + 1;       // rarer Cyrillic pairs
  return cp;
}

}  // namespace

std::string_view Trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && IsAsciiSpace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && IsAsciiSpace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string CollapseWhitespace(std::string_view s) {
  WhitespaceCollapser c;
  c.Reserve(s.size());
  c.Append(s);
  return c.Take();
}

namespace {

// How far the run loop of WhitespaceCollapser::Append may go from `q` without looking at bytes one
// by one: past bytes that are no control byte, no 0xC2 (a possible U+00A0) and no space but single
// ones followed by another such byte (so each stays as it is). Sixteen bytes at a time with SSE2,
// else eight.
const char* SkipPlainText(const char* q, const char* end) {
#if defined(__SSE2__)
  // Sixteen bytes at a time, and to the exact byte: the first control byte, 0xC2, or space followed
  // by a space, a control byte, 0xC2 or the end of the 16.
  const __m128i below_space_max = _mm_set1_epi8(0x1F), nbsp_lead = _mm_set1_epi8(static_cast<char>(0xC2)),
                space = _mm_set1_epi8(' ');
  while (end - q >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i special = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, below_space_max), v),  // v <= 0x1F
                                         _mm_cmpeq_epi8(v, nbsp_lead));
    const unsigned special_mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    const unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    const unsigned stop = special_mask | (spaces & ((spaces | special_mask) >> 1)) | (spaces & 0x8000u);
    if (stop != 0) return q + std::countr_zero(stop);
    q += 16;
  }
#endif
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull, kLow7 = ~kHigh;
  // High bit of every byte of `x` that is 0 (exact, no false positives from borrows).
  auto zero_bytes = [&](std::uint64_t x) { return ~(((x & kLow7) + kLow7) | x | kLow7); };
  while (end - q >= 8) {
    std::uint64_t w;
    std::memcpy(&w, q, 8);
    const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;  // bytes < 0x20 (and a few false ones)
    const std::uint64_t nbsp_lead = zero_bytes(w ^ (kOnes * 0xC2));
    const std::uint64_t spaces = zero_bytes(w ^ (kOnes * 0x20));
    // A space in the last byte, or two in a row (little-endian: byte i+1 sits 8 bits higher).
    const std::uint64_t bad_spaces = (spaces & (spaces << 8)) | (spaces & (std::uint64_t{0x80} << 56));
    if ((below_space | nbsp_lead | bad_spaces) != 0) break;
    q += 8;
  }
  return q;
}

}  // namespace

// Copies runs of kept bytes whole; a whitespace run only leaves a pending space behind, written
// before the next kept byte (so nothing is written at the start or the end). A single ' ' between
// two kept bytes stays as it is, so a run spans whole phrases ("free shipping today"), not words.
void WhitespaceCollapser::Append(std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  auto kind_at = [](const char* q) { return kByteKinds[static_cast<unsigned char>(*q)]; };
  auto is_space_at = [&](const char* q) {
    const unsigned char kind = kind_at(q);
    return kind == kSpace || (kind == kMaybeNbsp && q + 1 < end && static_cast<unsigned char>(q[1]) == 0xA0);
  };
  while (p < end) {
    if (is_space_at(p)) {
      pending_space_ = !out_.empty();
      p += kind_at(p) == kSpace ? 1 : 2;
      continue;
    }
    const char* q = p + 1;
    for (;;) {
      q = SkipPlainText(q, end);
      if (q >= end) break;
      const unsigned char kind = kind_at(q);
      if (kind == kOther) {
        ++q;
      } else if (*q == ' ' && q + 1 < end && kind_at(q + 1) == kOther) {
        q += 2;  // one plain space between kept bytes
      } else if (!is_space_at(q)) {
        ++q;  // 0xC2 not followed by 0xA0
      } else {
        break;
      }
    }
    if (pending_space_) out_ += ' ';
    pending_space_ = false;
    out_.append(p, static_cast<std::size_t>(q - p));
    p = q;
  }
}

void WhitespaceCollapser::Collapse(std::string_view s, CollapsedPiece* out) {
  WhitespaceCollapser c;
  c.out_.swap(out->body);
  c.out_.clear();
  c.Append(s);
  out->space_after = c.pending_space_;
  out->body.swap(c.out_);
  const unsigned char first = s.empty() ? static_cast<unsigned char>(kOther) : kByteKinds[static_cast<unsigned char>(s[0])];
  out->space_before = first == kSpace || (first == kMaybeNbsp && s.size() > 1 && static_cast<unsigned char>(s[1]) == 0xA0);
}

void WhitespaceCollapser::Append(const CollapsedPiece& piece) {
  if (piece.space_before) pending_space_ = !out_.empty();
  if (!piece.body.empty()) {
    if (pending_space_) out_ += ' ';
    out_ += piece.body;
    pending_space_ = false;
  }
  if (piece.space_after) pending_space_ = !out_.empty();
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  return out;
}

std::string FoldCase(std::string_view s) {
  std::string out;
  AppendFolded(s, &out);
  return out;
}

// Writes into space reserved up front (LowerCodePoint never lengthens a character's UTF-8), ASCII
// without decoding.
namespace {

// Writes FoldCase(s) at `o` and returns its end. `o` may be s.data() itself (folding in place):
// each character is read before its folded form, never longer, is written at or before it.
char* FoldInto(std::string_view s, char* o) {
  for (std::size_t i = 0; i < s.size();) {
    std::uint64_t w;
    if (s.size() - i >= 8 && (std::memcpy(&w, s.data() + i, 8), (w & 0x8080808080808080ull) == 0)) {
      // Eight ASCII bytes at once: 0x20 added to each of 'A'..'Z' (no byte carries into the next,
      // since every byte is below 0x80).
      constexpr std::uint64_t kOnes = 0x0101010101010101ull;
      const std::uint64_t at_least_a = w + kOnes * (0x80 - 'A'), above_z = w + kOnes * (0x80 - 'Z' - 1);
      w |= ((at_least_a & ~above_z) & (kOnes * 0x80)) >> 2;
      std::memcpy(o, &w, 8);
      o += 8;
      i += 8;
      continue;
    }
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {  // the common case, without decoding
      *o++ = static_cast<char>(static_cast<unsigned>(b - 'A') < 26u ? b + 32 : b);
      ++i;
      continue;
    }
    std::size_t len;
    const int32_t cp = DecodeOne(s, i, &len);
    if (cp < 0) {
      *o++ = s[i];
    } else {
      o = WriteUtf8(o, LowerCodePoint(cp));
    }
    i += len;
  }
  return o;
}

}  // namespace

void AppendFolded(std::string_view s, std::string* out) {
  const std::size_t old_size = out->size();
  out->resize(old_size + s.size());
  char* o = FoldInto(s, out->data() + old_size);
  out->resize(static_cast<std::size_t>(o - out->data()));
}

void FoldInPlace(std::string* s) {
  char* o = FoldInto(*s, s->data());
  s->resize(static_cast<std::size_t>(o - s->data()));
}

bool IsValidUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    i += AsciiPrefix(s.data() + i, s.data() + s.size());
    if (i >= s.size()) break;
    std::size_t len;
    if (DecodeOne(s, i, &len) < 0) return false;
    i += len;
  }
  return true;
}

std::string_view Utf8Prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

void AppendUtf8Prefix(std::string_view piece, std::size_t max_bytes, std::string* out) {
  if (out->size() < max_bytes) out->append(Utf8Prefix(piece, max_bytes - out->size()));
}

std::string SanitizeUtf8(std::string_view s, std::size_t* replaced) {
  // Most input is already valid and NUL-free: find the first byte that needs work, then copy
  // everything before it at once.
  std::size_t clean = 0;
  while (clean < s.size()) {
    clean += AsciiPrefix(s.data() + clean, s.data() + s.size(), /*stop_at_nul=*/true);
    if (clean >= s.size() || s[clean] == '\0') break;
    std::size_t len;
    if (DecodeOne(s, clean, &len) < 0) break;
    clean += len;
  }
  std::string out;
  out.reserve(s.size());
  out.append(s.substr(0, clean));
  std::size_t count = 0;
  for (std::size_t i = clean; i < s.size();) {
    std::size_t len;
    const int32_t cp = DecodeOne(s, i, &len);
    if (cp == 0) {
      ++count;
    } else if (cp < 0) {
      out += "\xEF\xBF\xBD";
      ++count;
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  if (replaced) *replaced = count;
  return out;
}

std::size_t CodePointCount(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t ascii = AsciiPrefix(s.data() + i, s.data() + s.size());  // without decoding
    i += ascii;
    n += ascii;
    if (i >= s.size()) break;
    std::size_t len;
    DecodeOne(s, i, &len);
    i += len;
    ++n;
  }
  return n;
}

std::string Truncate(std::string_view s, std::size_t max_code_points) {
  std::size_t i = 0, n = 0;
  while (i < s.size() && n < max_code_points) {
    std::size_t len;
    DecodeOne(s, i, &len);
    i += len;
    ++n;
  }
  if (i >= s.size()) return std::string(s);
  return std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

std::vector<std::string> SplitTrimmed(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view piece = Trim(s.substr(start, end - start));
    if (!piece.empty()) out.emplace_back(piece);
    start = end + 1;
  }
  return out;
}

// Classic two-pointer glob matching: on a mismatch, retry from the most recent "*" with one more
// character swallowed. Earlier stars never need revisiting (a later star can absorb whatever they
// would have), so the work is O(|pattern| * |path|) at worst, never exponential. "?" takes one
// UTF-8 character, not one byte.
bool GlobMatch(std::string_view pattern, std::string_view path) {
  auto char_len = [](std::string_view s, std::size_t i) -> std::size_t {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    return std::min(n, s.size() - i);
  };
  std::size_t p = 0, s = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = s;
    } else if (p < pattern.size() && pattern[p] == '?') {
      ++p;
      s += char_len(path, s);
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      resume += char_len(path, resume);
      s = resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}


bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (lower(s[i]) != lower(prefix[i])) return false;
  return true;
}

std::size_t FindByteInRange(std::string_view s, std::size_t from, char lo, char hi) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kLow7 = kOnes * 0x7F, kHigh = kOnes * 0x80;
  const auto l = static_cast<std::uint64_t>(static_cast<unsigned char>(lo));
  const auto h = static_cast<std::uint64_t>(static_cast<unsigned char>(hi));
  std::size_t i = from;
#if defined(__SSE2__)
  // Sixteen bytes at a time: b - lo, as an unsigned byte, is at most hi - lo exactly for the bytes
  // in range.
  {
    const __m128i low = _mm_set1_epi8(lo), width = _mm_set1_epi8(static_cast<char>(h - l));
    for (; i + 16 <= s.size(); i += 16) {
      const __m128i d = _mm_sub_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)), low);
      const unsigned hits = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, width), d)));
      if (hits != 0) return i + static_cast<std::size_t>(std::countr_zero(hits));
    }
  }
#endif
  while (i + 8 <= s.size()) {
    std::uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    // High bit of every byte b with lo <= b <= hi ("hasbetween" on the low 7 bits, bytes with the
    // high bit set excluded): (127 + hi + 1 - b7) keeps its high bit while b7 <= hi, (b7 + 127 -
    // (lo - 1)) gets it once b7 >= lo. No byte carries into the next.
    const std::uint64_t b7 = w & kLow7;
    const std::uint64_t in_range = (kOnes * (127 + h + 1) - b7) & ~w & (b7 + kOnes * (127 - (l - 1))) & kHigh;
    if (in_range != 0) break;
    i += 8;
  }
  for (; i < s.size(); ++i)
    if (s[i] >= lo && s[i] <= hi) return i;
  return s.size();
}

bool EqualsIgnoreCase(std::string_view s, std::string_view t) {
  return s.size() == t.size() && StartsWithIgnoreCase(s, t);
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
    if (StartsWithIgnoreCase(haystack.substr(i), needle)) return true;
  return false;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace mmaudit::text
