// The Markdown summary, rendered from the report JSON (never from AuditResult), for pull-request
// comments and $GITHUB_STEP_SUMMARY (GitHub Flavored Markdown; GitLab renders it too). It holds:
// the site scores per category (a table), the changes against the baseline (a marked section, see
// below), the top fixes, the scores explained (summary.explanations), the lowest-scoring pages, the
// checkout result, and the pages that could not be audited. Lists are capped (MarkdownOptions) so
// a big crawl still fits a comment.
//
// Every string that came from the report goes through MarkdownEscape (titles, explanations,
// evidence) or, for URLs, MarkdownCode: it cannot break a table, start a heading or list, make a
// link or an image, inject HTML or mention a user.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mmaudit::report {

// The baseline section is always present, between these two HTML comments (invisible when
// rendered), so that a tool or a later step can find and replace it.
inline constexpr const char* kMarkdownBaselineBegin = "<!-- mmaudit:baseline:begin -->";
inline constexpr const char* kMarkdownBaselineEnd = "<!-- mmaudit:baseline:end -->";

struct MarkdownOptions {
  // The changes against the baseline as Markdown (from the baseline diff, --baseline), placed
  // verbatim between the baseline markers under the heading "Changes against the baseline"; the
  // caller escapes what came from pages (MarkdownEscape). "" (the usual case): the section is
  // rendered from the report's own "baseline" object (audit --baseline), or says that no baseline
  // was given.
  std::string baseline_markdown;
  std::size_t max_items = 10;  // rows of each list or table of pages, findings or errors
};

// Renders `report_json` (the output of ToJson). Returns true and fills *markdown on success;
// returns false and sets *error only when the text is not a JSON object. Missing members and
// members of the wrong type are skipped, never fatal.
bool RenderMarkdown(std::string_view report_json, const MarkdownOptions& options, std::string* markdown,
                    std::string* error);

// `s` as inline Markdown text that shows exactly as written, on one line: control characters and
// line breaks become spaces, ill-formed UTF-8 is repaired; < and > become entities, and so does an &
// that could start a reference; \ ` * [ ] | ~ $ are backslash-escaped (so `|` cannot end a table
// cell and no link, image, code span, emphasis or math can start), and so is _ unless it stands
// inside a word, and a leading block marker (# - + = or "1." "1)") so that the text cannot start
// a heading or a list; a zero-width space follows an "@" that starts a word, so a page cannot
// mention a user in a pull-request comment. Other punctuation is left alone so that plain URLs in
// text still read (GitHub may turn them into links, as it does any URL).
std::string MarkdownEscape(std::string_view s);

// `s` (a URL, typically) as a code span shown literally on one line, fenced with more backticks
// than it holds; with `in_table`, `|` is escaped as GFM tables need. "" when `s` is empty.
std::string MarkdownCode(std::string_view s, bool in_table);

}  // namespace mmaudit::report
