// The virtual wire's cost: bulk TCP and 1-byte round trips through the wire (every packet
// recorded with its bytes; the kernels hand the wire large segments, which it cuts into
// MTU-sized packets as a network card would) against plain loopback inside a namespace, all
// in one run. Needs root or a user namespace: skipped otherwise.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <thread>
#include <vector>

#include "lesson/stepper.h"
#include "net/endpoint.h"
#include "net/fd.h"
#include "net/sys_error.h"
#include "trace/trace.h"
#include "wire/net_host.h"
#include "wire/virtual_wire.h"
#include "wire/wire_probe.h"

namespace {

using namespace wirestep;

constexpr std::size_t kBytesPerIteration = std::size_t{32} << 20;
constexpr std::size_t kChunk = 64 * 1024;

struct Pair {
  net::Fd client;
  net::Fd server;
};

net::Fd make_socket(net::SocketFactory& host) {
  net::Fd fd(host.open_socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw net::SysError("socket", errno);
  return fd;
}

// A connected pair: the client's socket made on client_host, the server's on server_host.
Pair connect_pair(net::SocketFactory& client_host, net::SocketFactory& server_host, net::Endpoint at) {
  net::Fd listener = make_socket(server_host);
  const int one = 1;
  ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(listener.get(), at.sockaddr_ptr(), at.length()) != 0) throw net::SysError("bind", errno);
  if (::listen(listener.get(), 1) != 0) throw net::SysError("listen", errno);
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&bound), &length);
  Pair pair;
  pair.client = make_socket(client_host);
  if (::connect(pair.client.get(), reinterpret_cast<sockaddr*>(&bound), length) != 0) {
    throw net::SysError("connect", errno);
  }
  pair.server.reset(::accept(listener.get(), nullptr, nullptr));
  ::setsockopt(pair.client.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(pair.server.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return pair;
}

void transfer(Pair& pair, std::size_t bytes) {
  std::jthread reader([&] {
    std::vector<char> buffer(kChunk);
    std::size_t got = 0;
    while (got < bytes) {
      const auto n = ::recv(pair.server.get(), buffer.data(), buffer.size(), 0);
      if (n <= 0) return;
      got += static_cast<std::size_t>(n);
    }
  });
  const std::vector<char> data(kChunk, 'x');
  std::size_t sent = 0;
  while (sent < bytes) {
    const auto n = ::send(pair.client.get(), data.data(), std::min(kChunk, bytes - sent), 0);
    if (n <= 0) throw net::SysError("send", errno);
    sent += static_cast<std::size_t>(n);
  }
}

void ping_pong(benchmark::State& state, Pair& pair) {
  std::jthread echo([&] {
    char byte = 0;
    while (::recv(pair.server.get(), &byte, 1, 0) == 1) {
      if (::send(pair.server.get(), &byte, 1, 0) != 1) return;
    }
  });
  char byte = 'x';
  for (auto _ : state) {
    ::send(pair.client.get(), &byte, 1, 0);
    ::recv(pair.client.get(), &byte, 1, 0);
  }
  ::shutdown(pair.client.get(), SHUT_WR);
}

// bytes_per_second is printed in binary units (1 G/s = 2^30 bytes a second); the targets are
// in decimal GB/s, so that is reported as well, to be read without converting.
void report_bytes(benchmark::State& state) {
  const double bytes = static_cast<double>(state.iterations() * kBytesPerIteration);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.counters["GB_per_s"] = benchmark::Counter(bytes / 1e9, benchmark::Counter::kIsRate);
}

bool skip_without_wire(benchmark::State& state) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (status.available) return false;
  state.SkipWithError(("no virtual wire: " + status.reason).c_str());
  return true;
}

trace::TraceLimits bench_limits() {
  trace::TraceLimits limits;
  limits.max_payload_bytes = std::size_t{64} << 30;  // never the cap: measure the copying
  limits.max_events = 400'000'000;
  return limits;
}

// Baseline: both ends in one namespace, talking over its loopback (no wire at all).
void BM_NamespaceLoopback(benchmark::State& state) {
  if (skip_without_wire(state)) return;
  wire::TunConfig tun;
  tun.address.s_addr = htonl(0x0A4D0063);  // 10.77.0.99, unused: only lo carries traffic
  wire::NetHost host("solo", tun);
  Pair pair = connect_pair(host, host, net::Endpoint::loopback(AF_INET, 0));
  for (auto _ : state) transfer(pair, kBytesPerIteration);
  report_bytes(state);
}

void BM_Wire(benchmark::State& state) {
  if (skip_without_wire(state)) return;
  trace::Trace trace(bench_limits());
  wire::WireOptions options;
  options.mtu = static_cast<int>(state.range(0));
  wire::VirtualWire wire(trace, nullptr, options);
  // Second argument 1: a policy that delivers everything, so each packet takes its own way
  // (one write each, acknowledged as it arrives) as under a lesson's impairments.
  if (state.range(1) != 0) wire.set_policy([](wire::WirePacketView&) { return wire::WireVerdict{}; });
  Pair pair = connect_pair(*wire.host_for("client"), *wire.host_for("server"),
                           wire.host_for("server")->endpoint(5001));
  for (auto _ : state) transfer(pair, kBytesPerIteration);
  report_bytes(state);
  state.counters["packets"] = static_cast<double>(wire.stats().packets);
}

void BM_RttNamespaceLoopback(benchmark::State& state) {
  if (skip_without_wire(state)) return;
  wire::TunConfig tun;
  tun.address.s_addr = htonl(0x0A4D0063);
  wire::NetHost host("solo", tun);
  Pair pair = connect_pair(host, host, net::Endpoint::loopback(AF_INET, 0));
  ping_pong(state, pair);
}

void BM_RttWire(benchmark::State& state) {
  if (skip_without_wire(state)) return;
  trace::Trace trace(bench_limits());
  wire::VirtualWire wire(trace, nullptr);
  Pair pair = connect_pair(*wire.host_for("client"), *wire.host_for("server"),
                           wire.host_for("server")->endpoint(5002));
  ping_pong(state, pair);
}

BENCHMARK(BM_NamespaceLoopback)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Wire)
    ->ArgNames({"mtu", "by_packet"})
    ->Args({1500, 0})
    ->Args({9000, 0})
    ->Args({1500, 1})
    ->Args({9000, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_RttNamespaceLoopback)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(20000);
BENCHMARK(BM_RttWire)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(20000);

}  // namespace

BENCHMARK_MAIN();
