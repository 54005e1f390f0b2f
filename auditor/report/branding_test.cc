#include "report/branding.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/test_paths.h"

namespace mmaudit::report {
namespace {

using mmaudit::testing::ReadFixture;

BrandLogo Accepted(const std::string& fixture) {
  BrandLogo logo;
  std::string error;
  EXPECT_TRUE(CheckBrandLogo(ReadFixture(fixture), &logo, &error)) << fixture << ": " << error;
  return logo;
}

std::string Refusal(const std::string& bytes) {
  BrandLogo logo;
  std::string error;
  EXPECT_FALSE(CheckBrandLogo(bytes, &logo, &error));
  EXPECT_TRUE(logo.data_uri.empty());
  return error;
}

TEST(BrandLogo, APngBecomesABase64DataUriWithItsMediaTypeSizeAndDigest) {
  const std::string bytes = ReadFixture("fixtures/brand/logo.png");
  const BrandLogo logo = Accepted("fixtures/brand/logo.png");
  EXPECT_EQ(logo.media_type, "image/png");
  EXPECT_EQ(logo.bytes, bytes.size());
  EXPECT_EQ(logo.sha256, Sha256Hex(bytes));
  EXPECT_EQ(logo.data_uri.rfind("data:image/png;base64,iVBORw0KGgo", 0), 0u);  // the PNG signature
  EXPECT_EQ((logo.data_uri.size() - std::string("data:image/png;base64,").size()) % 4, 0u);
  EXPECT_TRUE(IsBrandLogoDataUri(logo.data_uri));
}

TEST(BrandLogo, APlainSvgThatOnlyDrawsIsAccepted) {
  const BrandLogo logo = Accepted("fixtures/brand/logo.svg");
  EXPECT_EQ(logo.media_type, "image/svg+xml");
  EXPECT_TRUE(IsBrandLogoDataUri(logo.data_uri));
}

TEST(BrandLogo, AnSvgThatCouldRunScriptOrLoadSomethingIsRefusedSayingWhy) {
  EXPECT_NE(Refusal(ReadFixture("fixtures/brand/logo-script.svg")).find("<script"), std::string::npos);
  EXPECT_NE(Refusal(ReadFixture("fixtures/brand/logo-onload.svg")).find("event handler"), std::string::npos);
  EXPECT_NE(Refusal(ReadFixture("fixtures/brand/logo-remote.svg")).find("outside the file"), std::string::npos);
  const std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\">";
  EXPECT_FALSE(Refusal(svg + "<foreignObject><p>x</p></foreignObject></svg>").empty());
  EXPECT_FALSE(Refusal(svg + "<a href=\"javascript:alert(1)\"><rect/></a></svg>").empty());
  EXPECT_FALSE(Refusal(svg + "<style>@import 'https://x.example/a.css';</style></svg>").empty());
  EXPECT_FALSE(Refusal(svg + "<rect fill=\"url(https://x.example/p.svg#g)\"/></svg>").empty());
  EXPECT_FALSE(Refusal(svg + "<rect ONCLICK = \"x()\"/></svg>").empty()) << "attribute names in any case";
  EXPECT_FALSE(Refusal("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>" + svg +
                       "<text>&e;</text></svg>").empty());
  BrandLogo logo;
  std::string error;
  EXPECT_TRUE(CheckBrandLogo(svg + "<use href=\"#a\"/><rect id=\"a\" fill=\"url(#g)\"/></svg>", &logo, &error))
      << "references inside the file are fine: " << error;
}

TEST(BrandLogo, OtherFormatsEmptyOversizedOrDamagedFilesAreRefused) {
  EXPECT_NE(Refusal(ReadFixture("fixtures/brand/logo.gif")).find("gif"), std::string::npos);
  EXPECT_NE(Refusal(ReadFixture("fixtures/brand/logo-not-an-image.png")).find("not a PNG"), std::string::npos)
      << "the format comes from the bytes, not the name";
  EXPECT_NE(Refusal("").find("empty"), std::string::npos);
  std::string big = ReadFixture("fixtures/brand/logo.png");
  big.resize(kMaxBrandLogoBytes + 1, '\0');
  EXPECT_NE(Refusal(big).find("512 KiB"), std::string::npos);
  EXPECT_FALSE(Refusal(ReadFixture("fixtures/brand/logo.png").substr(0, 20)).empty()) << "cut before the size";
}

TEST(BrandLogo, OnlyBase64DataUrisOfLogoTypesAreFitForTheReport) {
  EXPECT_TRUE(IsBrandLogoDataUri("data:image/jpeg;base64,/9j/4AAQ"));
  EXPECT_TRUE(IsBrandLogoDataUri("data:image/webp;base64,UklGRg=="));
  EXPECT_FALSE(IsBrandLogoDataUri("https://evil.example/logo.png"));
  EXPECT_FALSE(IsBrandLogoDataUri("javascript:alert(1)"));
  EXPECT_FALSE(IsBrandLogoDataUri("data:text/html;base64,PHNjcmlwdD4="));
  EXPECT_FALSE(IsBrandLogoDataUri("data:image/svg+xml,<svg onload=alert(1)>"));
  EXPECT_FALSE(IsBrandLogoDataUri("data:image/png;base64,AAAA\" onerror=\"x"));
  EXPECT_FALSE(IsBrandLogoDataUri("data:image/png;base64,"));
}

TEST(BrandName, IsTrimmedAndRefusedWhenEmptyTooLongOrHoldingControlCharacters) {
  std::string name, error;
  EXPECT_TRUE(CheckBrandName("  Acme Digital <Agency> & Co  ", &name, &error)) << error;
  EXPECT_EQ(name, "Acme Digital <Agency> & Co") << "escaping is the renderer's job";
  EXPECT_TRUE(CheckBrandName("Agencja Żółw", &name, &error));
  EXPECT_FALSE(CheckBrandName("   ", &name, &error));
  EXPECT_FALSE(CheckBrandName("Acme\nInjected", &name, &error));
  EXPECT_FALSE(CheckBrandName("\xff\xfe", &name, &error));
  EXPECT_FALSE(CheckBrandName(std::string(kMaxBrandNameChars + 1, 'a'), &name, &error));
}

TEST(Sha256, MatchesTheFipsTestVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

}  // namespace
}  // namespace mmaudit::report
