#include "report/json_view.h"

#include <rapidjson/filereadstream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "core/text.h"
#include "core/url.h"

namespace mmaudit::report::view {
namespace {

// SAX handler copying a report to a Writer, less the items of the root's site.urls.
class WithoutUrlList {
 public:
  explicit WithoutUrlList(rapidjson::Writer<rapidjson::StringBuffer>& w) : w_(w) {}
  bool Null() { return skip_ > 0 || w_.Null(); }
  bool Bool(bool b) { return skip_ > 0 || w_.Bool(b); }
  bool Int(int) { return true; }  // numbers come as RawNumber (kParseNumbersAsStringsFlag)
  bool Uint(unsigned) { return true; }
  bool Int64(std::int64_t) { return true; }
  bool Uint64(std::uint64_t) { return true; }
  bool Double(double) { return true; }
  // Written as it stands in the file (Writer::RawNumber would quote it).
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return skip_ > 0 || w_.RawValue(s, n, rapidjson::kNumberType); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return skip_ > 0 || w_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    if (skip_ > 0) return true;
    if (!stack_.empty()) stack_.back().assign(s, n);
    return w_.Key(s, n, copy);
  }
  bool StartObject() {
    if (skip_ > 0) return ++skip_, true;
    stack_.emplace_back();
    return w_.StartObject();
  }
  bool EndObject(rapidjson::SizeType) {
    if (skip_ > 0) return --skip_, true;
    stack_.pop_back();
    return w_.EndObject();
  }
  bool StartArray() {
    if (skip_ > 0) return ++skip_, true;
    // Arrays have no key of their own: an empty one stands for "in an array".
    const bool urls = stack_.size() == 2 && stack_[0] == "site" && stack_[1] == "urls" && depth_in_arrays_ == 0;
    if (urls) {
      skip_ = 1;
      return w_.StartArray() && w_.EndArray();
    }
    ++depth_in_arrays_;
    stack_.emplace_back();
    return w_.StartArray();
  }
  bool EndArray(rapidjson::SizeType) {
    if (skip_ > 0) return --skip_, true;
    --depth_in_arrays_;
    stack_.pop_back();
    return w_.EndArray();
  }

 private:
  rapidjson::Writer<rapidjson::StringBuffer>& w_;
  std::vector<std::string> stack_;  // per open object, its current key; per open array, ""
  int depth_in_arrays_ = 0;
  int skip_ = 0;  // > 0: inside site.urls, at this depth
};

}  // namespace

bool ReadReportWithoutUrlList(const std::string& path, std::string* json, std::string* error) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    *error = "cannot read " + path;
    return false;
  }
  char buffer[1 << 16];
  rapidjson::FileReadStream in(f.get(), buffer, sizeof buffer);
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  WithoutUrlList handler(w);
  rapidjson::Reader reader;
  if (reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(in, handler)) {
    json->assign(out.GetString(), out.GetSize());
    return true;
  }
  // Not JSON: the file as it is.
  out.Clear();
  json->clear();
  if (std::fseek(f.get(), 0, SEEK_SET) != 0) {
    *error = "cannot read " + path;
    return false;
  }
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f.get())) > 0) json->append(buffer, n);
  if (std::ferror(f.get()) != 0) {
    *error = "cannot read " + path;
    return false;
  }
  return true;
}

const Value* Member(const Value* obj, const char* key) {
  if (!obj || !obj->IsObject()) return nullptr;
  auto it = obj->FindMember(key);
  return it == obj->MemberEnd() ? nullptr : &it->value;
}

const Value* Obj(const Value* obj, const char* key) {
  const Value* v = Member(obj, key);
  return v && v->IsObject() ? v : nullptr;
}

const Value* Arr(const Value* obj, const char* key) {
  const Value* v = Member(obj, key);
  return v && v->IsArray() ? v : nullptr;
}

std::string Str(const Value* obj, const char* key) {
  const Value* v = Member(obj, key);
  if (!v || !v->IsString()) return {};
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<double> Num(const Value* obj, const char* key) {
  const Value* v = Member(obj, key);
  if (!v || !v->IsNumber()) return std::nullopt;
  const double d = v->GetDouble();
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<bool> Bool(const Value* obj, const char* key) {
  const Value* v = Member(obj, key);
  if (!v || !v->IsBool()) return std::nullopt;
  return v->GetBool();
}

std::vector<std::string> StrList(const Value* obj, const char* key) {
  std::vector<std::string> out;
  if (const Value* a = Arr(obj, key))
    for (const Value& v : a->GetArray())
      if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  return out;
}

std::string OneLine(std::string_view raw) {
  const std::string s = text::SanitizeUtf8(raw);
  std::string out;
  out.reserve(s.size());
  auto space = [&out] {
    if (!out.empty() && out.back() != ' ') out += ' ';
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f || c == ' ') {
      space();
      ++i;
      continue;
    }
    if (c == 0xc2 && i + 1 < s.size()) {  // U+0080..U+009F (C1 controls)
      const auto c2 = static_cast<unsigned char>(s[i + 1]);
      if (c2 >= 0x80 && c2 <= 0x9f) {
        space();
        i += 2;
        continue;
      }
    }
    if (c == 0xef && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xbf &&
        static_cast<unsigned char>(s[i + 2]) >= 0xbe) {  // U+FFFE, U+FFFF: noncharacters
      space();
      i += 3;
      continue;
    }
    if (c == 0xe2 && i + 2 < s.size()) {
      const auto c2 = static_cast<unsigned char>(s[i + 1]);
      const auto c3 = static_cast<unsigned char>(s[i + 2]);
      const bool embedding = c2 == 0x80 && c3 >= 0xaa && c3 <= 0xae;  // U+202A..U+202E
      const bool isolate = c2 == 0x81 && c3 >= 0xa6 && c3 <= 0xa9;    // U+2066..U+2069
      if (embedding || isolate) {
        i += 3;
        continue;
      }
    }
    out += s[i];
    ++i;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string NumberText(const Value* v) {
  if (!v || !v->IsNumber() || !std::isfinite(v->GetDouble())) return {};
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v->Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Origin(std::string_view u) {
  const auto p = url::Parse(u);
  if (!p || p->host.empty() || (p->scheme != "http" && p->scheme != "https")) return {};
  const bool ipv6 = p->host.find(':') != std::string::npos;
  std::string out = p->scheme + "://" + (ipv6 ? "[" + p->host + "]" : p->host);
  const int default_port = p->scheme == "https" ? 443 : 80;
  if (p->port != 0 && p->port != default_port) out += ":" + std::to_string(p->port);
  return out;
}

std::vector<std::pair<std::string, RuleTexts>> RuleTextsOf(const Value& report) {
  std::vector<std::pair<std::string, RuleTexts>> out;
  if (const Value* rules = Arr(&report, "rules"))
    for (const Value& r : rules->GetArray()) {
      const std::string id = Str(&r, "id");
      if (!id.empty() && !FindRule(out, id)) out.push_back({id, {Str(&r, "title"), Str(&r, "failure_title")}});
    }
  return out;
}

const RuleTexts* FindRule(const std::vector<std::pair<std::string, RuleTexts>>& texts, std::string_view id) {
  for (const auto& [k, v] : texts)
    if (k == id) return &v;
  return nullptr;
}

std::string SiteOf(const Value& report) {
  if (const Value* site = Obj(&report, "site"))
    for (const std::string& u : StrList(site, "start_urls"))
      if (std::string o = Origin(u); !o.empty()) return o;
  if (const Value* pages = Arr(&report, "pages"))
    for (const Value& p : pages->GetArray())
      if (std::string o = Origin(Str(&p, "url")); !o.empty()) return o;
  return {};
}

std::string CredentialsUsed(const Value& report) {
  const Value* cred = Obj(Obj(&report, "settings"), "credentials");
  if (cred == nullptr) return "";
  std::vector<std::string> parts;
  std::string names;
  if (const Value* headers = Arr(cred, "headers"))
    for (const auto& h : headers->GetArray())
      if (const std::string n = OneLine(Str(&h, "name")); !n.empty()) names += (names.empty() ? "" : ", ") + n;
  if (!names.empty()) parts.push_back("headers " + names);
  if (const Value* cookies = Arr(cred, "cookies"); cookies && !cookies->Empty())
    parts.push_back(std::to_string(cookies->Size()) + (cookies->Size() == 1 ? " cookie" : " cookies"));
  if (!Str(cred, "cookie_file").empty()) parts.push_back("a cookie file");
  if (Obj(cred, "basic_auth") != nullptr) parts.push_back("HTTP basic auth");
  std::string text;
  for (const auto& p : parts) text += (text.empty() ? "" : "; ") + p;
  return text;
}

}  // namespace mmaudit::report::view
