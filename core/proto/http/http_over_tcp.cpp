// HttpOverTcp: per connection, which side is the client, then reassemble, parse, and remember the packets.
#include "proto/http/http_over_tcp.h"

#include <algorithm>
#include <utility>

#include "proto/packet/packet_summary.h"
#include "proto/packet/tcp_flow_analyzer.h"

namespace wirestep::proto::http {
namespace {

constexpr int kClientSide = static_cast<int>(StreamDirection::ClientToServer);
constexpr int kServerSide = static_cast<int>(StreamDirection::ServerToClient);

}  // namespace

std::string_view to_string(StreamDirection direction) {
  return direction == StreamDirection::ClientToServer ? "client \u2192 server" : "server \u2192 client";
}

std::vector<std::size_t> WireHttpMessage::packet_indices() const {
  std::vector<std::size_t> out;
  for (const auto& p : packets) {
    if (std::find(out.begin(), out.end(), p.packet_index) == out.end()) out.push_back(p.packet_index);
  }
  return out;
}

// One direction: its reassembler and parser, and the fed bytes not yet claimed by a message.
struct HttpOverTcp::Side {
  Side(trace::FlowId flow, int side, ParserLimits limits, ReassemblyLimits reassembly)
      : limits(limits), reassembly(reassembly), reassembler(reassembly), parser(mode_of(side), limits) {
    view.flow = flow;
    view.direction = static_cast<StreamDirection>(side);
  }
  static ParserMode mode_of(int side) { return side == kClientSide ? ParserMode::Request : ParserMode::Response; }

  // A new connection on the same addresses: fresh stream state, the old messages stay.
  void restart() {
    reassembler = TcpStreamReassembler(reassembly);
    parser = HttpParser(mode_of(static_cast<int>(view.direction)), limits);
    fed.clear();
    view.error.reset();
    view.stream_bytes = 0;
    view.finished = view.reset = view.incomplete = false;
    view.retransmitted_bytes = 0;
  }
  // The parser takes no more bytes: an error, a finished stream or a protocol switch.
  bool stopped() const { return parser.has_error() || parser.switched_protocols() || view.finished; }

  ParserLimits limits;
  ReassemblyLimits reassembly;
  TcpStreamReassembler reassembler;
  HttpParser parser;
  std::deque<PacketBytes> fed;
  WireHttpStream view;
};

struct HttpOverTcp::Connection {
  trace::Address client;  // the side that opened the connection
  bool client_known = false;
  std::uint32_t client_isn = 0;
  bool isn_known = false;
  std::unique_ptr<Side> sides[2];
};

HttpOverTcp::HttpOverTcp(ParserLimits limits, ReassemblyLimits reassembly)
    : limits_(limits), reassembly_(reassembly) {}
HttpOverTcp::~HttpOverTcp() = default;
HttpOverTcp::HttpOverTcp(HttpOverTcp&&) noexcept = default;
HttpOverTcp& HttpOverTcp::operator=(HttpOverTcp&&) noexcept = default;

void HttpOverTcp::update(const trace::Trace& trace) {
  if (trace_ != &trace) {
    next_ = 0;
    connections_.clear();
    trace_ = &trace;
  }
  const std::size_t end = trace.size();  // once: producers keep appending meanwhile
  for (; next_ < end; ++next_) analyse(next_, trace[next_]);
}

void HttpOverTcp::analyse(std::size_t index, const trace::Event& event) {
  // What the receiving application could read: packets its kernel accepted.
  if (event.kind != trace::EventKind::Packet || event.flow == trace::kNoFlow) return;
  if (!reached_receiver(event)) return;
  const PacketSummary s = summarize(event.payload.span());
  if (s.transport != trace::Transport::Tcp || s.payload_offset == 0) return;

  auto& slot = connections_[event.flow];
  if (!slot) slot = std::make_unique<Connection>();
  Connection& c = *slot;
  const bool syn = s.has_flag(TcpFlags::kSyn);
  const bool ack = s.has_flag(TcpFlags::kAck);
  if (syn && !ack) {
    const bool same = c.isn_known && c.client_isn == s.tcp_seq;
    const bool used = c.sides[0] != nullptr || c.sides[1] != nullptr;
    if (!same && used) {
      for (auto& side : c.sides) {
        if (side) side->restart();
      }
      c.client_known = false;
    }
    c.client_isn = s.tcp_seq;
    c.isn_known = true;
  }
  if (!c.client_known) {
    // The opener is the client; without its SYN, guess the side with the ephemeral port.
    if (syn) {
      c.client = ack ? s.dst : s.src;
    } else {
      c.client = s.src.port > s.dst.port ? s.src : s.dst;
    }
    c.client_known = true;
  }
  const int side = s.src == c.client ? kClientSide : kServerSide;
  if (!c.sides[side]) c.sides[side] = std::make_unique<Side>(event.flow, side, limits_, reassembly_);
  Side& me = *c.sides[side];
  if (me.stopped()) return;

  std::vector<StreamPiece> pieces;
  me.reassembler.add(index, s, event.payload.span(), pieces);
  feed(c, side, pieces);
  me.view.reset = me.reassembler.reset();
  me.view.incomplete = me.reassembler.incomplete();
  me.view.retransmitted_bytes = me.reassembler.duplicate_bytes();
  if (me.reassembler.finished() && !me.stopped()) {
    // The sender closed: a body delimited by the close ends here, a cut message is an error.
    me.parser.finish();
    take_messages(c, side);
  }
  if (me.reassembler.finished()) me.view.finished = true;
  if (me.parser.has_error()) me.view.error = me.parser.error();
}

void HttpOverTcp::feed(Connection& c, int side, const std::vector<StreamPiece>& pieces) {
  Side& me = *c.sides[side];
  for (const StreamPiece& piece : pieces) {
    if (me.stopped()) break;
    const std::size_t used = me.parser.feed(piece.bytes);
    me.parser.clear_state_ranges();  // not shown from here; would grow with the stream
    if (used > 0) {
      me.fed.push_back(PacketBytes{piece.packet_index, piece.stream_offset, piece.ip_offset,
                                   static_cast<std::uint32_t>(used)});
      me.view.stream_bytes += used;
    }
    take_messages(c, side);
  }
}

namespace {

// The parts of fed bytes that fall in [begin, end).
std::vector<PacketBytes> bytes_within(const std::deque<PacketBytes>& fed, std::uint64_t begin,
                                      std::uint64_t end) {
  std::vector<PacketBytes> out;
  for (const PacketBytes& p : fed) {
    const std::uint64_t lo = std::max(begin, p.stream_offset);
    const std::uint64_t hi = std::min(end, p.stream_offset + p.length);
    if (lo >= hi) continue;
    out.push_back(PacketBytes{p.packet_index, lo, p.ip_offset + static_cast<std::uint32_t>(lo - p.stream_offset),
                              static_cast<std::uint32_t>(hi - lo)});
  }
  return out;
}

}  // namespace

void HttpOverTcp::take_messages(Connection& c, int side) {
  Side& me = *c.sides[side];
  while (auto parsed = me.parser.pop_message()) {
    Message message;
    message.http = std::move(*parsed);
    const std::uint64_t begin = message.http.start_offset;
    const std::uint64_t end = begin + message.http.length;
    message.packets = bytes_within(me.fed, begin, end);
    while (!me.fed.empty() && me.fed.front().stream_offset + me.fed.front().length <= end) me.fed.pop_front();
    if (side == kClientSide && message.http.is_request()) {
      // The response parser must know what it answers (a HEAD response has no body).
      auto& other = c.sides[kServerSide];
      if (!other) other = std::make_unique<Side>(me.view.flow, kServerSide, limits_, reassembly_);
      other->parser.expect_response_to(message.http.method);
    }
    me.view.messages.push_back(std::move(message));
  }
}

const HttpOverTcp::Side* HttpOverTcp::side(trace::FlowId flow, StreamDirection direction) const {
  const auto it = connections_.find(flow);
  if (it == connections_.end()) return nullptr;
  return it->second->sides[static_cast<int>(direction)].get();
}

const std::vector<HttpOverTcp::Message>& HttpOverTcp::messages(trace::FlowId flow,
                                                               StreamDirection direction) const {
  static const std::vector<Message> kNone;
  const Side* found = side(flow, direction);
  return found != nullptr ? found->view.messages : kNone;
}

const WireHttpStream* HttpOverTcp::stream(trace::FlowId flow, StreamDirection direction) const {
  const Side* found = side(flow, direction);
  return found != nullptr ? &found->view : nullptr;
}

std::optional<HttpOverTcp::Message> HttpOverTcp::in_progress(trace::FlowId flow,
                                                             StreamDirection direction) const {
  const Side* found = side(flow, direction);
  if (found == nullptr) return std::nullopt;
  const HttpMessage& current = found->parser.current();
  if (found->parser.offset() <= current.start_offset) return std::nullopt;  // between messages
  Message message;
  message.http = current;
  message.packets = bytes_within(found->fed, current.start_offset, found->parser.offset());
  return message;
}

std::vector<trace::FlowId> HttpOverTcp::http_flows() const {
  std::vector<trace::FlowId> out;
  for (const auto& [flow, connection] : connections_) {
    const bool any = std::any_of(std::begin(connection->sides), std::end(connection->sides),
                                 [](const auto& side) { return side && !side->view.messages.empty(); });
    if (any) out.push_back(flow);
  }
  return out;
}

}  // namespace wirestep::proto::http
