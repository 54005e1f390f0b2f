#include "rules/categories.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>

#include "core/embedded.h"
#include "core/text.h"
#include "rules/rule.h"

namespace mmaudit::rules {

const Category* Categories::Find(std::string_view id) const {
  for (const Category& c : categories)
    if (c.id == id) return &c;
  return nullptr;
}

bool IsCategoriesFile(std::string_view path) {
  return path == "categories.json" || text::EndsWith(path, "/categories.json");
}

bool ParseCategories(std::string_view file_name, std::string_view json, Categories* out, std::string* error) {
  const std::string file(file_name);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    *error = file + ": not valid JSON: " + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
             std::to_string(doc.GetErrorOffset());
    return false;
  }
  if (!doc.IsObject() || !doc.HasMember("categories") || !doc["categories"].IsArray()) {
    *error = file + ": needs a top-level \"categories\" array";
    return false;
  }
  Categories parsed;
  parsed.source = file;
  std::set<std::string> seen;
  std::size_t index = 0;
  for (const auto& v : doc["categories"].GetArray()) {
    ++index;
    const std::string where = file + ": category " + std::to_string(index);
    if (!v.IsObject()) {
      *error = where + ": must be a JSON object";
      return false;
    }
    Category c;
    auto it = v.FindMember("id");
    if (it == v.MemberEnd() || !it->value.IsString()) {
      *error = where + ": field \"id\" must be a string";
      return false;
    }
    c.id = it->value.GetString();
    const std::string at = file + ": category \"" + c.id + "\"";
    const auto& moments = Moments();
    if (std::find(moments.begin(), moments.end(), c.id) == moments.end()) {
      std::string list;
      for (const std::string& m : moments) list += (list.empty() ? "" : ", ") + m;
      *error = at + ": field \"id\": not a moment (" + list + ")";
      return false;
    }
    if (!seen.insert(c.id).second) {
      *error = at + ": field \"id\": listed twice";
      return false;
    }
    for (const auto& m : v.GetObject()) {
      const std::string name = m.name.GetString();
      if (name == "id") continue;
      if (name == "title" || name == "question" || name == "serves") {
        if (!m.value.IsString() || m.value.GetStringLength() == 0) {
          *error = at + ": field \"" + name + "\" must be a non-empty string";
          return false;
        }
        (name == "title" ? c.title : name == "question" ? c.question : c.serves) = m.value.GetString();
      } else if (name == "weight" || name == "pages_weight") {
        if (!m.value.IsNumber() || !std::isfinite(m.value.GetDouble()) || m.value.GetDouble() < 0) {
          *error = at + ": field \"" + name + "\" must be a number of 0 or more";
          return false;
        }
        (name == "weight" ? c.weight : c.pages_weight) = m.value.GetDouble();
      } else {
        *error = at + ": unknown field \"" + name + "\"";
        return false;
      }
    }
    for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"title", &c.title},
                                      {"question", &c.question}, {"serves", &c.serves}})
      if (value->empty()) {
        *error = at + ": field \"" + name + "\" is missing";
        return false;
      }
    parsed.categories.push_back(std::move(c));
  }
  for (const std::string& m : Moments())
    if (!seen.count(m)) {
      *error = file + ": moment \"" + m + "\" has no category";
      return false;
    }
  // Report order is Moments() order, whatever the file's order.
  std::sort(parsed.categories.begin(), parsed.categories.end(), [](const Category& a, const Category& b) {
    const auto& m = Moments();
    return std::find(m.begin(), m.end(), a.id) < std::find(m.begin(), m.end(), b.id);
  });
  *out = std::move(parsed);
  return true;
}

bool LoadCategoriesFromDir(const std::string& dir, Categories* out, std::string* error) {
  const std::filesystem::path path = std::filesystem::path(dir) / "categories.json";
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return true;
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) {
    *error = path.string() + ": cannot be read";
    return false;
  }
  return ParseCategories(path.string(), ss.str(), out, error);
}

const Categories& DefaultCategories() {
  static const Categories categories = [] {
    Categories c;
    std::string error;
    const auto data = embedded::Find("rules/categories.json");
    if (!data || !ParseCategories("rules/categories.json", *data, &c, &error)) {
      std::fprintf(stderr, "mmaudit: the embedded rules/categories.json is broken: %s\n",
                   data ? error.c_str() : "not embedded");
      std::abort();
    }
    c.source = "built-in";
    return c;
  }();
  return categories;
}

}  // namespace mmaudit::rules
