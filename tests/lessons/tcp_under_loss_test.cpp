// Lesson tcp-under-loss: on the virtual wire real drops are repaired by retransmissions linked to
// them, a timeout backs off during the blackout, the stream arrives intact and the sender's
// TCP_INFO figures are in the trace; on the socket tier it runs and says no packet can be lost.
#include "tcp_under_loss.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "proto/packet/tcp_flow_analyzer.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wire_session.h"
#include "trace/tcp_metrics.h"

namespace wirestep {
namespace {

using testing::notes_of;

bool has(const std::vector<std::string>& texts, std::string_view part) {
  return std::any_of(texts.begin(), texts.end(),
                     [&](const std::string& t) { return t.find(part) != std::string::npos; });
}

std::vector<trace::TcpMetrics> metrics_of(const trace::Trace& trace, std::string_view lane) {
  std::vector<trace::TcpMetrics> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace.lane_name(trace[i].lane) != lane) continue;
    if (auto m = trace::tcp_metrics_of(trace[i])) out.push_back(*m);
  }
  return out;
}

// Bytes the server's recv() calls returned, in stream order, compared with what the client sent.
void expect_stream_intact(const trace::Trace& trace) {
  const std::string sent = testing::payload_of(testing::calls_of(trace, "client"), trace::Call::Send);
  const std::string received = testing::payload_of(testing::calls_of(trace, "server"), trace::Call::Recv);
  EXPECT_EQ(sent.size(), lessons::TcpUnderLoss::kTransferBytes);
  EXPECT_TRUE(received == sent) << "received " << received.size() << " bytes";
  EXPECT_TRUE(has(notes_of(trace, "server"), "all 524288 bytes arrived in order, hash matches"));
}

TEST(TcpUnderLossLesson, OnTheWireEveryDropIsRepairedAndTheStreamArrivesIntact) {
  WIRESTEP_SKIP_WITHOUT_WIRE();
  lesson::RunOptions options;
  options.virtual_wire = true;
  const auto run = testing::run_to_end("tcp-under-loss", options);
  ASSERT_NE(run->wire(), nullptr) << run->wire_error();
  const auto& trace = *run->trace();
  expect_stream_intact(trace);

  proto::TcpFlowAnalyzer analyzer;
  analyzer.update(trace);
  std::size_t dropped_data = 0;
  std::size_t repairs = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto* a = analyzer.at(i);
    if (a == nullptr) continue;
    if (a->has(proto::kNoteWireDrop) && a->payload_length > 0) ++dropped_data;
    if (a->has(proto::kNoteRetransmission) && a->caused_by_drop && !a->has(proto::kNoteWireDrop)) {
      ++repairs;
      const auto& drop = trace[*a->caused_by_drop];
      EXPECT_EQ(drop.verdict, trace::Verdict::Dropped);
      EXPECT_LT(drop.t_ns, trace[i].t_ns) << "a repair comes after the drop it repairs";
    }
  }
  EXPECT_GT(dropped_data, 3u) << "4 % loss and a blackout over ~370 segments";
  EXPECT_GT(repairs, 3u) << "retransmissions that reached the server, each linked to a wire drop";

  const auto metrics = metrics_of(trace, "client");
  ASSERT_GT(metrics.size(), 20u) << "sampled through the transfer";
  const auto most = [&](auto field) {
    return std::max_element(metrics.begin(), metrics.end(),
                            [&](const auto& a, const auto& b) { return field(a) < field(b); });
  };
  EXPECT_EQ(most([](const auto& m) { return m.bytes_acked; })->bytes_acked, lessons::TcpUnderLoss::kTransferBytes + 2)
      << "every byte plus SYN and FIN acknowledged";
  EXPECT_GE(metrics.back().total_retrans, repairs) << "the kernel counts what the wire saw";
  EXPECT_GE(most([](const auto& m) { return m.retransmits; })->retransmits, 1) << "a timeout fired during the blackout";
  // A 10 ms delay each way: the smoothed RTT sits near 20 ms outside the blackout.
  const auto rtts = std::count_if(metrics.begin(), metrics.end(),
                                  [](const auto& m) { return m.rtt_us >= 19'000 && m.rtt_us <= 40'000; });
  EXPECT_GT(rtts, static_cast<long>(metrics.size() / 2));
  EXPECT_TRUE(std::any_of(metrics.begin(), metrics.end(), [](const auto& m) {
    return m.snd_ssthresh != trace::kNoSsthresh && m.snd_ssthresh < 100;
  })) << "a loss set ssthresh";
  EXPECT_TRUE(std::any_of(metrics.begin(), metrics.end(), [](const auto& m) { return m.snd_cwnd == 1; }))
      << "the timeout took cwnd down to one segment";

  const auto cues = testing::cues(trace);
  for (const char* cue : {"impaired", "transfer", "blackout", "timeout", "restored", "done"}) {
    EXPECT_NE(std::find(cues.begin(), cues.end(), cue), cues.end()) << cue;
  }
  EXPECT_TRUE(has(notes_of(trace, "wire"), "the wire dropped"));
}

TEST(TcpUnderLossLesson, OnTheSocketTierItRunsAndSaysNothingCanBeDropped) {
  const auto run = testing::run_to_end("tcp-under-loss");
  const auto& trace = *run->trace();
  expect_stream_intact(trace);
  const auto cues = testing::cues(trace);
  EXPECT_NE(std::find(cues.begin(), cues.end(), "no-wire"), cues.end());
  EXPECT_TRUE(has(notes_of(trace, "client"), "no packet could be dropped"));
  const auto metrics = metrics_of(trace, "client");
  ASSERT_FALSE(metrics.empty());
  // Loopback loses nothing, but a slow machine (a sanitizer) can fire a probe timer: the note
  // reports the kernel's own count, whatever it is.
  EXPECT_TRUE(has(notes_of(trace, "client"),
                  "the kernel retransmitted " + std::to_string(metrics.back().total_retrans) + " segments"));
  EXPECT_GT(metrics.back().bytes_acked, 0u);
}

}  // namespace
}  // namespace wirestep
