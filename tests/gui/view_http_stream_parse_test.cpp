// The HTTP panel's parsed side: socket-call bytes through core's parser, and HTTP rebuilt from packets.
#include "view/http_stream_parse.h"

#include <gtest/gtest.h>

#include "support/tcp_trace_builder.h"

namespace wirestep::view {
namespace {

namespace http = proto::http;

TEST(HttpStreamParse, PipelinedRequestsAndTheOneStillArriving) {
  const std::string bytes =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
      "GET /c HTTP/1.1\r\nHo";
  const ParsedStream parsed = parse_stream(bytes, http::ParserMode::Request);
  ASSERT_EQ(parsed.messages.size(), 2u);
  EXPECT_EQ(parsed.messages[0].target, "/a");
  EXPECT_EQ(parsed.messages[1].method, "POST");
  EXPECT_EQ(parsed.messages[1].body, "abcd");
  EXPECT_EQ(parsed.messages[1].start_offset, 28u) << "offsets are the stream's, as the raw view numbers them";
  ASSERT_TRUE(parsed.partial.has_value());
  EXPECT_EQ(parsed.partial->target, "/c");
  EXPECT_FALSE(parsed.partial->complete);
  EXPECT_FALSE(parsed.error.has_value());
}

TEST(HttpStreamParse, AResponseToHeadHasNoBodyAndGarbageIsAnErrorAtItsByte) {
  const std::string responses =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  const ParsedStream parsed = parse_stream(responses, http::ParserMode::Response, {"HEAD", "GET"});
  ASSERT_EQ(parsed.messages.size(), 2u);
  EXPECT_EQ(parsed.messages[0].body, "");
  EXPECT_EQ(parsed.messages[1].body, "hello");

  const ParsedStream hello = parse_stream("hello\n", http::ParserMode::Request);
  EXPECT_TRUE(hello.messages.empty());
  ASSERT_TRUE(hello.error.has_value());
  EXPECT_EQ(hello.error->status, 400);
}

TEST(HttpStreamParse, OnTheWireTheRequestIsRebuiltFromItsPacketsAndEachPieceNamesItsPacket) {
  testing::TcpConversation t(1000, 5000);
  const std::size_t first = t.client(1, 1, "GET / HTTP/1.1\r\nHo", 0x18);
  const std::size_t second = t.client(19, 1, "st: x\r\n\r\n", 0x18);
  http::HttpOverTcp wire;
  wire.update(t.trace);
  const WireStream stream = wire_stream(t.trace, wire, t.flow(), http::StreamDirection::ClientToServer);
  EXPECT_EQ(stream.direction.bytes, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(stream.direction.pieces.size(), 2u);
  EXPECT_EQ(stream.direction.pieces[0].event, first);
  EXPECT_EQ(stream.direction.pieces[1].event, second);
  EXPECT_EQ(stream.direction.pieces[1].offset, 18u);
  EXPECT_EQ(stream.direction.pieces[1].byte_offset, 40u) << "past the 20-byte IPv4 and 20-byte TCP headers";
  EXPECT_EQ(stream.direction.sender, t.trace.lane("client"));
  ASSERT_EQ(stream.parsed.messages.size(), 1u);
  ASSERT_NE(stream.parsed.messages[0].find_header("Host"), nullptr);
  EXPECT_EQ(stream.parsed.messages[0].find_header("Host")->value, "x");

  // Nothing went the other way yet: an empty direction, not a made-up one.
  const WireStream back = wire_stream(t.trace, wire, t.flow(), http::StreamDirection::ServerToClient);
  EXPECT_TRUE(back.direction.bytes.empty());
  EXPECT_TRUE(back.parsed.messages.empty());
}

}  // namespace
}  // namespace wirestep::view
