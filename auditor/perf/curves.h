// Score curves shared by the simulated metrics (perf/) and the rules (rules/scoring.h): pure
// functions from a measured value to a score in [0, 1].
#pragma once

namespace mmaudit::perf {

// Lighthouse's log-normal curve (shared/statistics.js) through (p10, 0.9) and (median, 0.5).
// Returns 1 for values <= 0; with p10 >= median (a malformed curve) a step at the median.
double LogNormalScore(double value, double p10, double median);

// 1 at or below `good`, 0 at or beyond `poor`, linear in between; works for either direction
// (good < poor or good > poor). A step at `good` when both are equal.
double LinearScore(double value, double good, double poor);

}  // namespace mmaudit::perf
