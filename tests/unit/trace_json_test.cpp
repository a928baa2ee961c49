// JSON traces: every field survives a round trip; bad files fail with where and why.
#include "trace/trace_json.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "trace/base64.h"

namespace wirestep::trace {
namespace {

std::unique_ptr<Trace> sample_trace() {
  auto trace = std::make_unique<Trace>();
  const LaneId client = trace->lane("client");
  const LaneId server = trace->lane("server");
  const LaneId wire = trace->lane("wire");

  Event call;
  call.kind = EventKind::SocketCall;
  call.lane = client;
  call.call = Call::Send;
  call.transport = Transport::Tcp;
  call.fd = 5;
  call.result = 16;
  call.requested = 20;
  call.stream_offset = 7;
  call.dur_ns = 1234;
  call.local = Address{4, 40000, {127, 0, 0, 1}};
  Address v6;
  v6.family = 6;
  v6.port = 8080;
  v6.ip[15] = 1;
  call.peer = v6;
  call.flow = trace->flow_of(call.local, call.peer);
  trace->append(call, std::string_view("GET / HTTP/1.1\r\n"));

  Event refused = call;
  refused.call = Call::Connect;
  refused.result = -1;
  refused.err = 111;
  trace->append(refused);

  Event state;
  state.kind = EventKind::TcpState;
  state.lane = server;
  state.fd = 6;
  state.old_state = 10;
  state.new_state = 1;
  trace->append(state);

  Event packet;
  packet.kind = EventKind::Packet;
  packet.lane = wire;
  packet.from = client;
  packet.to = server;
  packet.verdict = Verdict::Dropped;
  packet.link = 1;
  packet.cut_index = 2;
  packet.cut_count = 45;
  const std::byte binary[] = {std::byte{0x45}, std::byte{0x00}, std::byte{0xFF}, std::byte{0x0A}};
  trace->append(packet, binary);

  Event note;
  note.kind = EventKind::Note;
  note.lane = trace->lane("lesson");
  trace->append(note, std::string_view("request"));
  return trace;
}

void expect_same(const Trace& a, const Trace& b) {
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.lane_count(), b.lane_count());
  for (std::size_t i = 0; i < a.lane_count(); ++i) {
    EXPECT_EQ(a.lane_name(static_cast<LaneId>(i)), b.lane_name(static_cast<LaneId>(i)));
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Event& x = a[i];
    const Event& y = b[i];
    SCOPED_TRACE("event " + std::to_string(i));
    EXPECT_EQ(x.seq, y.seq);
    EXPECT_EQ(x.t_ns, y.t_ns);
    EXPECT_EQ(x.dur_ns, y.dur_ns);
    EXPECT_EQ(x.lane, y.lane);
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.call, y.call);
    EXPECT_EQ(x.transport, y.transport);
    EXPECT_EQ(x.fd, y.fd);
    EXPECT_EQ(x.result, y.result);
    EXPECT_EQ(x.err, y.err);
    EXPECT_EQ(x.requested, y.requested);
    EXPECT_EQ(x.stream_offset, y.stream_offset);
    EXPECT_EQ(x.local, y.local);
    EXPECT_EQ(x.peer, y.peer);
    EXPECT_EQ(x.from, y.from);
    EXPECT_EQ(x.to, y.to);
    EXPECT_EQ(x.verdict, y.verdict);
    EXPECT_EQ(x.flow, y.flow);
    EXPECT_EQ(x.link, y.link);
    EXPECT_EQ(x.old_state, y.old_state);
    EXPECT_EQ(x.new_state, y.new_state);
    EXPECT_EQ(x.cut_index, y.cut_index);
    EXPECT_EQ(x.cut_count, y.cut_count);
    EXPECT_EQ(x.payload_size, y.payload_size);
    EXPECT_EQ(x.payload.text(), y.payload.text());
  }
}

TEST(TraceJson, RoundTripKeepsEveryField) {
  const auto original = sample_trace();
  const auto loaded = trace_from_json(trace_to_json(*original));
  expect_same(*original, *loaded);
}

TEST(TraceJson, RoundTripThroughAFile) {
  const auto original = sample_trace();
  const auto path = std::filesystem::temp_directory_path() /
                    ("wirestep-json-" + std::to_string(::getpid()) + ".json");
  save_trace_file(*original, path);
  const auto loaded = load_trace_file(path);
  std::filesystem::remove(path);
  expect_same(*original, *loaded);
}

TEST(TraceJson, CutPayloadsStayMarkedAsCut) {
  TraceLimits limits;
  limits.max_payload_bytes = 4;
  Trace trace(limits);
  Event e;
  e.lane = trace.lane("client");
  trace.append(e, std::string_view("abcdefgh"));
  const auto loaded = trace_from_json(trace_to_json(trace));
  EXPECT_EQ((*loaded)[0].payload.text(), "abcd");
  EXPECT_EQ((*loaded)[0].payload_size, 8u);
  EXPECT_TRUE((*loaded)[0].payload_truncated());
}

TEST(TraceJson, BadInputNamesWhereAndWhy) {
  auto json = trace_to_json(*sample_trace());
  auto expect_error = [](const nlohmann::json& j, const std::string& needle) {
    try {
      trace_from_json(j);
      ADD_FAILURE() << "accepted a bad trace; wanted an error mentioning " << needle;
    } catch (const TraceFormatError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  auto unknown_kind = json;
  unknown_kind["events"][2]["kind"] = "Teleport";
  expect_error(unknown_kind, "events[2].kind");
  auto bad_payload = json;
  bad_payload["events"][0]["payload"] = "%%%";
  expect_error(bad_payload, "events[0].payload");
  auto bad_lane = json;
  bad_lane["events"][1]["lane"] = 99;
  expect_error(bad_lane, "lane id out of range");
  auto bad_address = json;
  bad_address["events"][0]["peer"]["ip"] = "not-an-ip";
  expect_error(bad_address, "events[0].peer.ip");
  auto bad_cut = json;
  bad_cut["events"][3]["cut"] = {{"index", 45}, {"count", 45}};
  expect_error(bad_cut, "cut.index must be below cut.count");
  expect_error(nlohmann::json{{"hello", 1}}, "not a WireStep trace");
  auto future = json;
  future["version"] = 99;
  expect_error(future, "version 99");
}

TEST(TraceJson, TruncatedFileIsAClearErrorNotACrash) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("wirestep-truncated-" + std::to_string(::getpid()) + ".json");
  const std::string text = trace_to_json(*sample_trace()).dump();
  std::ofstream(path) << text.substr(0, text.size() / 2);
  try {
    load_trace_file(path);
    ADD_FAILURE() << "a truncated file loaded";
  } catch (const TraceFormatError& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
  std::filesystem::remove(path);
  EXPECT_THROW(load_trace_file(path), std::system_error);  // gone: says it cannot open
}

TEST(Base64, RoundTripsEveryLengthAndRejectsGarbage) {
  std::mt19937 rng(42);
  for (std::size_t length = 0; length < 64; ++length) {
    std::vector<std::byte> bytes(length);
    for (auto& b : bytes) b = static_cast<std::byte>(rng() & 0xFF);
    const auto decoded = base64_decode(base64_encode(bytes));
    ASSERT_TRUE(decoded.has_value()) << length;
    EXPECT_EQ(*decoded, bytes) << length;
  }
  EXPECT_EQ(base64_encode(std::as_bytes(std::span("Man", 3))), "TWFu");
  EXPECT_EQ(base64_encode(std::as_bytes(std::span("Ma", 2))), "TWE=");
  EXPECT_FALSE(base64_decode("TWF").has_value());
  EXPECT_FALSE(base64_decode("T=Fu").has_value());
  EXPECT_FALSE(base64_decode("TW!u").has_value());
}

}  // namespace
}  // namespace wirestep::trace
