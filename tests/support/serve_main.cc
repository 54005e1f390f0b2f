// mmaudit-fixture-server: serves a fixture storefront on 127.0.0.1 until SIGINT or SIGTERM.
//   mmaudit-fixture-server --root fixtures/shops/demo/site [--port N] [--port-file FILE]
// Prints "http://127.0.0.1:PORT/" on stdout once it listens; with --port-file it also writes the
// port number to FILE (atomically), which is how ci/demo finds it.
// A shop with a flow.json beside its site/ folder runs its scripted checkout (sessions, form
// validation, redirects); on exit the server prints on stderr how many orders and subscriptions
// reached the flow's recorded routes, and exits 4 when there was any, so a script can tell that
// something placed an order.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/fixture_server.h"

int main(int argc, char** argv) {
  std::string root, port_file;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--root" && i + 1 < argc) root = argv[++i];
    else if (a == "--port" && i + 1 < argc) port = std::atoi(argv[++i]);
    else if (a == "--port-file" && i + 1 < argc) port_file = argv[++i];
    else {
      std::fprintf(stderr, "usage: mmaudit-fixture-server --root DIR [--port N] [--port-file FILE]\n");
      return 2;
    }
  }
  if (root.empty() || !std::filesystem::is_directory(root)) {
    std::fprintf(stderr, "mmaudit-fixture-server: --root must name a directory\n");
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before the server thread starts, so it inherits the mask

  mmaudit::testing::FixtureServer server(root);
  std::string error;
  if (!server.Start(&error, port)) {
    std::fprintf(stderr, "mmaudit-fixture-server: %s\n", error.c_str());
    return 1;
  }
  if (!port_file.empty()) {
    const std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::filesystem::rename(tmp, port_file);
  }
  std::printf("%s\n", server.Url("/").c_str());
  std::fflush(stdout);
  if (const auto* flow = server.flow())
    std::fprintf(stderr, "mmaudit-fixture-server: checkout flow with %zu routes\n", flow->route_count());
  int sig = 0;
  sigwait(&set, &sig);
  server.Stop();
  if (server.flow() == nullptr) return 0;
  const std::size_t orders = server.Orders().size(), subscriptions = server.Subscriptions().size();
  std::fprintf(stderr, "mmaudit-fixture-server: %zu order requests, %zu subscription requests recorded\n", orders,
               subscriptions);
  return orders + subscriptions > 0 ? 4 : 0;
}
