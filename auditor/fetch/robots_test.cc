// Robots (RFC 9309): a table of verdicts taken from the RFC's and Google's examples, then group
// selection, extensions, line endings, limits and problems.
#include "fetch/robots.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <random>
#include <vector>
#include <string>
#include <string_view>

#include "tests/support/test_paths.h"

namespace mmaudit::fetch {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// One table row. `robots` is the file's text, or "fixture:NAME" for fixtures/robots/NAME.
struct RobotsCase {
  const char* source;  // where the example comes from; becomes part of the test name
  const char* robots;
  const char* token;
  const char* path;
  bool allowed;
};

std::string RobotsText(std::string_view robots) {
  constexpr std::string_view kFixture = "fixture:";
  if (robots.substr(0, kFixture.size()) == kFixture) {
    return mmaudit::testing::ReadFixture("fixtures/robots/" + std::string(robots.substr(kFixture.size())));
  }
  return std::string(robots);
}

// clang-format off
const RobotsCase kCases[] = {
  // RFC 9309 section 2.2.2: percent-encoding is normalised before comparison (Figure 4 and text).
  {"RfcPercentQuery", "User-agent: *\nDisallow: /foo/bar?baz=quz\n", "mmaudit", "/foo/bar?baz=quz", false},
  {"RfcPercentReserved", "User-agent: *\nDisallow: /foo/bar?baz=https%3A%2F%2Ffoo.bar\n", "mmaudit",
   "/foo/bar?baz=https%3A%2F%2Ffoo.bar", false},
  {"RfcPercentUtf8Pattern", "User-agent: *\nDisallow: /foo/bar/\xE3\x83\x84\n", "mmaudit", "/foo/bar/%E3%83%84", false},
  {"RfcPercentUtf8Path", "User-agent: *\nDisallow: /foo/bar/%E3%83%84\n", "mmaudit", "/foo/bar/\xE3\x83\x84", false},
  {"RfcPercentHexCase", "User-agent: *\nDisallow: /foo/bar/%E3%83%84\n", "mmaudit", "/foo/bar/%e3%83%84", false},
  {"RfcPercentUnreservedPattern", "User-agent: *\nDisallow: /foo/bar/%62%61%7A\n", "mmaudit", "/foo/bar/baz", false},
  {"RfcPercentUnreservedPath", "User-agent: *\nDisallow: /foo/bar/baz\n", "mmaudit", "/foo/bar/%62%61%7A", false},
  {"PercentLowerHexEqualsUpper", "User-agent: *\nDisallow: /a%3cd\n", "mmaudit", "/a%3Cd", false},
  {"PercentReservedSlashIsNotASlash", "User-agent: *\nDisallow: /a%2Fb\n", "mmaudit", "/a/b", true},
  {"PercentLoneSignIsLiteral", "User-agent: *\nDisallow: /100%\n", "mmaudit", "/100%25", false},
  // RFC 9309 section 2.2.3: "*", "$" and "#", and "%2A" / "%24" to match them literally.
  {"RfcStarMatchesAnySequence", "User-agent: *\nDisallow: /this/*/exactly\n", "mmaudit", "/this/path/to/exactly", false},
  {"RfcStarNeedsTheRestOfThePattern", "User-agent: *\nDisallow: /this/*/exactly\n", "mmaudit", "/this/exactly", true},
  {"RfcDollarMatchesTheEnd", "User-agent: *\nDisallow: /this/path/exactly$\n", "mmaudit", "/this/path/exactly", false},
  {"RfcDollarRejectsLonger", "User-agent: *\nDisallow: /this/path/exactly$\n", "mmaudit", "/this/path/exactly/more", true},
  {"RfcHashStartsAComment", "User-agent: *\nDisallow: /secret # not /public\n", "mmaudit", "/secret", false},
  {"RfcHashCommentIsNotPattern", "User-agent: *\nDisallow: /secret # not /public\n", "mmaudit", "/public", true},
  {"RfcEncodedStarIsLiteral", "User-agent: *\nDisallow: /path/file-with-a-%2A.html\n", "mmaudit",
   "/path/file-with-a-*.html", false},
  {"RfcEncodedStarIsNoWildcard", "User-agent: *\nDisallow: /path/file-with-a-%2A.html\n", "mmaudit",
   "/path/file-with-a-x.html", true},
  {"RfcEncodedDollarIsLiteral", "User-agent: *\nDisallow: /path/foo-%24\n", "mmaudit", "/path/foo-$", false},
  {"DollarInsideAPatternIsLiteral", "User-agent: *\nDisallow: /a$b\n", "mmaudit", "/a$b/c", false},
  // RFC 9309 section 5.1: the simple example file.
  {"RfcSimpleStar", "fixture:rfc9309-simple.txt", "otherbot", "/example/page.html", false},
  {"RfcSimpleStar", "fixture:rfc9309-simple.txt", "otherbot", "/images/logo.gif", false},
  {"RfcSimpleStar", "fixture:rfc9309-simple.txt", "otherbot", "/images/logo.gif?v=2", true},
  {"RfcSimpleStar", "fixture:rfc9309-simple.txt", "otherbot", "/publications/report.gif", true},
  {"RfcSimpleStar", "fixture:rfc9309-simple.txt", "otherbot", "/about", true},
  {"RfcSimpleFoobot", "fixture:rfc9309-simple.txt", "foobot", "/example/page.html", true},
  {"RfcSimpleFoobot", "fixture:rfc9309-simple.txt", "foobot", "/example/allowed.gif", true},
  {"RfcSimpleFoobot", "fixture:rfc9309-simple.txt", "foobot", "/example/other.html", false},
  {"RfcSimpleFoobot", "fixture:rfc9309-simple.txt", "foobot", "/", false},
  {"RfcSimpleBarbot", "fixture:rfc9309-simple.txt", "barbot", "/example/page.html", false},
  {"RfcSimpleBarbot", "fixture:rfc9309-simple.txt", "barbot", "/example/other.html", true},
  {"RfcSimpleBazbot", "fixture:rfc9309-simple.txt", "BazBot", "/example/page.html", false},
  {"RfcSimpleBazbot", "fixture:rfc9309-simple.txt", "bazbot", "/images/logo.gif", true},
  {"RfcSimpleQuxbot", "fixture:rfc9309-simple.txt", "quxbot", "/example/page.html", true},
  {"RfcSimpleQuxbot", "fixture:rfc9309-simple.txt", "quxbot", "/images/logo.gif", true},
  // RFC 9309 section 5.2: the longest match wins.
  {"RfcLongestMatch", "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n", "foobot",
   "/example/page/disallowed.gif", false},
  {"RfcLongestMatch", "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n", "foobot",
   "/example/page/allowed.gif", true},
  // Google's robots.txt spec: URL matching based on path values.
  {"GoogleSlash", "User-agent: *\nDisallow: /\n", "mmaudit", "/", false},
  {"GoogleSlash", "User-agent: *\nDisallow: /\n", "mmaudit", "/any/page", false},
  {"GoogleSlashStar", "User-agent: *\nDisallow: /*\n", "mmaudit", "/any/page", false},
  {"GoogleSlashDollar", "User-agent: *\nDisallow: /$\n", "mmaudit", "/", false},
  {"GoogleSlashDollar", "User-agent: *\nDisallow: /$\n", "mmaudit", "/index.html", true},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/fish", false},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/fish.html", false},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/fish/salmon.html", false},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/fishheads/yummy.html", false},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/fish.php?id=anything", false},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/Fish.asp", true},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/catfish", true},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/?id=fish", true},
  {"GoogleFish", "User-agent: *\nDisallow: /fish\n", "mmaudit", "/desert/fish", true},
  {"GoogleFishStar", "User-agent: *\nDisallow: /fish*\n", "mmaudit", "/fish", false},
  {"GoogleFishStar", "User-agent: *\nDisallow: /fish*\n", "mmaudit", "/fishheads/yummy.html", false},
  {"GoogleFishStar", "User-agent: *\nDisallow: /fish*\n", "mmaudit", "/Fish.asp", true},
  {"GoogleFishStar", "User-agent: *\nDisallow: /fish*\n", "mmaudit", "/catfish", true},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/fish/", false},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/fish/?id=anything", false},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/fish/salmon.htm", false},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/fish", true},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/fish.html", true},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/animals/fish/", true},
  {"GoogleFishSlash", "User-agent: *\nDisallow: /fish/\n", "mmaudit", "/Fish/Salmon.asp", true},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/index.php", false},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/folder/filename.php", false},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/folder/filename.php?parameters", false},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/folder/any.php.file.html", false},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/filename.php/", false},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/", true},
  {"GooglePhp", "User-agent: *\nDisallow: /*.php\n", "mmaudit", "/windows.PHP", true},
  {"GooglePhpDollar", "User-agent: *\nDisallow: /*.php$\n", "mmaudit", "/filename.php", false},
  {"GooglePhpDollar", "User-agent: *\nDisallow: /*.php$\n", "mmaudit", "/folder/filename.php", false},
  {"GooglePhpDollar", "User-agent: *\nDisallow: /*.php$\n", "mmaudit", "/filename.php?parameters", true},
  {"GooglePhpDollar", "User-agent: *\nDisallow: /*.php$\n", "mmaudit", "/filename.php/", true},
  {"GooglePhpDollar", "User-agent: *\nDisallow: /*.php$\n", "mmaudit", "/filename.php5", true},
  {"GooglePhpDollar", "User-agent: *\nDisallow: /*.php$\n", "mmaudit", "/windows.PHP", true},
  {"GoogleFishStarPhp", "User-agent: *\nDisallow: /fish*.php\n", "mmaudit", "/fish.php", false},
  {"GoogleFishStarPhp", "User-agent: *\nDisallow: /fish*.php\n", "mmaudit", "/fishheads/catfish.php?parameters", false},
  {"GoogleFishStarPhp", "User-agent: *\nDisallow: /fish*.php\n", "mmaudit", "/Fish.PHP", true},
  // Google's robots.txt spec: order of precedence for rules.
  {"GoogleLongerAllowWins", "User-agent: *\nAllow: /p\nDisallow: /\n", "mmaudit", "/page", true},
  {"GoogleTieGoesToAllow", "User-agent: *\nAllow: /folder\nDisallow: /folder\n", "mmaudit", "/folder/page", true},
  {"GoogleTieGoesToAllowInAnyOrder", "User-agent: *\nDisallow: /folder\nAllow: /folder\n", "mmaudit", "/folder/page",
   true},
  {"GoogleLongerWildcardDisallowWins", "User-agent: *\nAllow: /page\nDisallow: /*.htm\n", "mmaudit", "/page.htm", false},
  {"GoogleWildcardTieGoesToAllow", "User-agent: *\nAllow: /page\nDisallow: /*.ph\n", "mmaudit", "/page.php5", true},
  {"GoogleAnchoredRootAllow", "User-agent: *\nAllow: /$\nDisallow: /\n", "mmaudit", "/", true},
  {"GoogleAnchoredRootAllow", "User-agent: *\nAllow: /$\nDisallow: /\n", "mmaudit", "/page.htm", false},
  {"EquivalentEncodingsTieGoesToAllow", "User-agent: *\nDisallow: /caf%C3%A9\nAllow: /caf\xC3\xA9\n", "mmaudit",
   "/caf%c3%a9", true},
  // Group selection.
  {"OwnTokenBeatsStar", "User-agent: *\nDisallow: /\n\nUser-agent: mmaudit\nDisallow: /checkout\n", "mmaudit",
   "/products", true},
  {"OwnTokenBeatsStar", "User-agent: *\nDisallow: /\n\nUser-agent: mmaudit\nDisallow: /checkout\n", "mmaudit",
   "/checkout", false},
  {"OthersGetStar", "User-agent: *\nDisallow: /\n\nUser-agent: mmaudit\nDisallow: /checkout\n", "otherbot",
   "/products", false},
  {"AgentLineWithVersionMatches", "User-agent: MMAudit/0.1\nDisallow: /x\n", "mmaudit", "/x", false},
  {"AgentLineWithCommentMatches", "User-agent: mmaudit # our crawler\nDisallow: /x\n", "MMAUDIT", "/x", false},
  {"LongerAgentNameDoesNotMatch", "User-agent: mmaudit-extended\nDisallow: /x\nUser-agent: *\nDisallow: /y\n",
   "mmaudit", "/x", true},
  {"LongerAgentNameFallsBackToStar", "User-agent: mmaudit-extended\nDisallow: /x\nUser-agent: *\nDisallow: /y\n",
   "mmaudit", "/y", false},
  {"MergedGroups", "User-agent: mmaudit\nDisallow: /a\nUser-agent: *\nDisallow: /b\nUser-agent: mmaudit\nDisallow: /c\n",
   "mmaudit", "/a", false},
  {"MergedGroups", "User-agent: mmaudit\nDisallow: /a\nUser-agent: *\nDisallow: /b\nUser-agent: mmaudit\nDisallow: /c\n",
   "mmaudit", "/c", false},
  {"MergedGroups", "User-agent: mmaudit\nDisallow: /a\nUser-agent: *\nDisallow: /b\nUser-agent: mmaudit\nDisallow: /c\n",
   "mmaudit", "/b", true},
  {"NoMatchingGroupNoStar", "User-agent: otherbot\nDisallow: /\n", "mmaudit", "/anything", true},
  {"EmptyFile", "", "mmaudit", "/anything", true},
  {"RulesBeforeFirstAgentAreIgnored", "Disallow: /\nUser-agent: *\nDisallow: /x\n", "mmaudit", "/y", true},
  {"SitemapDoesNotEndAgentLines", "User-agent: mmaudit\nSitemap: https://s.example/s.xml\nUser-agent: other\n"
   "Disallow: /private\n", "mmaudit", "/private", false},
  {"BlankLineDoesNotEndAGroup", "User-agent: mmaudit\n\nDisallow: /x\n", "mmaudit", "/x", false},
  // Syntax.
  {"KeysAreCaseInsensitive", "USER-AGENT: *\nDISALLOW: /X\n", "mmaudit", "/X", false},
  {"WhitespaceAroundColon", "User-agent :  mmaudit \n\tDisallow\t:   /x   \n", "mmaudit", "/x", false},
  {"EmptyDisallowMatchesNothing", "User-agent: *\nDisallow:\n", "mmaudit", "/anything", true},
  {"PatternWithoutSlashIsIgnored", "User-agent: *\nDisallow: private\n", "mmaudit", "/private", true},
  {"RobotsTxtIsAlwaysAllowed", "User-agent: *\nDisallow: /\n", "mmaudit", "/robots.txt", true},
  {"FragmentIsNotPartOfThePath", "User-agent: *\nDisallow: /page$\n", "mmaudit", "/page#reviews", false},
};
// clang-format on

void PrintTo(const RobotsCase& c, std::ostream* os) {
  *os << c.source << ": token " << c.token << ", path " << c.path << (c.allowed ? " allowed" : " disallowed");
}

class RobotsTable : public ::testing::TestWithParam<RobotsCase> {};

TEST_P(RobotsTable, GivesTheExpectedVerdict) {
  const RobotsCase& c = GetParam();
  const Robots robots = Robots::Parse(RobotsText(c.robots), c.token);
  EXPECT_EQ(robots.Allowed(c.path), c.allowed)
      << "token " << c.token << ", path " << c.path << ", rule \"" << robots.Check(c.path).rule << "\"\n"
      << RobotsText(c.robots);
}

std::string CaseName(const ::testing::TestParamInfo<RobotsCase>& info) {
  std::string name = std::string(info.param.source) + "_" + info.param.token + "_";
  for (const char* p = info.param.path; *p != '\0'; ++p) {
    name.push_back(std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_');
  }
  name += info.param.allowed ? "_IsAllowed_" : "_IsDisallowed_";
  return name + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(RobotsSpecExamples, RobotsTable, ::testing::ValuesIn(kCases), CaseName);

TEST(RobotsTest, ReportsTheDecidingRuleAsWrittenAndTheGroupItCameFrom) {
  const Robots robots = Robots::Parse(mmaudit::testing::ReadFixture("fixtures/robots/shop.txt"), "mmaudit");
  EXPECT_EQ(robots.mode(), "parsed");

  const RobotsVerdict pay = robots.Check("/checkout/pay");
  EXPECT_FALSE(pay.allowed);
  EXPECT_EQ(pay.rule, "Disallow: /checkout/");
  EXPECT_EQ(pay.group, "mmaudit");

  const RobotsVerdict help = robots.Check("/checkout/help");
  EXPECT_TRUE(help.allowed);
  EXPECT_EQ(help.rule, "Allow: /checkout/help$");

  const RobotsVerdict cart = robots.Check("/cart");  // only the "*" group disallows it
  EXPECT_TRUE(cart.allowed);
  EXPECT_EQ(cart.rule, "");
  EXPECT_EQ(cart.group, "mmaudit");
}

TEST(RobotsTest, OwnTokenGroupBeatsTheStarGroup) {
  const std::string body = mmaudit::testing::ReadFixture("fixtures/robots/shop.txt");
  const Robots ours = Robots::Parse(body, "mmaudit");
  const Robots theirs = Robots::Parse(body, "otherbot");
  EXPECT_TRUE(ours.Allowed("/products?sort=price"));
  const RobotsVerdict sorted = theirs.Check("/products?sort=price");
  EXPECT_FALSE(sorted.allowed);
  EXPECT_EQ(sorted.rule, "Disallow: /*?sort=");
  EXPECT_EQ(sorted.group, "*");
  // The other user-agent line of our group shares its rules.
  EXPECT_FALSE(Robots::Parse(body, "friendly-bot").Allowed("/checkout/pay"));
}

TEST(RobotsTest, MergesTheRulesOfEveryGroupThatNamesTheToken) {
  const Robots robots = Robots::Parse(
      "User-agent: mmaudit\nDisallow: /a\nCrawl-delay: 1\n\nUser-agent: *\nDisallow: /b\n\n"
      "User-agent: MMAudit\nDisallow: /c\nCrawl-delay: 3\n",
      "mmaudit");
  EXPECT_FALSE(robots.Allowed("/a"));
  EXPECT_TRUE(robots.Allowed("/b"));
  EXPECT_FALSE(robots.Allowed("/c"));
  EXPECT_EQ(robots.crawl_delay(), 3.0);  // the largest of the merged groups
}

TEST(RobotsTest, AllowsEverythingWhenNoGroupMatchesAndThereIsNoStarGroup) {
  const Robots robots = Robots::Parse("User-agent: otherbot\nDisallow: /\nCrawl-delay: 10\n", "mmaudit");
  const RobotsVerdict verdict = robots.Check("/checkout");
  EXPECT_TRUE(verdict.allowed);
  EXPECT_EQ(verdict.rule, "");
  EXPECT_EQ(verdict.group, "");
  EXPECT_EQ(robots.crawl_delay(), std::nullopt);
}

TEST(RobotsTest, AnEmptyGroupAtTheEndAllowsEverythingForItsAgent) {
  const Robots robots = Robots::Parse(mmaudit::testing::ReadFixture("fixtures/robots/rfc9309-simple.txt"), "quxbot");
  const RobotsVerdict verdict = robots.Check("/example/page.html");
  EXPECT_TRUE(verdict.allowed);
  EXPECT_EQ(verdict.group, "quxbot");
  EXPECT_THAT(robots.problems(), IsEmpty());
}

TEST(RobotsTest, ReadsTheCrawlDelayOfTheChosenGroupOnly) {
  const std::string body = mmaudit::testing::ReadFixture("fixtures/robots/shop.txt");
  EXPECT_EQ(Robots::Parse(body, "mmaudit").crawl_delay(), 1.5);
  EXPECT_EQ(Robots::Parse(body, "otherbot").crawl_delay(), 5.0);
  EXPECT_EQ(Robots::Parse("User-agent: *\nDisallow: /x\n", "mmaudit").crawl_delay(), std::nullopt);
}

TEST(RobotsTest, FlagsInvalidCrawlDelaysAndKeepsTheValidOne) {
  const Robots robots = Robots::Parse(
      "User-agent: mmaudit\nCrawl-delay: soon\nCrawl-delay: -1\nCrawl-delay: 10s\nCrawl-delay: 0.25\n", "mmaudit");
  EXPECT_EQ(robots.crawl_delay(), 0.25);
  EXPECT_THAT(robots.problems(), ElementsAre("line 2: invalid crawl-delay \"soon\"", "line 3: invalid crawl-delay \"-1\"",
                                             "line 4: invalid crawl-delay \"10s\""));
}

TEST(RobotsTest, CollectsSitemapsFromAnywhereInTheFileInOrder) {
  const std::string body = mmaudit::testing::ReadFixture("fixtures/robots/shop.txt");
  const std::vector<std::string> expected = {"https://shop.example/sitemap.xml",
                                             "https://shop.example/sitemap-products.xml.gz"};
  EXPECT_EQ(Robots::Parse(body, "mmaudit").sitemaps(), expected);
  EXPECT_EQ(Robots::Parse(body, "nobody").sitemaps(), expected);  // sitemaps belong to no group

  // A root-relative sitemap is kept (the crawler resolves it against the site) and noted.
  const Robots relative = Robots::Parse("Sitemap: /sitemap.xml\n", "mmaudit");
  EXPECT_THAT(relative.sitemaps(), ElementsAre("/sitemap.xml"));
  EXPECT_THAT(relative.problems(), ElementsAre("line 1: sitemap \"/sitemap.xml\" is relative; resolved against the site"));
  const Robots junk = Robots::Parse("Sitemap: sitemap.xml\n", "mmaudit");
  EXPECT_THAT(junk.sitemaps(), IsEmpty());
  EXPECT_THAT(junk.problems(), ElementsAre("line 1: sitemap \"sitemap.xml\" is not an absolute http(s) URL"));
}

TEST(RobotsTest, HandlesCrLfAndLoneCrLineEndings) {
  const Robots crlf = Robots::Parse("User-agent: *\r\nDisallow: /a\r\n\r\nDisallow: /b\r\n", "mmaudit");
  EXPECT_FALSE(crlf.Allowed("/a"));
  EXPECT_FALSE(crlf.Allowed("/b"));
  EXPECT_EQ(crlf.Check("/a").rule, "Disallow: /a");

  const Robots cr = Robots::Parse("User-agent: *\rDisallow: /a\rBogus line\rDisallow: /b", "mmaudit");
  EXPECT_FALSE(cr.Allowed("/a"));
  EXPECT_FALSE(cr.Allowed("/b"));
  EXPECT_THAT(cr.problems(), ElementsAre("line 3: no \":\" in \"Bogus line\""));
}

TEST(RobotsTest, IgnoresAByteOrderMark) {
  const Robots robots = Robots::Parse("\xEF\xBB\xBFUser-agent: *\nDisallow: /private\n", "mmaudit");
  EXPECT_FALSE(robots.Allowed("/private"));
  EXPECT_THAT(robots.problems(), IsEmpty());
}

TEST(RobotsTest, ParsesOnlyTheFirst512KiBOfATenMegabyteFile) {
  std::string body = "User-agent: *\nDisallow: /early\n";
  while (body.size() < (512u << 10) - 200) body += "# filler filler filler filler filler filler filler filler\n";
  body += "#" + std::string((512u << 10) - 20 - body.size() - 2, 'x') + "\n";
  ASSERT_EQ(body.size(), (512u << 10) - 20);
  body += "Disallow: /cut-by-the-limit\n";  // the limit cuts it after "Disallow: /cut-by-th"
  while (body.size() < (10u << 20)) body += "Disallow: /late\n";

  const Robots robots = Robots::Parse(body, "mmaudit");
  EXPECT_FALSE(robots.Allowed("/early"));
  EXPECT_TRUE(robots.Allowed("/cut-by-the-limit"));
  EXPECT_TRUE(robots.Allowed("/late"));
  ASSERT_FALSE(robots.problems().empty());
  EXPECT_THAT(robots.problems().front(), HasSubstr("only the first 524288 were read"));
}

TEST(RobotsTest, MatchesPathologicalWildcardPatternsWithoutBacktrackingBlowup) {
  std::string pattern = "/";
  for (int i = 0; i < 2000; ++i) pattern += "*a";
  const Robots robots = Robots::Parse("User-agent: *\nDisallow: /*a*a*a*a*a*a*a*a*a*a*a*a*b\nDisallow: " + pattern +
                                          "b\n",
                                      "mmaudit");
  const std::string path = "/" + std::string(4000, 'a');
  EXPECT_TRUE(robots.Allowed(path));
  EXPECT_FALSE(robots.Allowed(path + "b"));
}

TEST(RobotsTest, ListsProblemsWithLineNumbersButNotWellKnownExtensions) {
  const Robots shop = Robots::Parse(mmaudit::testing::ReadFixture("fixtures/robots/shop.txt"), "mmaudit");
  EXPECT_THAT(shop.problems(), ElementsAre("line 15: unknown directive \"Dissallow\""));
  EXPECT_TRUE(shop.Allowed("/account"));  // the misspelt rule is not applied

  const Robots messy = Robots::Parse(
      "Disallow: /before\n"
      "User-agent:\n"
      "User-agent: *\n"
      "Disallow: private\n"
      "Noindex: /x\n",
      "mmaudit");
  EXPECT_THAT(messy.problems(), ElementsAre("line 1: rule outside any group (before the first user-agent line)",
                                            "line 2: empty user-agent",
                                            "line 4: path \"private\" starts with neither \"/\" nor \"*\"",
                                            "line 5: unknown directive \"Noindex\""));
}

TEST(RobotsTest, CapsTheListOfProblemsOnAGarbageFile) {
  std::string body;
  for (int i = 0; i < 5000; ++i) body += "garbage line\n";
  const Robots robots = Robots::Parse(body, "mmaudit");
  ASSERT_EQ(robots.problems().size(), 101u);
  EXPECT_EQ(robots.problems().back(), "... and 4900 more problems");
}

TEST(RobotsTest, NeverCrashesOnRandomBytes) {
  std::mt19937 rng(20240501);
  const std::vector<std::string> pieces = {"User-agent:", "Disallow:", "Allow:", "Crawl-delay:", "Sitemap:", "*", "$",
                                           "%", "%2", "%zz", "/", "#", "\r", "\n", "\r\n", " ", "mmaudit", "\xEF\xBB\xBF",
                                           "\xFF", std::string(1, '\0'), "a", ":", "1.5e9"};
  for (int round = 0; round < 300; ++round) {
    std::string body;
    const std::size_t n = rng() % 200;
    for (std::size_t i = 0; i < n; ++i) body += pieces[rng() % pieces.size()];
    const Robots robots = Robots::Parse(body, "mmaudit");
    std::string path = "/";
    for (int i = 0; i < 5; ++i) path += pieces[rng() % pieces.size()];
    (void)robots.Check(path);
    EXPECT_TRUE(robots.Allowed("/robots.txt"));
  }
}

TEST(RobotsTest, AllowAllAndDisallowAllStandInForAMissingOrUnreachableFile) {
  const Robots all = Robots::AllowAll();
  EXPECT_EQ(all.mode(), "allow-all");
  EXPECT_TRUE(all.Allowed("/checkout"));

  const Robots none = Robots::DisallowAll();
  EXPECT_EQ(none.mode(), "disallow-all");
  EXPECT_FALSE(none.Allowed("/"));
  EXPECT_FALSE(none.Allowed("/checkout"));
  EXPECT_TRUE(none.Allowed("/robots.txt"));
}

}  // namespace
}  // namespace mmaudit::fetch
