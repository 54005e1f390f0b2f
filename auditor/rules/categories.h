// Score categories as data (rules/categories.json), the way Lighthouse's config lists categories:
// one per micro-moment and cross-cutting group, with the weight each carries in the site's overall
// score, the weight of the pages' part against site-scoped findings, and the words shown to store
// owners beside the score. The weights of single rules stay in their rule entries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace mmaudit::rules {

struct Category {
  std::string id;              // a moment of Moments()
  std::string title;           // "I want to buy"
  double weight = 1;           // in the site's overall score; 0 leaves the category out of it
  double pages_weight = 10;    // the pages' mean against the site-scoped findings' rule weights
  std::string question;        // "Can a shopper on a phone buy quickly and with confidence?"
  std::string serves;          // what the category's rules look at, in a store owner's words
};

struct Categories {
  std::vector<Category> categories;  // in file order
  std::string source;                // "built-in" or the file's path

  // The category with `id`, or nullptr.
  const Category* Find(std::string_view id) const;
};

// True for a categories file's name ("categories.json"), which the rule loaders skip.
bool IsCategoriesFile(std::string_view path);

// Parses categories JSON ({"categories": [{"id", "title", "weight", "pages_weight", "question",
// "serves"}]}). Returns false and sets *error, naming `file_name`, the category id and the field,
// when the JSON is malformed, a field has the wrong type, a weight is negative or not finite, an id
// repeats or is not a moment of Moments(), or a moment has no category. Nothing is kept then.
bool ParseCategories(std::string_view file_name, std::string_view json, Categories* out, std::string* error);

// Reads `dir`/categories.json into *out when the file exists (a --rules-dir may carry its own
// categories); returns true and leaves *out as it was when there is none. False with *error when the
// file cannot be read or is invalid (see ParseCategories).
bool LoadCategoriesFromDir(const std::string& dir, Categories* out, std::string* error);

// The embedded rules/categories.json. Aborts the program if the embedded copy is broken, which a
// test guards against.
const Categories& DefaultCategories();

}  // namespace mmaudit::rules
