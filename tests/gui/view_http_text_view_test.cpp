// HTTP display text: line splitting with CR/LF, the blank line, and a flow's bytes per direction.
#include "view/http_text_view.h"

#include <gtest/gtest.h>

#include <cstring>

#include "support/ladder_trace.h"

namespace wirestep::view {
namespace {

constexpr std::string_view kRequest = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

TEST(HttpTextView, LinesKeepTheirCrLfInsideTheirBytes) {
  const auto lines = split_lines(kRequest);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].offset, 0u);
  EXPECT_EQ(lines[0].length, 16u);
  EXPECT_EQ(lines[0].content_length, 14u);
  EXPECT_EQ(lines[0].end, LineEnd::CrLf);
  EXPECT_EQ(lines[1].offset, 16u);
  EXPECT_EQ(lines[1].length, 9u);
  EXPECT_TRUE(lines[2].blank());
  EXPECT_EQ(lines[2].offset, 25u);
  EXPECT_EQ(lines[2].length, 2u);
}

TEST(HttpTextView, BareLfAndUnfinishedLinesAreTold) {
  const auto lines = split_lines("a\nbc\r\nde");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].end, LineEnd::Lf);
  EXPECT_EQ(lines[1].end, LineEnd::CrLf);
  EXPECT_EQ(lines[2].end, LineEnd::None);
  EXPECT_EQ(lines[2].content_length, 2u);
  EXPECT_FALSE(lines[2].blank());
}

TEST(HttpTextView, BlankLineEndsTheHeadAtTheRightOffset) {
  const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  const HttpHead head = split_head(response);
  ASSERT_TRUE(head.blank_line.has_value());
  EXPECT_EQ(*head.blank_line, response.find("\r\n\r\n") + 2);
  EXPECT_EQ(*head.head_end, response.size() - 5);
  EXPECT_EQ(head.lines.size(), 3u);

  const HttpHead partial = split_head("GET / HTTP/1.1\r\nHost: x\r\n");
  EXPECT_FALSE(partial.blank_line.has_value());
  EXPECT_FALSE(partial.head_end.has_value());
}

TEST(HttpTextView, StartLineAndHeadersAreSplit) {
  const auto response = split_http_message("HTTP/1.1 404 Not Found\r\nServer:  tiny \r\n\r\nbody");
  EXPECT_TRUE(response.is_response);
  EXPECT_EQ(response.part1, "HTTP/1.1");
  EXPECT_EQ(response.part2, "404");
  EXPECT_EQ(response.part3, "Not Found");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].name, "Server");
  EXPECT_EQ(response.headers[0].value, "tiny");
  EXPECT_EQ(response.body, "body");

  const auto request = split_http_message(kRequest);
  EXPECT_TRUE(request.is_request);
  EXPECT_EQ(request.part1, "GET");
  EXPECT_EQ(request.part2, "/");
  EXPECT_EQ(request.part3, "HTTP/1.1");
  EXPECT_TRUE(request.body.empty());
}

TEST(HttpTextView, LooksLikeHttp) {
  EXPECT_TRUE(looks_like_http(kRequest));
  EXPECT_TRUE(looks_like_http("HTTP/1.0 200 OK\r\n"));
  EXPECT_FALSE(looks_like_http("hello world"));
  EXPECT_FALSE(looks_like_http("HELLO there\r\n"));
  EXPECT_FALSE(looks_like_http(""));
}

trace::Address address(std::uint16_t port) { return testing::loopback_address(port); }

trace::Event call(trace::LaneId lane, trace::Call c, std::uint16_t local, std::uint16_t peer,
                  trace::FlowId flow, std::int64_t result = 0, std::uint64_t offset = 0) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.transport = trace::Transport::Tcp;
  e.lane = lane;
  e.call = c;
  e.local = address(local);
  e.peer = address(peer);
  e.flow = flow;
  e.result = result;
  e.stream_offset = offset;
  return e;
}

TEST(HttpTextView, FlowStreamsPreferReceivesOrderByOffsetAndDropDuplicates) {
  trace::Trace t;
  const auto client = t.lane("client");
  const auto server = t.lane("server");
  const auto flow = t.flow_of(address(51000), address(80));
  t.append(call(client, trace::Call::Connect, 51000, 80, flow));
  t.append(call(client, trace::Call::Send, 51000, 80, flow, 16, 0), std::string_view("GET / HTTP/1.1\r\n"));
  t.append(call(client, trace::Call::Send, 51000, 80, flow, 11, 16), std::string_view("Host: x\r\n\r\n"));
  // The server's receives arrive out of order in the trace and one repeats bytes.
  t.append(call(server, trace::Call::Recv, 80, 51000, flow, 11, 16), std::string_view("Host: x\r\n\r\n"));
  t.append(call(server, trace::Call::Recv, 80, 51000, flow, 16, 0), std::string_view("GET / HTTP/1.1\r\n"));
  t.append(call(server, trace::Call::Recv, 80, 51000, flow, 9, 16), std::string_view("Host: x\r\n"));
  t.append(call(server, trace::Call::Send, 80, 51000, flow, 19, 0), std::string_view("HTTP/1.1 200 OK\r\n\r\n"));

  const FlowStreams streams = gather_flow_streams(t, flow, t.size());
  EXPECT_EQ(streams.request.sender, client);
  EXPECT_EQ(streams.request.receiver, server);
  EXPECT_EQ(streams.request.bytes, kRequest);
  EXPECT_EQ(streams.request.received_bytes, kRequest.size());
  // The response was sent but the client has not received it yet: the send fills in.
  EXPECT_EQ(streams.response.bytes, "HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_EQ(streams.response.received_bytes, 0u);
  EXPECT_EQ(streams.response.sender, server);

  // Only the events before the server's receives: the client's sends are all there is.
  const FlowStreams early = gather_flow_streams(t, flow, 2);
  EXPECT_EQ(early.request.bytes, "GET / HTTP/1.1\r\n");
  EXPECT_EQ(early.request.received_bytes, 0u);

  EXPECT_EQ(flow_for_http_view(t, std::nullopt), flow);
  EXPECT_EQ(flow_for_http_view(t, 0), flow);
}

}  // namespace
}  // namespace wirestep::view
