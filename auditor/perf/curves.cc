#include "perf/curves.h"

#include <algorithm>
#include <cmath>

namespace mmaudit::perf {

double LogNormalScore(double value, double p10, double median) {
  // Lighthouse shared/statistics.js: the complementary log-normal CDF through (median, 0.5) and
  // (p10, 0.9). INVERSE_ERFC_ONE_FIFTH = 0.9061938024368232.
  if (value <= 0) return 1;
  if (median <= 0 || p10 <= 0 || p10 >= median) return value <= median ? 1 : 0;
  const double log_ratio = std::log(p10 / median);
  const double shape = std::abs(log_ratio) / (std::sqrt(2.0) * 0.9061938024368232);
  const double standardized = std::log(value / median) / (std::sqrt(2.0) * shape);
  const double score = 0.5 * std::erfc(standardized);
  return std::clamp(score, 0.0, 1.0);
}

double LinearScore(double value, double good, double poor) {
  if (good == poor) return value <= good ? 1 : 0;
  const double t = (value - poor) / (good - poor);
  return std::clamp(t, 0.0, 1.0);
}

}  // namespace mmaudit::perf
