#include <gtest/gtest.h>

#include "facts/extract.h"
#include "tests/support/test_paths.h"

namespace mmaudit::facts {
namespace {

class Resources : public ::testing::Test {
 protected:
  html::Document doc = testing::ParseFixture("fixtures/pages/resources/mixed.html");
  Context ctx{"https://shop.example/p/1"};
};

TEST_F(Resources, CountsImagesWithAltSizeSrcsetPictureAndLazyLoading) {
  ImageFacts f = ExtractImages(doc, ctx);
  ASSERT_EQ(f.images.size(), 5u);  // the <noscript> image is not rendered by a browser with JS
  EXPECT_EQ(f.images[0].src, "https://shop.example/img/hero.jpg");
  EXPECT_EQ(f.images[0].width, 1200);
  EXPECT_TRUE(f.images[0].has_srcset);
  EXPECT_TRUE(f.images[1].in_picture);
  EXPECT_EQ(f.images[1].width, 600);                 // "600px" is a size
  EXPECT_FALSE(f.images[1].height.has_value());      // "auto" is not
  EXPECT_EQ(f.missing_alt, 1u);                      // the role=presentation spacer is decorative
  EXPECT_EQ(f.empty_alt, 1u);
  EXPECT_EQ(f.unsized, 3u);
  EXPECT_EQ(f.with_srcset, 1u);
  EXPECT_EQ(f.in_picture, 1u);
  EXPECT_EQ(f.lazy, 1u);
}

TEST_F(Resources, FindsRenderBlockingScriptsOnlyAmongSynchronousHeadScripts) {
  ScriptFacts f = ExtractScripts(doc, ctx);
  EXPECT_EQ(f.external, 5u);
  EXPECT_EQ(f.inline_count, 1u);  // JSON-LD is data, not a script
  EXPECT_EQ(f.render_blocking, 1u);
  EXPECT_EQ(f.scripts[0].src, "https://shop.example/js/sync.js");
  EXPECT_TRUE(f.scripts[0].render_blocking);
  EXPECT_TRUE(f.scripts[1].async);
  EXPECT_TRUE(f.scripts[2].defer);
  EXPECT_TRUE(f.scripts[3].module);
  EXPECT_FALSE(f.scripts[5].in_head);  // footer.js
  EXPECT_FALSE(f.scripts[5].render_blocking);
  EXPECT_EQ(f.inline_bytes, std::string("window.dataLayer = [];").size());
}

TEST_F(Resources, TreatsPrintAndDesktopOnlyStylesheetsAsNonBlockingOnAPhone) {
  StyleFacts f = ExtractStyles(doc, ctx);
  EXPECT_EQ(f.external, 5u);  // main, print, desktop, phone, late; the alternate one is skipped
  EXPECT_EQ(f.inline_count, 1u);
  EXPECT_EQ(f.render_blocking, 2u);  // main.css and phone.css
  EXPECT_EQ(f.inline_css, "body{font-size:16px}");
  for (const auto& s : f.stylesheets) {
    if (s.href.find("print.css") != std::string::npos || s.href.find("desktop.css") != std::string::npos ||
        s.href.find("late.css") != std::string::npos) {
      EXPECT_FALSE(s.render_blocking) << s.href;
    }
  }
}

}  // namespace
}  // namespace mmaudit::facts
