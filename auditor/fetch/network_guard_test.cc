// Which addresses --deny-private-networks refuses (fetch/network_guard.h), and that the refusal
// happens at connect time: a host name pinned to 127.0.0.1 (as DNS would answer it) is refused
// while the same fetch without the flag succeeds.
#include "fetch/network_guard.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "fetch/curl_fetcher.h"
#include "tests/support/fixture_server.h"

namespace mmaudit::fetch {
namespace {

std::optional<std::string> ReasonFor(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &a.sin6_addr), 1) << text;
    return PrivateAddressReason(reinterpret_cast<const sockaddr*>(&a), sizeof a);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  EXPECT_EQ(inet_pton(AF_INET, text.c_str(), &a.sin_addr), 1) << text;
  return PrivateAddressReason(reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

TEST(NetworkGuard, RefusesLoopbackPrivateLinkLocalAndUnspecifiedIpv4) {
  EXPECT_EQ(ReasonFor("127.0.0.1").value_or(""), "127.0.0.1 is a loopback address");
  EXPECT_EQ(ReasonFor("127.255.0.9").value_or(""), "127.255.0.9 is a loopback address");
  EXPECT_EQ(ReasonFor("10.1.2.3").value_or(""), "10.1.2.3 is a private (RFC 1918) address");
  EXPECT_EQ(ReasonFor("172.16.0.1").value_or(""), "172.16.0.1 is a private (RFC 1918) address");
  EXPECT_EQ(ReasonFor("172.31.255.255").value_or(""), "172.31.255.255 is a private (RFC 1918) address");
  EXPECT_EQ(ReasonFor("192.168.1.1").value_or(""), "192.168.1.1 is a private (RFC 1918) address");
  EXPECT_EQ(ReasonFor("169.254.169.254").value_or(""), "169.254.169.254 is a link-local address");
  EXPECT_TRUE(ReasonFor("0.0.0.0").has_value());
}

TEST(NetworkGuard, LetsPublicIpv4ThroughIncludingTheNeighboursOfPrivateRanges) {
  for (const char* a : {"8.8.8.8", "93.184.216.34", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "169.253.1.1"})
    EXPECT_FALSE(ReasonFor(a).has_value()) << a;
}

TEST(NetworkGuard, RefusesIpv6LoopbackUniqueLocalLinkLocalAndMappedPrivateIpv4) {
  EXPECT_EQ(ReasonFor("::1").value_or(""), "::1 is the IPv6 loopback address");
  EXPECT_TRUE(ReasonFor("::").has_value());
  EXPECT_EQ(ReasonFor("fc00::1").value_or(""), "fc00::1 is a unique local (fc00::/7) address");
  EXPECT_EQ(ReasonFor("fd12:3456::1").value_or(""), "fd12:3456::1 is a unique local (fc00::/7) address");
  EXPECT_EQ(ReasonFor("fe80::1").value_or(""), "fe80::1 is a link-local (fe80::/10) address");
  EXPECT_EQ(ReasonFor("febf::1").value_or(""), "febf::1 is a link-local (fe80::/10) address");
  EXPECT_EQ(ReasonFor("::ffff:127.0.0.1").value_or(""), "::ffff:127.0.0.1 is a loopback address (127.0.0.1 in IPv6 form)");
  EXPECT_TRUE(ReasonFor("::ffff:10.0.0.1").has_value());
  EXPECT_TRUE(ReasonFor("::ffff:192.168.0.1").has_value());
}

TEST(NetworkGuard, LetsPublicIpv6AndMappedPublicIpv4Through) {
  for (const char* a : {"2001:db8::1", "2606:4700::1111", "fec0::1", "::ffff:8.8.8.8"})
    EXPECT_FALSE(ReasonFor(a).has_value()) << a;
}

TEST(NetworkGuard, RefusesAnAddressThatIsNotIpv4OrIpv6) {
  sockaddr a{};
  a.sa_family = AF_UNIX;
  EXPECT_TRUE(PrivateAddressReason(&a, sizeof a).has_value());
}

TEST(NetworkGuard, AHostNameResolvingToLoopbackIsRefusedAtConnectTimeOnlyWhenDenied) {
  testing::FixtureServer server("");
  server.Route("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("<title>x</title>", "text/html"); });
  std::string error;
  ASSERT_TRUE(server.Start(&error)) << error;
  const std::string port = std::to_string(server.port());
  FetchOptions o;
  o.connect_timeout_ms = 2000;
  o.total_timeout_ms = 5000;
  o.resolve = {"rebind.example.test:" + port + ":127.0.0.1"};
  const std::string url = "http://rebind.example.test:" + port + "/";

  Response allowed = CurlFetcher(o).Fetch(url);
  EXPECT_TRUE(allowed.ok()) << allowed.error_message;
  EXPECT_EQ(allowed.status, 200);

  o.deny_private_networks = true;
  Response denied = CurlFetcher(o).Fetch(url);
  EXPECT_EQ(denied.error, FetchError::kBlocked);
  EXPECT_STREQ(FetchErrorName(denied.error), "blocked-address");
  EXPECT_EQ(denied.error_message,
            "refused to connect: 127.0.0.1 is a loopback address and --deny-private-networks is set");
  EXPECT_EQ(denied.status, 0);
  EXPECT_EQ(server.Requests().size(), 1u) << "only the allowed fetch reached the server";
}

}  // namespace
}  // namespace mmaudit::fetch
