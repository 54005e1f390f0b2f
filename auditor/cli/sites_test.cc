#include "cli/sites.h"

#include <gtest/gtest.h>

namespace mmaudit::cli {
namespace {

TEST(SitesFile, ReadsUrlsWithOptionalNamesAndSkipsCommentsAndBlankLines) {
  std::vector<SiteEntry> sites;
  std::string error;
  ASSERT_TRUE(ParseSitesFile("# clients\n\nhttps://Shop.Example/  Shop  Example\nhttp://127.0.0.1:8080/pl/\n"
                             "https://shop.example/outlet\n",
                             &sites, &error))
      << error;
  ASSERT_EQ(sites.size(), 3u);
  EXPECT_EQ(sites[0].url, "https://Shop.Example/");
  EXPECT_EQ(sites[0].name, "Shop  Example");
  EXPECT_EQ(sites[0].dir, "sites/shop-example");
  EXPECT_EQ(sites[1].name, "127.0.0.1:8080");
  EXPECT_EQ(sites[1].dir, "sites/127-0-0-1-8080-pl");
  EXPECT_EQ(sites[2].dir, "sites/shop-example-outlet");
}

TEST(SitesFile, GivesSitesOfOneHostDistinctDirectories) {
  std::vector<SiteEntry> sites;
  std::string error;
  ASSERT_TRUE(ParseSitesFile("https://shop.example/\nhttp://shop.example/\n", &sites, &error)) << error;
  EXPECT_EQ(sites[0].dir, "sites/shop-example");
  EXPECT_EQ(sites[1].dir, "sites/shop-example-2");
}

TEST(SitesFile, RefusesABadUrlADuplicateAndAnEmptyFileNamingTheLine) {
  std::vector<SiteEntry> sites;
  std::string error;
  EXPECT_FALSE(ParseSitesFile("https://a.example/\nftp://b.example/ B\n", &sites, &error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
  EXPECT_FALSE(ParseSitesFile("https://a.example/\n# x\nhttps://A.example/\n", &sites, &error));
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_NE(error.find("twice"), std::string::npos) << error;
  EXPECT_FALSE(ParseSitesFile("# nothing\n\n", &sites, &error));
  EXPECT_NE(error.find("no site"), std::string::npos) << error;
}

}  // namespace
}  // namespace mmaudit::cli
