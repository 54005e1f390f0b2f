#include "tests/support/xml_check.h"

#include <cstdint>
#include <set>

namespace mmaudit::testing {

std::string XmlElement::Attribute(std::string_view n) const {
  for (const auto& [k, v] : attributes)
    if (k == n) return v;
  return {};
}

bool XmlElement::HasAttribute(std::string_view n) const {
  for (const auto& a : attributes)
    if (a.first == n) return true;
  return false;
}

std::vector<const XmlElement*> XmlElement::Children(std::string_view n) const {
  std::vector<const XmlElement*> out;
  for (const XmlElement& c : children)
    if (c.name == n) out.push_back(&c);
  return out;
}

namespace {

bool IsXmlChar(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

void AppendUtf8(std::uint32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool Document(XmlElement* root, std::string* error) {
    bool ok = CheckCharacters() && Prolog() && Element(root, 0) && Misc();
    if (ok && pos_ != s_.size()) ok = Fail("content after the root element");
    if (!ok) *error = error_;
    return ok;
  }

 private:
  bool Fail(const std::string& why) {
    if (error_.empty()) error_ = why + " at byte " + std::to_string(pos_);
    return false;
  }

  // Every code point is well-formed UTF-8 and an XML Char.
  bool CheckCharacters() {
    for (std::size_t i = 0; i < s_.size();) {
      const auto b = static_cast<unsigned char>(s_[i]);
      std::uint32_t c = 0;
      int extra = 0;
      if (b < 0x80) c = b;
      else if ((b & 0xE0) == 0xC0) c = b & 0x1F, extra = 1;
      else if ((b & 0xF0) == 0xE0) c = b & 0x0F, extra = 2;
      else if ((b & 0xF8) == 0xF0) c = b & 0x07, extra = 3;
      else return pos_ = i, Fail("ill-formed UTF-8");
      for (int k = 1; k <= extra; ++k) {
        if (i + k >= s_.size()) return pos_ = i, Fail("truncated UTF-8");
        const auto cb = static_cast<unsigned char>(s_[i + k]);
        if ((cb & 0xC0) != 0x80) return pos_ = i, Fail("ill-formed UTF-8");
        c = (c << 6) | (cb & 0x3F);
      }
      static const std::uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
      if (c < kMin[extra] || (c >= 0xD800 && c <= 0xDFFF)) return pos_ = i, Fail("ill-formed UTF-8");
      if (!IsXmlChar(c)) return pos_ = i, Fail("character U+" + std::to_string(c) + " (decimal) is not allowed in XML");
      i += 1 + extra;
    }
    return true;
  }

  bool At(std::string_view t) const { return s_.substr(pos_, t.size()) == t; }
  bool Eof() const { return pos_ >= s_.size(); }
  static bool Space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void SkipSpace() {
    while (!Eof() && Space(s_[pos_])) ++pos_;
  }
  static bool NameStart(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || u >= 0x80;
  }
  static bool NameChar(char c) { return NameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

  bool Name(std::string* name) {
    if (Eof() || !NameStart(s_[pos_])) return Fail("a name was expected");
    const std::size_t from = pos_;
    while (!Eof() && NameChar(s_[pos_])) ++pos_;
    *name = std::string(s_.substr(from, pos_ - from));
    return true;
  }

  bool Prolog() {
    if (At("<?xml")) {
      const std::size_t end = s_.find("?>", pos_);
      if (end == std::string_view::npos) return Fail("unterminated XML declaration");
      const std::string_view decl = s_.substr(pos_, end - pos_);
      if (decl.find("version=\"1.0\"") == std::string_view::npos && decl.find("version='1.0'") == std::string_view::npos)
        return Fail("the XML declaration lacks version 1.0");
      pos_ = end + 2;
    }
    return Misc();
  }

  // Whitespace, comments and processing instructions outside the root element.
  bool Misc() {
    for (;;) {
      SkipSpace();
      if (At("<!--")) {
        if (!Comment()) return false;
      } else if (At("<?")) {
        if (!Pi()) return false;
      } else if (At("<!DOCTYPE")) {
        return Fail("DOCTYPE is not supported");
      } else {
        return true;
      }
    }
  }

  bool Comment() {
    const std::size_t end = s_.find("--", pos_ + 4);
    if (end == std::string_view::npos) return Fail("unterminated comment");
    if (end + 2 >= s_.size() || s_[end + 2] != '>') return pos_ = end, Fail("\"--\" inside a comment");
    pos_ = end + 3;
    return true;
  }

  bool Pi() {
    pos_ += 2;
    std::string target;
    if (!Name(&target)) return false;
    if (target.size() == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' && (target[2] | 0x20) == 'l')
      return Fail("an XML declaration is only allowed at the start");
    const std::size_t end = s_.find("?>", pos_);
    if (end == std::string_view::npos) return Fail("unterminated processing instruction");
    pos_ = end + 2;
    return true;
  }

  // A reference after '&'; appends its character to *out.
  bool Reference(std::string* out) {
    ++pos_;
    const std::size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) return Fail("'&' that starts no reference");
    const std::string_view ref = s_.substr(pos_, semi - pos_);
    if (!ref.empty() && ref[0] == '#') {
      const bool hex = ref.size() > 1 && ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      if (digits.empty()) return Fail("empty character reference");
      std::uint32_t c = 0;
      for (char d : digits) {
        int v = -1;
        if (d >= '0' && d <= '9') v = d - '0';
        else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
        else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
        if (v < 0) return Fail("bad character reference");
        c = c * (hex ? 16 : 10) + v;
        if (c > 0x10FFFF) return Fail("character reference out of range");
      }
      if (!IsXmlChar(c)) return Fail("character reference to a character XML does not allow");
      AppendUtf8(c, *out);
    } else if (ref == "amp") {
      *out += '&';
    } else if (ref == "lt") {
      *out += '<';
    } else if (ref == "gt") {
      *out += '>';
    } else if (ref == "quot") {
      *out += '"';
    } else if (ref == "apos") {
      *out += '\'';
    } else {
      return Fail("undefined entity &" + std::string(ref) + ";");
    }
    pos_ = semi + 1;
    return true;
  }

  bool Element(XmlElement* e, int depth) {
    if (depth > 200) return Fail("elements nested too deeply");
    if (Eof() || s_[pos_] != '<') return Fail("an element was expected");
    ++pos_;
    if (!Name(&e->name)) return false;
    std::set<std::string> seen;
    for (;;) {
      const std::size_t before = pos_;
      SkipSpace();
      if (Eof()) return Fail("unterminated start tag");
      if (At("/>")) {
        pos_ += 2;
        return true;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      if (pos_ == before) return Fail("whitespace was expected between attributes");
      std::string name, value;
      if (!Name(&name)) return false;
      if (!seen.insert(name).second) return Fail("duplicate attribute " + name);
      SkipSpace();
      if (Eof() || s_[pos_] != '=') return Fail("'=' was expected after attribute " + name);
      ++pos_;
      SkipSpace();
      if (Eof() || (s_[pos_] != '"' && s_[pos_] != '\'')) return Fail("attribute values must be quoted");
      const char quote = s_[pos_++];
      for (;;) {
        if (Eof()) return Fail("unterminated attribute value");
        const char c = s_[pos_];
        if (c == quote) break;
        if (c == '<') return Fail("'<' in an attribute value");
        if (c == '&') {
          if (!Reference(&value)) return false;
          continue;
        }
        value += Space(c) ? ' ' : c;  // attribute-value normalisation
        ++pos_;
      }
      ++pos_;
      e->attributes.emplace_back(std::move(name), std::move(value));
    }
    // Content, up to the matching end tag.
    for (;;) {
      if (Eof()) return Fail("unterminated element <" + e->name + ">");
      if (At("</")) {
        pos_ += 2;
        std::string name;
        if (!Name(&name)) return false;
        if (name != e->name) return Fail("</" + name + "> closes <" + e->name + ">");
        SkipSpace();
        if (Eof() || s_[pos_] != '>') return Fail("unterminated end tag");
        ++pos_;
        return true;
      }
      if (At("<!--")) {
        if (!Comment()) return false;
      } else if (At("<![CDATA[")) {
        const std::size_t end = s_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return Fail("unterminated CDATA section");
        e->text += std::string(s_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
      } else if (At("<?")) {
        if (!Pi()) return false;
      } else if (At("<!")) {
        return Fail("unexpected markup declaration");
      } else if (s_[pos_] == '<') {
        XmlElement child;
        if (!Element(&child, depth + 1)) return false;
        e->children.push_back(std::move(child));
      } else if (s_[pos_] == '&') {
        if (!Reference(&e->text)) return false;
      } else {
        if (At("]]>")) return Fail("\"]]>\" in character data");
        e->text += s_[pos_] == '\r' ? '\n' : s_[pos_];
        ++pos_;
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

bool ParseXml(std::string_view xml, XmlElement* root, std::string* error) {
  *root = XmlElement();
  return Parser(xml).Document(root, error);
}

}  // namespace mmaudit::testing
