// A cpp-httplib server for the benchmarks, run in a child process so that neither its memory nor
// (much of) its CPU counts against the process being measured.
#pragma once

#include <httplib.h>
#include <unistd.h>

#include <functional>

namespace mmaudit::bench {

// Forks; the child calls `setup` on a fresh server (routes, thread pool ...), binds 127.0.0.1 on a
// free port and serves until killed. Returns the port (> 0) and sets *child; returns 0 when the
// fork or the bind fails. Call it before this process starts any thread.
inline int ServeInChild(const std::function<void(httplib::Server&)>& setup, pid_t* child) {
  int port_pipe[2];
  if (pipe(port_pipe) != 0) return 0;
  *child = fork();
  if (*child < 0) return 0;
  if (*child == 0) {
    close(port_pipe[0]);
    httplib::Server server;
    setup(server);
    const int port = server.bind_to_any_port("127.0.0.1");
    if (write(port_pipe[1], &port, sizeof port) != sizeof port) _exit(1);
    close(port_pipe[1]);
    server.listen_after_bind();
    _exit(0);
  }
  close(port_pipe[1]);
  int port = 0;
  if (read(port_pipe[0], &port, sizeof port) != sizeof port || port <= 0) port = 0;
  close(port_pipe[0]);
  return port;
}

}  // namespace mmaudit::bench
