#include "facts/charset.h"

#include <iconv.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "core/text.h"

namespace mmaudit::facts {
namespace {

constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::size_t kPrescanBytes = 1024;
// Valid UTF-8 declared as a multi-byte legacy charset is taken as UTF-8 from this many non-ASCII
// characters on: real Shift_JIS, EUC or GBK text is hardly ever valid UTF-8 for that long.
constexpr std::size_t kEnoughMultibyteSequences = 8;

// ---------------------------------------------------------------------------------------------
// The WHATWG Encoding Standard label table (https://encoding.spec.whatwg.org/#names-and-labels),
// complete. Names are lower case; "replacement" marks labels of encodings that must not be decoded
// (ISO-2022-KR, HZ ...), and DecodeToUtf8 ignores them.

struct Label {
  std::string_view label;
  std::string_view name;
};

// clang-format off
constexpr Label kLabels[] = {
    // UTF-8
    {"unicode-1-1-utf-8", "utf-8"}, {"unicode11utf8", "utf-8"}, {"unicode20utf8", "utf-8"},
    {"utf-8", "utf-8"}, {"utf8", "utf-8"}, {"x-unicode20utf8", "utf-8"},
    // Legacy single-byte encodings
    {"866", "ibm866"}, {"cp866", "ibm866"}, {"csibm866", "ibm866"}, {"ibm866", "ibm866"},
    {"csisolatin2", "iso-8859-2"}, {"iso-8859-2", "iso-8859-2"}, {"iso-ir-101", "iso-8859-2"},
    {"iso8859-2", "iso-8859-2"}, {"iso88592", "iso-8859-2"}, {"iso_8859-2", "iso-8859-2"},
    {"iso_8859-2:1987", "iso-8859-2"}, {"l2", "iso-8859-2"}, {"latin2", "iso-8859-2"},
    {"csisolatin3", "iso-8859-3"}, {"iso-8859-3", "iso-8859-3"}, {"iso-ir-109", "iso-8859-3"},
    {"iso8859-3", "iso-8859-3"}, {"iso88593", "iso-8859-3"}, {"iso_8859-3", "iso-8859-3"},
    {"iso_8859-3:1988", "iso-8859-3"}, {"l3", "iso-8859-3"}, {"latin3", "iso-8859-3"},
    {"csisolatin4", "iso-8859-4"}, {"iso-8859-4", "iso-8859-4"}, {"iso-ir-110", "iso-8859-4"},
    {"iso8859-4", "iso-8859-4"}, {"iso88594", "iso-8859-4"}, {"iso_8859-4", "iso-8859-4"},
    {"iso_8859-4:1988", "iso-8859-4"}, {"l4", "iso-8859-4"}, {"latin4", "iso-8859-4"},
    {"csisolatincyrillic", "iso-8859-5"}, {"cyrillic", "iso-8859-5"}, {"iso-8859-5", "iso-8859-5"},
    {"iso-ir-144", "iso-8859-5"}, {"iso8859-5", "iso-8859-5"}, {"iso88595", "iso-8859-5"},
    {"iso_8859-5", "iso-8859-5"}, {"iso_8859-5:1988", "iso-8859-5"},
    {"arabic", "iso-8859-6"}, {"asmo-708", "iso-8859-6"}, {"csiso88596e", "iso-8859-6"},
    {"csiso88596i", "iso-8859-6"}, {"csisolatinarabic", "iso-8859-6"}, {"ecma-114", "iso-8859-6"},
    {"iso-8859-6", "iso-8859-6"}, {"iso-8859-6-e", "iso-8859-6"}, {"iso-8859-6-i", "iso-8859-6"},
    {"iso-ir-127", "iso-8859-6"}, {"iso8859-6", "iso-8859-6"}, {"iso88596", "iso-8859-6"},
    {"iso_8859-6", "iso-8859-6"}, {"iso_8859-6:1987", "iso-8859-6"},
    {"csisolatingreek", "iso-8859-7"}, {"ecma-118", "iso-8859-7"}, {"elot_928", "iso-8859-7"},
    {"greek", "iso-8859-7"}, {"greek8", "iso-8859-7"}, {"iso-8859-7", "iso-8859-7"},
    {"iso-ir-126", "iso-8859-7"}, {"iso8859-7", "iso-8859-7"}, {"iso88597", "iso-8859-7"},
    {"iso_8859-7", "iso-8859-7"}, {"iso_8859-7:1987", "iso-8859-7"}, {"sun_eu_greek", "iso-8859-7"},
    {"csiso88598e", "iso-8859-8"}, {"csisolatinhebrew", "iso-8859-8"}, {"hebrew", "iso-8859-8"},
    {"iso-8859-8", "iso-8859-8"}, {"iso-8859-8-e", "iso-8859-8"}, {"iso-ir-138", "iso-8859-8"},
    {"iso8859-8", "iso-8859-8"}, {"iso88598", "iso-8859-8"}, {"iso_8859-8", "iso-8859-8"},
    {"iso_8859-8:1988", "iso-8859-8"}, {"visual", "iso-8859-8"},
    {"csiso88598i", "iso-8859-8-i"}, {"iso-8859-8-i", "iso-8859-8-i"}, {"logical", "iso-8859-8-i"},
    {"csisolatin6", "iso-8859-10"}, {"iso-8859-10", "iso-8859-10"}, {"iso-ir-157", "iso-8859-10"},
    {"iso8859-10", "iso-8859-10"}, {"iso885910", "iso-8859-10"}, {"l6", "iso-8859-10"},
    {"latin6", "iso-8859-10"},
    {"iso-8859-13", "iso-8859-13"}, {"iso8859-13", "iso-8859-13"}, {"iso885913", "iso-8859-13"},
    {"iso-8859-14", "iso-8859-14"}, {"iso8859-14", "iso-8859-14"}, {"iso885914", "iso-8859-14"},
    {"csisolatin9", "iso-8859-15"}, {"iso-8859-15", "iso-8859-15"}, {"iso8859-15", "iso-8859-15"},
    {"iso885915", "iso-8859-15"}, {"iso_8859-15", "iso-8859-15"}, {"l9", "iso-8859-15"},
    {"iso-8859-16", "iso-8859-16"},
    {"cskoi8r", "koi8-r"}, {"koi", "koi8-r"}, {"koi8", "koi8-r"}, {"koi8-r", "koi8-r"},
    {"koi8_r", "koi8-r"},
    {"koi8-ru", "koi8-u"}, {"koi8-u", "koi8-u"},
    {"csmacintosh", "macintosh"}, {"mac", "macintosh"}, {"macintosh", "macintosh"},
    {"x-mac-roman", "macintosh"},
    {"dos-874", "windows-874"}, {"iso-8859-11", "windows-874"}, {"iso8859-11", "windows-874"},
    {"iso885911", "windows-874"}, {"tis-620", "windows-874"}, {"windows-874", "windows-874"},
    {"cp1250", "windows-1250"}, {"windows-1250", "windows-1250"}, {"x-cp1250", "windows-1250"},
    {"cp1251", "windows-1251"}, {"windows-1251", "windows-1251"}, {"x-cp1251", "windows-1251"},
    {"ansi_x3.4-1968", "windows-1252"}, {"ascii", "windows-1252"}, {"cp1252", "windows-1252"},
    {"cp819", "windows-1252"}, {"csisolatin1", "windows-1252"}, {"ibm819", "windows-1252"},
    {"iso-8859-1", "windows-1252"}, {"iso-ir-100", "windows-1252"}, {"iso8859-1", "windows-1252"},
    {"iso88591", "windows-1252"}, {"iso_8859-1", "windows-1252"},
    {"iso_8859-1:1987", "windows-1252"}, {"l1", "windows-1252"}, {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"}, {"windows-1252", "windows-1252"}, {"x-cp1252", "windows-1252"},
    {"cp1253", "windows-1253"}, {"windows-1253", "windows-1253"}, {"x-cp1253", "windows-1253"},
    {"cp1254", "windows-1254"}, {"csisolatin5", "windows-1254"}, {"iso-8859-9", "windows-1254"},
    {"iso-ir-148", "windows-1254"}, {"iso8859-9", "windows-1254"}, {"iso88599", "windows-1254"},
    {"iso_8859-9", "windows-1254"}, {"iso_8859-9:1989", "windows-1254"}, {"l5", "windows-1254"},
    {"latin5", "windows-1254"}, {"windows-1254", "windows-1254"}, {"x-cp1254", "windows-1254"},
    {"cp1255", "windows-1255"}, {"windows-1255", "windows-1255"}, {"x-cp1255", "windows-1255"},
    {"cp1256", "windows-1256"}, {"windows-1256", "windows-1256"}, {"x-cp1256", "windows-1256"},
    {"cp1257", "windows-1257"}, {"windows-1257", "windows-1257"}, {"x-cp1257", "windows-1257"},
    {"cp1258", "windows-1258"}, {"windows-1258", "windows-1258"}, {"x-cp1258", "windows-1258"},
    {"x-mac-cyrillic", "x-mac-cyrillic"}, {"x-mac-ukrainian", "x-mac-cyrillic"},
    // Legacy multi-byte Chinese (simplified)
    {"chinese", "gbk"}, {"csgb2312", "gbk"}, {"csiso58gb231280", "gbk"}, {"gb2312", "gbk"},
    {"gb_2312", "gbk"}, {"gb_2312-80", "gbk"}, {"gbk", "gbk"}, {"iso-ir-58", "gbk"},
    {"x-gbk", "gbk"},
    {"gb18030", "gb18030"},
    // Legacy multi-byte Chinese (traditional)
    {"big5", "big5"}, {"big5-hkscs", "big5"}, {"cn-big5", "big5"}, {"csbig5", "big5"},
    {"x-x-big5", "big5"},
    // Legacy multi-byte Japanese
    {"cseucpkdfmtjapanese", "euc-jp"}, {"euc-jp", "euc-jp"}, {"x-euc-jp", "euc-jp"},
    {"csiso2022jp", "iso-2022-jp"}, {"iso-2022-jp", "iso-2022-jp"},
    {"csshiftjis", "shift_jis"}, {"ms932", "shift_jis"}, {"ms_kanji", "shift_jis"},
    {"shift-jis", "shift_jis"}, {"shift_jis", "shift_jis"}, {"sjis", "shift_jis"},
    {"windows-31j", "shift_jis"}, {"x-sjis", "shift_jis"},
    // Legacy multi-byte Korean
    {"cseuckr", "euc-kr"}, {"csksc56011987", "euc-kr"}, {"euc-kr", "euc-kr"},
    {"iso-ir-149", "euc-kr"}, {"korean", "euc-kr"}, {"ks_c_5601-1987", "euc-kr"},
    {"ks_c_5601-1989", "euc-kr"}, {"ksc5601", "euc-kr"}, {"ksc_5601", "euc-kr"},
    {"windows-949", "euc-kr"},
    // Legacy miscellaneous
    {"csiso2022kr", "replacement"}, {"hz-gb-2312", "replacement"}, {"iso-2022-cn", "replacement"},
    {"iso-2022-cn-ext", "replacement"}, {"iso-2022-kr", "replacement"},
    {"replacement", "replacement"},
    {"unicodefffe", "utf-16be"}, {"utf-16be", "utf-16be"},
    {"csunicode", "utf-16le"}, {"iso-10646-ucs-2", "utf-16le"}, {"ucs-2", "utf-16le"},
    {"unicode", "utf-16le"}, {"unicodefeff", "utf-16le"}, {"utf-16", "utf-16le"},
    {"utf-16le", "utf-16le"},
    {"x-user-defined", "x-user-defined"},
};
// clang-format on

// How glibc iconv spells each encoding. Where glibc has a superset closer to what browsers do, it
// is preferred: WHATWG shift_jis is Windows-31J (CP932), euc-kr is Windows-949 (CP949), big5
// includes HKSCS, gbk is decoded by the gb18030 decoder, koi8-u is KOI8-RU, euc-jp includes the
// NEC/IBM extensions (EUC-JP-MS), and iso-2022-jp accepts half-width katakana (ISO-2022-JP-2).
struct Encoding {
  std::string_view name;
  const char* iconv_name;
  bool single_byte;
};

constexpr Encoding kEncodings[] = {
    {"utf-8", "UTF-8", false},
    {"ibm866", "IBM866", true},
    {"iso-8859-2", "ISO-8859-2", true},
    {"iso-8859-3", "ISO-8859-3", true},
    {"iso-8859-4", "ISO-8859-4", true},
    {"iso-8859-5", "ISO-8859-5", true},
    {"iso-8859-6", "ISO-8859-6", true},
    {"iso-8859-7", "ISO-8859-7", true},
    {"iso-8859-8", "ISO-8859-8", true},
    {"iso-8859-8-i", "ISO-8859-8", true},
    {"iso-8859-10", "ISO-8859-10", true},
    {"iso-8859-13", "ISO-8859-13", true},
    {"iso-8859-14", "ISO-8859-14", true},
    {"iso-8859-15", "ISO-8859-15", true},
    {"iso-8859-16", "ISO-8859-16", true},
    {"koi8-r", "KOI8-R", true},
    {"koi8-u", "KOI8-RU", true},
    {"macintosh", "MACINTOSH", true},
    {"windows-874", "CP874", true},
    {"windows-1250", "CP1250", true},
    {"windows-1251", "CP1251", true},
    {"windows-1252", "CP1252", true},
    {"windows-1253", "CP1253", true},
    {"windows-1254", "CP1254", true},
    {"windows-1255", "CP1255", true},
    {"windows-1256", "CP1256", true},
    {"windows-1257", "CP1257", true},
    {"windows-1258", "CP1258", true},
    {"x-mac-cyrillic", "MAC-CYRILLIC", true},
    {"x-user-defined", "CP1252", true},  // never used: resolved to windows-1252 before decoding
    {"gbk", "GB18030", false},
    {"gb18030", "GB18030", false},
    {"big5", "BIG5-HKSCS", false},
    {"euc-jp", "EUC-JP-MS", false},
    {"iso-2022-jp", "ISO-2022-JP-2", false},
    {"shift_jis", "CP932", false},
    {"euc-kr", "CP949", false},
    {"utf-16be", "UTF-16BE", false},
    {"utf-16le", "UTF-16LE", false},
};

const Encoding* FindEncoding(std::string_view name) {
  for (const Encoding& e : kEncodings) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool IsAsciiWhitespace(char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool StartsWithNoCase(std::string_view s, std::size_t pos, std::string_view prefix) {
  if (pos > s.size() || s.size() - pos < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLowerChar(s[pos + i]) != prefix[i]) return false;
  }
  return true;
}

bool IsUtf16(std::string_view name) { return name == "utf-16le" || name == "utf-16be"; }

// An encoding as it is used for decoding: x-user-defined is decoded as windows-1252 (its real
// decoder maps bytes to the Private Use Area, which helps nobody reading a shop page).
std::string_view ForDecoding(std::string_view name) {
  return name == "x-user-defined" ? std::string_view("windows-1252") : name;
}

// ---------------------------------------------------------------------------------------------
// The charset parameter of a Content-Type value, lower case, unquoted; "" when there is none.
// Follows the WHATWG MIME type parser loosely: the first charset parameter wins, values may be
// quoted strings with backslash escapes.

std::string HttpCharset(std::string_view ct) {
  std::size_t i = ct.find(';');
  while (i != std::string_view::npos && i < ct.size()) {
    ++i;  // past ';'
    while (i < ct.size() && IsAsciiWhitespace(ct[i])) ++i;
    std::string name;
    while (i < ct.size() && ct[i] != ';' && ct[i] != '=') name += AsciiLowerChar(ct[i++]);
    if (i >= ct.size()) break;
    if (ct[i] == ';') continue;
    ++i;  // past '='
    std::string value;
    if (i < ct.size() && ct[i] == '"') {
      ++i;
      while (i < ct.size() && ct[i] != '"') {
        if (ct[i] == '\\' && i + 1 < ct.size()) ++i;
        value += ct[i++];
      }
      i = ct.find(';', i);
    } else {
      const std::size_t end = ct.find(';', i);
      value = std::string(
          text::Trim(ct.substr(i, end == std::string_view::npos ? ct.size() - i : end - i)));
      i = end;
    }
    if (std::string(text::Trim(name)) == "charset") {
      return text::AsciiLower(text::Trim(value));
    }
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// The HTML standard's "prescan a byte stream to determine its encoding", over at most the first
// 1024 bytes: comments, other tags and their attributes are skipped so that a <meta> inside a
// comment or an attribute value does not count.

struct MetaScan {
  std::string label;          // the label that decided, lower case ("" when none)
  std::string encoding;       // its encoding after the prescan's fix-ups (UTF-16 -> UTF-8 ...)
  std::string raw_encoding;   // its encoding before them
  std::string unknown_label;  // the first label that named no encoding
};

class Prescanner {
 public:
  explicit Prescanner(std::string_view window) : s_(window) {}

  MetaScan Run() {
    while (pos_ < s_.size()) {
      if (StartsWithNoCase(s_, pos_, "<!--")) {
        // The '>' of "-->" may share its dashes with "<!--" ("<!-->").
        const std::size_t end = s_.find("-->", pos_ + 2);
        if (end == std::string_view::npos) break;
        pos_ = end + 3;
        continue;
      }
      if (StartsWithNoCase(s_, pos_, "<meta") && pos_ + 5 < s_.size() &&
          (IsAsciiWhitespace(s_[pos_ + 5]) || s_[pos_ + 5] == '/')) {
        pos_ += 6;
        if (!ProcessMeta()) break;
        if (!result_.encoding.empty()) return result_;
        ++pos_;
        continue;
      }
      if (s_[pos_] == '<' && pos_ + 1 < s_.size() &&
          (IsAsciiAlpha(s_[pos_ + 1]) ||
           (s_[pos_ + 1] == '/' && pos_ + 2 < s_.size() && IsAsciiAlpha(s_[pos_ + 2])))) {
        // Another tag: skip its name and attributes (so their values cannot look like markup).
        while (pos_ < s_.size() && !IsAsciiWhitespace(s_[pos_]) && s_[pos_] != '>') ++pos_;
        std::string name, value;
        Attr a;
        while ((a = GetAttribute(&name, &value)) == Attr::kFound) {
        }
        if (a == Attr::kOutOfBytes) break;
        ++pos_;
        continue;
      }
      if (StartsWithNoCase(s_, pos_, "<!") || StartsWithNoCase(s_, pos_, "</") ||
          StartsWithNoCase(s_, pos_, "<?")) {
        const std::size_t end = s_.find('>', pos_ + 2);
        if (end == std::string_view::npos) break;
        pos_ = end + 1;
        continue;
      }
      ++pos_;
    }
    result_.label.clear();  // ran out of bytes without a usable declaration
    result_.encoding.clear();
    result_.raw_encoding.clear();
    return result_;
  }

 private:
  enum class Attr { kFound, kNone, kOutOfBytes };

  // Returns false when the window ended inside the tag (the prescan then gives up, as the
  // standard says).
  bool ProcessMeta() {
    std::string names_seen = "|";
    bool got_pragma = false;
    int need_pragma = -1;  // -1 null, 0 false, 1 true
    bool have_charset = false;
    std::string charset_label;
    std::string name, value;
    for (;;) {
      const Attr a = GetAttribute(&name, &value);
      if (a == Attr::kOutOfBytes) return false;
      if (a == Attr::kNone) break;
      if (names_seen.find("|" + name + "|") != std::string::npos) continue;
      names_seen += name + "|";
      if (name == "http-equiv") {
        if (value == "content-type") got_pragma = true;
      } else if (name == "content") {
        std::string label;
        if (!have_charset && CharsetFromMetaContent(value, &label)) {
          if (!CanonicalCharset(label).empty()) {
            have_charset = true;
            charset_label = label;
            need_pragma = 1;
          } else if (result_.unknown_label.empty()) {
            result_.unknown_label = label;
          }
        }
      } else if (name == "charset") {
        if (!have_charset) {
          have_charset = true;
          charset_label = std::string(text::Trim(value));
          need_pragma = 0;
        }
      }
    }
    if (need_pragma == -1 || (need_pragma == 1 && !got_pragma) || !have_charset) return true;
    const std::string raw = CanonicalCharset(charset_label);
    if (raw.empty() || raw == "replacement") {
      if (result_.unknown_label.empty()) result_.unknown_label = charset_label;
      return true;
    }
    result_.label = charset_label;
    result_.raw_encoding = raw;
    if (IsUtf16(raw)) {
      result_.encoding = "utf-8";
    } else if (raw == "x-user-defined") {
      result_.encoding = "windows-1252";
    } else {
      result_.encoding = raw;
    }
    return true;
  }

  // The standard's "get an attribute": name and value come back lower case.
  Attr GetAttribute(std::string* name, std::string* value) {
    name->clear();
    value->clear();
    while (pos_ < s_.size() && (IsAsciiWhitespace(s_[pos_]) || s_[pos_] == '/')) ++pos_;
    if (pos_ >= s_.size()) return Attr::kOutOfBytes;
    if (s_[pos_] == '>') return Attr::kNone;
    // The name, up to '=' (a leading '=' belongs to the name), whitespace, '/' or '>'.
    bool equals = false;
    for (;;) {
      if (pos_ >= s_.size()) return Attr::kOutOfBytes;
      const char c = s_[pos_];
      if (c == '=' && !name->empty()) {
        ++pos_;
        equals = true;
        break;
      }
      if (IsAsciiWhitespace(c)) break;
      if (c == '/' || c == '>') return Attr::kFound;
      *name += AsciiLowerChar(c);
      ++pos_;
    }
    if (!equals) {
      while (pos_ < s_.size() && IsAsciiWhitespace(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) return Attr::kOutOfBytes;
      if (s_[pos_] != '=') return Attr::kFound;  // an attribute without a value
      ++pos_;
    }
    // The value: quoted, or up to whitespace or '>'.
    while (pos_ < s_.size() && IsAsciiWhitespace(s_[pos_])) ++pos_;
    if (pos_ >= s_.size()) return Attr::kOutOfBytes;
    if (s_[pos_] == '"' || s_[pos_] == '\'') {
      const char quote = s_[pos_++];
      for (;;) {
        if (pos_ >= s_.size()) return Attr::kOutOfBytes;
        if (s_[pos_] == quote) {
          ++pos_;
          return Attr::kFound;
        }
        *value += AsciiLowerChar(s_[pos_++]);
      }
    }
    if (s_[pos_] == '>') return Attr::kFound;
    for (;;) {
      if (pos_ >= s_.size()) return Attr::kOutOfBytes;
      const char c = s_[pos_];
      if (IsAsciiWhitespace(c) || c == '>') return Attr::kFound;
      *value += AsciiLowerChar(c);
      ++pos_;
    }
  }

  // The standard's "extract a character encoding from a meta element" (the label only).
  static bool CharsetFromMetaContent(std::string_view s, std::string* label) {
    std::size_t pos = 0;
    for (;;) {
      const std::size_t found = s.find("charset", pos);  // `s` is already lower case
      if (found == std::string_view::npos) return false;
      pos = found + 7;
      while (pos < s.size() && IsAsciiWhitespace(s[pos])) ++pos;
      if (pos < s.size() && s[pos] == '=') break;
    }
    ++pos;
    while (pos < s.size() && IsAsciiWhitespace(s[pos])) ++pos;
    if (pos >= s.size()) return false;
    if (s[pos] == '"' || s[pos] == '\'') {
      const std::size_t end = s.find(s[pos], pos + 1);
      if (end == std::string_view::npos) return false;
      *label = std::string(s.substr(pos + 1, end - pos - 1));
      return true;
    }
    std::size_t end = pos;
    while (end < s.size() && !IsAsciiWhitespace(s[end]) && s[end] != ';') ++end;
    *label = std::string(s.substr(pos, end - pos));
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  MetaScan result_;
};

// ---------------------------------------------------------------------------------------------
// iconv.

class Iconv {
 public:
  explicit Iconv(const char* from) : cd_(iconv_open("UTF-8", from)) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

// Decodes `in` from `from` to UTF-8. An undecodable or truncated sequence becomes U+FFFD and
// decoding resumes one code unit (`unit` bytes: 2 for UTF-16, else 1) later. Returns false when
// iconv cannot open the conversion.
bool IconvDecode(std::string_view in, const char* from, std::size_t unit, std::string* out,
                 std::size_t* replaced) {
  Iconv cd(from);
  if (!cd.ok()) return false;
  out->assign(in.size() + in.size() / 2 + 64, '\0');
  std::size_t used = 0;
  char* inp = const_cast<char*>(in.data());  // iconv's signature; the input is not written
  std::size_t inleft = in.size();
  for (;;) {
    if (out->size() - used < kReplacementChar.size()) out->resize(out->size() * 2);
    char* outp = out->data() + used;
    std::size_t outleft = out->size() - used;
    const bool flushing = inleft == 0;  // emits what a stateful decoder still holds
    const std::size_t r = flushing ? iconv(cd.get(), nullptr, nullptr, &outp, &outleft)
                                   : iconv(cd.get(), &inp, &inleft, &outp, &outleft);
    const int err = errno;
    used = static_cast<std::size_t>(outp - out->data());
    if (r != static_cast<std::size_t>(-1)) {
      if (flushing) break;
      continue;  // all input consumed: flush next
    }
    if (err == E2BIG) {
      out->resize(out->size() * 2);
      continue;
    }
    if (flushing) break;  // nothing sensible left to do
    // EILSEQ (an invalid sequence), EINVAL (a sequence cut off by the end) or anything else:
    // replace one code unit and go on, so that the loop always makes progress.
    if (out->size() - used < kReplacementChar.size()) out->resize(out->size() * 2);
    kReplacementChar.copy(out->data() + used, kReplacementChar.size());
    used += kReplacementChar.size();
    const std::size_t skip = inleft < unit ? inleft : unit;
    inp += skip;
    inleft -= skip;
    ++*replaced;
  }
  out->resize(used);
  return true;
}

std::size_t CountNuls(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += c == '\0';
  return n;
}

// In valid UTF-8: the number of characters outside ASCII.
std::size_t CountMultibyteSequences(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += static_cast<unsigned char>(c) >= 0xC0;
  return n;
}

bool HasNonAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// Makes `s` valid UTF-8 without NULs, adding the U+FFFD it inserts (not the NULs it drops) to
// *replaced.
std::string Sanitize(std::string_view s, std::size_t* replaced) {
  std::size_t n = 0;
  std::string out = text::SanitizeUtf8(s, &n);
  if (n > 0) *replaced += n - CountNuls(s);  // SanitizeUtf8 counts dropped NULs too
  return out;
}

void AddMismatch(Decoded* d, const std::string& message) {
  d->declared_wrong = true;
  if (!d->mismatch.empty()) d->mismatch += "; ";
  d->mismatch += message;
}

void AddError(Decoded* d, const std::string& message) {
  if (!d->error.empty()) d->error += "; ";
  d->error += message;
}

// Decodes `body` as `encoding` (a canonical name) into d->utf8, d->charset and d->replaced. Falls
// back to windows-1252, then to UTF-8 with replacements, when iconv cannot open the conversion.
void DecodeAs(std::string_view body, std::string_view encoding, Decoded* d) {
  d->replaced = 0;
  const Encoding* e = FindEncoding(ForDecoding(encoding));
  if (e != nullptr && e->name == "utf-8") {
    d->charset = "utf-8";
    d->utf8 = Sanitize(body, &d->replaced);
    return;
  }
  std::string out;
  if (e != nullptr &&
      IconvDecode(body, e->iconv_name, IsUtf16(e->name) ? 2 : 1, &out, &d->replaced)) {
    d->charset = std::string(e->name);
    d->utf8 = Sanitize(out, &d->replaced);
    return;
  }
  AddError(d, "iconv cannot decode " + std::string(encoding) + "; decoded as windows-1252");
  d->source = "fallback";
  d->replaced = 0;
  if (IconvDecode(body, "CP1252", 1, &out, &d->replaced)) {
    d->charset = "windows-1252";
    d->utf8 = Sanitize(out, &d->replaced);
    return;
  }
  AddError(d, "iconv cannot decode windows-1252 either; invalid UTF-8 replaced");
  d->replaced = 0;
  d->charset = "utf-8";
  d->utf8 = Sanitize(body, &d->replaced);
}

std::string Plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string CanonicalCharset(std::string_view label) {
  const std::string key = text::AsciiLower(text::Trim(label));
  if (key.empty()) return "";
  for (const Label& l : kLabels) {
    if (l.label == key) return std::string(l.name);
  }
  return "";
}

Decoded DecodeToUtf8(std::string_view bytes, std::string_view content_type) {
  Decoded d;

  // 1. A byte order mark.
  std::string bom;
  std::string_view body = bytes;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bom = "utf-8";
    body.remove_prefix(3);
  } else if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFF\xFE") {
    bom = "utf-16le";
    body.remove_prefix(2);
  } else if (bytes.size() >= 2 && bytes.substr(0, 2) == "\xFE\xFF") {
    bom = "utf-16be";
    body.remove_prefix(2);
  }

  // 2. The Content-Type charset parameter.
  d.declared_http = text::SanitizeUtf8(HttpCharset(content_type));  // header bytes: not decoded
  std::string http;  // its encoding, "" when absent or unusable
  if (!d.declared_http.empty()) {
    http = CanonicalCharset(d.declared_http);
    if (http.empty()) {
      AddError(&d, "unknown charset \"" + d.declared_http + "\" in the Content-Type header");
    } else if (http == "replacement") {
      AddError(&d, "charset \"" + d.declared_http +
                       "\" in the Content-Type header is not decoded (WHATWG replacement)");
      http.clear();
    } else {
      http = std::string(ForDecoding(http));
    }
  }

  // 3. <meta> in the first 1024 bytes (not looked for in UTF-16, where it cannot be read as bytes).
  MetaScan meta;
  if (!IsUtf16(bom)) meta = Prescanner(body.substr(0, kPrescanBytes)).Run();
  if (!meta.label.empty()) {
    d.declared_meta = meta.label;
  } else if (!meta.unknown_label.empty()) {
    d.declared_meta = text::SanitizeUtf8(meta.unknown_label);  // the page's bytes, before decoding
    AddError(&d, "unknown charset \"" + d.declared_meta + "\" in <meta>");
  }

  // The header and the meta disagreeing (the header wins, or the BOM over both).
  if (!http.empty() && !meta.encoding.empty() && http != meta.encoding &&
      http != meta.raw_encoding) {
    AddMismatch(&d, "the Content-Type header declares " + d.declared_http +
                        " but <meta> declares " + d.declared_meta + "; the " +
                        (bom.empty() ? "header" : "byte order mark") + " wins");
  }

  if (!bom.empty()) {
    d.source = "bom";
    if (!http.empty() && http != bom) {
      AddMismatch(&d, "the Content-Type header declares " + d.declared_http +
                          " but the page starts with a " + bom + " byte order mark, which wins");
    }
    if (!meta.encoding.empty() && meta.encoding != bom) {
      AddMismatch(&d, "<meta> declares " + d.declared_meta + " but the page starts with a " + bom +
                          " byte order mark, which wins");
    }
    DecodeAs(body, bom, &d);
    if (bom == "utf-8" && d.replaced > 0) {
      AddMismatch(&d, "the page starts with a UTF-8 byte order mark but " +
                          Plural(d.replaced, "byte is", "bytes are") +
                          " not valid UTF-8 (replaced with U+FFFD)");
    }
    return d;
  }

  std::string declared;
  std::string declared_label;
  std::string where;
  if (!http.empty()) {
    declared = http;
    declared_label = d.declared_http;
    where = "the Content-Type header";
    d.source = "http";
  } else if (!meta.encoding.empty()) {
    declared = meta.encoding;
    declared_label = d.declared_meta;
    where = "<meta>";
    d.source = "meta";
  }

  // 4. No usable declaration: UTF-8 when the bytes are valid UTF-8, else windows-1252.
  if (declared.empty()) {
    if (text::IsValidUtf8(body)) {
      d.source = "utf-8";
      DecodeAs(body, "utf-8", &d);
    } else {
      d.source = "fallback";
      DecodeAs(body, "windows-1252", &d);
    }
    return d;
  }

  // A declaration, checked against the bytes. Only clear-cut cases count as wrong: a legacy
  // declaration on pure ASCII, or on bytes that are not UTF-8, is taken at its word.
  auto decode_as_utf8_instead = [&] {
    AddMismatch(
        &d, where + " declares " + declared_label + " but the bytes are UTF-8; decoded as UTF-8");
    d.source = "utf-8";
    DecodeAs(body, "utf-8", &d);
  };

  if (declared == "utf-8") {
    DecodeAs(body, "utf-8", &d);
    if (d.replaced > 0) {
      AddMismatch(&d, where + " declares " + declared_label + " but " +
                          Plural(d.replaced, "byte is", "bytes are") +
                          " not valid UTF-8 (replaced with U+FFFD)");
    }
    return d;
  }
  const bool valid_utf8 = text::IsValidUtf8(body);
  const bool utf8_with_multibyte = valid_utf8 && HasNonAscii(body);
  if (IsUtf16(declared)) {
    // Real UTF-16 HTML is full of NUL bytes (every ASCII character has one); a "UTF-16" body
    // without any that is valid UTF-8 was mislabelled.
    if (valid_utf8 && !body.empty() && CountNuls(body) == 0) {
      decode_as_utf8_instead();
    } else {
      DecodeAs(body, declared, &d);
    }
    return d;
  }
  const Encoding* e = FindEncoding(declared);
  if (e != nullptr && e->single_byte && utf8_with_multibyte) {
    decode_as_utf8_instead();
    return d;
  }
  DecodeAs(body, declared, &d);
  // A multi-byte legacy declaration (Shift_JIS, GBK ...) on flawless UTF-8: UTF-8 when the declared
  // decoder fails on the bytes, or when there are too many multi-byte sequences for real CJK text
  // to be valid UTF-8 by chance (UTF-8 katakana decodes "fine" as Shift_JIS mojibake, 繝ｩ繝ｳ...).
  if (e != nullptr && !e->single_byte && utf8_with_multibyte &&
      (d.replaced > 0 || CountMultibyteSequences(body) >= kEnoughMultibyteSequences)) {
    decode_as_utf8_instead();
  }
  return d;
}

}  // namespace mmaudit::facts
