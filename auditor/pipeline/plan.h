// Scale-out: plan once, audit in shards that share nothing, merge into one report.
//
//   mmaudit plan URL --shards N --out plan.json     discovery only (robots.txt, sitemaps, link crawl)
//   mmaudit audit --plan plan.json --shard K/N       audits the plan's URLs of shard K; a shard file
//   mmaudit merge shard-*.json                       the site stage, reports and gates of the whole
//
// The plan file (reports/schema/plan.schema.json) is one JSON object whose last member, "frontier",
// holds one URL entry per line, so a shard reads it line by line and keeps only its own URLs:
// memory per shard does not grow with the catalogue. The first line holds everything else.
//
// Shard of a URL: FNV-1a 64 of the URL string as the plan records it (the crawler's normalised URL:
// lowercased scheme and host, no fragment, tracking parameters stripped), mod N. K is 0-based.
//
// Robots: the plan records what robots.txt said per host (for the report); each shard's fetches
// read robots.txt again, because the crawler obeys its Crawl-delay per host and the rules may have
// changed since the plan. A URL the plan skipped for robots.txt is never audited.
//
// A shard file is JSON Lines (one JSON value per line): a header line (format "mmaudit-shard",
// version, the plan's digest, K and N, the digest of the settings and rules, --no-resources, the
// --budget's digest and --checkout), then per URL of the
// shard either a "url" line (not audited: skipped, sampled out or a redirect) or a "page" line (what
// the site stage and the summary need of the page) followed by the page's report JSON on a line of
// its own, exactly as the report will hold it; and an "end" line with the counts, so a cut file is
// refused.
//
// The checkout walk (or inspection) runs in the merge step, from the best product page of all
// shards, because only there are all pages known.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/progress.h"
#include "pipeline/audit.h"
#include "report/result.h"

namespace mmaudit::pipeline {

inline constexpr int kPlanVersion = 1;
inline constexpr int kShardVersion = 2;

// FNV-1a 64 of `bytes`, continuing from `h` (start with kFnvOffset).
inline constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
std::uint64_t Fnv1a64(const std::string& bytes, std::uint64_t h = kFnvOffset);
// The shard of `url` among `shards` (> 0): Fnv1a64(url) % shards.
std::size_t ShardOf(const std::string& url, std::size_t shards);

// One URL of the plan's frontier.
struct PlanEntry {
  fetch::CrawlEntry crawl;  // as the discovery crawl recorded it (state, status, reason, page type guess)
  bool audit = false;       // to be audited: fetched or failed in discovery and not sampled out
};

// Everything of a plan but its frontier.
struct PlanHeader {
  int version = kPlanVersion;
  std::size_t shards = 1;
  std::vector<std::string> start_urls;
  fetch::CrawlOptions crawl;  // fetch options are the audit's, not the plan's
  std::size_t sample_per_type = 0;
  std::vector<fetch::RobotsRecord> robots;
  std::vector<std::string> sitemaps;
  std::vector<std::string> sitemap_errors;
  std::size_t urls = 0, to_audit = 0, skipped_unrecorded = 0, sampled_out = 0;
};

// Discovers the URL set from `seeds` with options.crawl (robots.txt, sitemaps, links; pages are
// fetched and parsed for their links and page type, never audited) and writes the plan for
// `shards` shards to `out`. With options.sample_per_type, at most that many pages per page type
// are marked for audit, picked round-robin over the shards so every shard gets every type that
// has a URL hashing to it. Returns the header written. Never throws.
PlanHeader WritePlan(const std::vector<std::string>& seeds, const AuditOptions& options, std::size_t shards,
                     std::ostream& out, Progress& progress);

// Writes a plan whose frontier is given one entry at a time: `next` fills its argument and returns
// true, or returns false when there are no more. `h` is written as given (its counts are not
// recomputed). Nothing of the frontier is kept, so a plan of any size is written in constant memory.
void WritePlanLines(const PlanHeader& h, const std::function<bool(PlanEntry*)>& next, std::ostream& out);

// Reads a plan from `in`: the header, then each frontier entry handed to `each` in file order
// (nothing of the frontier is kept). With `want`, entries whose URL it refuses are skipped, most
// without being parsed (a shard reads a 1M-URL plan for its own share). Returns false with *error
// when the file is not a plan of a version this build reads, or a line is malformed or missing.
bool ReadPlan(std::istream& in, PlanHeader* header, const std::function<void(PlanEntry&&)>& each, std::string* error,
              const std::function<bool(const std::string& url)>& want = nullptr);

// The identity of a plan file: "fnv1a64:" and 16 hex digits over its bytes; "" when unreadable.
std::string PlanDigest(const std::string& path);

// The identity of what shards must agree on to be merged: the report's settings, the rules in
// force and the categories, as `options` makes them.
std::string SettingsDigest(const AuditOptions& options);

// Audits the plan's URLs of shard `shard` of `shards` (0 <= shard < shards) and writes the shard
// file to `out`. options.crawl's politeness (delay_ms, concurrency, per_host) is the run's; the
// rest of the crawl settings come from the plan. Returns false with *error when the plan cannot be
// read; then `out` holds no usable shard.
bool AuditPlanShard(const std::string& plan_path, std::size_t shard, std::size_t shards, const AuditOptions& options,
                    std::ostream& out, Progress& progress, std::string* error);

// What MergeShards refuses, and why.
struct MergeError {
  std::string message;
};

// How many URL entries a merge holds in memory at most (MergeShards' entries_in_memory).
inline constexpr std::size_t kMergeEntriesInMemory = 16384;

// Merges shard files: checks they come from one plan with the same settings digest as `options`
// (SettingsDigest) and the same --no-resources and --budget as `options`, that they agree among
// themselves on --checkout, and that shards 0..N-1 are each present exactly once; then rebuilds the
// result (pages sorted by final URL, their JSON in result.store), runs the checkout per
// options.checkout and the site stage. Returns nullopt with *error on any refusal. Never throws.
//
// Memory grows with the audited pages (their summaries), not with the plan's URLs: the URL entries
// of the site section are sorted by URL (of each URL, the first in the order of `paths` and of
// their lines is kept) with at most `entries_in_memory` of them in memory, the rest in temporary
// files, and result.crawl->entry_source reads them from disk when the report is written
// (result.crawl->crawl.entries stays empty; its counts are set). The result owns those files.
std::optional<report::AuditResult> MergeShards(const std::vector<std::string>& paths, const AuditOptions& options,
                                               Progress& progress, MergeError* error,
                                               std::size_t entries_in_memory = kMergeEntriesInMemory);

// Parses "K/N" (0 <= K < N, N >= 1). Returns false with *error otherwise.
bool ParseShardSpec(const std::string& spec, std::size_t* k, std::size_t* n, std::string* error);

}  // namespace mmaudit::pipeline
