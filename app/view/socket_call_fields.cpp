// Builds the inspector's field tree for socket calls, TCP state changes, notes and packets.
#include "view/socket_call_fields.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "lesson/checkpoint.h"
#include "trace/payload_preview.h"
#include "trace/tcp_metrics.h"
#include "view/http_text_view.h"
#include "view/time_format.h"

namespace wirestep::view {
namespace {

using trace::Call;
using trace::Event;
using trace::EventKind;

std::string state_name(std::uint8_t state) {
  return state == 0 ? std::string("(new socket)") : std::string(trace::tcp_state_name(state));
}

// The TcpState snapshot TracedSocket takes right after a call, if the call changed the state.
// It follows on the same lane before that lane's next call; other lanes may interleave.
const Event* state_change_after(const trace::Trace& trace, std::size_t index) {
  const Event& call = trace[index];
  const std::size_t end = std::min(trace.size(), index + 64);
  for (std::size_t i = index + 1; i < end; ++i) {
    const Event& e = trace[i];
    if (e.lane != call.lane) continue;
    if (e.kind == EventKind::TcpState) {
      // accept() records on the listening fd; the new socket's snapshot carries the new fd.
      const std::int64_t fd = call.call == Call::Accept ? call.result : call.fd;
      if (e.fd == fd) return &e;
      continue;
    }
    if (e.kind == EventKind::SocketCall) break;
  }
  return nullptr;
}

std::string requested_text(const Event& e) {
  switch (e.call) {
    case Call::Send:
    case Call::SendTo:
      return fmt::format("{} bytes offered", e.requested);
    case Call::Recv:
    case Call::RecvFrom:
      return fmt::format("up to {} bytes", e.requested);
    case Call::Shutdown:
      return e.requested == SHUT_RD ? "SHUT_RD" : e.requested == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR";
    default:
      return {};
  }
}

std::string result_text(const Event& e) {
  if (e.result < 0) return fmt::format("{} (failed)", e.result);
  switch (e.call) {
    case Call::Socket:
      return fmt::format("{} (the new socket's fd)", e.result);
    case Call::Accept:
      return fmt::format("{} (fd of the new connection)", e.result);
    case Call::Send:
    case Call::SendTo:
      if (e.result < static_cast<std::int64_t>(e.requested)) {
        return fmt::format("{} bytes sent (partial: {} offered)", e.result, e.requested);
      }
      return fmt::format("{} bytes sent", e.result);
    case Call::Recv:
    case Call::RecvFrom:
      if (e.result == 0) return "0 (end of stream: the peer closed)";
      return fmt::format("{} bytes received", e.result);
    default:
      return fmt::format("{} (success)", e.result);
  }
}

void add_call_fields(proto::FieldTree& tree, const trace::Trace& trace, std::size_t index) {
  const Event& e = trace[index];
  tree.add(-1, "Call", std::string(trace::to_string(e.call)) + "()", 0, 0);
  tree.add(-1, "fd", std::to_string(e.fd), 0, 0);
  tree.add(-1, "Transport", e.transport == trace::Transport::Udp ? "UDP" : "TCP", 0, 0);
  if (!e.local.empty()) tree.add(-1, "Local address", e.local.to_string(), 0, 0);
  if (!e.peer.empty()) tree.add(-1, "Peer address", e.peer.to_string(), 0, 0);
  if (const auto requested = requested_text(e); !requested.empty()) {
    tree.add(-1, "Requested", requested, 0, 0);
  }
  tree.add(-1, "Result", result_text(e), 0, 0,
           e.result < 0 ? proto::FieldSeverity::Error : proto::FieldSeverity::Normal);
  if (e.err != 0) {
    tree.add(-1, "Error", errno_description(e.err), 0, 0, proto::FieldSeverity::Error);
  }
  tree.add(-1, "Blocked for", format_duration(e.dur_ns), 0, 0,
           e.dur_ns >= 1'000'000 ? proto::FieldSeverity::Note : proto::FieldSeverity::Normal);
  if (e.call == Call::Send || e.call == Call::Recv) {
    tree.add(-1, "Stream offset",
             fmt::format("{} (bytes {} on this socket before this call)", e.stream_offset,
                         e.call == Call::Send ? "sent" : "received"),
             0, 0);
  }
  if (const Event* change = state_change_after(trace, index)) {
    tree.add(-1, "TCP state",
             fmt::format("{} -> {}", state_name(change->old_state), state_name(change->new_state)),
             0, 0, proto::FieldSeverity::Note);
  }
  if (e.flow != trace::kNoFlow) tree.add(-1, "Flow", fmt::format("#{}", e.flow), 0, 0);
}

}  // namespace

std::string errno_description(int err) {
  const char* name = strerrorname_np(err);
  return fmt::format("{}: {}", name != nullptr ? name : "E?", std::strerror(err));
}

std::string narration_anchor_at(const trace::Trace& trace, std::size_t index) {
  if (trace.size() == 0) return {};
  std::size_t i = std::min(index + 1, trace.size());
  while (i-- > 0) {
    if (trace[i].kind == EventKind::Note && !lesson::is_checkpoint_note(trace[i])) return std::string(trace[i].payload.text());
  }
  return {};
}

int add_payload_fields(proto::FieldTree& tree, int parent, std::string_view bytes,
                       std::uint32_t real_size) {
  const auto size = static_cast<std::uint32_t>(bytes.size());
  std::string value = fmt::format("{} bytes", size);
  if (real_size > size) value += fmt::format(" kept of {} (the trace's byte cap cut the rest)", real_size);
  const int payload = tree.add(parent, "Payload", value, 0, size);
  if (!looks_like_http(bytes)) return payload;

  const HttpMessageView message = split_http_message(bytes);
  const auto& lines = message.head.lines;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const TextLine& line = lines[i];
    const auto content = bytes.substr(line.offset, line.content_length);
    std::string name;
    std::string shown(content);
    if (i == 0) {
      name = message.is_response ? "Status line" : "Request line";
    } else if (line.blank()) {
      name = "Blank line";
      shown = "end of the headers";
    } else if (const auto colon = content.find(':'); colon != std::string_view::npos) {
      name = std::string(content.substr(0, colon));
      auto value_text = content.substr(colon + 1);
      while (!value_text.empty() && (value_text.front() == ' ' || value_text.front() == '\t')) {
        value_text.remove_prefix(1);
      }
      shown = std::string(value_text);
    } else {
      name = "Line";
    }
    if (line.end == LineEnd::CrLf) shown += "  \\r\\n";
    if (line.end == LineEnd::Lf) shown += "  \\n (no \\r)";
    if (line.end == LineEnd::None) shown += "  (line not finished)";
    tree.add(payload, name, shown, line.offset, line.length,
             line.blank() ? proto::FieldSeverity::Note : proto::FieldSeverity::Normal);
  }
  if (message.head.head_end && !message.body.empty()) {
    tree.add(payload, "Body", fmt::format("{} bytes", message.body.size()), *message.head.head_end,
             static_cast<std::uint32_t>(message.body.size()));
  }
  return payload;
}

proto::FieldTree event_fields(const trace::Trace& trace, std::size_t index) {
  proto::FieldTree tree;
  if (index >= trace.size()) return tree;
  const Event& e = trace[index];
  tree.add(-1, "Event",
           fmt::format("#{} {} on {} at {}", e.seq, trace::to_string(e.kind), trace.lane_name(e.lane),
                       format_duration(e.t_ns)),
           0, 0);
  switch (e.kind) {
    case EventKind::SocketCall:
      add_call_fields(tree, trace, index);
      break;
    case EventKind::TcpState:
      tree.add(-1, "fd", std::to_string(e.fd), 0, 0);
      tree.add(-1, "TCP state", fmt::format("{} -> {}", state_name(e.old_state), state_name(e.new_state)),
               0, 0, proto::FieldSeverity::Note);
      if (!e.local.empty()) tree.add(-1, "Local address", e.local.to_string(), 0, 0);
      if (!e.peer.empty()) tree.add(-1, "Peer address", e.peer.to_string(), 0, 0);
      break;
    case EventKind::TcpMetrics:
      tree.add(-1, "fd", std::to_string(e.fd), 0, 0);
      if (const auto metrics = trace::tcp_metrics_of(e)) {
        tree.add(-1, "TCP metrics", trace::describe(*metrics), 0, 0, proto::FieldSeverity::Note);
      }
      return tree;  // the payload is the kernel's figures, not bytes anyone sent
    case EventKind::Note:
      tree.add(-1, "Narration cue", std::string(e.payload.text()), 0, 0, proto::FieldSeverity::Note);
      return tree;  // the payload is the anchor name, not bytes anyone sent
    case EventKind::Packet:
    case EventKind::Impairment:
      tree.add(-1, "Path",
               fmt::format("{} -> {}", trace.lane_name(e.from), trace.lane_name(e.to)), 0, 0);
      tree.add(-1, "Verdict", std::string(trace::to_string(e.verdict)), 0, 0);
      break;
  }
  if (const auto anchor = narration_anchor_at(trace, index); !anchor.empty()) {
    tree.add(-1, "Narration", anchor, 0, 0);
  }
  if (e.payload.size > 0) add_payload_fields(tree, -1, e.payload.text(), e.payload_size);
  return tree;
}

}  // namespace wirestep::view
