#include "perf/throttling.h"

#include <gtest/gtest.h>

namespace mmaudit::perf {
namespace {

TEST(LanternThrottling, MobileIsLighthousesSlow4GWithAFourTimesSlowerCpu) {
  const Throttling t = Mobile();
  EXPECT_EQ(t.name, "mobile");
  EXPECT_DOUBLE_EQ(t.rtt_ms, 150);
  EXPECT_DOUBLE_EQ(t.throughput_kbps, 1638.4);
  EXPECT_DOUBLE_EQ(t.ThroughputBitsPerSecond(), 1677721.6);
  EXPECT_DOUBLE_EQ(t.cpu_slowdown, 4);
  EXPECT_DOUBLE_EQ(t.fcp.p10, 1800);
  EXPECT_DOUBLE_EQ(t.fcp.median, 3000);
  EXPECT_DOUBLE_EQ(t.lcp.p10, 2500);
  EXPECT_DOUBLE_EQ(t.lcp.median, 4000);
  EXPECT_DOUBLE_EQ(t.tbt.p10, 200);
  EXPECT_DOUBLE_EQ(t.tbt.median, 600);
  EXPECT_DOUBLE_EQ(t.speed_index.p10, 3387);
  EXPECT_DOUBLE_EQ(t.speed_index.median, 5800);
}

TEST(LanternThrottling, DesktopIsDense4GWithAnUnthrottledCpu) {
  const Throttling t = Desktop();
  EXPECT_EQ(t.name, "desktop");
  EXPECT_DOUBLE_EQ(t.rtt_ms, 40);
  EXPECT_DOUBLE_EQ(t.ThroughputBitsPerSecond(), 10485760);
  EXPECT_DOUBLE_EQ(t.cpu_slowdown, 1);
  EXPECT_DOUBLE_EQ(t.fcp.p10, 934);
  EXPECT_DOUBLE_EQ(t.lcp.median, 2400);
  EXPECT_DOUBLE_EQ(t.tbt.p10, 150);
  EXPECT_DOUBLE_EQ(t.speed_index.median, 2300);
}

TEST(LanternThrottling, IsDesktopOnlyForTheDesktopDevice) {
  EXPECT_EQ(ThrottlingFor("desktop").name, "desktop");
  EXPECT_EQ(ThrottlingFor("mobile").name, "mobile");
  EXPECT_EQ(ThrottlingFor("tablet").name, "mobile");
  EXPECT_EQ(ThrottlingFor("").name, "mobile");
}

}  // namespace
}  // namespace mmaudit::perf
