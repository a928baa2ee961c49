// serve_command: checks the address, starts the server on its own thread, prints, stops on signals.
#include "cli/serve_command.h"

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <exception>
#include <thread>

#include "cli/event_line.h"
#include "cli/exit_code.h"
#include "net/cancel_signal.h"
#include "net/endpoint.h"
#include "net/http/http_server.h"
#include "net/sys_error.h"
#include "trace/trace.h"
#include "wire/loopback_observer.h"

namespace wirestep::cli {
namespace {

// The write end of a pipe the signal handler pokes: poll() wakes on it, no flag polling.
std::atomic<int> g_signal_pipe{-1};

extern "C" void on_stop_signal(int) {
  const int fd = g_signal_pipe.load();
  if (fd >= 0) {
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(fd, &byte, 1);
  }
}

// Only a literal IPv4 or IPv6 address: a host name would need DNS, and "which interface am I
// exposing?" must be obvious from the command line.
std::optional<net::Endpoint> parse_ip(std::string text, std::uint16_t port) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  in6_addr scratch{};
  if (::inet_pton(AF_INET, text.c_str(), &scratch) != 1 &&
      ::inet_pton(AF_INET6, text.c_str(), &scratch) != 1) {
    return std::nullopt;
  }
  auto endpoint = net::Endpoint::parse(text.find(':') != std::string::npos ? "[" + text + "]" : text);
  if (endpoint) endpoint->set_port(port);
  return endpoint;
}

std::string url_of(const net::Endpoint& endpoint) { return "http://" + endpoint.to_string() + "/"; }

struct SignalPipe {
  SignalPipe() {
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) fds[0] = fds[1] = -1;
    g_signal_pipe.store(fds[1]);
    old_int = std::signal(SIGINT, on_stop_signal);
    old_term = std::signal(SIGTERM, on_stop_signal);
  }
  ~SignalPipe() {
    std::signal(SIGINT, old_int);
    std::signal(SIGTERM, old_term);
    g_signal_pipe.store(-1);
    if (fds[0] >= 0) ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  int fds[2] = {-1, -1};
  void (*old_int)(int) = SIG_DFL;
  void (*old_term)(int) = SIG_DFL;
};

// Starts the loopback observer for the server's port, or says why it cannot and returns
// null: capture is an extra, the server serves either way.
std::unique_ptr<wire::LoopbackObserver> start_capture(trace::Trace& trace, const net::Endpoint& bound,
                                                      std::uint16_t port, std::ostream& out,
                                                      std::ostream& err) {
  std::unique_ptr<wire::LoopbackObserver> observer;
  try {
    observer = std::make_unique<wire::LoopbackObserver>(trace, port);
  } catch (const wire::CaptureError& e) {
    err << "packet capture unavailable: " << e.reason() << "; to enable: " << e.hint() << "\n";
    return nullptr;
  } catch (const net::SysError& e) {
    const bool no_fds = e.err() == EMFILE || e.err() == ENFILE;
    err << "packet capture unavailable: " << e.what() << "; to enable: "
        << (no_fds ? "allow more open files (ulimit -n) and restart" : "restart the server") << "\n";
    return nullptr;
  }
  out << "capturing packets on lo: " << observer->filter() << "\n";
  if (!bound.is_loopback()) {
    err << "note: --capture watches lo only: clients on other machines are served, but their "
           "packets are not recorded\n";
  }
  return observer;
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeCommandOptions& options) {
  auto* serve = app.add_subcommand(
      "serve", "Serve HTTP on this machine (GET /, POST /echo) and print every socket call");
  serve->add_option("--port", options.port, "TCP port; 0 lets the system pick a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve->add_option("--mode", options.mode,
                    "blocking: one client at a time; threaded: a thread per client; "
                    "evented: one epoll loop for all")
      ->check(CLI::IsMember({"blocking", "threaded", "evented"}))
      ->capture_default_str();
  serve->add_option("--bind", options.bind,
                    "IP address to listen on; anything but loopback lets other machines connect")
      ->capture_default_str();
  serve->add_flag("--quiet", options.quiet, "Do not print a line per socket call");
  serve->add_flag("!--no-trace", options.trace, "Record nothing (measures what tracing costs)");
  serve->add_option("--idle-timeout", options.idle_timeout,
                    "Seconds before an idle client is closed (a half-sent request gets 408)")
      ->check(CLI::Range(0.01, 3600.0))
      ->capture_default_str();
  serve->add_option("--max-threads", options.max_threads,
                    "threaded mode: connections served at once; others wait in the backlog")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  serve->add_flag("--lane-per-client", options.lane_per_connection,
                  "Draw each connection on its own lane client#N (for a few clients)");
  serve->add_flag("--capture", options.capture,
                  "Also record the real IP packets to and from the port, with libpcap on the "
                  "loopback interface lo (needs root or CAP_NET_RAW; without it the server "
                  "still serves and says why)");
  return serve;
}

int serve_command(const ServeCommandOptions& options, std::ostream& out, std::ostream& err,
                  const net::CancelSignal* stop) {
  if (options.port < 0 || options.port > 65535) {
    err << "wirestep serve: --port must be 0-65535\n";
    return kExitUsage;
  }
  const auto port = static_cast<std::uint16_t>(options.port);
  const auto address = parse_ip(options.bind, port);
  if (!address) {
    err << "wirestep serve: --bind needs an IP address such as 127.0.0.1 or ::1, not '"
        << options.bind << "'\n";
    return kExitUsage;
  }
  if (!address->is_loopback()) {
    err << "WARNING: serving on " << address->host()
        << ": other machines can reach this server\n";
  }

  if (options.capture && !options.trace) {
    err << "wirestep serve: --capture records packets into the trace; it cannot be combined "
           "with --no-trace\n";
    return kExitUsage;
  }

  // A bounded trace: a long-running server keeps serving after the cap, it only stops
  // recording (and says so once).
  std::unique_ptr<trace::Trace> trace;
  if (options.trace) {
    trace::TraceLimits limits;
    limits.max_events = 2'000'000;
    limits.max_payload_bytes = std::size_t{128} << 20;
    trace = std::make_unique<trace::Trace>(limits);
  }

  net::http::ServerOptions server_options;
  server_options.bind = *address;
  server_options.trace = trace.get();
  server_options.idle_timeout = std::chrono::milliseconds(static_cast<long long>(options.idle_timeout * 1000));
  server_options.max_threads = options.max_threads;
  server_options.lane_per_connection = options.lane_per_connection;
  net::http::raise_fd_limit();

  std::unique_ptr<net::http::HttpServer> server;
  try {
    server = net::http::make_server(options.mode, server_options);
  } catch (const net::SysError& e) {
    if (e.err() == EADDRINUSE) {
      err << "wirestep serve: port " << port << " on " << address->host()
          << " is already in use (another program is listening there).\n"
          << "Choose another port with --port N, or use --port 0 to let the system pick a free one.\n";
    } else if (e.err() == EACCES) {
      err << "wirestep serve: no permission to listen on port " << port
          << " (ports below 1024 need privileges). Use --port 8080, or --port 0.\n";
    } else if (e.err() == EADDRNOTAVAIL) {
      err << "wirestep serve: " << address->host() << " is not an address of this machine.\n";
    } else {
      err << "wirestep serve: cannot listen: " << e.what() << "\n";
    }
    return kExitFailure;
  }
  if (!server) {
    err << "wirestep serve: unknown mode '" << options.mode << "' (blocking, threaded, evented)\n";
    return kExitUsage;
  }

  // The listener is bound (the port is known, also for --port 0) but no client knows the
  // port before the listening line below: started here, the capture sees every packet.
  const net::Endpoint local = server->local_endpoint();
  std::unique_ptr<wire::LoopbackObserver> observer;
  if (options.capture) observer = start_capture(*trace, *address, local.port(), out, err);

  SignalPipe signals;
  std::exception_ptr failure;
  std::atomic<bool> finished{false};
  std::jthread runner([&] {
    try {
      server->run();
    } catch (...) {
      failure = std::current_exception();
    }
    finished.store(true);
    if (signals.fds[1] >= 0) {
      const char byte = 0;
      [[maybe_unused]] const auto written = ::write(signals.fds[1], &byte, 1);
    }
  });

  if (port == 0) out << "port 0: the system chose port " << local.port() << "\n";
  out << "listening on " << url_of(local) << " (mode " << server->mode() << ")\n";
  if (!options.quiet && trace) out << "      time  lane      event\n";
  out << std::flush;

  std::size_t printed = 0;
  bool noted_cap = false;
  for (;;) {
    pollfd fds[2] = {{signals.fds[0], POLLIN, 0}, {stop != nullptr ? stop->fd() : -1, POLLIN, 0}};
    const bool printing = !options.quiet && trace;
    const int ready = ::poll(fds, 2, printing ? 50 : -1);
    if (printing) {
      const std::size_t available = trace->size();
      for (; printed < available; ++printed) out << event_line(*trace, (*trace)[printed]) << "\n";
      if (!noted_cap && trace->dropped_events() > 0) {
        out << "note: the trace is full; the server keeps serving but these lines stop\n";
        noted_cap = true;
      }
      out << std::flush;
    }
    if (ready > 0 || finished.load()) break;
    if (ready < 0 && errno != EINTR) break;
  }
  server->stop();
  runner.join();
  std::uint64_t missed_packets = 0;
  if (observer) {
    observer->stop();  // after recording what the kernel already captured: the last FINs and ACKs
    missed_packets = observer->stats().kernel_dropped;
  }
  if (!options.quiet && trace) {
    // The closes made while shutting down, so the last lines tell the whole story.
    const std::size_t available = trace->size();
    for (; printed < available; ++printed) out << event_line(*trace, (*trace)[printed]) << "\n";
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      err << "wirestep serve: the server stopped: " << e.what() << "\n";
    }
    return kExitFailure;
  }
  if (missed_packets > 0) {
    out << "note: the packet capture missed " << missed_packets
        << " packets (the kernel's capture buffer was full); the socket calls are complete\n";
  }
  out << "stopped\n" << std::flush;
  return kExitOk;
}

}  // namespace wirestep::cli
