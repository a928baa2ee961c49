// Inspector fields: a call's arguments and result, and payload lines linked to their bytes.
#include "view/socket_call_fields.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "support/ladder_trace.h"

namespace wirestep::view {
namespace {

constexpr std::string_view kRequest = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

const proto::Field& field(const proto::FieldTree& tree, const std::string& name) {
  const int index = tree.find(name);
  EXPECT_GE(index, 0) << name;
  return tree[static_cast<std::size_t>(std::max(index, 0))];
}

TEST(SocketCallFields, ClickingByte17SelectsTheHostLine) {
  proto::FieldTree tree;
  add_payload_fields(tree, -1, kRequest, static_cast<std::uint32_t>(kRequest.size()));
  const int at = tree.field_at(17);
  ASSERT_GE(at, 0);
  EXPECT_EQ(tree[at].name, "Host");
  EXPECT_EQ(tree[at].offset, 16u);
  EXPECT_EQ(tree[at].length, 9u);  // "Host: x\r\n": the CRLF belongs to the line
  EXPECT_EQ(tree[at].parent, tree.find("Payload"));

  // Byte 15 is the request line's LF; 25 starts the blank line.
  EXPECT_EQ(tree[tree.field_at(15)].name, "Request line");
  EXPECT_EQ(tree[tree.field_at(25)].name, "Blank line");
  EXPECT_EQ(tree[tree.field_at(26)].name, "Blank line");
  EXPECT_EQ(tree.field_at(27), -1);
}

TEST(SocketCallFields, NonHttpBytesAreOnePayloadField) {
  proto::FieldTree tree;
  add_payload_fields(tree, -1, "hello ", 6);
  ASSERT_EQ(tree.size(), 1u);
  EXPECT_EQ(tree[0].name, "Payload");
  EXPECT_EQ(tree[0].length, 6u);
  EXPECT_EQ(tree.field_at(3), 0);
}

TEST(SocketCallFields, ResponseBodyGetsItsOwnField) {
  const std::string_view response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
  proto::FieldTree tree;
  add_payload_fields(tree, -1, response, static_cast<std::uint32_t>(response.size()));
  EXPECT_EQ(field(tree, "Status line").value, "HTTP/1.1 200 OK  \\r\\n");
  EXPECT_EQ(field(tree, "Content-Length").value, "2  \\r\\n");
  EXPECT_EQ(field(tree, "Body").offset, response.size() - 2);
  EXPECT_EQ(tree[tree.field_at(static_cast<std::uint32_t>(response.size() - 1))].name, "Body");
}

trace::Address loopback(std::uint16_t port) { return testing::loopback_address(port); }

TEST(SocketCallFields, CallArgumentsResultErrnoStateAndNarration) {
  trace::Trace t;
  const auto client = t.lane("client");
  trace::Event note;
  note.kind = trace::EventKind::Note;
  note.lane = t.lane("lesson");
  t.append(note, std::string_view("connect"));

  trace::Event connect;
  connect.kind = trace::EventKind::SocketCall;
  connect.lane = client;
  connect.call = trace::Call::Connect;
  connect.transport = trace::Transport::Tcp;
  connect.fd = 5;
  connect.result = -1;
  connect.err = ECONNREFUSED;
  connect.peer = loopback(9);
  t.append(connect);

  trace::Event state;
  state.kind = trace::EventKind::TcpState;
  state.lane = client;
  state.fd = 5;
  state.old_state = 2;  // SYN_SENT
  state.new_state = 7;  // CLOSE
  t.append(state);

  const proto::FieldTree tree = event_fields(t, 1);
  EXPECT_EQ(field(tree, "Call").value, "connect()");
  EXPECT_EQ(field(tree, "fd").value, "5");
  EXPECT_EQ(field(tree, "Peer address").value, "127.0.0.1:9");
  EXPECT_EQ(field(tree, "Result").severity, proto::FieldSeverity::Error);
  EXPECT_EQ(field(tree, "Error").value, "ECONNREFUSED: Connection refused");
  EXPECT_EQ(field(tree, "TCP state").value, "SYN_SENT -> CLOSE");
  EXPECT_EQ(field(tree, "Narration").value, "connect");
  EXPECT_EQ(tree.find("Payload"), -1);
  // Argument fields cover no bytes, so no byte can select them.
  EXPECT_EQ(field(tree, "fd").length, 0u);

  EXPECT_EQ(narration_anchor_at(t, 0), "connect");
  EXPECT_TRUE(event_fields(t, 99).empty());
}

TEST(SocketCallFields, SendShowsStreamOffsetAndPayloadLines) {
  trace::Trace t;
  trace::Event send;
  send.kind = trace::EventKind::SocketCall;
  send.lane = t.lane("client");
  send.call = trace::Call::Send;
  send.transport = trace::Transport::Tcp;
  send.fd = 5;
  send.requested = static_cast<std::uint32_t>(kRequest.size());
  send.result = static_cast<std::int64_t>(kRequest.size());
  send.stream_offset = 120;
  t.append(send, kRequest);

  const proto::FieldTree tree = event_fields(t, 0);
  EXPECT_EQ(field(tree, "Result").value, "27 bytes sent");
  EXPECT_EQ(field(tree, "Requested").value, "27 bytes offered");
  EXPECT_NE(field(tree, "Stream offset").value.find("120"), std::string::npos);
  EXPECT_EQ(tree[tree.field_at(17)].name, "Host");
}

}  // namespace
}  // namespace wirestep::view
