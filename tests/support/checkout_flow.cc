#include "tests/support/checkout_flow.h"

#include <iconv.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "core/text.h"
#include "core/url.h"
#include "tests/support/fixture_server.h"

namespace mmaudit::testing {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct CheckoutFlow::Rule {
  std::string field;
  bool required = true;
  std::string pattern_text;
  std::regex pattern;
  std::string message;          // when the field is missing or empty
  std::string invalid_message;  // when it does not match the pattern
  Fields when;                  // the rule applies only when these fields have these values
};

struct CheckoutFlow::Route {
  std::string method = "GET";
  std::string path;  // exact, or a prefix ending in "*" ("*" alone: any path)
  Fields params;     // value "*": present and not empty
  std::vector<std::string> if_flags, unless_flags;
  Fields requires_flags;  // flag -> where to redirect when it is missing, in order
  std::vector<Rule> validate;
  std::string invalid;  // the page re-served with errors (default: serve)
  int invalid_status = 200;
  std::vector<std::string> set, clear;
  std::string serve, redirect;
  int status = 0;
  std::string record;  // "", "order" or "subscription"
};

struct CheckoutFlow::Request {
  std::string method, path, query, body, host;
  Fields fields;
  std::string session;
};

namespace {

std::string Canonical(const std::string& path) {
  std::error_code ec;
  const auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

void ReplaceAll(std::string* s, std::string_view from, std::string_view to) {
  for (std::size_t at = s->find(from); at != std::string::npos; at = s->find(from, at + to.size()))
    s->replace(at, from.size(), to);
}

// `utf8` in `charset` (iconv), or unchanged when charset is empty, UTF-8 or unknown to iconv.
std::string FromUtf8(const std::string& utf8, const std::string& charset) {
  if (charset.empty() || text::AsciiLower(charset) == "utf-8") return utf8;
  iconv_t cd = iconv_open(charset.c_str(), "UTF-8");
  if (cd == reinterpret_cast<iconv_t>(-1)) return utf8;
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in_p = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* out_p = out.data();
  std::size_t out_left = out.size();
  const std::size_t rc = iconv(cd, &in_p, &in_left, &out_p, &out_left);
  iconv_close(cd);
  if (rc == static_cast<std::size_t>(-1)) return utf8;
  out.resize(out.size() - out_left);
  return out;
}

// An error template with {field} and {message} filled in.
std::string Fill(std::string templ, const CheckoutFlow::Failure& f) {
  ReplaceAll(&templ, "{field}", f.field);
  ReplaceAll(&templ, "{message}", f.message);
  return templ;
}

const std::string* Find(const Fields& fields, std::string_view name) {
  for (const auto& [n, v] : fields)
    if (n == name) return &v;
  return nullptr;
}

// JSON reading with errors that name the route and key.
struct Reader {
  std::string* error;
  std::string where;

  bool Fail(const std::string& what) {
    *error = "flow.json: " + where + what;
    return false;
  }
  bool String(const rapidjson::Value& v, const char* key, std::string* out) {
    if (!v.IsString()) return Fail(std::string("\"") + key + "\" must be a string");
    *out = v.GetString();
    return true;
  }
  bool Int(const rapidjson::Value& v, const char* key, int* out) {
    if (!v.IsInt()) return Fail(std::string("\"") + key + "\" must be an integer");
    *out = v.GetInt();
    return true;
  }
  bool Strings(const rapidjson::Value& v, const char* key, std::vector<std::string>* out) {
    if (!v.IsArray()) return Fail(std::string("\"") + key + "\" must be an array of strings");
    for (const auto& s : v.GetArray()) {
      if (!s.IsString()) return Fail(std::string("\"") + key + "\" must be an array of strings");
      out->emplace_back(s.GetString());
    }
    return true;
  }
  bool Pairs(const rapidjson::Value& v, const char* key, Fields* out) {
    if (!v.IsObject()) return Fail(std::string("\"") + key + "\" must be an object of strings");
    for (const auto& m : v.GetObject()) {
      if (!m.value.IsString()) return Fail(std::string("\"") + key + "\" must be an object of strings");
      out->emplace_back(m.name.GetString(), m.value.GetString());
    }
    return true;
  }
};

}  // namespace

Fields ParseUrlEncoded(std::string_view s) {
  Fields out;
  for (const std::string& pair : text::SplitTrimmed(s, '&')) {
    if (pair.empty()) continue;
    std::string p = pair;
    std::replace(p.begin(), p.end(), '+', ' ');
    const auto eq = p.find('=');
    if (eq == std::string::npos) out.emplace_back(url::PercentDecode(p), "");
    else out.emplace_back(url::PercentDecode(std::string_view(p).substr(0, eq)), url::PercentDecode(std::string_view(p).substr(eq + 1)));
  }
  return out;
}

CheckoutFlow::CheckoutFlow() : session_ids_(std::random_device{}()) {}

CheckoutFlow::~CheckoutFlow() = default;

std::unique_ptr<CheckoutFlow> CheckoutFlow::Load(const std::string& flow_json, const std::string& site_root,
                                                 std::string* error) {
  std::string json;
  if (!ReadWholeFile(flow_json, &json)) {
    *error = "flow.json: cannot read " + flow_json;
    return nullptr;
  }
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError()) {
    *error = "flow.json: offset " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError());
    return nullptr;
  }
  Reader rd{error, ""};
  if (!doc.IsObject()) return rd.Fail("the top level must be an object"), nullptr;
  auto flow = std::make_unique<CheckoutFlow>();
  flow->site_root_ = site_root;
  for (const auto& m : doc.GetObject()) {
    const std::string key = m.name.GetString();
    bool ok = true;
    if (key == "about") continue;
    else if (key == "session_cookie") ok = rd.String(m.value, "session_cookie", &flow->cookie_name_);
    else if (key == "charset") ok = rd.String(m.value, "charset", &flow->charset_);
    else if (key == "errors") {
      Fields t;
      ok = rd.Pairs(m.value, "errors", &t);
      for (const auto& [name, value] : t) {
        if (name == "list") flow->errors_list_ = value;
        else if (name == "item") flow->errors_item_ = value;
        else if (name == "field") flow->errors_field_ = value;
        else return rd.Fail("\"errors\" has an unknown key \"" + name + "\""), nullptr;
      }
    } else if (key != "routes") {
      return rd.Fail("unknown key \"" + key + "\""), nullptr;
    }
    if (!ok) return nullptr;
  }
  if (!flow->charset_.empty()) flow->html_content_type_ = "text/html; charset=" + flow->charset_;
  if (!doc.HasMember("routes") || !doc["routes"].IsArray()) return rd.Fail("\"routes\" must be an array"), nullptr;

  for (const auto& rv : doc["routes"].GetArray()) {
    rd.where = "route " + std::to_string(flow->routes_.size() + 1) + ": ";
    if (!rv.IsObject()) return rd.Fail("must be an object"), nullptr;
    auto route = std::make_unique<Route>();
    for (const auto& m : rv.GetObject()) {
      const std::string key = m.name.GetString();
      const auto& v = m.value;
      bool ok = true;
      if (key == "method") ok = rd.String(v, "method", &route->method);
      else if (key == "path") ok = rd.String(v, "path", &route->path);
      else if (key == "params") ok = rd.Pairs(v, "params", &route->params);
      else if (key == "if") ok = rd.Strings(v, "if", &route->if_flags);
      else if (key == "unless") ok = rd.Strings(v, "unless", &route->unless_flags);
      else if (key == "requires") ok = rd.Pairs(v, "requires", &route->requires_flags);
      else if (key == "invalid") ok = rd.String(v, "invalid", &route->invalid);
      else if (key == "invalid_status") ok = rd.Int(v, "invalid_status", &route->invalid_status);
      else if (key == "set") ok = rd.Strings(v, "set", &route->set);
      else if (key == "clear") ok = rd.Strings(v, "clear", &route->clear);
      else if (key == "serve") ok = rd.String(v, "serve", &route->serve);
      else if (key == "redirect") ok = rd.String(v, "redirect", &route->redirect);
      else if (key == "status") ok = rd.Int(v, "status", &route->status);
      else if (key == "record") ok = rd.String(v, "record", &route->record);
      else if (key == "validate") {
        if (!v.IsArray()) return rd.Fail("\"validate\" must be an array"), nullptr;
        for (const auto& r : v.GetArray()) {
          Rule rule;
          if (!r.IsObject()) return rd.Fail("each \"validate\" entry must be an object"), nullptr;
          for (const auto& rm : r.GetObject()) {
            const std::string rk = rm.name.GetString();
            bool rok = true;
            if (rk == "field") rok = rd.String(rm.value, "field", &rule.field);
            else if (rk == "required") {
              if (!rm.value.IsBool()) return rd.Fail("\"required\" must be true or false"), nullptr;
              rule.required = rm.value.GetBool();
            } else if (rk == "pattern") rok = rd.String(rm.value, "pattern", &rule.pattern_text);
            else if (rk == "message") rok = rd.String(rm.value, "message", &rule.message);
            else if (rk == "invalid_message") rok = rd.String(rm.value, "invalid_message", &rule.invalid_message);
            else if (rk == "when") rok = rd.Pairs(rm.value, "when", &rule.when);
            else return rd.Fail("unknown \"validate\" key \"" + rk + "\""), nullptr;
            if (!rok) return nullptr;
          }
          if (rule.field.empty() || rule.message.empty())
            return rd.Fail("each \"validate\" entry needs \"field\" and \"message\""), nullptr;
          if (!rule.pattern_text.empty()) {
            try {
              rule.pattern = std::regex(rule.pattern_text, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
              return rd.Fail("bad pattern for \"" + rule.field + "\": " + e.what()), nullptr;
            }
          }
          if (rule.invalid_message.empty()) rule.invalid_message = rule.message;
          route->validate.push_back(std::move(rule));
        }
      } else {
        return rd.Fail("unknown key \"" + key + "\""), nullptr;
      }
      if (!ok) return nullptr;
    }
    if (route->path.empty()) return rd.Fail("needs a \"path\""), nullptr;
    if (route->method != "GET" && route->method != "POST") return rd.Fail("\"method\" must be GET or POST"), nullptr;
    if (route->serve.empty() == route->redirect.empty()) return rd.Fail("needs exactly one of \"serve\" and \"redirect\""), nullptr;
    if (!route->record.empty() && route->record != "order" && route->record != "subscription")
      return rd.Fail("\"record\" must be \"order\" or \"subscription\""), nullptr;
    if (!route->validate.empty() && route->invalid.empty() && route->serve.empty())
      return rd.Fail("a route that validates and redirects needs an \"invalid\" page"), nullptr;
    for (const std::string* file : {&route->serve, &route->invalid}) {
      if (file->empty()) continue;
      const std::string full = site_root + "/" + *file;
      if (!std::filesystem::is_regular_file(full)) return rd.Fail("no file " + full), nullptr;
      flow->served_files_.insert(Canonical(full));
    }
    flow->routes_.push_back(std::move(route));
  }
  return flow;
}

std::size_t CheckoutFlow::route_count() const { return routes_.size(); }

bool CheckoutFlow::ServesFile(const std::string& file) const { return served_files_.contains(Canonical(file)); }

std::vector<RecordedOrder> CheckoutFlow::Recorded(const std::string& kind) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RecordedOrder> out;
  for (const auto& r : recorded_)
    if (r.kind == kind) out.push_back(r);
  return out;
}

std::string CheckoutFlow::SessionOf(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& c : text::SplitTrimmed(req.get_header_value("Cookie"), ';')) {
    const auto eq = c.find('=');
    if (eq != std::string::npos && c.substr(0, eq) == cookie_name_ && sessions_.contains(c.substr(eq + 1)))
      return c.substr(eq + 1);
  }
  char id[40];
  std::snprintf(id, sizeof id, "%016llx%016llx", static_cast<unsigned long long>(session_ids_()),
                static_cast<unsigned long long>(session_ids_()));
  sessions_[id];
  res.set_header("Set-Cookie", cookie_name_ + "=" + id + "; Path=/; HttpOnly; SameSite=Lax");
  return id;
}

bool CheckoutFlow::Handle(const httplib::Request& req, httplib::Response& res) {
  Request r;
  r.method = req.method;
  r.path = req.path;
  r.body = req.body;
  r.host = req.get_header_value("Host");
  r.query = RawQuery(req);
  r.fields = ParseUrlEncoded(r.query);
  if (req.method == "POST") {
    if (req.is_multipart_form_data()) {
      for (const auto& [name, part] : req.files) r.fields.emplace_back(name, part.content);
    } else {
      for (auto& f : ParseUrlEncoded(req.body)) r.fields.push_back(std::move(f));
    }
  }
  r.session = SessionOf(req, res);
  for (const auto& route : routes_)
    if (Matches(*route, r)) {
      Answer(*route, r, res);
      return true;
    }
  return false;
}

bool CheckoutFlow::Matches(const Route& route, const Request& r) const {
  if (route.method != (r.method == "HEAD" ? "GET" : r.method)) return false;
  if (text::EndsWith(route.path, "*") ? !text::StartsWith(r.path, std::string_view(route.path).substr(0, route.path.size() - 1))
                                       : route.path != r.path)
    return false;
  for (const auto& [name, want] : route.params) {
    const std::string* got = Find(r.fields, name);
    if (got == nullptr || got->empty() || (want != "*" && *got != want)) return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  const std::set<std::string>& flags = sessions_.at(r.session);
  for (const std::string& f : route.if_flags)
    if (!flags.contains(f)) return false;
  for (const std::string& f : route.unless_flags)
    if (flags.contains(f)) return false;
  return true;
}

void CheckoutFlow::Answer(const Route& route, Request& r, httplib::Response& res) {
  std::size_t record_at = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!route.record.empty()) {
      recorded_.push_back({route.record, r.method, r.path, r.query, r.body, r.fields, r.session, false});
      record_at = recorded_.size();  // one past the entry, so 0 means "not recorded"
    }
    const std::set<std::string>& flags = sessions_.at(r.session);
    for (const auto& [flag, location] : route.requires_flags)
      if (!flags.contains(flag)) {
        Redirect(location, r.method == "GET" ? 302 : 303, r, res);
        return;
      }
  }
  std::vector<Failure> failed;
  for (const Rule& rule : route.validate) {
    bool applies = true;
    for (const auto& [name, value] : rule.when) {
      const std::string* got = Find(r.fields, name);
      applies = applies && got != nullptr && *got == value;
    }
    if (!applies) continue;
    const std::string* got = Find(r.fields, rule.field);
    const std::string value = got ? std::string(text::Trim(*got)) : std::string();
    if (value.empty()) {
      if (rule.required) failed.push_back({rule.field, rule.message});
    } else if (!rule.pattern_text.empty() && !std::regex_search(value, rule.pattern)) {
      failed.push_back({rule.field, rule.invalid_message});
    }
  }
  if (!failed.empty()) {
    ServeRouteFile(route.invalid.empty() ? route.serve : route.invalid, route.invalid_status, failed, res);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string>& flags = sessions_.at(r.session);
    for (const std::string& f : route.clear) flags.erase(f);
    for (const std::string& f : route.set) flags.insert(f);
    if (record_at > 0) recorded_[record_at - 1].accepted = true;
  }
  if (!route.redirect.empty()) Redirect(route.redirect, route.status ? route.status : (r.method == "GET" ? 302 : 303), r, res);
  else ServeRouteFile(route.serve, route.status ? route.status : 200, {}, res);
}

void CheckoutFlow::Redirect(const std::string& location, int status, const Request& r, httplib::Response& res) const {
  const std::string absolute = !location.empty() && location[0] == '/' && !r.host.empty() ? "http://" + r.host + location : location;
  res.status = status;
  res.set_header("Location", absolute);
  res.set_content("<!doctype html><title>Redirecting</title><a href=\"" + absolute + "\">Continue</a>", html_content_type_);
}

void CheckoutFlow::ServeRouteFile(const std::string& file, int status, const std::vector<Failure>& failed,
                                  httplib::Response& res) const {
  std::string body;
  if (!ReadWholeFile(site_root_ + "/" + file, &body)) {
    res.status = 500;
    res.set_content("flow.json names a missing file: " + file, "text/plain; charset=utf-8");
    return;
  }
  if (!failed.empty()) {
    std::string items;
    for (const Failure& f : failed) {
      items += Fill(errors_item_, f);
      ReplaceAll(&body, "<!--flow:error:" + f.field + "-->", FromUtf8(Fill(errors_field_, f), charset_));
    }
    std::string list = errors_list_;
    ReplaceAll(&list, "{items}", items);
    list = FromUtf8(list, charset_);
    const auto marker = body.find("<!--flow:errors-->");
    if (marker != std::string::npos) {
      body.replace(marker, std::string_view("<!--flow:errors-->").size(), list);
    } else {
      const auto body_tag = text::AsciiLower(body).find("<body");
      const auto open_end = body_tag == std::string::npos ? std::string::npos : body.find('>', body_tag);
      body.insert(open_end == std::string::npos ? 0 : open_end + 1, list);
    }
  }
  res.status = status;
  const std::string ext = text::AsciiLower(std::filesystem::path(file).extension().string());
  res.set_content(body, ext == ".html" || ext == ".htm" ? html_content_type_ : "text/plain; charset=utf-8");
}

}  // namespace mmaudit::testing
