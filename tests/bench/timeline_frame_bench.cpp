// Timeline frame cost: building one frame's draw list for 1,000,000 synthetic events at several
// zoom levels, with no renderer (target: <= 4 ms CPU per frame), and indexing them.
#include <benchmark/benchmark.h>

#include <memory>
#include <string_view>

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
  input.view.ns_per_px = static_cast<double>(state.range(0));
  const double span = trace[trace.size() - 1].t_ns;
  input.view.top_ns = input.view.ns_per_px >= span / 900 ? 0 : span / 2;
  view::DrawList list;
  for (auto _ : state) {
    view::build_frame(trace, index, input, list);
    benchmark::DoNotOptimize(list.prims.data());
  }
  state.counters["prims"] = static_cast<double>(list.prims.size());
  state.counters["drawn"] = static_cast<double>(list.stats.drawn());
  state.counters["ms_visible"] = input.view.ns_per_px * 900 / 1e6;
}
// Whole trace (~1.1 ms/px) down to 10 ns/px.
BENCHMARK(BM_BuildFrame)->Arg(1'200'000)->Arg(100'000)->Arg(10'000)->Arg(1'000)->Arg(100)->Arg(10)->Unit(benchmark::kMicrosecond);

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

}  // namespace

BENCHMARK_MAIN();
