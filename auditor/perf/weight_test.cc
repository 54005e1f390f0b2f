#include "perf/weight.h"

#include <gtest/gtest.h>

namespace mmaudit::perf {
namespace {

using facts::ResourceRecord;
using facts::ResourceRef;
using facts::ResourceType;

fetch::LoadedResource Loaded(int status, const std::string& content_type,
                             std::vector<std::pair<std::string, std::string>> extra_headers = {}) {
  fetch::LoadedResource l;
  l.response.status = status;
  l.response.http_version = "2";
  l.response.headers = std::move(extra_headers);
  l.response.headers.emplace_back("content-type", content_type);
  l.response.transfer_bytes = 12345;
  l.response.decoded_bytes = 40000;
  l.response.ttfb_ms = 87.5;
  return l;
}

ResourceRef Ref(const std::string& url, ResourceType type) {
  ResourceRef r;
  r.url = url;
  r.type = type;
  return r;
}

TEST(RecordFor, CopiesTheRefsFlagsAndTheResponsesMeasurements) {
  ResourceRef ref = Ref("https://cdn.shop.co.uk/app.css", ResourceType::kStylesheet);
  ref.via = "stylesheet";
  ref.in_head = ref.render_blocking = ref.above_fold = ref.hero_hint = ref.fetchpriority_high = true;
  ref.async = ref.defer = ref.lazy = ref.deferred = ref.sized = true;
  ref.display_width = 300;
  ref.display_height = 200;
  ref.estimated_top = 1234;
  ref.font_display = "swap";
  ref.srcset_choice = "828w";
  ref.initiator = "https://shop.co.uk/base.css";
  fetch::LoadedResource l = Loaded(200, "Text/CSS; charset=utf-8",
                                   {{"content-encoding", "BR"}, {"cache-control", "public, max-age=600"}});
  l.gzip_estimate_bytes = 0;
  const ResourceRecord r = RecordFor(ref, &l, "shop.co.uk");
  EXPECT_EQ(r.url, ref.url);
  EXPECT_EQ(r.type, ResourceType::kStylesheet);
  EXPECT_EQ(r.via, "stylesheet");
  EXPECT_EQ(r.initiator, "https://shop.co.uk/base.css");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.media_type, "text/css");
  EXPECT_EQ(r.content_encoding, "br");
  EXPECT_EQ(r.cache_control, "public, max-age=600");
  EXPECT_EQ(r.max_age_s, 600);
  EXPECT_EQ(r.http_version, "2");
  EXPECT_EQ(r.transfer_bytes, 12345u);
  EXPECT_EQ(r.decoded_bytes, 40000u);
  EXPECT_DOUBLE_EQ(r.ttfb_ms, 87.5);
  EXPECT_EQ(r.origin, "https://cdn.shop.co.uk");
  EXPECT_FALSE(r.third_party);  // cdn.shop.co.uk and shop.co.uk share the registrable domain
  EXPECT_TRUE(r.render_blocking && r.in_head && r.above_fold && r.hero_hint && r.fetchpriority_high);
  EXPECT_TRUE(r.async && r.defer && r.lazy && r.deferred && r.sized);
  EXPECT_EQ(r.display_width, 300);
  EXPECT_EQ(r.display_height, 200);
  EXPECT_DOUBLE_EQ(r.estimated_top, 1234);
  EXPECT_EQ(r.font_display, "swap");
  EXPECT_EQ(r.srcset_choice, "828w");
  EXPECT_EQ(r.intrinsic_width, 0);  // filled by SetImageSize, not here
}

TEST(RecordFor, MarksAnotherRegistrableDomainAsThirdParty) {
  fetch::LoadedResource l = Loaded(200, "application/javascript");
  EXPECT_TRUE(RecordFor(Ref("https://www.googletagmanager.com/gtm.js", ResourceType::kScript), &l, "shop.co.uk").third_party);
  // co.uk is a public suffix: other.co.uk is another site.
  EXPECT_TRUE(RecordFor(Ref("https://other.co.uk/a.js", ResourceType::kScript), &l, "shop.co.uk").third_party);
}

TEST(RecordFor, ComparesIpAndLocalhostPagesByHost) {
  fetch::LoadedResource l = Loaded(200, "image/png");
  EXPECT_FALSE(RecordFor(Ref("http://127.0.0.1:8080/a.png", ResourceType::kImage), &l, "127.0.0.1").third_party);
  EXPECT_TRUE(RecordFor(Ref("http://127.0.0.2/a.png", ResourceType::kImage), &l, "127.0.0.1").third_party);
  EXPECT_FALSE(RecordFor(Ref("http://localhost:9000/a.png", ResourceType::kImage), &l, "localhost").third_party);
  EXPECT_EQ(RecordFor(Ref("http://127.0.0.1:8080/a.png", ResourceType::kImage), &l, "127.0.0.1").origin,
            "http://127.0.0.1:8080");
}

TEST(RecordFor, TakesTheTypeFromTheMediaTypeWhenTheRefSaidOther) {
  fetch::LoadedResource webp = Loaded(200, "image/webp");
  fetch::LoadedResource woff2 = Loaded(200, "font/woff2");
  fetch::LoadedResource json = Loaded(200, "application/json");
  EXPECT_EQ(RecordFor(Ref("https://s.com/hero", ResourceType::kOther), &webp, "s.com").type, ResourceType::kImage);
  EXPECT_EQ(RecordFor(Ref("https://s.com/f", ResourceType::kOther), &woff2, "s.com").type, ResourceType::kFont);
  EXPECT_EQ(RecordFor(Ref("https://s.com/d", ResourceType::kOther), &json, "s.com").type, ResourceType::kOther);
  // A type the DOM named is kept even when the server labels it otherwise.
  EXPECT_EQ(RecordFor(Ref("https://s.com/a.js", ResourceType::kScript), &webp, "s.com").type, ResourceType::kScript);
}

TEST(RecordFor, SaysNotFetchedWithoutAMeasurementAndNamesTheFetchError) {
  const ResourceRecord none = RecordFor(Ref("https://s.com/a.js", ResourceType::kScript), nullptr, "s.com");
  EXPECT_EQ(none.status, 0);
  EXPECT_EQ(none.error, "not fetched");
  fetch::LoadedResource l;
  l.response.error = fetch::FetchError::kTimeout;
  l.response.error_message = "no answer within 30 s";
  const ResourceRecord failed = RecordFor(Ref("https://s.com/a.js", ResourceType::kScript), &l, "s.com");
  EXPECT_EQ(failed.error, "timeout: no answer within 30 s");
  EXPECT_EQ(failed.status, 0);
}

TEST(RecordFor, CarriesTheGzipEstimateOfAnUncompressedTextResponse) {
  fetch::LoadedResource l = Loaded(200, "text/javascript", {{"content-encoding", "identity"}});
  l.gzip_estimate_bytes = 9000;
  const ResourceRecord r = RecordFor(Ref("https://s.com/a.js", ResourceType::kScript), &l, "s.com");
  EXPECT_EQ(r.gzip_estimate_bytes, 9000u);
  EXPECT_EQ(r.content_encoding, "");  // identity is no encoding
}

TEST(FreshnessLifetime, ReadsMaxAgeAndIgnoresSharedCacheMaxAge) {
  EXPECT_EQ(FreshnessLifetime("public, max-age=31536000, immutable", "", ""), 31536000);
  EXPECT_EQ(FreshnessLifetime("Max-Age=\"60\"", "", ""), 60);
  EXPECT_EQ(FreshnessLifetime("s-maxage=600", "", ""), std::nullopt);
  EXPECT_EQ(FreshnessLifetime("max-age=abc", "", ""), std::nullopt);
}

TEST(FreshnessLifetime, GivesZeroForNoStoreAndNoCacheWhateverElseIsSaid) {
  EXPECT_EQ(FreshnessLifetime("no-cache, max-age=600", "", ""), 0);
  EXPECT_EQ(FreshnessLifetime("private, no-store", "", ""), 0);
}

TEST(FreshnessLifetime, FallsBackToExpiresMinusDate) {
  // 01:00 - 00:00 on the same day = 3600 s.
  EXPECT_EQ(FreshnessLifetime("public", "Thu, 01 Jan 2026 01:00:00 GMT", "Thu, 01 Jan 2026 00:00:00 GMT"), 3600);
  // RFC 850 and asctime dates too: one day = 86400 s.
  EXPECT_EQ(FreshnessLifetime("", "Friday, 02-Jan-26 00:00:00 GMT", "Thu Jan  1 00:00:00 2026"), 86400);
  // An Expires in the past is stale: 0, not negative.
  EXPECT_EQ(FreshnessLifetime("", "Thu, 01 Jan 2026 00:00:00 GMT", "Thu, 01 Jan 2026 01:00:00 GMT"), 0);
  // max-age wins over Expires.
  EXPECT_EQ(FreshnessLifetime("max-age=5", "Thu, 01 Jan 2026 01:00:00 GMT", "Thu, 01 Jan 2026 00:00:00 GMT"), 5);
  // Unparseable or missing dates: no information.
  EXPECT_EQ(FreshnessLifetime("", "0", "Thu, 01 Jan 2026 00:00:00 GMT"), std::nullopt);
  EXPECT_EQ(FreshnessLifetime("", "Thu, 01 Jan 2026 01:00:00 GMT", ""), std::nullopt);
}

TEST(DocumentRecord, DescribesThePageAsAFirstPartyRenderBlockingDocument) {
  facts::HttpFacts http;
  http.requested_url = "http://shop.com/";
  http.final_url = "https://www.shop.com:8443/pl/";
  http.status = 200;
  http.media_type = "text/html";
  http.content_encoding = "gzip";
  http.cache_control = "max-age=0";
  http.http_version = "1.1";
  http.transfer_bytes = 15000;
  http.decoded_bytes = 60000;
  http.ttfb_ms = 420;
  const ResourceRecord r = DocumentRecord(http);
  EXPECT_EQ(r.url, "https://www.shop.com:8443/pl/");
  EXPECT_EQ(r.type, ResourceType::kDocument);
  EXPECT_EQ(r.origin, "https://www.shop.com:8443");
  EXPECT_FALSE(r.third_party);
  EXPECT_TRUE(r.render_blocking);
  EXPECT_EQ(r.max_age_s, 0);
  EXPECT_EQ(r.transfer_bytes, 15000u);
  EXPECT_EQ(r.decoded_bytes, 60000u);
  EXPECT_DOUBLE_EQ(r.ttfb_ms, 420);
  EXPECT_EQ(r.error, "");
  http.status = 0;
  EXPECT_EQ(DocumentRecord(http).error, "not fetched");
}

TEST(SetImageSize, ComputesBytesPerDisplayedDevicePixel) {
  ResourceRecord r;
  r.transfer_bytes = 96000;
  r.display_width = 400;
  r.display_height = 300;
  SetImageSize(&r, 1600, 1200, 2);
  EXPECT_EQ(r.intrinsic_width, 1600);
  EXPECT_EQ(r.intrinsic_height, 1200);
  // 96000 / (400 × 300 × 2²) = 96000 / 480000 = 0.2
  EXPECT_DOUBLE_EQ(r.bytes_per_pixel, 0.2);
  r.display_height = 0;
  SetImageSize(&r, 1600, 1200, 2);
  EXPECT_EQ(r.bytes_per_pixel, 0);  // display size unknown
}

ResourceRecord Rec(const std::string& url, ResourceType type, std::uint64_t transfer, bool third_party = false) {
  ResourceRecord r;
  r.url = url;
  r.type = type;
  r.transfer_bytes = transfer;
  r.decoded_bytes = transfer * 2;
  r.third_party = third_party;
  r.origin = url.substr(0, url.find('/', 8));
  r.status = 200;
  return r;
}

TEST(Summarize, CountsEachUrlOnceAndKeepsDeferredOutOfTheTotal) {
  std::vector<ResourceRecord> rs = {
      Rec("https://s.com/", ResourceType::kDocument, 10000),
      Rec("https://s.com/a.css", ResourceType::kStylesheet, 5000),
      Rec("https://cdn.x.com/hero.jpg", ResourceType::kImage, 20000, true),
      Rec("https://s.com/below.jpg", ResourceType::kImage, 30000),
      Rec("https://s.com/a.css", ResourceType::kStylesheet, 5000),  // named twice: counted once
      Rec("https://ads.y.com/t.js", ResourceType::kScript, 0, true),
      Rec("https://cdn.x.com/logo.png", ResourceType::kImage, 1000, true),
  };
  rs[3].deferred = true;
  rs[5].error = "dns: host not found";
  rs[5].status = 0;
  const facts::WeightSummary s = Summarize(rs);
  // total: document 10000 + css 5000 + hero 20000 + t.js 0 + logo 1000 = 36000 in 5 requests.
  EXPECT_EQ(s.total.count, 5u);
  EXPECT_EQ(s.total.transfer_bytes, 36000u);
  EXPECT_EQ(s.total.decoded_bytes, 72000u);
  EXPECT_EQ(s.deferred.count, 1u);
  EXPECT_EQ(s.deferred.transfer_bytes, 30000u);
  EXPECT_EQ(s.first_party.transfer_bytes, 15000u);
  EXPECT_EQ(s.third_party.transfer_bytes, 21000u);
  EXPECT_EQ(s.third_party.count, 3u);
  EXPECT_EQ(s.third_party_origins, 2u);  // cdn.x.com and ads.y.com
  EXPECT_EQ(s.failed, 1u);
  ASSERT_EQ(s.by_type.size(), 7u);
  const char* names[] = {"document", "stylesheet", "script", "image", "font", "media", "other"};
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(s.by_type[i].first, names[i]);
  EXPECT_EQ(s.by_type[0].second.transfer_bytes, 10000u);
  EXPECT_EQ(s.by_type[1].second.count, 1u);
  EXPECT_EQ(s.by_type[2].second.count, 1u);
  EXPECT_EQ(s.by_type[3].second.transfer_bytes, 21000u);  // the deferred image is not here
  EXPECT_EQ(s.by_type[4].second.count, 0u);
}

TEST(Summarize, CountsAnHttpErrorStatusAsFailedButStillAsARequest) {
  std::vector<ResourceRecord> rs = {Rec("https://s.com/", ResourceType::kDocument, 10000),
                                    Rec("https://s.com/gone.png", ResourceType::kImage, 180)};
  rs[1].status = 404;
  const facts::WeightSummary s = Summarize(rs);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_EQ(s.total.count, 2u);
  EXPECT_EQ(s.total.transfer_bytes, 10180u);
}

TEST(Summarize, CountsAUrlLoadedBothLazilyAndEagerlyAsLoaded) {
  std::vector<ResourceRecord> rs = {Rec("https://s.com/p.jpg", ResourceType::kImage, 8000),
                                    Rec("https://s.com/p.jpg", ResourceType::kImage, 8000)};
  rs[0].deferred = true;
  const facts::WeightSummary s = Summarize(rs);
  EXPECT_EQ(s.total.count, 1u);
  EXPECT_EQ(s.deferred.count, 0u);
}

}  // namespace
}  // namespace mmaudit::perf
