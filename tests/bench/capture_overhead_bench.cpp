// Capture overhead: bulk TCP over loopback with plain sockets vs TracedSocket (sizes only,
// and with every payload byte kept), at 64 KiB and 512 B per call, all in one run.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

void bulk(benchmark::State& state, Capture capture) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  trace::TraceLimits limits;
  limits.keep_payload = capture == Capture::Payload;
  limits.max_payload_bytes = std::size_t{64} << 30;  // never the cap: measure the copying
  limits.max_events = 400'000'000;
  trace::Trace trace(limits);

  const std::vector<char> data(chunk, 'x');
  std::int64_t total = 0;
  for (auto _ : state) {
    Pair pair = connect_pair();
    std::jthread receiver;
    if (capture == Capture::Off) {
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
    } else {
      // Adopting the connected fds through open()+dup2 keeps the benchmark on the real
      // TracedSocket call path: gate check, syscall, record into the trace.
      const net::Actor client_actor{&trace, trace.lane("client"), nullptr, nullptr};
      const net::Actor server_actor{&trace, trace.lane("server"), nullptr, nullptr};
      auto client = net::TracedSocket::open(client_actor, net::Protocol::Tcp);
      auto server = net::TracedSocket::open(server_actor, net::Protocol::Tcp);
      ::dup2(pair.client.get(), client.fd());
      ::dup2(pair.server.get(), server.fd());
      pair = {};
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
    receiver = {};
    total += static_cast<std::int64_t>(kBytesPerIteration);
  }
  state.SetBytesProcessed(total);
  state.counters["events"] = static_cast<double>(trace.size());
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
BENCHMARK(BM_ArenaFill)->Arg(64 << 10)->Arg(512)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
