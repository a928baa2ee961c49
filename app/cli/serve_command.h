// `wirestep serve`: an HTTP server in one of three modes, printing every socket call (and packet) live.
#pragma once

#include <cstddef>
#include <iostream>
#include <string>

namespace CLI {
class App;
}

namespace wirestep::net {
class CancelSignal;
}

namespace wirestep::cli {

struct ServeCommandOptions {
  int port = 8080;               // 0: the kernel picks a free port (printed)
  std::string mode = "evented";  // blocking | threaded | evented
  std::string bind = "127.0.0.1";
  bool quiet = false;            // no live line per event
  bool trace = true;             // record calls at all (off: the benchmark's baseline)
  double idle_timeout = 30.0;    // seconds
  std::size_t max_threads = 1024;
  bool lane_per_connection = false;
  // Also record the real IP packets of the port with libpcap on lo (needs CAP_NET_RAW).
  // Without it, pcap is never opened. When capture is refused the server still serves.
  bool capture = false;
};

// Declares the subcommand and its flags on app; main() only checks ->parsed().
CLI::App* add_serve_command(CLI::App& app, ServeCommandOptions& options);

// Serves until SIGINT/SIGTERM (or stop, when given, is cancelled). Prints
// "listening on http://127.0.0.1:PORT/ (mode MODE)" once ready. With capture, first
// "capturing packets on lo: tcp port N or udp port N", or on err "packet capture
// unavailable: <libpcap's reason>; to enable: <hint>" and it serves anyway. Exit code: 0
// after a clean shutdown, 1 when it cannot listen (port in use...), 2 for a bad address or
// mode, or --capture with --no-trace.
int serve_command(const ServeCommandOptions& options, std::ostream& out = std::cout,
                  std::ostream& err = std::cerr, const net::CancelSignal* stop = nullptr);

}  // namespace wirestep::cli
