// Capture overhead: bulk TCP over loopback with plain sockets vs TracedSocket (sizes only,
// and with every payload byte kept), at 64 KiB and 512 B per call, all in one run.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "net/endpoint.h"
#include "net/fd.h"
#include "net/sys_error.h"
#include "net/traced_socket.h"
#include "trace/byte_arena.h"
#include "trace/trace.h"

namespace {

using namespace wirestep;

constexpr std::size_t kBytesPerIteration = std::size_t{8} << 20;  // 8 MiB per iteration

enum class Capture { Off, Metadata, Payload };

// A connected loopback pair: plain fds, so each variant wraps them as it likes.
struct Pair {
  net::Fd client;
  net::Fd server;
};

Pair connect_pair() {
  net::Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const auto local = net::Endpoint::loopback(AF_INET, 0);
  if (::bind(listener.get(), local.sockaddr_ptr(), local.length()) != 0) throw net::SysError("bind", errno);
  if (::listen(listener.get(), 1) != 0) throw net::SysError("listen", errno);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length);
  Pair pair;
  pair.client.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (::connect(pair.client.get(), reinterpret_cast<sockaddr*>(&address), length) != 0) {
    throw net::SysError("connect", errno);
  }
  pair.server.reset(::accept(listener.get(), nullptr, nullptr));
  return pair;
}

// One bulk transfer of kBytesPerIteration in `chunk`-sized send() calls on a fresh connection,
// recorded into `trace` unless capture is Off.
void transfer(Capture capture, std::size_t chunk, trace::Trace& trace, const std::vector<char>& data) {
  std::jthread receiver;
  if (capture == Capture::Off) {
    Pair pair = connect_pair();
    receiver = std::jthread([fd = pair.server.get()] {
      std::vector<char> buffer(1 << 16);
      while (::recv(fd, buffer.data(), buffer.size(), 0) > 0) {
      }
    });
    std::size_t left = kBytesPerIteration;
    while (left > 0) {
      const auto n = ::send(pair.client.get(), data.data(), std::min(chunk, left), MSG_NOSIGNAL);
      if (n <= 0) break;
      left -= static_cast<std::size_t>(n);
    }
    ::shutdown(pair.client.get(), SHUT_WR);
    receiver = {};
    return;
  }
  // The traced variants connect as a lesson does, through TracedSocket's listen, connect
  // and accept (recorded, like the plain variant's, once per 8 MiB): then both ends know
  // their connection, as in a lesson, and every call takes the real path: gate check,
  // syscall, record into the trace.
  const net::Actor client_actor{&trace, trace.lane("client"), nullptr, nullptr};
  const net::Actor server_actor{&trace, trace.lane("server"), nullptr, nullptr};
  auto listener = net::TracedSocket::open(server_actor, net::Protocol::Tcp);
  listener.bind(net::Endpoint::loopback(AF_INET, 0));
  listener.listen(1);
  auto client = net::TracedSocket::open(client_actor, net::Protocol::Tcp);
  if (!client.connect(listener.local_endpoint())) throw net::SysError("connect", client.last_error());
  auto server = listener.accept();
  listener.close();
  receiver = std::jthread([&server] {
    std::vector<std::byte> buffer(1 << 16);
    while (server.recv_into(buffer) > 0) {
    }
  });
  std::size_t left = kBytesPerIteration;
  while (left > 0) {
    const auto n = client.send(std::string_view(data.data(), std::min(chunk, left)));
    if (n <= 0) break;
    left -= static_cast<std::size_t>(n);
  }
  client.shutdown(SHUT_WR);
  receiver = {};
}

trace::TraceLimits limits_for(Capture capture) {
  trace::TraceLimits limits;
  limits.keep_payload = capture == Capture::Payload;
  limits.max_payload_bytes = std::size_t{64} << 30;  // never the cap: measure the copying
  limits.max_events = 400'000'000;
  return limits;
}

void bulk(benchmark::State& state, Capture capture) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  trace::Trace trace(limits_for(capture));
  const std::vector<char> data(chunk, 'x');
  std::int64_t total = 0;
  for (auto _ : state) {
    transfer(capture, chunk, trace, data);
    total += static_cast<std::int64_t>(kBytesPerIteration);
  }
  state.SetBytesProcessed(total);
  state.counters["events"] = static_cast<double>(trace.size());
  // Bytes kept per byte sent: 2 if each end kept its own copy, near 1 when kept once per stream.
  state.counters["kept_per_sent"] = static_cast<double>(trace.payload_bytes()) / static_cast<double>(total);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

// The headline figures. This machine's speed drifts by tens of percent within seconds, more
// than the effect being measured; separate benchmarks run seconds apart then compare
// different machines. Here each iteration runs the three variants back to back (in a rotating
// order, so none is always first) and the ratio is taken per iteration; the reported ratios
// are the medians of those per-iteration ratios.
void BM_PairedRatio(benchmark::State& state) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  trace::Trace metadata_trace(limits_for(Capture::Metadata));
  trace::Trace payload_trace(limits_for(Capture::Payload));
  const std::vector<char> data(chunk, 'x');
  std::vector<double> metadata_ratios;
  std::vector<double> payload_ratios;
  constexpr Capture kOrder[] = {Capture::Off, Capture::Metadata, Capture::Payload};
  std::size_t round = 0;
  for (auto _ : state) {
    double seconds[3] = {};
    for (std::size_t i = 0; i < 3; ++i) {
      const Capture capture = kOrder[(round + i) % 3];
      trace::Trace& trace = capture == Capture::Payload ? payload_trace : metadata_trace;
      const auto start = std::chrono::steady_clock::now();
      transfer(capture, chunk, trace, data);
      seconds[static_cast<int>(capture)] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    ++round;
    metadata_ratios.push_back(seconds[0] / seconds[1]);
    payload_ratios.push_back(seconds[0] / seconds[2]);
  }
  state.counters["metadata_ratio"] = median(metadata_ratios);
  state.counters["payload_ratio"] = median(payload_ratios);
}

// What keeping every byte costs before any socket is involved: the same bytes a traced
// transfer keeps (each chunk twice, once as sent and once as received) copied into a ByteArena
// that grows as a trace's does. On a virtual machine that hands memory back to its host, fresh
// pages are expensive, and this is the floor under BM_Payload.
void BM_ArenaFill(benchmark::State& state) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  const std::vector<std::byte> data(chunk, std::byte{'x'});
  auto arena = std::make_unique<trace::ByteArena>();
  std::int64_t total = 0;
  for (auto _ : state) {
    for (std::size_t done = 0; done < kBytesPerIteration; done += chunk) {
      benchmark::DoNotOptimize(arena->store(data));
      benchmark::DoNotOptimize(arena->store(data));
    }
    total += static_cast<std::int64_t>(kBytesPerIteration);
  }
  state.SetBytesProcessed(total);
}

void BM_Off(benchmark::State& state) { bulk(state, Capture::Off); }
void BM_Metadata(benchmark::State& state) { bulk(state, Capture::Metadata); }
void BM_Payload(benchmark::State& state) { bulk(state, Capture::Payload); }

// Registration order is run order: plain sockets first, then each capture variant.
BENCHMARK(BM_Off)->Arg(64 << 10)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Metadata)->Arg(64 << 10)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Payload)->Arg(64 << 10)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PairedRatio)->Arg(64 << 10)->Arg(512)->Iterations(45)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ArenaFill)->Arg(64 << 10)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
