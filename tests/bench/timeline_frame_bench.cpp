// Timeline frame cost: building one frame's draw list for 1,000,000 synthetic events at several
// zoom levels, with no renderer (target: <= 4 ms CPU per frame), in Time spacing and in Sequence
// spacing (one row per event), and indexing them; the same for 200,000 real-looking packets of a
// bulk transfer on the wire tier, captioned by the TCP analyzer.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <string_view>

#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"
#include "view/timeline_layout.h"

namespace {

using namespace wirestep;

constexpr std::size_t kEvents = 1'000'000;

trace::Address address(std::uint16_t port) {
  trace::Address a;
  a.family = 4;
  a.port = port;
  a.ip = {127, 0, 0, 1};
  return a;
}

// Four clients talk to one server: send, recv, reply, recv, with TCP states and cues mixed in,
// about one event per microsecond (the whole trace spans about one second).
std::unique_ptr<trace::Trace> make_trace() {
  auto t = std::make_unique<trace::Trace>();
  const trace::LaneId server = t->lane("server");
  const trace::LaneId lesson = t->lane("lesson");
  trace::LaneId clients[4] = {t->lane("client"), t->lane("client#2"), t->lane("client#3"), t->lane("client#4")};
  std::uint64_t offset[4][2] = {};
  constexpr std::string_view kRequest = "GET / HTTP/1.1\r\n\r\n";
  std::int64_t now = 1000;
  std::size_t i = 0;
  auto emit = [&](trace::Event e, std::string_view payload) {
    e.t_ns = now;
    now += 700 + static_cast<std::int64_t>((i * 7919) % 600);
    e.payload_size = static_cast<std::uint32_t>(payload.size());
    t->append_recorded(e, std::as_bytes(std::span(payload.data(), payload.size())));
    ++i;
  };
  while (i < kEvents) {
    const int k = static_cast<int>((i / 5) % 4);
    const trace::FlowId flow = static_cast<trace::FlowId>(k + 1);
    trace::Event e;
    e.kind = trace::EventKind::SocketCall;
    e.transport = trace::Transport::Tcp;
    e.flow = flow;
    e.result = static_cast<std::int64_t>(kRequest.size());
    // client -> server
    e.lane = clients[k];
    e.call = trace::Call::Send;
    e.local = address(static_cast<std::uint16_t>(40000 + k));
    e.peer = address(80);
    e.stream_offset = offset[k][0];
    e.dur_ns = 300;
    emit(e, kRequest);
    e.lane = server;
    e.call = trace::Call::Recv;
    e.local = address(80);
    e.peer = address(static_cast<std::uint16_t>(40000 + k));
    e.dur_ns = 2000;
    emit(e, kRequest);
    offset[k][0] += kRequest.size();
    // server -> client
    e.call = trace::Call::Send;
    e.stream_offset = offset[k][1];
    e.dur_ns = 300;
    emit(e, kRequest);
    e.lane = clients[k];
    e.call = trace::Call::Recv;
    e.local = address(static_cast<std::uint16_t>(40000 + k));
    e.peer = address(80);
    e.dur_ns = 2000;
    emit(e, kRequest);
    offset[k][1] += kRequest.size();
    trace::Event extra;
    if (i % 1000 < 5) {
      extra.kind = trace::EventKind::Note;
      extra.lane = lesson;
      emit(extra, "cue");
    } else {
      extra.kind = trace::EventKind::TcpState;
      extra.lane = clients[k];
      extra.old_state = 1;
      extra.new_state = 1;
      emit(extra, {});
    }
  }
  return t;
}

const trace::Trace& shared_trace() {
  static const auto trace = make_trace();
  return *trace;
}

const view::TimelineIndex& shared_index() {
  static const auto index = [] {
    auto built = std::make_unique<view::TimelineIndex>();
    built->update(shared_trace());
    return built;
  }();
  return *index;
}

// range(0): ns per pixel. The view is centred in the middle of the trace.
void BM_BuildFrame(benchmark::State& state) {
  const auto& trace = shared_trace();
  const auto& index = shared_index();
  view::FrameInput input;
  input.viewport = view::Viewport{0, 0, 1200, 900, 18, 9};
  input.view.per_px = static_cast<double>(state.range(0));
  const double span = trace[trace.size() - 1].t_ns;
  input.view.top = input.view.per_px >= span / 900 ? 0 : span / 2;
  view::DrawList list;
  for (auto _ : state) {
    view::build_frame(trace, index, input, list);
    benchmark::DoNotOptimize(list.prims.data());
  }
  state.counters["prims"] = static_cast<double>(list.prims.size());
  state.counters["drawn"] = static_cast<double>(list.stats.drawn());
  state.counters["ms_visible"] = input.view.per_px * 900 / 1e6;
}
// Whole trace (~1.1 ms/px) down to 10 ns/px.
BENCHMARK(BM_BuildFrame)->Arg(1'200'000)->Arg(100'000)->Arg(10'000)->Arg(1'000)->Arg(100)->Arg(10)->Unit(benchmark::kMicrosecond);

// range(0): rows per 1000 pixels, Sequence spacing. The view is centred in the middle of the rows.
void BM_BuildFrameSequence(benchmark::State& state) {
  const auto& trace = shared_trace();
  const auto& index = shared_index();
  view::FrameInput input;
  input.viewport = view::Viewport{0, 0, 1200, 900, 18, 9};
  input.view.spacing = view::Spacing::Sequence;
  input.view.per_px = static_cast<double>(state.range(0)) / 1000;
  const auto rows = static_cast<double>(index.rows().size());
  input.view.top = input.view.per_px >= rows / 900 ? 0 : rows / 2;
  view::DrawList list;
  for (auto _ : state) {
    view::build_frame(trace, index, input, list);
    benchmark::DoNotOptimize(list.prims.data());
  }
  state.counters["prims"] = static_cast<double>(list.prims.size());
  state.counters["drawn"] = static_cast<double>(list.stats.drawn());
  state.counters["folds"] = static_cast<double>(list.stats.folds);
  state.counters["rows_visible"] = input.view.per_px * 900;
}
// All million rows (~1,100 a pixel) down to rows 34 px tall (the readable height the app follows at).
BENCHMARK(BM_BuildFrameSequence)
    ->Arg(1'200'000)
    ->Arg(100'000)
    ->Arg(10'000)
    ->Arg(1'000)
    ->Arg(333)
    ->Arg(29)
    ->Unit(benchmark::kMicrosecond);

void BM_IndexWholeTrace(benchmark::State& state) {
  const auto& trace = shared_trace();
  for (auto _ : state) {
    view::TimelineIndex index;
    index.update(trace);
    benchmark::DoNotOptimize(index.indexed());
  }
  state.counters["events"] = static_cast<double>(trace.size());
}
BENCHMARK(BM_IndexWholeTrace)->Unit(benchmark::kMillisecond)->Iterations(3);

// ---- the wire tier: a bulk transfer as real packets ----

constexpr std::size_t kPackets = 200'000;

// A minimal IPv4 + TCP header (checksums left zero: neither the timeline nor the analyzer checks
// them for delivered packets) followed by `payload` bytes.
std::vector<std::byte> tcp_packet(bool from_client, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                                  std::size_t payload) {
  std::vector<std::byte> p(40 + payload, std::byte{0});
  auto put16 = [&](std::size_t at, std::uint16_t v) {
    p[at] = std::byte(v >> 8);
    p[at + 1] = std::byte(v & 0xFF);
  };
  auto put32 = [&](std::size_t at, std::uint32_t v) {
    put16(at, static_cast<std::uint16_t>(v >> 16));
    put16(at + 2, static_cast<std::uint16_t>(v & 0xFFFF));
  };
  p[0] = std::byte{0x45};
  put16(2, static_cast<std::uint16_t>(p.size()));
  p[8] = std::byte{64};
  p[9] = std::byte{6};
  const std::array<std::uint8_t, 4> client{10, 77, 0, 1}, server{10, 77, 0, 2};
  for (int i = 0; i < 4; ++i) {
    p[12 + i] = std::byte((from_client ? client : server)[i]);
    p[16 + i] = std::byte((from_client ? server : client)[i]);
  }
  put16(20, from_client ? 41000 : 80);
  put16(22, from_client ? 80 : 41000);
  put32(24, seq);
  put32(28, ack);
  p[32] = std::byte{0x50};
  p[33] = std::byte{flags};
  put16(34, 502);
  return p;
}

// The client sends 1448-byte segments, the server ACKs every second one, about one packet every
// 4 µs; one segment in 500 is dropped by the wire and retransmitted 200 µs later.
std::unique_ptr<trace::Trace> make_packet_trace() {
  auto t = std::make_unique<trace::Trace>();
  const trace::LaneId wire = t->lane("wire");
  const trace::LaneId client = t->lane("client");
  const trace::LaneId server = t->lane("server");
  trace::Address c = address(41000), s = address(80);
  c.ip = {10, 77, 0, 1};
  s.ip = {10, 77, 0, 2};
  const trace::FlowId flow = t->flow_of(c, s);
  std::int64_t now = 1000;
  auto emit = [&](bool from_client, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, std::size_t payload,
                  trace::Verdict verdict) {
    trace::Event e;
    e.kind = trace::EventKind::Packet;
    e.lane = wire;
    e.from = from_client ? client : server;
    e.to = from_client ? server : client;
    e.transport = trace::Transport::Tcp;
    e.local = from_client ? c : s;
    e.peer = from_client ? s : c;
    e.flow = flow;
    e.verdict = verdict;
    e.t_ns = now;
    e.dur_ns = verdict == trace::Verdict::Dropped ? 0 : 1500;
    const auto bytes = tcp_packet(from_client, seq, ack, flags, payload);
    e.payload_size = static_cast<std::uint32_t>(bytes.size());
    t->append_recorded(e, bytes);
    now += 3000 + static_cast<std::int64_t>((t->size() * 7919) % 2000);
  };
  const std::uint32_t c_isn = 1000, s_isn = 5000;
  emit(true, c_isn, 0, 0x02, 0, trace::Verdict::Delivered);
  emit(false, s_isn, c_isn + 1, 0x12, 0, trace::Verdict::Delivered);
  emit(true, c_isn + 1, s_isn + 1, 0x10, 0, trace::Verdict::Delivered);
  std::uint32_t next = c_isn + 1;
  std::size_t segments = 0;
  std::vector<std::uint32_t> lost;
  while (t->size() < kPackets) {
    const bool drop = segments % 500 == 499;
    emit(true, next, s_isn + 1, 0x18, 1448, drop ? trace::Verdict::Dropped : trace::Verdict::Delivered);
    if (drop) lost.push_back(next);
    next += 1448;
    ++segments;
    if (segments % 2 == 0) emit(false, s_isn + 1, lost.empty() ? next : lost.front(), 0x10, 0, trace::Verdict::Delivered);
    if (!lost.empty() && segments % 500 == 50) {
      emit(true, lost.front(), s_isn + 1, 0x18, 1448, trace::Verdict::Delivered);
      lost.erase(lost.begin());
    }
  }
  return t;
}

const trace::Trace& packet_trace() {
  static const auto trace = make_packet_trace();
  return *trace;
}

struct PacketViews {
  view::TimelineIndex index;
  proto::TcpFlowAnalyzer analyzer;
};
const PacketViews& packet_views() {
  static const auto views = [] {
    auto built = std::make_unique<PacketViews>();
    built->index.update(packet_trace());
    built->analyzer.update(packet_trace());
    return built;
  }();
  return *views;
}

// range(0): ns per pixel; packets captioned with the analyzer's relative numbers and notes.
void BM_BuildFramePackets(benchmark::State& state) {
  const auto& trace = packet_trace();
  const auto& views = packet_views();
  view::FrameInput input;
  input.viewport = view::Viewport{0, 0, 1200, 900, 18, 9};
  input.view.per_px = static_cast<double>(state.range(0));
  input.analyzer = &views.analyzer;
  const double span = trace[trace.size() - 1].t_ns;
  input.view.top = input.view.per_px >= span / 900 ? 0 : span / 2;
  view::DrawList list;
  for (auto _ : state) {
    view::build_frame(trace, views.index, input, list);
    benchmark::DoNotOptimize(list.prims.data());
  }
  state.counters["prims"] = static_cast<double>(list.prims.size());
  state.counters["arrows"] = static_cast<double>(list.stats.arrows);
  state.counters["packets"] = static_cast<double>(list.stats.packets);
}
// The whole transfer (~1 s, 200,000 packets) down to a few packets.
BENCHMARK(BM_BuildFramePackets)->Arg(1'200'000)->Arg(100'000)->Arg(10'000)->Arg(1'000)->Arg(100)->Unit(benchmark::kMicrosecond);

// range(0): rows per 1000 pixels, Sequence spacing: every packet its own row.
void BM_BuildFramePacketsSequence(benchmark::State& state) {
  const auto& trace = packet_trace();
  const auto& views = packet_views();
  view::FrameInput input;
  input.viewport = view::Viewport{0, 0, 1200, 900, 18, 9};
  input.view.spacing = view::Spacing::Sequence;
  input.view.per_px = static_cast<double>(state.range(0)) / 1000;
  input.analyzer = &views.analyzer;
  const auto rows = static_cast<double>(views.index.rows().size());
  input.view.top = input.view.per_px >= rows / 900 ? 0 : rows / 2;
  view::DrawList list;
  for (auto _ : state) {
    view::build_frame(trace, views.index, input, list);
    benchmark::DoNotOptimize(list.prims.data());
  }
  state.counters["prims"] = static_cast<double>(list.prims.size());
  state.counters["arrows"] = static_cast<double>(list.stats.arrows);
  state.counters["packets"] = static_cast<double>(list.stats.packets);
}
// All 200,000 rows (~220 a pixel) down to rows 34 px tall.
BENCHMARK(BM_BuildFramePacketsSequence)->Arg(250'000)->Arg(10'000)->Arg(1'000)->Arg(333)->Arg(29)->Unit(benchmark::kMicrosecond);

void BM_IndexAndAnalysePackets(benchmark::State& state) {
  const auto& trace = packet_trace();
  for (auto _ : state) {
    view::TimelineIndex index;
    index.update(trace);
    proto::TcpFlowAnalyzer analyzer;
    analyzer.update(trace);
    benchmark::DoNotOptimize(index.indexed());
  }
  state.counters["packets"] = static_cast<double>(trace.size());
}
BENCHMARK(BM_IndexAndAnalysePackets)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
