#include "fetch/network_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace mmaudit::fetch {
namespace {

// The reason for an IPv4 address in host byte order, or "" when it is public.
std::string Ipv4Kind(std::uint32_t a) {
  const unsigned b0 = a >> 24, b1 = (a >> 16) & 0xff;
  if (b0 == 127) return "a loopback address";
  if (b0 == 0) return "an unspecified (\"this network\") address";
  if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) return "a private (RFC 1918) address";
  if (b0 == 169 && b1 == 254) return "a link-local address";
  return "";
}

std::string Ipv4Text(std::uint32_t host_order) {
  in_addr in{};
  in.s_addr = htonl(host_order);
  char buf[INET_ADDRSTRLEN] = {0};
  inet_ntop(AF_INET, &in, buf, sizeof buf);
  return buf;
}

}  // namespace

std::optional<std::string> PrivateAddressReason(const struct sockaddr* address, socklen_t length) {
  if (address == nullptr) return std::string("no address");
  if (address->sa_family == AF_INET && length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    sockaddr_in in{};
    std::memcpy(&in, address, sizeof in);
    const std::uint32_t a = ntohl(in.sin_addr.s_addr);
    const std::string kind = Ipv4Kind(a);
    if (kind.empty()) return std::nullopt;
    return Ipv4Text(a) + " is " + kind;
  }
  if (address->sa_family == AF_INET6 && length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, address, sizeof in6);
    const unsigned char* b = in6.sin6_addr.s6_addr;
    char buf[INET6_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf);
    const std::string text = buf;
    bool zero_prefix = true;  // the first 10 bytes are zero
    for (int i = 0; i < 10; ++i) zero_prefix = zero_prefix && b[i] == 0;
    const bool mapped = zero_prefix && b[10] == 0xff && b[11] == 0xff;
    const bool compatible = zero_prefix && b[10] == 0 && b[11] == 0;
    if (compatible && b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1)
      return text + " is " + (b[15] == 1 ? "the IPv6 loopback address" : "the unspecified IPv6 address");
    if (mapped || compatible) {
      const std::uint32_t a = (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) | b[15];
      const std::string kind = Ipv4Kind(a);
      if (kind.empty()) return std::nullopt;
      return text + " is " + kind + " (" + Ipv4Text(a) + " in IPv6 form)";
    }
    if ((b[0] & 0xfe) == 0xfc) return text + " is a unique local (fc00::/7) address";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return text + " is a link-local (fe80::/10) address";
    return std::nullopt;
  }
  return std::string("the address is not an IPv4 or IPv6 network address");
}

}  // namespace mmaudit::fetch
