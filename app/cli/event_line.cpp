// event_line: the words the CLI uses for each kind of event.
#include "cli/event_line.h"

#include <sys/socket.h>

#include <cstring>
#include <fmt/format.h>
#include <optional>
#include <string>

#include "lesson/checkpoint.h"
#include "proto/packet/packet_summary.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/payload_preview.h"
#include "trace/tcp_metrics.h"

namespace wirestep::cli {
namespace {

using trace::Call;
using trace::Event;

std::string result_text(const Event& e) {
  if (e.result < 0) return "-1 " + errno_text(e.err);
  return std::to_string(e.result);
}

std::string call_text(const Event& e) {
  const std::string fd = "fd " + std::to_string(e.fd);
  const std::string size = std::to_string(e.requested);
  std::string text;
  switch (e.call) {
    case Call::Socket:
      text = "socket(" + std::string(e.transport == trace::Transport::Udp ? "UDP" : "TCP") + ") = " +
             (e.result >= 0 ? "fd " + std::to_string(e.result) : result_text(e));
      break;
    case Call::Bind:
      text = "bind(" + fd + ", " + e.local.to_string() + ") = " + result_text(e);
      break;
    case Call::Listen:
      text = "listen(" + fd + ") = " + result_text(e);
      break;
    case Call::Accept:
      text = "accept(" + fd + ") = " +
             (e.result >= 0 ? "fd " + std::to_string(e.result) + "  from " + e.peer.to_string()
                            : result_text(e));
      break;
    case Call::Connect:
      text = "connect(" + fd + ", " + e.peer.to_string() + ") = " + result_text(e);
      if (e.result == 0) text += "  from " + e.local.to_string();
      break;
    case Call::Send:
      text = "send(" + fd + ", " + size + " B) = " + result_text(e);
      if (e.result >= 0 && e.result < static_cast<std::int64_t>(e.requested)) text += " (partial)";
      break;
    case Call::Recv:
      text = "recv(" + fd + ", " + size + ") = " + result_text(e);
      if (e.result == 0 && e.requested > 0) text += " (end of stream)";
      break;
    case Call::SendTo:
      text = "sendto(" + fd + ", " + size + " B, " + e.peer.to_string() + ") = " + result_text(e);
      break;
    case Call::RecvFrom:
      text = "recvfrom(" + fd + ", " + size + ") = " + result_text(e);
      if (e.result >= 0) text += "  from " + e.peer.to_string();
      break;
    case Call::Shutdown:
      text = "shutdown(" + fd + ", " +
             (e.requested == SHUT_RD ? "SHUT_RD" : e.requested == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR") +
             ") = " + result_text(e);
      break;
    case Call::Close:
      text = "close(" + fd + ") = " + result_text(e);
      break;
    case Call::None:
      text = "?";
      break;
  }
  if (e.payload.size > 0) {
    text += "  \"" + trace::payload_preview(e.payload.span()) + "\"";
  }
  if (e.dur_ns >= 1'000'000) text += fmt::format("  [waited {:.1f} ms]", e.dur_ns / 1e6);
  return text;
}

}  // namespace

std::string errno_text(int err) {
  const char* name = strerrorname_np(err);
  return std::string(name != nullptr ? name : "E?") + " (" + std::strerror(err) + ")";
}

std::string event_summary(const trace::Trace& trace, const Event& e, const proto::PacketAnalysis* analysis) {
  switch (e.kind) {
    case trace::EventKind::SocketCall:
      return call_text(e);
    case trace::EventKind::TcpState:
      return "tcp fd " + std::to_string(e.fd) + ": " +
             std::string(e.old_state == 0 ? "(new)" : trace::tcp_state_name(e.old_state)) + " -> " +
             std::string(trace::tcp_state_name(e.new_state));
    case trace::EventKind::Note:
      if (const auto asked = lesson::decode_checkpoint(e.payload.text())) {
        return "# checkpoint: " + asked->checkpoint.question +
               (asked->answer ? " (answered " + *asked->answer + ")" : std::string(" (not answered)"));
      }
      if (const auto revealed = lesson::decode_reveal(e.payload.text())) {
        return "# measured for checkpoint " + revealed->id + ": " + revealed->truth;
      }
      // Cues come from lane "lesson"; a note on an actor's lane is something it measured.
      return (trace.lane_name(e.lane) == "lesson" ? "# narration: " : "# ") + std::string(e.payload.text());
    case trace::EventKind::TcpMetrics: {
      const auto metrics = trace::tcp_metrics_of(e);
      return "tcp fd " + std::to_string(e.fd) + ": " + (metrics ? trace::describe(*metrics) : "metrics ?");
    }
    case trace::EventKind::Packet: {
      std::string text = "packet " + std::string(trace.lane_name(e.from)) + " -> " +
                         std::string(trace.lane_name(e.to));
      if (e.verdict != trace::Verdict::Delivered) text += " " + std::string(trace::to_string(e.verdict));
      const proto::PacketSummary summary = proto::summarize(e.payload.span());
      std::optional<proto::RelativeSeq> relative;
      if (analysis != nullptr && analysis->tcp) {
        // describe() subtracts the ISNs; the analysis knows the relative numbers already.
        relative = proto::RelativeSeq{summary.tcp_seq - analysis->relative_seq,
                                      summary.tcp_ack - analysis->relative_ack};
      }
      text += "  " + proto::describe(summary, relative);
      if (summary.valid && summary.payload_length > 0 && summary.payload_offset < e.payload.size) {
        text += "  \"" + trace::payload_preview(e.payload.span().subspan(summary.payload_offset)) + "\"";
      }
      if (analysis != nullptr && analysis->tcp) {
        const std::string meaning = analysis->text();
        if (!meaning.empty()) text += "  (" + meaning + ")";
      }
      return text;
    }
    case trace::EventKind::Impairment:
      // The user-space relay names both sides and says itself what it did ("dropped by the relay: ...").
      if (e.from != trace::kNoLane) {
        return std::string(trace.lane_name(e.from)) + " -> " + std::string(trace.lane_name(e.to)) + "  " +
               (e.requested > 0 ? std::to_string(e.requested) + " B  " : std::string()) + std::string(e.payload.text());
      }
      return "wire " + std::string(trace::to_string(e.verdict)) +
             (e.link != trace::kNoSeq ? " event #" + std::to_string(e.link) : std::string()) + ": " +
             std::string(e.payload.text());
  }
  return "?";
}

std::string event_line(const trace::Trace& trace, const Event& e, const proto::PacketAnalysis* analysis) {
  return fmt::format("{:10.6f}  {:<9} {}", e.t_ns / 1e9, trace.lane_name(e.lane),
                     event_summary(trace, e, analysis));
}

}  // namespace wirestep::cli
