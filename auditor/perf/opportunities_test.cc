#include "perf/opportunities.h"

#include <gtest/gtest.h>

namespace mmaudit::perf {
namespace {

using facts::Opportunity;
using facts::ResourceRecord;
using facts::ResourceType;

// Lighthouse's mobile throttling: 150 ms RTT, 1638.4 Kbit/s = 1638.4 × 1024 / 8 = 209715.2 bytes/s,
// so 1 byte costs 8000 / 1677721.6 ms.
OpportunityInputs Mobile() {
  OpportunityInputs in;
  in.rtt_ms = 150;
  in.throughput_kbps = 1638.4;
  in.dpr = 2;
  in.viewport_height = 823;
  return in;
}

ResourceRecord Rec(const std::string& url, ResourceType type, std::uint64_t transfer) {
  ResourceRecord r;
  r.url = url;
  r.type = type;
  r.status = 200;
  r.transfer_bytes = transfer;
  r.decoded_bytes = transfer;
  r.origin = url.substr(0, url.find('/', 8));
  return r;
}

ResourceRecord Text(const std::string& url, const std::string& media_type, std::uint64_t decoded, std::uint64_t gzip) {
  ResourceRecord r = Rec(url, ResourceType::kScript, decoded + 300);
  r.media_type = media_type;
  r.decoded_bytes = decoded;
  r.gzip_estimate_bytes = gzip;
  return r;
}

ResourceRecord Image(const std::string& url, std::uint64_t bytes, int iw, int ih, int dw, int dh, const std::string& format = "jpeg") {
  ResourceRecord r = Rec(url, ResourceType::kImage, bytes);
  r.via = "img";
  r.image_format = format;
  r.media_type = "image/" + format;
  r.intrinsic_width = iw;
  r.intrinsic_height = ih;
  r.display_width = dw;
  r.display_height = dh;
  r.sized = true;
  r.estimated_top = 100;
  return r;
}

const Opportunity* Find(const std::vector<Opportunity>& all, const std::string& id) {
  for (const Opportunity& o : all)
    if (o.id == id) return &o;
  return nullptr;
}

TEST(TextCompression, ReportsSavingsOverTheLighthouseThresholdsAndTimesOnlyBlockingBytes) {
  std::vector<ResourceRecord> rs = {
      Text("https://s.com/a.css", "text/css", 50000, 10000),           // saves 40000, render-blocking
      Text("https://s.com/b.js", "text/javascript", 30000, 20000),     // saves 10000 = 33%
      Text("https://s.com/c.json", "application/json", 100000, 95000), // 5000 and 5%: ignored
      Text("https://s.com/d.js", "text/javascript", 500000, 475000),   // 25000 at 5%: >= 20000, kept
      Text("https://s.com/e.js", "text/javascript", 3000, 2000),       // 1000 < 1400: ignored
      Text("https://s.com/f.js", "text/javascript", 90000, 20000),     // already brotli: ignored
      Text("https://s.com/g.png", "image/png", 90000, 20000),          // not text: ignored
  };
  rs[0].render_blocking = true;
  rs[5].content_encoding = "br";
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "uses-text-compression");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 3u);
  EXPECT_EQ(o->items[0].url, "https://s.com/a.css");
  EXPECT_EQ(o->items[0].bytes_saved, 40000u);
  EXPECT_EQ(o->items[1].bytes_saved, 25000u);
  EXPECT_EQ(o->items[2].bytes_saved, 10000u);
  EXPECT_EQ(o->bytes_saved, 75000u);
  // Only the render-blocking 40000 bytes count: 40000 × 8000 / 1677721.6 = 190.73486328125 ms.
  EXPECT_NEAR(o->ms_saved, 190.7348633, 1e-6);
}

TEST(TextCompression, SkipsAResponseWhoseTransferIsAlreadySmallerThanGzip) {
  ResourceRecord r = Text("https://s.com/a.css", "text/css", 50000, 10000);
  r.transfer_bytes = 9000;
  EXPECT_EQ(Find(FindOpportunities({r}, Mobile()), "uses-text-compression"), nullptr);
}

TEST(ResponsiveImages, EstimatesWasteFromDisplayedOverIntrinsicPixels) {
  std::vector<ResourceRecord> rs = {
      // 1600×1200 shown at 400×300 CSS px × DPR 2 = 800×600: 480000 / 1920000 = 1/4 used;
      // waste = 200000 × 3/4 = 150000.
      Image("https://s.com/hero.jpg", 200000, 1600, 1200, 400, 300),
      // 1000×1000 shown at 450×450 × 2 = 900×900: waste = 50000 × (1 - 810000/1000000) = 9500.
      Image("https://s.com/plain.jpg", 50000, 1000, 1000, 450, 450),
      Image("https://s.com/srcset.jpg", 50000, 1000, 1000, 450, 450),  // 9500 <= 12288: ignored
      Image("https://s.com/small.jpg", 4000, 1000, 1000, 100, 100),     // 3920 <= 4096: ignored
      Image("https://s.com/exact.jpg", 90000, 800, 600, 400, 300),      // exactly fits: no waste
      Image("https://s.com/icon.svg", 90000, 1000, 1000, 10, 10, "svg"), // vector: ignored
  };
  rs[2].via = "img-srcset";
  OpportunityInputs in = Mobile();
  in.lcp_index = 0;
  const auto all = FindOpportunities(rs, in);
  const Opportunity* o = Find(all, "uses-responsive-images");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 2u);
  EXPECT_EQ(o->items[0].bytes_saved, 150000u);
  EXPECT_EQ(o->items[0].detail, "1600×1200 px shown at 800×600 device px");
  EXPECT_EQ(o->items[1].url, "https://s.com/plain.jpg");
  EXPECT_EQ(o->items[1].bytes_saved, 9500u);
  // The hero is the LCP image: 150000 × 8000 / 1677721.6 = 715.2557373046875 ms; plain.jpg 0 ms.
  EXPECT_NEAR(o->ms_saved, 715.2557373, 1e-6);
}

TEST(ModernImageFormats, EstimatesAvifAtTwoTwelfthsOfABytePerPixel) {
  std::vector<ResourceRecord> rs = {
      // 800×600 = 480000 px: AVIF ≈ 480000 × 2/12 = 80000, WebP ≈ 96000; saving 150000 - 80000 = 70000.
      Image("https://s.com/a.png", 150000, 800, 600, 0, 0, "png"),
      // 100×100: AVIF ≈ 1667; saving 9000 - 1667 = 7333 < 8192: ignored.
      Image("https://s.com/b.gif", 9000, 100, 100, 0, 0, "gif"),
      // Already WebP: ignored.
      Image("https://s.com/c.webp", 150000, 800, 600, 0, 0, "webp"),
      // 1600×1200: AVIF ≈ 320000 > 200000 bytes: nothing to save.
      Image("https://s.com/d.jpg", 200000, 1600, 1200, 0, 0),
  };
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "modern-image-formats");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 1u);
  EXPECT_EQ(o->items[0].bytes_saved, 70000u);
  EXPECT_EQ(o->items[0].detail, "146 KiB png; about 78 KiB as AVIF, 94 KiB as WebP");
  EXPECT_EQ(o->ms_saved, 0);  // neither render-blocking nor the LCP image
}

TEST(UnsizedImages, CountsImgElementsWithoutWidthAndHeightOnly) {
  std::vector<ResourceRecord> rs = {Image("https://s.com/a.jpg", 1000, 0, 0, 0, 0),
                                    Image("https://s.com/b.jpg", 1000, 0, 0, 0, 0),
                                    Image("https://s.com/bg.jpg", 1000, 0, 0, 0, 0)};
  rs[0].sized = false;
  rs[2].sized = false;
  rs[2].via = "css-url";  // a CSS background has no width/height attributes
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "unsized-images");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 1u);
  EXPECT_EQ(o->items[0].url, "https://s.com/a.jpg");
  EXPECT_EQ(o->bytes_saved, 0u);
}

TEST(LcpLazyLoaded, CostsARoundTripPlusTheRenderBlockingBytes) {
  std::vector<ResourceRecord> rs = {Rec("https://s.com/", ResourceType::kDocument, 10000),
                                    Rec("https://s.com/a.css", ResourceType::kStylesheet, 20000),
                                    Rec("https://s.com/b.js", ResourceType::kScript, 30000),
                                    Image("https://s.com/hero.jpg", 60000, 0, 0, 0, 0)};
  rs[0].render_blocking = rs[1].render_blocking = rs[2].render_blocking = true;
  rs[3].lazy = true;
  OpportunityInputs in = Mobile();
  in.lcp_index = 3;
  const auto all = FindOpportunities(rs, in);
  const Opportunity* o = Find(all, "lcp-lazy-loaded");
  ASSERT_NE(o, nullptr);
  // 150 + (20000 + 30000) × 8000 / 1677721.6 = 150 + 238.4185791 = 388.4185791 ms (document excluded).
  EXPECT_NEAR(o->ms_saved, 388.4185791, 1e-6);
  rs[3].lazy = false;
  EXPECT_EQ(Find(FindOpportunities(rs, in), "lcp-lazy-loaded"), nullptr);
}

TEST(OffscreenImages, ReportsEagerImagesMoreThanTwoViewportsDown) {
  // Viewport 823 CSS px: the limit is 1646 px.
  std::vector<ResourceRecord> rs = {Image("https://s.com/far.jpg", 50000, 0, 0, 0, 0),
                                    Image("https://s.com/near.jpg", 50000, 0, 0, 0, 0),
                                    Image("https://s.com/lazy.jpg", 50000, 0, 0, 0, 0),
                                    Image("https://s.com/tiny.jpg", 1000, 0, 0, 0, 0),
                                    Image("https://s.com/unknown.jpg", 50000, 0, 0, 0, 0)};
  rs[0].estimated_top = 2000;
  rs[1].estimated_top = 1600;
  rs[2].estimated_top = 3000;
  rs[2].lazy = true;
  rs[3].estimated_top = 3000;
  rs[4].estimated_top = -1;
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "offscreen-images");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 1u);
  EXPECT_EQ(o->items[0].url, "https://s.com/far.jpg");
  EXPECT_EQ(o->bytes_saved, 50000u);
  EXPECT_EQ(o->ms_saved, 0);
}

TEST(LongCacheTtl, ReportsStaticAssetsCachedUnderThirtyDays) {
  std::vector<ResourceRecord> rs = {Rec("https://s.com/", ResourceType::kDocument, 10000),
                                    Rec("https://s.com/a.js", ResourceType::kScript, 30000),
                                    Rec("https://s.com/b.jpg", ResourceType::kImage, 40000),
                                    Rec("https://s.com/c.woff2", ResourceType::kFont, 20000),
                                    Rec("https://s.com/gone.jpg", ResourceType::kImage, 500)};
  rs[1].max_age_s = 3600;
  rs[2].max_age_s = 31536000;
  rs[4].status = 404;
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "uses-long-cache-ttl");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 2u);
  EXPECT_EQ(o->items[0].url, "https://s.com/a.js");
  EXPECT_EQ(o->items[0].detail, "cached for 3600 s");
  EXPECT_EQ(o->items[1].detail, "no cache lifetime");
  EXPECT_EQ(o->bytes_saved, 50000u);
  EXPECT_EQ(o->ms_saved, 0);
}

TEST(Redirects, CostARoundTripPerHopAndAConnectionWhenTheOriginChanges) {
  OpportunityInputs in = Mobile();
  in.redirects = {{"http://shop.com/", 301, "https://shop.com/"},         // 1 + TCP + TLS = 3 RTT = 450 ms
                  {"https://shop.com/", 302, "https://www.shop.com/"},    // + DNS: 4 RTT = 600 ms
                  {"https://www.shop.com/", 302, "https://www.shop.com/pl/"}};  // same origin: 150 ms
  const auto all = FindOpportunities({}, in);
  const Opportunity* o = Find(all, "redirects");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 3u);
  EXPECT_EQ(o->items[0].detail, "301 to https://shop.com/: about 450 ms");
  EXPECT_EQ(o->items[1].detail, "302 to https://www.shop.com/: about 600 ms");
  EXPECT_DOUBLE_EQ(o->ms_saved, 1200);
}

TEST(ThirdPartyOrigins, AppearsAboveTenOriginsAndCostsConnectionsOnTheCriticalPath) {
  std::vector<ResourceRecord> rs;
  for (int i = 0; i < 10; ++i) {
    rs.push_back(Rec("https://t" + std::to_string(i) + ".com/x.js", ResourceType::kScript, 1000));
    rs.back().third_party = true;
  }
  EXPECT_EQ(Find(FindOpportunities(rs, Mobile()), "third-party-origins"), nullptr);  // 10 is fine
  rs.push_back(Rec("https://fonts.example/f.css", ResourceType::kStylesheet, 1000));
  rs.back().third_party = rs.back().render_blocking = true;
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "third-party-origins");
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->items.size(), 11u);
  // One origin on the critical path: DNS + TCP + TLS = 3 × 150 = 450 ms.
  EXPECT_DOUBLE_EQ(o->ms_saved, 450);
}

TEST(FontDisplay, ReportsBlockingFontsWithTheInvisibleTextTimeCappedAtThreeSeconds) {
  std::vector<ResourceRecord> rs = {Rec("https://s.com/swap.woff2", ResourceType::kFont, 20000),
                                    Rec("https://s.com/none.woff2", ResourceType::kFont, 20000),
                                    Rec("https://s.com/block.woff2", ResourceType::kFont, 800000)};
  rs[0].font_display = "swap";
  rs[2].font_display = "block";
  const auto all = FindOpportunities(rs, Mobile());
  const Opportunity* o = Find(all, "font-display");
  ASSERT_NE(o, nullptr);
  ASSERT_EQ(o->items.size(), 2u);
  // none: 150 + 20000 × 8000 / 1677721.6 = 150 + 95.37 = 245 ms; block: 150 + 3814.7 → capped at 3000.
  EXPECT_EQ(o->items[0].detail, "no font-display; text invisible for up to 245 ms");
  EXPECT_EQ(o->items[1].detail, "font-display: block; text invisible for up to 3000 ms");
  EXPECT_DOUBLE_EQ(o->ms_saved, 3000);
}

TEST(FindOpportunities, SortsByMillisecondsThenBytesAndLeavesOutDeferredAndFailedResources) {
  std::vector<ResourceRecord> rs = {Text("https://s.com/a.css", "text/css", 50000, 10000),  // 190.7 ms
                                    Image("https://s.com/far.jpg", 50000, 0, 0, 0, 0),     // offscreen: 0 ms, 50000
                                    Image("https://s.com/lazy.jpg", 900000, 4000, 4000, 10, 10),
                                    Image("https://s.com/broken.jpg", 900000, 4000, 4000, 10, 10)};
  rs[0].render_blocking = true;
  rs[0].max_age_s = 31536000;
  rs[1].estimated_top = 5000;
  rs[1].max_age_s = 31536000;
  rs[2].deferred = rs[2].lazy = true;
  rs[3].status = 0;
  rs[3].error = "connect: refused";
  OpportunityInputs in = Mobile();
  in.redirects = {{"https://s.com/x", 301, "https://s.com/"}};  // 150 ms
  const auto all = FindOpportunities(rs, in);
  std::vector<std::string> ids;
  for (const auto& o : all) ids.push_back(o.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"uses-text-compression", "redirects", "offscreen-images"}));
}

}  // namespace
}  // namespace mmaudit::perf
