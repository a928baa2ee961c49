// Inspector rows for packets: the wire's verdict and reason, the analyzer's meaning, relative
// numbers, and dissected fields whose byte ranges link the tree and the hex view both ways.
#include "view/packet_fields.h"

#include <gtest/gtest.h>

#include <string>

#include "proto/packet/packet_dissector.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "support/tcp_trace_builder.h"

namespace wirestep::view {
namespace {

using testing::append_segment;
using trace::Verdict;

constexpr std::uint8_t kSyn = 0x02, kAck = 0x10, kPsh = 0x08;

const proto::Field& field(const proto::FieldTree& tree, const std::string& name) {
  const int index = tree.find(name);
  EXPECT_GE(index, 0) << name;
  return tree[static_cast<std::size_t>(std::max(index, 0))];
}

TEST(PacketFields, EveryByteOfTheHeadersSelectsItsInnermostField) {
  testing::TcpConversation t(1000, 5000);
  const std::size_t data = t.client(1, 1, "hello", kAck | kPsh);
  proto::TcpFlowAnalyzer analyzer;
  analyzer.update(t.trace);
  const proto::FieldTree tree = packet_fields(t.trace, data, analyzer.at(data));

  // IPv4 header: byte 9 is the protocol, bytes 12..15 the source address.
  EXPECT_EQ(tree[static_cast<std::size_t>(tree.field_at(9))].name, "Protocol");
  const proto::Field& source = tree[static_cast<std::size_t>(tree.field_at(13))];
  EXPECT_EQ(source.offset, 12u);
  EXPECT_EQ(source.length, 4u);
  // TCP starts at 20: its sequence number is bytes 24..27, shown relative and absolute.
  const int seq_row = tree.field_at(26);
  ASSERT_GE(seq_row, 0);
  const proto::Field& seq = tree[static_cast<std::size_t>(seq_row)];
  EXPECT_EQ(seq.name, "Sequence number");
  EXPECT_EQ(seq.offset, 24u);
  EXPECT_EQ(seq.length, 4u);
  EXPECT_EQ(seq.value, "1 (relative), 1001 (absolute)");
  EXPECT_EQ(field(tree, "Acknowledgment number").value, "1 (relative), 5001 (absolute)");
  EXPECT_EQ(tree[static_cast<std::size_t>(seq.parent)].name, proto::kTcpLayer);
  // The payload's bytes belong to the data row; the rows about the packet cover no bytes.
  const int last = tree.field_at(static_cast<std::uint32_t>(t.trace[data].payload.size - 1));
  ASSERT_GE(last, 0);
  EXPECT_EQ(tree[static_cast<std::size_t>(last)].name, proto::kDataLayer);
  EXPECT_EQ(field(tree, "Wire").length, 0u);
  EXPECT_EQ(field(tree, "Path").value, "client -> server");
  // The checksums were verified.
  EXPECT_NE(field(tree, "Checksum").value.find("(correct)"), std::string::npos) << field(tree, "Checksum").value;
}

TEST(PacketFields, APacketTheWireCutFromASegmentSaysSo) {
  // Segmentation offload made visible: which packet of the kernel's one large segment this is.
  testing::TcpConversation t(1000, 5000);
  const std::size_t whole = t.client(1, 1, "sent as it is", kAck);
  trace::Event cut = t.trace[whole];
  cut.cut_index = 2;
  cut.cut_count = 45;
  const std::size_t index = t.trace.append(cut, t.trace[whole].payload.span());
  const proto::FieldTree tree = packet_fields(t.trace, index, nullptr);
  EXPECT_EQ(field(tree, "Offload").value, "3 of 45: cut by the wire from one TCP segment the kernel handed over (TSO)");
  EXPECT_EQ(field(tree, "Offload").length, 0u) << "a row about the packet, covering no bytes";
  EXPECT_LT(packet_fields(t.trace, whole, nullptr).find("Offload"), 0) << "a packet the kernel sent as it is";
}

TEST(PacketFields, ADropSaysWhyAndItsRetransmissionSaysWhatItRepairs) {
  trace::Trace trace;
  const std::size_t dropped = append_segment(trace, {.seq = 1000, .flags = kSyn, .verdict = Verdict::Dropped});
  const std::size_t again = append_segment(trace, {.seq = 1000, .flags = kSyn});
  proto::TcpFlowAnalyzer analyzer;
  analyzer.update(trace);

  const proto::FieldTree drop = packet_fields(trace, dropped, analyzer.at(dropped));
  EXPECT_EQ(field(drop, "Wire").value, "dropped by the wire (scripted: drop): it never reached its host");
  EXPECT_EQ(field(drop, "Wire").severity, proto::FieldSeverity::Warning);

  const proto::FieldTree repair = packet_fields(trace, again, analyzer.at(again));
  const std::string meaning = field(repair, "Meaning").value;
  EXPECT_NE(meaning.find("Retransmission"), std::string::npos) << meaning;
  EXPECT_NE(meaning.find("dropped (#0)"), std::string::npos) << meaning;
  EXPECT_EQ(field(repair, "Sequence number").value, "0 (relative), 1000 (absolute)");
}

TEST(PacketFields, AHeldPacketWaitsAndItsReleaseSaysHowLongItWasHeld) {
  trace::Trace trace;
  const std::size_t held = append_segment(trace, {.seq = 1000, .flags = kSyn, .verdict = Verdict::Held});
  EXPECT_EQ(field(packet_fields(trace, held, nullptr), "Wire").value, "held at the wire: waiting for a step (→)");
  // No analysis: the numbers stay absolute.
  EXPECT_EQ(field(packet_fields(trace, held, nullptr), "Sequence number").value, "1000");
}

}  // namespace
}  // namespace wirestep::view
