// TcpMetrics events: recorded from a real connection's TCP_INFO, kept small (payload, not Event
// fields), rate-limited, stopped by close(), and written to JSON as named fields that read back.
#include "trace/tcp_metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "net/cancel_signal.h"
#include "net/tcp_metrics_sampler.h"
#include "net/traced_socket.h"
#include "support/wait.h"
#include "trace/trace.h"
#include "trace/trace_json.h"

namespace wirestep {
namespace {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

std::vector<const trace::Event*> metrics_events(const trace::Trace& trace) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].kind == trace::EventKind::TcpMetrics) out.push_back(&trace[i]);
  }
  return out;
}

class TcpMetricsTest : public ::testing::Test {
 protected:
  net::Actor actor(std::string_view lane) { return net::Actor{&trace_, trace_.lane(lane), nullptr, &cancel_}; }

  trace::Trace trace_;
  net::CancelSignal cancel_;
};

TEST_F(TcpMetricsTest, ABulkSendOverLoopbackRecordsTheSendersFigures) {
  TracedSocket listener = TracedSocket::open(actor("server"), Protocol::Tcp);
  listener.bind(Endpoint::loopback(AF_INET, 0));
  listener.listen();
  constexpr std::size_t kBytes = 4 << 20;
  std::jthread server([&] {
    TracedSocket connection = listener.accept();
    std::size_t got = 0;
    for (std::string chunk; !(chunk = connection.recv(65536)).empty();) got += chunk.size();
    EXPECT_EQ(got, kBytes);
  });
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp);
  ASSERT_TRUE(client.connect(listener.local_endpoint()));
  EXPECT_TRUE(metrics_events(trace_).empty()) << "off until a lesson asks for them";
  auto recorder = client.record_metrics();
  ASSERT_NE(recorder, nullptr);
  const std::string chunk(64 * 1024, 'x');
  {
    net::TcpMetricsSampler sampler(recorder);
    for (std::size_t sent = 0; sent < kBytes; sent += chunk.size()) ASSERT_TRUE(client.send_all(chunk));
    client.shutdown(SHUT_WR);
    server.join();
    ASSERT_TRUE(testing::wait_until([&] {
      const auto events = metrics_events(trace_);
      return !events.empty() && trace::tcp_metrics_of(*events.back())->bytes_acked == kBytes + 2;  // SYN and FIN count
    })) << "the sampler reads on while nothing is sent: the last ACK shows up";
  }
  const auto events = metrics_events(trace_);
  ASSERT_GE(events.size(), 2u);
  const trace::LaneId client_lane = trace_.lane("client");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const trace::Event& e = *events[i];
    EXPECT_EQ(e.lane, client_lane);
    EXPECT_EQ(e.fd, client.fd());
    EXPECT_NE(e.flow, trace::kNoFlow);
    const auto m = trace::tcp_metrics_of(e);
    ASSERT_TRUE(m.has_value());
    EXPECT_GE(m->snd_cwnd, 1u);
    EXPECT_GT(m->snd_mss, 0u);
    EXPECT_GT(m->rto_us, 100'000u) << "Linux's RTO is at least 200 ms";
    if (i > 0) {
      EXPECT_GE(e.t_ns - events[i - 1]->t_ns, net::TcpMetricsRecorder::kMinIntervalNs) << "at most one per ms";
      EXPECT_NE(*m, *trace::tcp_metrics_of(*events[i - 1])) << "only changes are recorded";
      EXPECT_GE(m->bytes_acked, trace::tcp_metrics_of(*events[i - 1])->bytes_acked);
    }
  }
  client.close();
  EXPECT_FALSE(recorder->attached()) << "close() stops every sampler before the fd number is reused";
  const std::size_t before = trace_.size();
  EXPECT_FALSE(recorder->sample());
  EXPECT_EQ(trace_.size(), before);
}

TEST(TcpMetricsJson, EveryFigureSurvivesARoundTrip) {
  trace::Trace trace;
  trace::TcpMetrics m;
  m.bytes_sent = 5'000'000'000ull;
  m.bytes_acked = 4'999'000'000ull;
  m.bytes_retrans = 12345;
  m.delivery_rate = 987654321;
  m.snd_cwnd = 42;
  m.snd_ssthresh = trace::kNoSsthresh;
  m.snd_mss = 1448;
  m.snd_wnd = 65535;
  m.rtt_us = 20123;
  m.rttvar_us = 1100;
  m.rto_us = 224000;
  m.unacked = 17;
  m.sacked = 3;
  m.lost = 2;
  m.retrans = 1;
  m.total_retrans = 9;
  m.ca_state = 3;
  m.retransmits = 2;
  m.backoff = 2;
  trace::Event e;
  e.kind = trace::EventKind::TcpMetrics;
  e.lane = trace.lane("client");
  e.fd = 7;
  e.transport = trace::Transport::Tcp;
  trace.append(e, trace::metrics_bytes(m));

  const auto json = trace::trace_to_json(trace);
  const auto& written = json["events"][0];
  EXPECT_EQ(written["kind"], "TcpMetrics");
  EXPECT_EQ(written["metrics"]["cwnd"], 42);
  EXPECT_EQ(written["metrics"]["rtt_us"], 20123);
  EXPECT_FALSE(written.contains("payload")) << "named fields, not the in-memory bytes";

  const auto back = trace::trace_from_json(json);
  ASSERT_EQ(back->size(), 1u);
  const auto read = trace::tcp_metrics_of((*back)[0]);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, m);
  EXPECT_EQ((*back)[0].fd, 7);
  EXPECT_EQ(trace::describe(*read).substr(0, 16), "cwnd 42 ssthresh");
}

TEST(TcpMetricsJson, AMetricsFieldOfTheWrongTypeNamesWhere) {
  auto json = nlohmann::json::parse(R"({"format": "wirestep-trace", "version": 1, "lanes": ["client"],
    "events": [{"seq": 0, "t_ns": 5, "kind": "TcpMetrics", "lane": 0, "metrics": {"cwnd": "ten"}}]})");
  try {
    trace::trace_from_json(json);
    FAIL() << "accepted a cwnd that is not a number";
  } catch (const trace::TraceFormatError& error) {
    EXPECT_NE(std::string(error.what()).find("events[0].metrics.cwnd"), std::string::npos) << error.what();
  }
}

// The close always takes a last sample: figures that changed less than the interval after the
// previous sample (here: a send right after recording began) are not lost.
TEST_F(TcpMetricsTest, TheCloseRecordsTheConnectionsLastFigures) {
  TracedSocket listener = TracedSocket::open(actor("server"), Protocol::Tcp);
  listener.bind(Endpoint::loopback(AF_INET, 0));
  listener.listen();
  TracedSocket client = TracedSocket::open(actor("client"), Protocol::Tcp);
  ASSERT_TRUE(client.connect(listener.local_endpoint()));
  TracedSocket connection = listener.accept();
  ASSERT_NE(client.record_metrics(), nullptr);
  ASSERT_EQ(client.send("abc"), 3);
  ASSERT_TRUE(connection.wait_until_queued(3));
  client.close();
  const auto events = metrics_events(trace_);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(trace::tcp_metrics_of(*events.back())->bytes_sent, 3u) << "the send's figures reached the trace";
}

}  // namespace
}  // namespace wirestep
