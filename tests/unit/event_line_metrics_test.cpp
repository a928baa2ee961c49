// The CLI's words for TCP metrics and for notes: one compact line per sample, and a measurement
// told apart from a narration cue by its lane.
#include <gtest/gtest.h>

#include "cli/event_line.h"
#include "trace/tcp_metrics.h"
#include "trace/trace.h"

namespace wirestep {
namespace {

TEST(EventLineMetrics, ASampleIsOneLineWithTheFiguresThatMatter) {
  trace::Trace trace;
  trace::TcpMetrics m;
  m.snd_cwnd = 7;
  m.snd_ssthresh = 5;
  m.rtt_us = 21'300;
  m.rttvar_us = 1'200;
  m.rto_us = 448'000;
  m.unacked = 6;
  m.lost = 1;
  m.retrans = 1;
  m.total_retrans = 12;
  m.retransmits = 2;
  m.bytes_acked = 123'456;
  m.ca_state = 4;
  trace::Event e;
  e.kind = trace::EventKind::TcpMetrics;
  e.lane = trace.lane("client");
  e.fd = 5;
  const auto seq = trace.append(e, trace::metrics_bytes(m));
  EXPECT_EQ(cli::event_summary(trace, trace[seq]),
            "tcp fd 5: cwnd 7 ssthresh 5 rtt 21.3±1.2 ms rto 448 ms in flight 6 lost 1 retrans 1/12 timeouts 2 "
            "acked 123456 B loss");
  m.snd_ssthresh = trace::kNoSsthresh;
  m.lost = m.retrans = m.total_retrans = m.retransmits = 0;
  m.ca_state = 0;
  const auto fresh = trace.append(e, trace::metrics_bytes(m));
  EXPECT_EQ(cli::event_summary(trace, trace[fresh]),
            "tcp fd 5: cwnd 7 ssthresh - rtt 21.3±1.2 ms rto 448 ms in flight 6 acked 123456 B open")
      << "no threshold before the first loss; counters that are zero are left out";
}

TEST(EventLineMetrics, AnActorsNoteIsAMeasurementNotNarration) {
  trace::Trace trace;
  trace::Event note;
  note.kind = trace::EventKind::Note;
  note.lane = trace.lane("lesson");
  const auto cue = trace.append(note, std::string_view("transfer"));
  note.lane = trace.lane("server");
  const auto fact = trace.append(note, std::string_view("all 10 bytes arrived in order"));
  EXPECT_EQ(cli::event_summary(trace, trace[cue]), "# narration: transfer");
  EXPECT_EQ(cli::event_summary(trace, trace[fact]), "# all 10 bytes arrived in order");
}

}  // namespace
}  // namespace wirestep
