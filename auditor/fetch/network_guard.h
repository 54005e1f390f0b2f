// --deny-private-networks: which socket addresses a run that audits other people's URLs must not
// connect to. The check is made on the address libcurl is about to connect a socket to (its
// CURLOPT_OPENSOCKETFUNCTION), after DNS resolution, so neither a host name that resolves to a
// private address nor one whose DNS answer changes between checks (DNS rebinding) gets through.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>

namespace mmaudit::fetch {

// Why `address` (an AF_INET or AF_INET6 socket address of `length` bytes) is not a public address,
// e.g. "127.0.0.1 is a loopback address"; nullopt for a public address. Refused: IPv4 loopback
// 127.0.0.0/8, "this network" 0.0.0.0/8, RFC 1918 (10/8, 172.16/12, 192.168/16), link-local
// 169.254/16; IPv6 loopback ::1, unspecified ::, unique local fc00::/7, link-local fe80::/10, and
// IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) forms of the IPv4 ranges. Any other
// address family (a Unix socket ...) is refused too, since it is not a network address at all.
std::optional<std::string> PrivateAddressReason(const struct sockaddr* address, socklen_t length);

}  // namespace mmaudit::fetch
