// HttpOverTcp and TcpStreamReassembler: HTTP messages rebuilt from hand-built and real wire packets.
#include "proto/http/http_over_tcp.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "net/traced_socket.h"
#include "proto/http/tcp_stream_reassembler.h"
#include "proto/packet/packet_summary.h"
#include "support/tcp_trace_builder.h"
#include "support/wire_session.h"
#include "trace/trace.h"

namespace wirestep {
namespace {

using proto::http::HttpOverTcp;
using proto::http::PacketBytes;
using proto::http::StreamDirection;
using testing::TcpConversation;
using testing::WireSegment;
using trace::Verdict;

constexpr auto kRequests = StreamDirection::ClientToServer;
constexpr auto kResponses = StreamDirection::ServerToClient;
constexpr std::uint8_t kAck = TcpConversation::kAck;
constexpr std::uint8_t kPsh = TcpConversation::kPsh;
constexpr std::uint8_t kFin = TcpConversation::kFin;

// The bytes a PacketBytes record points at, read back from the trace.
std::string bytes_of(const trace::Trace& trace, const PacketBytes& p) {
  return std::string(trace[p.packet_index].payload.text().substr(p.ip_offset, p.length));
}

// Every record of a message, joined: must be exactly the message's bytes on the wire.
std::string joined(const trace::Trace& trace, const HttpOverTcp::Message& m) {
  std::string out;
  for (const auto& p : m.packets) out += bytes_of(trace, p);
  return out;
}

const std::string kGet = "GET /index.html HTTP/1.1\r\nHost: server\r\n\r\n";
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

TEST(TcpStreamReassembler, SkipsWhatWasSeenAndHoldsWhatCameEarly) {
  TcpConversation t(0xFFFFFFF0u);  // the client's stream crosses 2^32 after 15 bytes
  const auto a = t.client(1, 1, "0123456789");
  const auto c = t.client(21, 1, "KLMNOPQRST");  // early: waits for the hole
  const auto b = t.client(11, 1, "ABCDEFGHIJ");
  const auto again = t.client(6, 1, "56789ABCDE");  // all seen before
  proto::TcpStreamReassembler r;
  std::vector<proto::StreamPiece> out;
  auto add = [&](std::size_t index) {
    const auto& e = t.trace[index];
    r.add(index, proto::summarize(e.payload.span()), e.payload.span(), out);
  };
  add(0);  // the SYN: the stream starts behind it
  add(a);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].stream_offset, 0u);
  add(c);
  EXPECT_EQ(out.size(), 1u) << "beyond a hole: nothing new in order";
  EXPECT_EQ(r.buffered_bytes(), 10u);
  add(b);
  ASSERT_EQ(out.size(), 3u) << "the hole filled, the waiting segment follows";
  add(again);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(r.duplicate_bytes(), 10u);
  EXPECT_EQ(r.buffered_bytes(), 0u);
  std::string stream;
  std::vector<std::size_t> from;
  for (const auto& piece : out) {
    stream.append(reinterpret_cast<const char*>(piece.bytes.data()), piece.bytes.size());
    from.push_back(piece.packet_index);
  }
  EXPECT_EQ(stream, "0123456789ABCDEFGHIJKLMNOPQRST");
  EXPECT_EQ(from, (std::vector<std::size_t>{a, b, c}));
  EXPECT_EQ(r.next_offset(), 30u);
}

TEST(TcpStreamReassembler, RefusesBeyondItsBufferAndTakesTheRetransmissionLater) {
  TcpConversation t;
  t.client(11, 1, "later");
  t.client(1, 1, "0123456789");
  t.client(11, 1, "later");
  proto::TcpStreamReassembler r({.max_buffered_bytes = 4, .max_buffered_segments = 1});
  std::vector<proto::StreamPiece> out;
  for (std::size_t i = 0; i < t.trace.size(); ++i) {
    const auto& e = t.trace[i];
    r.add(i, proto::summarize(e.payload.span()), e.payload.span(), out);
  }
  EXPECT_EQ(r.refused_bytes(), 5u);
  EXPECT_EQ(r.next_offset(), 15u) << "the resent segment filled in what was refused";
}

TEST(HttpOverTcp, RequestSplitOverSegmentsKnowsItsPackets) {
  TcpConversation t;
  const auto p1 = t.client(1, 1, kGet.substr(0, 10));
  const auto p2 = t.client(11, 1, kGet.substr(10, 15));
  const auto p3 = t.client(26, 1, kGet.substr(25), kAck | kPsh);
  HttpOverTcp http;
  http.update(t.trace);
  const auto& requests = http.messages(t.flow(), kRequests);
  ASSERT_EQ(requests.size(), 1u);
  const auto& m = requests[0];
  EXPECT_TRUE(m.http.complete);
  EXPECT_EQ(m.http.method, "GET");
  EXPECT_EQ(m.http.target, "/index.html");
  ASSERT_NE(m.http.find_header("Host"), nullptr);
  EXPECT_EQ(m.packet_indices(), (std::vector<std::size_t>{p1, p2, p3}));
  ASSERT_EQ(m.packets.size(), 3u);
  EXPECT_EQ(m.packets[0].stream_offset, 0u);
  EXPECT_EQ(m.packets[1].stream_offset, 10u);
  EXPECT_EQ(m.packets[2].stream_offset, 25u);
  EXPECT_EQ(m.packets[0].ip_offset, 40u) << "IPv4 and TCP headers of 20 bytes each";
  EXPECT_EQ(joined(t.trace, m), kGet);
  EXPECT_TRUE(http.messages(t.flow(), kResponses).empty());
  EXPECT_TRUE(http.messages(t.flow() + 1, kRequests).empty()) << "an unknown flow has none";
  EXPECT_EQ(http.http_flows(), std::vector<trace::FlowId>{t.flow()});
}

TEST(HttpOverTcp, ReorderedAndRetransmittedSegmentsGiveOneRequest) {
  TcpConversation t;
  const auto late = t.client(21, 1, kGet.substr(20), kAck | kPsh, Verdict::Delivered);
  const auto first = t.client(1, 1, kGet.substr(0, 20), kAck, Verdict::Delayed);
  t.client(1, 1, kGet.substr(0, 20));  // the sender's retransmission: already have it
  HttpOverTcp http;
  http.update(t.trace);
  const auto& requests = http.messages(t.flow(), kRequests);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].packet_indices(), (std::vector<std::size_t>{first, late}));
  EXPECT_EQ(joined(t.trace, requests[0]), kGet);
  const auto* stream = http.stream(t.flow(), kRequests);
  ASSERT_NE(stream, nullptr);
  EXPECT_EQ(stream->retransmitted_bytes, 20u);
  EXPECT_EQ(stream->stream_bytes, kGet.size());
  EXPECT_FALSE(stream->error.has_value());
}

TEST(HttpOverTcp, DroppedAndDamagedPacketsAreNotWhatTheServerRead) {
  TcpConversation t;
  t.client(1, 1, kGet.substr(0, 20), kAck, Verdict::Dropped);
  t.segment({.seq = 1, .ack = 1, .flags = kAck, .payload = kGet.substr(0, 20),
             .verdict = Verdict::Corrupted, .damage_mask = 0x01});
  const auto rest = t.client(21, 1, kGet.substr(20), kAck | kPsh);
  const auto repair = t.client(1, 1, kGet.substr(0, 20));
  HttpOverTcp http;
  http.update(t.trace);
  const auto& requests = http.messages(t.flow(), kRequests);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].packet_indices(), (std::vector<std::size_t>{repair, rest}));
  EXPECT_EQ(requests[0].http.target, "/index.html") << "not the damaged bytes";
}

TEST(HttpOverTcp, ResponsesPairWithTheirRequestsIncludingHead) {
  TcpConversation t;
  const std::string head = "HEAD / HTTP/1.1\r\nHost: s\r\n\r\n";
  const std::string head_reply = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";  // no body: HEAD
  t.client(1, 1, head + kGet, kAck | kPsh);  // pipelined: both requests in one segment
  const auto r1 = t.server(1, 1 + static_cast<std::uint32_t>(head.size() + kGet.size()),
                           head_reply + kOk.substr(0, 30), kAck);
  const auto r2 = t.server(1 + static_cast<std::uint32_t>(head_reply.size() + 30),
                           1 + static_cast<std::uint32_t>(head.size() + kGet.size()), kOk.substr(30),
                           kAck | kPsh);
  HttpOverTcp http;
  http.update(t.trace);
  const auto& requests = http.messages(t.flow(), kRequests);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].http.method, "HEAD");
  EXPECT_EQ(requests[1].http.method, "GET");
  EXPECT_EQ(requests[0].packet_indices(), requests[1].packet_indices()) << "one packet carried both";
  EXPECT_EQ(requests[1].packets[0].stream_offset, head.size());
  EXPECT_EQ(joined(t.trace, requests[1]), kGet);

  const auto& responses = http.messages(t.flow(), kResponses);
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].http.status_code, 200);
  EXPECT_EQ(responses[0].http.body, "") << "a response to HEAD has no body whatever it declares";
  EXPECT_EQ(responses[0].packet_indices(), std::vector<std::size_t>{r1});
  EXPECT_EQ(responses[1].http.body, "hello");
  EXPECT_EQ(responses[1].packet_indices(), (std::vector<std::size_t>{r1, r2}));
  EXPECT_EQ(joined(t.trace, responses[1]), kOk);
}

TEST(HttpOverTcp, BodyUntilCloseEndsAtTheFin) {
  TcpConversation t;
  t.client(1, 1, "GET / HTTP/1.0\r\n\r\n", kAck | kPsh);
  const std::string reply = "HTTP/1.0 200 OK\r\n\r\nall of it";
  t.server(1, 19, reply, kAck | kPsh);
  HttpOverTcp http;
  http.update(t.trace);
  EXPECT_TRUE(http.messages(t.flow(), kResponses).empty()) << "the body ends only with the close";
  ASSERT_TRUE(http.in_progress(t.flow(), kResponses).has_value());
  const auto fin = t.server(1 + static_cast<std::uint32_t>(reply.size()), 19, "", kFin | kAck);
  http.update(t.trace);
  const auto& responses = http.messages(t.flow(), kResponses);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].http.body, "all of it");
  EXPECT_TRUE(http.stream(t.flow(), kResponses)->finished);
  EXPECT_FALSE(http.in_progress(t.flow(), kResponses).has_value());
  EXPECT_GT(fin, 0u);
}

TEST(HttpOverTcp, IncrementalUpdatesShowTheRequestInProgress) {
  TcpConversation t;
  HttpOverTcp http;
  http.update(t.trace);
  EXPECT_FALSE(http.in_progress(t.flow(), kRequests).has_value()) << "no bytes yet";
  const auto p1 = t.client(1, 1, kGet.substr(0, 30));  // the request line and "Host"
  http.update(t.trace);
  auto partial = http.in_progress(t.flow(), kRequests);
  ASSERT_TRUE(partial.has_value());
  EXPECT_FALSE(partial->http.complete);
  EXPECT_EQ(partial->http.method, "GET") << "the request line is already through";
  EXPECT_EQ(partial->packet_indices(), std::vector<std::size_t>{p1});
  EXPECT_TRUE(http.messages(t.flow(), kRequests).empty());
  const auto p2 = t.client(31, 1, kGet.substr(30), kAck | kPsh);
  http.update(t.trace);
  EXPECT_EQ(http.analysed(), t.trace.size());
  ASSERT_EQ(http.messages(t.flow(), kRequests).size(), 1u);
  EXPECT_EQ(http.messages(t.flow(), kRequests)[0].packet_indices(), (std::vector<std::size_t>{p1, p2}));
  EXPECT_FALSE(http.in_progress(t.flow(), kRequests).has_value());
}

TEST(HttpOverTcp, NotHttpGivesAnErrorAndNoMessages) {
  TcpConversation t;
  t.client(1, 1, "SSH-2.0-OpenSSH_9.2\r\n", kAck | kPsh);
  HttpOverTcp http;
  http.update(t.trace);
  const auto* stream = http.stream(t.flow(), kRequests);
  ASSERT_NE(stream, nullptr);
  EXPECT_TRUE(stream->error.has_value());
  EXPECT_TRUE(stream->messages.empty());
  EXPECT_TRUE(http.http_flows().empty());
}

TEST(HttpOverTcp, ANewConnectionOnTheSameAddressesStartsAFreshParser) {
  TcpConversation t;
  t.client(1, 1, kGet, kAck | kPsh);
  t.client(1 + static_cast<std::uint32_t>(kGet.size()), 1, "", kFin | kAck);
  t.segment({.seq = 70000, .flags = TcpConversation::kSyn});  // same 4-tuple, new ISN
  t.segment({.from_client = false, .seq = 90000, .ack = 70001,
             .flags = TcpConversation::kSyn | kAck});
  t.segment({.seq = 70001, .ack = 90001, .flags = kAck, .payload = kGet});
  HttpOverTcp http;
  http.update(t.trace);
  const auto& requests = http.messages(t.flow(), kRequests);
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].http.start_offset, 0u) << "the new connection's stream";
  EXPECT_EQ(joined(t.trace, requests[1]), kGet);
}

// ---- a real GET over the virtual wire ----

TEST(HttpOverTcp, RealGetOverTheWireIsParsedFromPackets) {
  WIRESTEP_SKIP_WITHOUT_WIRE();
  testing::WireSession w;
  const std::string body(3000, 'b');  // more than one segment at MTU 1500
  const std::string reply =
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3000\r\n\r\n" + body;
  testing::OneShotServer server(w, reply, [](const std::string& got) {
    return got.find("\r\n\r\n") != std::string::npos;
  });
  ASSERT_TRUE(server.listening());
  auto client = net::TracedSocket::open(w.actor("client"), net::Protocol::Tcp);
  client.set_timeout(testing::kWireCallTimeout);
  ASSERT_TRUE(client.connect(w.server_at()));
  const std::string request = "GET /hello.txt HTTP/1.1\r\nHost: 10.77.0.2\r\n\r\n";
  ASSERT_TRUE(client.send_all(request));
  std::string got;
  while (got.size() < reply.size()) {
    const std::string more = client.recv(65536);
    if (more.empty()) break;
    got += more;
  }
  EXPECT_EQ(got, reply);
  client.close();
  server.join();

  HttpOverTcp http;
  http.update(w.trace);
  const trace::FlowId flow =
      w.trace.flow_of(client.local_endpoint().to_address(), w.server_at().to_address());
  const auto& requests = http.messages(flow, kRequests);
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].http.method, "GET");
  EXPECT_EQ(requests[0].http.target, "/hello.txt");
  EXPECT_EQ(joined(w.trace, requests[0]), request);
  for (std::size_t index : requests[0].packet_indices()) {
    EXPECT_EQ(w.trace[index].kind, trace::EventKind::Packet);
    EXPECT_EQ(w.trace[index].from, w.trace.lane("client"));
  }
  const auto& responses = http.messages(flow, kResponses);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].http.status_code, 200);
  EXPECT_EQ(responses[0].http.body, body);
  EXPECT_GE(responses[0].packet_indices().size(), 3u) << "3000 bytes need three 1448-byte segments";
  EXPECT_EQ(joined(w.trace, responses[0]), reply);
}

}  // namespace
}  // namespace wirestep
