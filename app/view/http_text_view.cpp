// HTTP text for display: gathers a flow's bytes per direction and splits them into lines.
#include "view/http_text_view.h"

#include <algorithm>
#include <map>

namespace wirestep::view {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Splits "A B C..." into A, B and the rest (a reason phrase may contain spaces).
void split_start_line(std::string_view line, std::string_view& a, std::string_view& b,
                      std::string_view& c) {
  const auto first = line.find(' ');
  a = line.substr(0, first);
  if (first == std::string_view::npos) return;
  line.remove_prefix(first + 1);
  const auto second = line.find(' ');
  b = line.substr(0, second);
  if (second == std::string_view::npos) return;
  c = line.substr(second + 1);
}

struct Piece {
  std::size_t event;
  std::uint64_t offset;
  std::string_view bytes;
};

// Lays pieces end to end by stream offset; overlapping bytes (a duplicate) are taken once and a
// gap (bytes the trace did not keep) ends the stream, since nothing after it can be placed.
std::string assemble(std::vector<Piece>& pieces) {
  std::stable_sort(pieces.begin(), pieces.end(),
                   [](const Piece& a, const Piece& b) { return a.offset < b.offset; });
  std::string out;
  for (const Piece& piece : pieces) {
    if (piece.offset > out.size()) break;
    const std::uint64_t end = piece.offset + piece.bytes.size();
    if (end <= out.size()) continue;
    out.append(piece.bytes.substr(static_cast<std::size_t>(out.size() - piece.offset)));
  }
  return out;
}

bool is_tcp_data_call(const trace::Event& e) {
  return e.kind == trace::EventKind::SocketCall && e.transport == trace::Transport::Tcp &&
         (e.call == trace::Call::Send || e.call == trace::Call::Recv) && e.result > 0 &&
         e.payload.size > 0;
}

}  // namespace

std::vector<TextLine> split_lines(std::string_view text) {
  std::vector<TextLine> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto lf = text.find('\n', start);
    TextLine line;
    line.offset = static_cast<std::uint32_t>(start);
    if (lf == std::string_view::npos) {
      line.length = static_cast<std::uint32_t>(text.size() - start);
      line.content_length = line.length;
      line.end = LineEnd::None;
      lines.push_back(line);
      break;
    }
    line.length = static_cast<std::uint32_t>(lf + 1 - start);
    const bool cr = lf > start && text[lf - 1] == '\r';
    line.end = cr ? LineEnd::CrLf : LineEnd::Lf;
    line.content_length = line.length - (cr ? 2 : 1);
    lines.push_back(line);
    start = lf + 1;
  }
  return lines;
}

HttpHead split_head(std::string_view text) {
  HttpHead head;
  for (const TextLine& line : split_lines(text)) {
    head.lines.push_back(line);
    if (line.blank()) {
      head.blank_line = line.offset;
      head.head_end = line.end_offset();
      break;
    }
  }
  return head;
}

bool looks_like_http(std::string_view text) {
  if (text.starts_with("HTTP/")) return true;
  std::size_t i = 0;
  while (i < text.size() && i < 16 && text[i] >= 'A' && text[i] <= 'Z') ++i;
  if (i == 0 || i >= text.size() || text[i] != ' ') return false;
  // A method alone is too weak a sign; the request line must name an HTTP version.
  const auto first_line = text.substr(0, std::min(text.find('\n'), std::size_t{8192}));
  return first_line.find(" HTTP/") != std::string_view::npos;
}

HttpMessageView split_http_message(std::string_view text) {
  HttpMessageView view;
  view.head = split_head(text);
  if (view.head.lines.empty()) return view;
  const TextLine& start = view.head.lines.front();
  const auto start_text = text.substr(start.offset, start.content_length);
  view.is_response = start_text.starts_with("HTTP/");
  view.is_request = !view.is_response && looks_like_http(text);
  split_start_line(start_text, view.part1, view.part2, view.part3);
  for (std::size_t i = 1; i < view.head.lines.size(); ++i) {
    const TextLine& line = view.head.lines[i];
    if (line.blank() || line.end == LineEnd::None) continue;  // a partial line may still grow
    const auto content = text.substr(line.offset, line.content_length);
    const auto colon = content.find(':');
    HttpHeader header;
    header.line = static_cast<std::uint32_t>(i);
    header.name = colon == std::string_view::npos ? content : content.substr(0, colon);
    if (colon != std::string_view::npos) header.value = trim(content.substr(colon + 1));
    view.headers.push_back(header);
  }
  if (view.head.head_end) view.body = text.substr(*view.head.head_end);
  return view;
}

FlowStreams gather_flow_streams(const trace::Trace& trace, trace::FlowId flow, std::size_t end) {
  FlowStreams streams;
  streams.flow = flow;
  if (flow == trace::kNoFlow) return streams;
  end = std::min(end, trace.size());

  // Each end of the connection is known by its local address (fds and lanes can repeat).
  struct End {
    trace::LaneId lane = trace::kNoLane;
    bool connected = false;
    std::size_t first_send = SIZE_MAX;
    std::vector<Piece> sends, recvs;
  };
  std::map<std::string, End> ends;
  for (std::size_t i = 0; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.flow != flow || e.kind != trace::EventKind::SocketCall) continue;
    if (e.transport != trace::Transport::Tcp) continue;
    End& side = ends[e.local.to_string()];
    if (side.lane == trace::kNoLane) side.lane = e.lane;
    if (e.call == trace::Call::Connect && e.result == 0) side.connected = true;
    if (!is_tcp_data_call(e)) continue;
    Piece piece{i, e.stream_offset, e.payload.text()};
    if (e.call == trace::Call::Send) {
      side.first_send = std::min(side.first_send, i);
      side.sends.push_back(piece);
    } else {
      side.recvs.push_back(piece);
    }
  }
  if (ends.empty()) return streams;

  // The client called connect(); without one (a trace cut short) the first to send is.
  auto client = ends.end();
  for (auto it = ends.begin(); it != ends.end(); ++it) {
    if (it->second.connected) client = it;
  }
  if (client == ends.end()) {
    client = std::min_element(ends.begin(), ends.end(), [](const auto& a, const auto& b) {
      return a.second.first_send < b.second.first_send;
    });
  }
  auto server = ends.end();
  for (auto it = ends.begin(); it != ends.end(); ++it) {
    if (it != client) server = it;
  }
  End none;  // a connection whose other end the trace never saw
  End& c = client->second;
  End& s = server != ends.end() ? server->second : none;

  auto build = [](StreamDirection& dir, End& sender, End& receiver) {
    dir.sender = sender.lane;
    dir.receiver = receiver.lane;
    std::string received = assemble(receiver.recvs);
    std::string sent = assemble(sender.sends);
    dir.received_bytes = received.size();
    dir.bytes = std::move(received);
    if (sent.size() > dir.bytes.size()) dir.bytes.append(sent, dir.bytes.size());
    auto add = [&](const std::vector<Piece>& pieces, bool is_recv) {
      for (const Piece& p : pieces) {
        if (p.offset >= dir.bytes.size()) continue;
        const auto length = std::min<std::uint64_t>(p.bytes.size(), dir.bytes.size() - p.offset);
        dir.pieces.push_back({p.event, p.offset, static_cast<std::uint32_t>(length), is_recv});
      }
    };
    add(receiver.recvs, true);
    add(sender.sends, false);
    std::stable_sort(dir.pieces.begin(), dir.pieces.end(),
                     [](const StreamPiece& a, const StreamPiece& b) { return a.offset < b.offset; });
  };
  build(streams.request, c, s);
  build(streams.response, s, c);
  return streams;
}

trace::FlowId flow_for_http_view(const trace::Trace& trace, std::optional<std::size_t> selected) {
  const std::size_t size = trace.size();
  if (selected && *selected < size) {
    const trace::Event& e = trace[*selected];
    if (e.flow != trace::kNoFlow && e.transport == trace::Transport::Tcp) return e.flow;
  }
  std::size_t i = selected && *selected < size ? *selected + 1 : size;
  while (i-- > 0) {
    if (is_tcp_data_call(trace[i]) && trace[i].flow != trace::kNoFlow) return trace[i].flow;
  }
  return trace::kNoFlow;
}

}  // namespace wirestep::view
