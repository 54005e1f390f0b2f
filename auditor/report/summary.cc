#include "report/summary.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>

namespace mmaudit::report {
namespace {

std::string Safe(const rapidjson::Value& v) {
  if (!v.IsString()) return "";
  std::string out;
  for (const char* p = v.GetString(); *p; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x20 || c == 0x7F) continue;  // no escape sequences from page text
    out += static_cast<char>(c);
  }
  return out;
}

std::string Score(const rapidjson::Value& obj, const char* key) {
  if (!obj.IsObject() || !obj.HasMember(key) || !obj[key].IsNumber()) return "  -";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%3d", obj[key].GetInt());
  return buf;
}

}  // namespace

bool RenderSummary(std::string_view report_json, std::string* text, std::string* error) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(report_json.data(), report_json.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("summary") || !d["summary"].IsObject() ||
      !d.HasMember("pages") || !d["pages"].IsArray()) {
    *error = "the report JSON is malformed";
    return false;
  }
  const auto& s = d["summary"];
  std::string out;
  char line[512];
  auto num = [](const rapidjson::Value& o, const char* k) { return o.HasMember(k) && o[k].IsUint() ? o[k].GetUint() : 0u; };
  std::snprintf(line, sizeof line, "Pages: %u requested, %u audited, %u failed\n", num(s, "pages_requested"),
                num(s, "pages_audited"), num(s, "pages_failed"));
  out += line;
  static const char* kMoments[] = {"know", "go", "do", "buy", "mobile", "speed", "discoverability", "engagement"};
  static const char* kShort[] = {"know", "go", "do", "buy", "mobile", "speed", "disc.", "eng."};
  out += "\n  score  know   go   do  buy mobile speed disc. eng.  page\n";
  auto row = [&](const rapidjson::Value& scores, const std::string& label) {
    const rapidjson::Value empty(rapidjson::kObjectType);
    const rapidjson::Value& moments = scores.IsObject() && scores.HasMember("moments") ? scores["moments"] : empty;
    std::string r = "  " + Score(scores, "overall") + "  ";
    for (int i = 0; i < 8; ++i) {
      const std::string v = Score(moments, kMoments[i]);
      std::string cell(std::max<std::size_t>(std::string(kShort[i]).size(), 3) - v.size(), ' ');
      r += " " + cell + v;
    }
    out += r + "  " + label + "\n";
  };
  if (s.HasMember("scores")) row(s["scores"], "SITE");
  for (const auto& p : d["pages"].GetArray()) {
    if (!p.IsObject()) continue;
    std::string label = p.HasMember("url") ? Safe(p["url"]) : "";
    if (p.HasMember("page_type") && p["page_type"].IsString() && p["page_type"].GetStringLength() > 0)
      label += " (" + Safe(p["page_type"]) + ")";
    if (p.HasMember("error") && p["error"].IsObject() && p["error"].HasMember("message"))
      label += "  error: " + Safe(p["error"]["message"]);
    row(p.HasMember("scores") ? p["scores"] : rapidjson::Value().Move(), label);
  }
  if (s.HasMember("explanations") && s["explanations"].IsArray() && !s["explanations"].Empty()) {
    std::map<std::string, std::string> failure_titles;
    if (d.HasMember("rules") && d["rules"].IsArray())
      for (const auto& r : d["rules"].GetArray())
        if (r.IsObject() && r.HasMember("id") && r.HasMember("failure_title"))
          failure_titles[Safe(r["id"])] = Safe(r["failure_title"]);
    out += "\nSite scores explained:\n";
    for (const auto& e : s["explanations"].GetArray()) {
      if (!e.IsObject() || !e.HasMember("moment")) continue;
      std::string score = e.HasMember("score") ? Score(e, "score") : "n/a";
      score.erase(0, score.find_first_not_of(' '));
      std::string l = "  " + Safe(e["moment"]) + ": " + score;
      if (e.HasMember("band")) l += " (" + Safe(e["band"]) + ")";
      if (e.HasMember("losses") && e["losses"].IsArray() && !e["losses"].Empty()) {
        l += ". Fix first:";
        const char* sep = " ";
        for (const auto& loss : e["losses"].GetArray()) {
          if (!loss.IsObject() || !loss.HasMember("rule_id")) continue;
          const std::string id = Safe(loss["rule_id"]);
          auto it = failure_titles.find(id);
          l += sep + (it != failure_titles.end() && !it->second.empty() ? it->second : id);
          if (loss.HasMember("points") && loss["points"].IsNumber()) {
            std::snprintf(line, sizeof line, " (+%.1f)", loss["points"].GetDouble());
            l += line;
          }
          sep = "; ";
        }
      }
      out += l + "\n";
    }
  }
  if (s.HasMember("top_findings") && s["top_findings"].IsArray() && !s["top_findings"].Empty()) {
    out += "\nTop fixes:\n";
    int i = 0;
    for (const auto& t : s["top_findings"].GetArray()) {
      if (!t.IsObject()) continue;
      std::snprintf(line, sizeof line, "  %d. [%s] %s (%u %s)\n", ++i,
                    t.HasMember("moment") ? Safe(t["moment"]).c_str() : "", 
                    t.HasMember("failure_title") ? Safe(t["failure_title"]).c_str() : "", num(t, "pages"),
                    num(t, "pages") == 1 ? "page" : "pages");
      out += line;
    }
  }
  *text = std::move(out);
  return true;
}

}  // namespace mmaudit::report
