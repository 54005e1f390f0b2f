#include "rules/scoring.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace mmaudit::rules {
namespace {

TEST(Scoring, LogNormalCurveHitsLighthouseControlPoints) {
  // Lighthouse mobile LCP: p10 2500 ms scores 0.9, median 4000 ms scores 0.5.
  EXPECT_NEAR(LogNormalScore(2500, 2500, 4000), 0.9, 1e-6);
  EXPECT_NEAR(LogNormalScore(4000, 2500, 4000), 0.5, 1e-6);
  EXPECT_GT(LogNormalScore(1000, 2500, 4000), 0.99);
  EXPECT_LT(LogNormalScore(10000, 2500, 4000), 0.1);
  EXPECT_EQ(LogNormalScore(0, 2500, 4000), 1);
}

TEST(Scoring, LinearCurveWorksInBothDirections) {
  EXPECT_EQ(LinearScore(8, 8, 14.88), 1);
  EXPECT_EQ(LinearScore(14.88, 8, 14.88), 0);
  EXPECT_NEAR(LinearScore(11.44, 8, 14.88), 0.5, 1e-9);
  EXPECT_EQ(LinearScore(400, 300, 50), 1);    // more is better
  EXPECT_NEAR(LinearScore(175, 300, 50), 0.5, 1e-9);
}

RuleSpec Rule(const std::string& check, ScoreMode mode = ScoreMode::kBinary) {
  RuleSpec r;
  r.id = "r-" + check;
  r.moment = "mobile";
  r.check = check;
  r.score_mode = mode;
  r.weight = 2;
  return r;
}

TEST(Scoring, AnUnregisteredCheckBecomesAnErrorFindingNotACrash) {
  facts::PageFacts page;
  Finding f = Evaluate(Rule("nope"), page);
  EXPECT_EQ(f.status, Status::kError);
  EXPECT_FALSE(f.score.has_value());
  EXPECT_NE(f.error.find("\"nope\""), std::string::npos);
}

TEST(Scoring, BinaryRulesPassOrFailAndNumericRulesWarnInBetween) {
  facts::PageFacts page;
  page.viewport.present = true;
  page.viewport.width = "device-width";
  EXPECT_EQ(Evaluate(Rule("viewport"), page).status, Status::kPass);
  page.viewport.initial_scale = 0.5;
  EXPECT_EQ(Evaluate(Rule("viewport"), page).status, Status::kFail);

  RuleSpec dom = Rule("dom-size", ScoreMode::kNumeric);
  dom.options.strings["curve"] = "log-normal";
  dom.options.numbers["p10"] = 818;
  dom.options.numbers["median"] = 1400;
  page.meta.element_count = 800;
  EXPECT_EQ(Evaluate(dom, page).status, Status::kPass);
  page.meta.element_count = 1200;
  EXPECT_EQ(Evaluate(dom, page).status, Status::kWarn);
  page.meta.element_count = 5000;
  Finding f = Evaluate(dom, page);
  EXPECT_EQ(f.status, Status::kFail);
  EXPECT_EQ(f.numeric_value, 5000);
  EXPECT_EQ(f.unit, "elements");
}

TEST(Scoring, PageScoresAreWeightedMeansPerMomentIgnoringUnscoredFindings) {
  auto finding = [](const char* moment, double weight, Status status, std::optional<double> score) {
    Finding f;
    f.moment = moment;
    f.weight = weight;
    f.status = status;
    f.score = score;
    return f;
  };
  const std::vector<Finding> findings = {
      finding("buy", 3, Status::kPass, 1.0), finding("buy", 1, Status::kFail, 0.0),
      finding("know", 2, Status::kWarn, 0.5), finding("know", 5, Status::kNotApplicable, std::nullopt)};
  Scores s = ScorePage(findings);
  EXPECT_EQ(s.moments["buy"], 75);
  EXPECT_EQ(s.moments["know"], 50);
  EXPECT_FALSE(s.moments["go"].has_value());
  EXPECT_EQ(s.overall, 67);  // (3 + 0 + 1) / 6
}

}  // namespace
}  // namespace mmaudit::rules
