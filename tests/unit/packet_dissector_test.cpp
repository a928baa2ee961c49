// Packet dissection: field values and the exact bytes each field covers (the hex view's link),
// checksum verdicts, and truncated or malformed packets that must warn instead of crash.
#include "proto/packet/packet_dissector.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "proto/packet/checksum.h"
#include "proto/packet/packet_summary.h"
#include "support/packet_builder.h"

namespace wirestep::proto {
namespace {

using namespace wirestep::testing;

// ---- tree queries ------------------------------------------------------------------------

// The child of parent with this name (-1: top level); -1 and a test failure when absent.
int child(const FieldTree& tree, int parent, std::string_view name) {
  for (int i : tree.children(parent)) {
    if (tree[static_cast<std::size_t>(i)].name == name) return i;
  }
  ADD_FAILURE() << "no field '" << name << "' under "
                << (parent < 0 ? std::string("the top level")
                               : tree[static_cast<std::size_t>(parent)].name);
  return -1;
}

// Walks names from the top level: at(tree, {"Transmission Control Protocol", "Flags"}).
const Field& at(const FieldTree& tree, std::initializer_list<std::string_view> path) {
  static const Field kMissing{"<missing>", "<missing>", 0, 0, -1, 0, FieldSeverity::Normal};
  int index = -1;
  for (std::string_view name : path) {
    index = child(tree, index, name);
    if (index < 0) return kMissing;
  }
  return tree[static_cast<std::size_t>(index)];
}

std::vector<std::string> names(const FieldTree& tree, int parent) {
  std::vector<std::string> out;
  for (int i : tree.children(parent)) out.push_back(tree[static_cast<std::size_t>(i)].name);
  return out;
}

struct Span {
  std::uint32_t offset;
  std::uint32_t length;
  bool operator==(const Span&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Span& s) {
  return os << "{" << s.offset << ", " << s.length << "}";
}
Span span_of(const Field& f) { return {f.offset, f.length}; }

std::string covered_text(const std::vector<std::byte>& packet, const Field& f) {
  return std::string(reinterpret_cast<const char*>(packet.data()) + f.offset, f.length);
}

std::vector<const Field*> problems(const FieldTree& tree, FieldSeverity at_least) {
  std::vector<const Field*> out;
  for (const Field& f : tree.fields()) {
    if (f.severity >= at_least) out.push_back(&f);
  }
  return out;
}

bool has_value(const FieldTree& tree, std::string_view value, FieldSeverity severity) {
  for (const Field& f : tree.fields()) {
    if (f.value == value && f.severity == severity) return true;
  }
  return false;
}

std::string dump(const FieldTree& tree) {
  std::string out;
  for (const Field& f : tree.fields()) {
    out += std::string(static_cast<std::size_t>(f.depth) * 2, ' ') + f.name + ": " + f.value +
           " [" + std::to_string(f.offset) + "+" + std::to_string(f.length) + "]\n";
  }
  return out;
}

// What the hex view and the fuzz target rely on.
void expect_well_formed(const FieldTree& tree, std::size_t size) {
  for (std::size_t i = 0; i < tree.size(); ++i) {
    const Field& f = tree[i];
    ASSERT_LE(std::size_t{f.offset} + f.length, size) << f.name << "\n" << dump(tree);
    ASSERT_LT(f.parent, static_cast<int>(i)) << f.name;
    ASSERT_GE(f.parent, -1) << f.name;
    ASSERT_EQ(f.depth, f.parent < 0 ? 0 : tree[static_cast<std::size_t>(f.parent)].depth + 1);
  }
}

// ---- packets -------------------------------------------------------------------------------

constexpr std::uint8_t kFin = TcpFlags::kFin, kSyn = TcpFlags::kSyn, kRst = TcpFlags::kRst,
                       kPsh = TcpFlags::kPsh, kAck = TcpFlags::kAck;

std::vector<std::byte> syn() {
  TcpSpec t;
  t.seq = 1000000;
  t.flags = kSyn;
  t.options = linux_syn_options(123456);
  return to_bytes(tcp_v4(t));
}

Ipv4Spec server_to_client() {
  Ipv4Spec ip;
  ip.src = {10, 77, 0, 2};
  ip.dst = {10, 77, 0, 1};
  return ip;
}

std::vector<std::byte> syn_ack() {
  TcpSpec t;
  t.src_port = 80;
  t.dst_port = 41234;
  t.seq = 5000000;
  t.ack = 1000001;
  t.flags = kSyn | kAck;
  t.window = 65160;
  t.options = linux_syn_options(777, 123456);
  return to_bytes(tcp_v4(t, server_to_client()));
}

TcpSpec data_spec() {
  TcpSpec t;
  t.seq = 1000001;
  t.ack = 5000001;
  t.flags = kPsh | kAck;
  t.window = 502;
  t.options = {1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7};  // NOP NOP timestamps
  t.payload = text_bytes("hello world");
  return t;
}

std::vector<std::byte> data_segment() { return to_bytes(tcp_v4(data_spec())); }

std::vector<std::byte> udp_query() { return to_bytes(udp_v4(40000, 53, text_bytes("query"))); }

std::vector<std::byte> echo_request() {
  std::vector<std::uint8_t> body;
  for (int i = 0; i < 56; ++i) body.push_back(static_cast<std::uint8_t>(i));
  return to_bytes(icmp_v4(8, 0, 0x12340001, body));
}

// What a host sends back for a UDP datagram to a closed port: the IP header it got and the
// first 8 bytes after it (RFC 792).
std::vector<std::byte> port_unreachable() {
  const auto probe = udp_v4(40000, 33434, text_bytes("probe"));
  const std::vector<std::uint8_t> quoted(probe.begin(), probe.begin() + 28);
  return to_bytes(icmp_v4(3, 3, 0, quoted, server_to_client()));
}

std::vector<std::byte> syn_v6() {
  TcpSpec t;
  t.seq = 77;
  t.flags = kSyn;
  t.options = linux_syn_options(1);
  return to_bytes(tcp_v6(t));
}

std::vector<std::byte> echo_v6() {
  return to_bytes(icmp_v6(128, 0, 0x00070001, text_bytes("ping6 data")));
}

std::vector<std::byte> udp_v6_with_extensions() {
  Ipv6Spec ip;
  ip.extensions.push_back({0, {0, 0, 1, 4, 0, 0, 0, 0}});  // hop-by-hop: PadN(4)
  // Fragment header of a first fragment: offset 0, M set, identification 0xdeadbeef.
  ip.extensions.push_back({44, {0, 0, 0x00, 0x01, 0xde, 0xad, 0xbe, 0xef}});
  return to_bytes(udp_v6(5000, 6000, text_bytes("frag"), ip));
}

// ---- well-formed packets -------------------------------------------------------------------

TEST(PacketDissector, SynIpv4HeaderFields) {
  const auto packet = syn();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_EQ(names(tree, -1),
            (std::vector<std::string>{std::string(kIpv4Layer), std::string(kTcpLayer)}));
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);

  const std::string_view ip = kIpv4Layer;
  EXPECT_EQ(at(tree, {ip}).value, "10.77.0.1 \u2192 10.77.0.2");
  EXPECT_EQ(span_of(at(tree, {ip})), (Span{0, 20}));
  EXPECT_EQ(at(tree, {ip, "Version"}).value, "4");
  EXPECT_EQ(span_of(at(tree, {ip, "Version"})), (Span{0, 1}));
  EXPECT_EQ(at(tree, {ip, "Header length"}).value, "20 bytes (5)");
  EXPECT_EQ(at(tree, {ip, "Differentiated services", "DSCP"}).value, "CS0 (0)");
  EXPECT_EQ(at(tree, {ip, "Differentiated services", "ECN"}).value, "Not-ECT (0)");
  EXPECT_EQ(span_of(at(tree, {ip, "Differentiated services"})), (Span{1, 1}));
  EXPECT_EQ(at(tree, {ip, "Total length"}).value, "60");
  EXPECT_EQ(span_of(at(tree, {ip, "Total length"})), (Span{2, 2}));
  EXPECT_EQ(at(tree, {ip, "Identification"}).value, "0x1c46 (7238)");
  EXPECT_EQ(span_of(at(tree, {ip, "Identification"})), (Span{4, 2}));
  EXPECT_EQ(at(tree, {ip, "Flags"}).value, "0x2 (Don't fragment)");
  EXPECT_EQ(span_of(at(tree, {ip, "Flags"})), (Span{6, 1}));
  EXPECT_EQ(at(tree, {ip, "Flags", "Don't fragment"}).value, "Set");
  EXPECT_EQ(at(tree, {ip, "Flags", "More fragments"}).value, "Not set");
  EXPECT_EQ(at(tree, {ip, "Fragment offset"}).value, "0 bytes");
  EXPECT_EQ(span_of(at(tree, {ip, "Fragment offset"})), (Span{6, 2}));
  EXPECT_EQ(at(tree, {ip, "Time to live"}).value, "64");
  EXPECT_EQ(span_of(at(tree, {ip, "Time to live"})), (Span{8, 1}));
  EXPECT_EQ(at(tree, {ip, "Protocol"}).value, "TCP (6)");
  EXPECT_EQ(span_of(at(tree, {ip, "Protocol"})), (Span{9, 1}));
  // 0x09da was computed independently (see checksum_test.cpp).
  EXPECT_EQ(at(tree, {ip, "Header checksum"}).value, "0x09da (correct)");
  EXPECT_EQ(span_of(at(tree, {ip, "Header checksum"})), (Span{10, 2}));
  EXPECT_EQ(at(tree, {ip, "Source address"}).value, "10.77.0.1");
  EXPECT_EQ(span_of(at(tree, {ip, "Source address"})), (Span{12, 4}));
  EXPECT_EQ(at(tree, {ip, "Destination address"}).value, "10.77.0.2");
  EXPECT_EQ(span_of(at(tree, {ip, "Destination address"})), (Span{16, 4}));
}

TEST(PacketDissector, SynTcpHeaderFlagsAndOptions) {
  const auto packet = syn();
  const FieldTree tree = dissect_packet(packet);
  const std::string_view tcp = kTcpLayer;
  EXPECT_EQ(at(tree, {tcp}).value, "41234 \u2192 80 [SYN] seq=1000000 len=0");
  EXPECT_EQ(span_of(at(tree, {tcp})), (Span{20, 40}));
  EXPECT_EQ(at(tree, {tcp, "Source port"}).value, "41234");
  EXPECT_EQ(span_of(at(tree, {tcp, "Source port"})), (Span{20, 2}));
  EXPECT_EQ(at(tree, {tcp, "Destination port"}).value, "80");
  EXPECT_EQ(span_of(at(tree, {tcp, "Destination port"})), (Span{22, 2}));
  EXPECT_EQ(at(tree, {tcp, "Sequence number"}).value, "1000000");
  EXPECT_EQ(span_of(at(tree, {tcp, "Sequence number"})), (Span{24, 4}));
  EXPECT_EQ(at(tree, {tcp, "Acknowledgment number"}).value, "0");
  EXPECT_EQ(span_of(at(tree, {tcp, "Acknowledgment number"})), (Span{28, 4}));
  EXPECT_EQ(at(tree, {tcp, "Header length"}).value, "40 bytes (10)");
  EXPECT_EQ(span_of(at(tree, {tcp, "Header length"})), (Span{32, 1}));
  EXPECT_EQ(at(tree, {tcp, "Flags"}).value, "0x002 (SYN)");
  EXPECT_EQ(span_of(at(tree, {tcp, "Flags"})), (Span{32, 2}));
  EXPECT_EQ(at(tree, {tcp, "Flags", "Syn (SYN)"}).value, "Set");
  EXPECT_EQ(span_of(at(tree, {tcp, "Flags", "Syn (SYN)"})), (Span{33, 1}));
  EXPECT_EQ(at(tree, {tcp, "Flags", "Acknowledgment (ACK)"}).value, "Not set");
  EXPECT_EQ(at(tree, {tcp, "Flags", "Fin (FIN)"}).value, "Not set");
  EXPECT_EQ(names(tree, child(tree, child(tree, -1, tcp), "Flags")).size(), 10u);
  EXPECT_EQ(at(tree, {tcp, "Window"}).value, "64240");
  EXPECT_EQ(span_of(at(tree, {tcp, "Window"})), (Span{34, 2}));
  // 0x727f was computed independently (see checksum_test.cpp).
  EXPECT_EQ(at(tree, {tcp, "Checksum"}).value, "0x727f (correct)");
  EXPECT_EQ(span_of(at(tree, {tcp, "Checksum"})), (Span{36, 2}));
  EXPECT_EQ(at(tree, {tcp, "Urgent pointer"}).value, "0");
  EXPECT_EQ(span_of(at(tree, {tcp, "Urgent pointer"})), (Span{38, 2}));

  const Field& options = at(tree, {tcp, "Options"});
  EXPECT_EQ(span_of(options), (Span{40, 20}));
  EXPECT_EQ(options.value,
            "20 bytes: MSS 1460, SACK permitted, TSval 123456 TSecr 0, NOP, WS \u00d7128");
  const int opt = child(tree, child(tree, -1, tcp), "Options");
  EXPECT_EQ(names(tree, opt),
            (std::vector<std::string>{"Maximum segment size", "SACK permitted", "Timestamps",
                                      "No-operation (NOP)", "Window scale"}));
  const auto o = [&](std::string_view name) { return at(tree, {tcp, "Options", name}); };
  EXPECT_EQ(span_of(o("Maximum segment size")), (Span{40, 4}));
  EXPECT_EQ(o("Maximum segment size").value, "1460 bytes");
  EXPECT_EQ(at(tree, {tcp, "Options", "Maximum segment size", "Kind"}).value, "2");
  EXPECT_EQ(span_of(at(tree, {tcp, "Options", "Maximum segment size", "Length"})), (Span{41, 1}));
  EXPECT_EQ(span_of(at(tree, {tcp, "Options", "Maximum segment size", "MSS value"})),
            (Span{42, 2}));
  EXPECT_EQ(span_of(o("SACK permitted")), (Span{44, 2}));
  EXPECT_EQ(span_of(o("Timestamps")), (Span{46, 10}));
  EXPECT_EQ(o("Timestamps").value, "TSval 123456, TSecr 0");
  EXPECT_EQ(at(tree, {tcp, "Options", "Timestamps", "Timestamp value"}).value, "123456");
  EXPECT_EQ(span_of(at(tree, {tcp, "Options", "Timestamps", "Timestamp value"})), (Span{48, 4}));
  EXPECT_EQ(span_of(at(tree, {tcp, "Options", "Timestamps", "Timestamp echo reply"})),
            (Span{52, 4}));
  EXPECT_EQ(span_of(o("No-operation (NOP)")), (Span{56, 1}));
  EXPECT_EQ(span_of(o("Window scale")), (Span{57, 3}));
  EXPECT_EQ(at(tree, {tcp, "Options", "Window scale", "Shift count"}).value, "7 (multiply by 128)");
  EXPECT_EQ(span_of(at(tree, {tcp, "Options", "Window scale", "Shift count"})), (Span{59, 1}));
}

TEST(PacketDissector, HexBytesMapBackToTheDeepestField) {
  const auto packet = syn();
  const FieldTree tree = dissect_packet(packet);
  const auto name_at = [&](std::uint32_t offset) {
    const int i = tree.field_at(offset);
    return i < 0 ? std::string("-") : tree[static_cast<std::size_t>(i)].name;
  };
  EXPECT_EQ(name_at(10), "Header checksum");
  EXPECT_EQ(name_at(37), "Checksum");
  EXPECT_EQ(name_at(33), "Fin (FIN)");  // every flag covers the flag byte; the last one wins
  EXPECT_EQ(name_at(43), "MSS value");
  EXPECT_EQ(name_at(56), "No-operation (NOP)");
  for (std::uint32_t i = 0; i < packet.size(); ++i) EXPECT_NE(name_at(i), "-") << i;
}

TEST(PacketDissector, SynAckFinAndRst) {
  {
    const auto packet = syn_ack();
    const FieldTree tree = dissect_packet(packet);
    expect_well_formed(tree, packet.size());
    EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
    const std::string_view tcp = kTcpLayer;
    EXPECT_EQ(at(tree, {tcp}).value, "80 \u2192 41234 [SYN, ACK] seq=5000000 ack=1000001 len=0");
    EXPECT_EQ(at(tree, {tcp, "Flags"}).value, "0x012 (SYN, ACK)");
    EXPECT_EQ(at(tree, {tcp, "Flags", "Acknowledgment (ACK)"}).value, "Set");
    EXPECT_EQ(at(tree, {tcp, "Acknowledgment number"}).value, "1000001");
    EXPECT_EQ(at(tree, {tcp, "Options", "Timestamps"}).value, "TSval 777, TSecr 123456");
    EXPECT_EQ(at(tree, {tcp, "Checksum"}).value.substr(7), "(correct)");
    EXPECT_EQ(at(tree, {kIpv4Layer, "Source address"}).value, "10.77.0.2");
  }
  for (const auto& [flags, text] :
       {std::pair<std::uint8_t, std::string>{kFin | kAck, "0x011 (FIN, ACK)"},
        {kRst, "0x004 (RST)"},
        {kRst | kAck, "0x014 (RST, ACK)"}}) {
    TcpSpec t;
    t.seq = 2000;
    t.ack = (flags & kAck) != 0 ? 3000 : 0;
    t.flags = flags;
    t.window = (flags & kRst) != 0 ? 0 : 501;
    const auto packet = to_bytes(tcp_v4(t));
    const FieldTree tree = dissect_packet(packet);
    expect_well_formed(tree, packet.size());
    EXPECT_EQ(at(tree, {kTcpLayer, "Flags"}).value, text);
    EXPECT_EQ(at(tree, {kTcpLayer, "Flags", "Fin (FIN)"}).value,
              (flags & kFin) != 0 ? "Set" : "Not set");
    EXPECT_EQ(at(tree, {kTcpLayer, "Flags", "Reset (RST)"}).value,
              (flags & kRst) != 0 ? "Set" : "Not set");
    EXPECT_EQ(at(tree, {kTcpLayer, "Header length"}).value, "20 bytes (5)");
    EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).value.substr(7), "(correct)");
    EXPECT_EQ(names(tree, -1).size(), 2u) << "no options, no data";
  }
}

TEST(PacketDissector, DataSegmentPayloadRow) {
  const auto packet = data_segment();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
  EXPECT_EQ(names(tree, -1),
            (std::vector<std::string>{std::string(kIpv4Layer), std::string(kTcpLayer), "Data"}));
  EXPECT_EQ(at(tree, {kTcpLayer}).value,
            "41234 \u2192 80 [PSH, ACK] seq=1000001 ack=5000001 len=11");
  EXPECT_EQ(span_of(at(tree, {kTcpLayer})), (Span{20, 32}));
  EXPECT_EQ(at(tree, {kTcpLayer, "Flags"}).value, "0x018 (PSH, ACK)");
  EXPECT_EQ(at(tree, {kTcpLayer, "Flags", "Push (PSH)"}).value, "Set");
  EXPECT_EQ(at(tree, {kTcpLayer, "Options"}).value, "12 bytes: NOP, NOP, TSval 9 TSecr 7");
  const Field& data = at(tree, {"Data"});
  EXPECT_EQ(data.value, "11 bytes");
  EXPECT_EQ(span_of(data), (Span{52, 11}));
  EXPECT_EQ(covered_text(packet, data), "hello world");
  EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).value.substr(7), "(correct)");
}

TEST(PacketDissector, UdpDatagram) {
  const auto packet = udp_query();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
  const std::string_view udp = kUdpLayer;
  EXPECT_EQ(at(tree, {kIpv4Layer, "Protocol"}).value, "UDP (17)");
  EXPECT_EQ(at(tree, {udp}).value, "40000 \u2192 53 len=5");
  EXPECT_EQ(span_of(at(tree, {udp})), (Span{20, 8}));
  EXPECT_EQ(span_of(at(tree, {udp, "Source port"})), (Span{20, 2}));
  EXPECT_EQ(at(tree, {udp, "Destination port"}).value, "53");
  EXPECT_EQ(at(tree, {udp, "Length"}).value, "13");
  EXPECT_EQ(span_of(at(tree, {udp, "Length"})), (Span{24, 2}));
  EXPECT_EQ(span_of(at(tree, {udp, "Checksum"})), (Span{26, 2}));
  EXPECT_EQ(at(tree, {udp, "Checksum"}).value.substr(7), "(correct)");
  EXPECT_EQ(covered_text(packet, at(tree, {"Data"})), "query");

  auto none = packet;
  none[26] = none[27] = std::byte{0};
  const FieldTree none_tree = dissect_packet(none);
  EXPECT_EQ(at(none_tree, {udp, "Checksum"}).value,
            "0x0000 (none: the sender did not compute one)");
  EXPECT_TRUE(problems(none_tree, FieldSeverity::Warning).empty()) << dump(none_tree);

  auto none6 = to_bytes(udp_v6(1, 2, text_bytes("x")));
  none6[46] = none6[47] = std::byte{0};
  const FieldTree tree6 = dissect_packet(none6);
  EXPECT_EQ(at(tree6, {udp, "Checksum"}).severity, FieldSeverity::Error);
}

TEST(PacketDissector, IcmpEcho) {
  const auto packet = echo_request();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
  const std::string_view icmp = kIcmpLayer;
  EXPECT_EQ(at(tree, {kIpv4Layer, "Protocol"}).value, "ICMP (1)");
  EXPECT_EQ(at(tree, {icmp}).value, "Echo request");
  EXPECT_EQ(span_of(at(tree, {icmp})), (Span{20, 64}));
  EXPECT_EQ(at(tree, {icmp, "Type"}).value, "8 (Echo request)");
  EXPECT_EQ(span_of(at(tree, {icmp, "Type"})), (Span{20, 1}));
  EXPECT_EQ(at(tree, {icmp, "Code"}).value, "0");
  EXPECT_EQ(at(tree, {icmp, "Checksum"}).value.substr(7), "(correct)");
  EXPECT_EQ(span_of(at(tree, {icmp, "Checksum"})), (Span{22, 2}));
  EXPECT_EQ(at(tree, {icmp, "Identifier"}).value, "0x1234 (4660)");
  EXPECT_EQ(span_of(at(tree, {icmp, "Identifier"})), (Span{24, 2}));
  EXPECT_EQ(at(tree, {icmp, "Sequence number"}).value, "1 (0x0001)");
  EXPECT_EQ(span_of(at(tree, {icmp, "Sequence number"})), (Span{26, 2}));
  EXPECT_EQ(span_of(at(tree, {icmp, "Data"})), (Span{28, 56}));

  auto reply = to_bytes(icmp_v4(0, 0, 0x12340001, {}));
  EXPECT_EQ(at(dissect_packet(reply), {icmp, "Type"}).value, "0 (Echo reply)");
}

TEST(PacketDissector, IcmpPortUnreachableQuotesTheOriginalHeaders) {
  const auto packet = port_unreachable();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Warning).empty()) << dump(tree);
  const std::string_view icmp = kIcmpLayer;
  EXPECT_EQ(names(tree, -1),
            (std::vector<std::string>{std::string(kIpv4Layer), std::string(kIcmpLayer)}));
  EXPECT_EQ(at(tree, {icmp}).value, "Destination unreachable (Port unreachable)");
  EXPECT_EQ(at(tree, {icmp, "Type"}).value, "3 (Destination unreachable)");
  EXPECT_EQ(at(tree, {icmp, "Code"}).value, "3 (Port unreachable)");
  EXPECT_EQ(at(tree, {icmp, "Checksum"}).value.substr(7), "(correct)");
  EXPECT_EQ(span_of(at(tree, {icmp, "Unused"})), (Span{24, 4}));

  // The quoted datagram: client -> server, the port nobody listened on.
  const Field& inner_ip = at(tree, {icmp, kIpv4Layer});
  EXPECT_EQ(inner_ip.value, "10.77.0.1 \u2192 10.77.0.2");
  EXPECT_EQ(span_of(inner_ip), (Span{28, 20}));
  EXPECT_EQ(inner_ip.depth, 1);
  EXPECT_EQ(at(tree, {icmp, kIpv4Layer, "Source address"}).value, "10.77.0.1");
  EXPECT_EQ(span_of(at(tree, {icmp, kIpv4Layer, "Source address"})), (Span{40, 4}));
  EXPECT_EQ(at(tree, {icmp, kIpv4Layer, "Total length"}).value, "33");
  EXPECT_EQ(at(tree, {icmp, kIpv4Layer, "Header checksum"}).value.substr(7), "(correct)");
  const Field& inner_udp = at(tree, {icmp, kUdpLayer});
  EXPECT_EQ(span_of(inner_udp), (Span{48, 8}));
  EXPECT_EQ(at(tree, {icmp, kUdpLayer, "Destination port"}).value, "33434");
  EXPECT_EQ(span_of(at(tree, {icmp, kUdpLayer, "Destination port"})), (Span{50, 2}));
  EXPECT_EQ(at(tree, {icmp, kUdpLayer, "Checksum"}).value.substr(7),
            "(unverified: quoted in an ICMP error)");

  // A quoted TCP header: only 8 of its 20 bytes are there, which is expected, hence a Note.
  const auto syn_bytes = syn();
  const std::vector<std::uint8_t> quoted_syn(
      reinterpret_cast<const std::uint8_t*>(syn_bytes.data()),
      reinterpret_cast<const std::uint8_t*>(syn_bytes.data()) + 28);
  const auto ttl_exceeded = to_bytes(icmp_v4(11, 0, 0, quoted_syn, server_to_client()));
  const FieldTree t2 = dissect_packet(ttl_exceeded);
  expect_well_formed(t2, ttl_exceeded.size());
  EXPECT_EQ(at(t2, {icmp}).value, "Time exceeded (TTL exceeded in transit)");
  EXPECT_TRUE(problems(t2, FieldSeverity::Warning).empty()) << dump(t2);
  EXPECT_EQ(at(t2, {icmp, kTcpLayer, "Sequence number"}).value, "1000000");
  EXPECT_TRUE(has_value(t2,
                        "TCP header cut short: 8 of 20 bytes (an ICMP error quotes only the start "
                        "of the packet)",
                        FieldSeverity::Note))
      << dump(t2);
}

TEST(PacketDissector, Ipv6TcpSyn) {
  const auto packet = syn_v6();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
  const std::string_view ip = kIpv6Layer;
  EXPECT_EQ(at(tree, {ip}).value, "fd00::1 \u2192 fd00::2");
  EXPECT_EQ(span_of(at(tree, {ip})), (Span{0, 40}));
  EXPECT_EQ(at(tree, {ip, "Version"}).value, "6");
  EXPECT_EQ(span_of(at(tree, {ip, "Traffic class"})), (Span{0, 2}));
  EXPECT_EQ(at(tree, {ip, "Flow label"}).value, "0x12345");
  EXPECT_EQ(span_of(at(tree, {ip, "Flow label"})), (Span{1, 3}));
  EXPECT_EQ(at(tree, {ip, "Payload length"}).value, "40");
  EXPECT_EQ(span_of(at(tree, {ip, "Payload length"})), (Span{4, 2}));
  EXPECT_EQ(at(tree, {ip, "Next header"}).value, "TCP (6)");
  EXPECT_EQ(span_of(at(tree, {ip, "Next header"})), (Span{6, 1}));
  EXPECT_EQ(at(tree, {ip, "Hop limit"}).value, "64");
  EXPECT_EQ(span_of(at(tree, {ip, "Hop limit"})), (Span{7, 1}));
  EXPECT_EQ(at(tree, {ip, "Source address"}).value, "fd00::1");
  EXPECT_EQ(span_of(at(tree, {ip, "Source address"})), (Span{8, 16}));
  EXPECT_EQ(span_of(at(tree, {ip, "Destination address"})), (Span{24, 16}));
  EXPECT_EQ(span_of(at(tree, {kTcpLayer})), (Span{40, 40}));
  EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).value.substr(7), "(correct)");

  // The IPv6 pseudo-header covers the addresses: change one and the TCP checksum fails.
  auto moved = packet;
  moved[39] ^= std::byte{0x01};
  EXPECT_EQ(at(dissect_packet(moved), {kTcpLayer, "Checksum"}).severity, FieldSeverity::Error);
}

TEST(PacketDissector, Ipv6ExtensionHeaders) {
  const auto packet = udp_v6_with_extensions();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Warning).empty()) << dump(tree);
  const std::string_view ip = kIpv6Layer;
  EXPECT_EQ(span_of(at(tree, {ip})), (Span{0, 56}));
  EXPECT_EQ(at(tree, {ip, "Next header"}).value, "IPv6 hop-by-hop options (0)");
  const Field& hop = at(tree, {ip, "Hop-by-hop options"});
  EXPECT_EQ(span_of(hop), (Span{40, 8}));
  EXPECT_EQ(at(tree, {ip, "Hop-by-hop options", "Next header"}).value, "IPv6 fragment header (44)");
  EXPECT_EQ(span_of(at(tree, {ip, "Hop-by-hop options", "PadN"})), (Span{42, 6}));
  const Field& frag = at(tree, {ip, "Fragment header"});
  EXPECT_EQ(span_of(frag), (Span{48, 8}));
  EXPECT_EQ(at(tree, {ip, "Fragment header", "Next header"}).value, "UDP (17)");
  EXPECT_EQ(at(tree, {ip, "Fragment header", "More fragments"}).value, "Set");
  EXPECT_EQ(at(tree, {ip, "Fragment header", "Identification"}).value, "0xdeadbeef");
  EXPECT_EQ(span_of(at(tree, {kUdpLayer})), (Span{56, 8}));
  EXPECT_EQ(at(tree, {kUdpLayer, "Checksum"}).value.substr(7),
            "(unverified: the datagram is fragmented)");
}

TEST(PacketDissector, Icmpv6EchoAndNeighborSolicitation) {
  const auto packet = echo_v6();
  const FieldTree tree = dissect_packet(packet);
  expect_well_formed(tree, packet.size());
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
  const std::string_view icmp = kIcmpv6Layer;
  EXPECT_EQ(at(tree, {kIpv6Layer, "Next header"}).value, "ICMPv6 (58)");
  EXPECT_EQ(at(tree, {icmp, "Type"}).value, "128 (Echo request)");
  EXPECT_EQ(span_of(at(tree, {icmp, "Type"})), (Span{40, 1}));
  EXPECT_EQ(at(tree, {icmp, "Checksum"}).value.substr(7), "(correct)");
  EXPECT_EQ(at(tree, {icmp, "Identifier"}).value, "0x0007 (7)");
  EXPECT_EQ(at(tree, {icmp, "Sequence number"}).value, "1 (0x0001)");
  EXPECT_EQ(covered_text(packet, at(tree, {icmp, "Data"})), "ping6 data");

  ByteWriter ns;
  ns.raw({0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});  // target
  ns.raw({1, 1, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01});           // source link-layer address
  const auto solicitation = to_bytes(icmp_v6(135, 0, 0, ns.bytes()));
  const FieldTree nt = dissect_packet(solicitation);
  expect_well_formed(nt, solicitation.size());
  EXPECT_TRUE(problems(nt, FieldSeverity::Note).empty()) << dump(nt);
  EXPECT_EQ(at(nt, {icmp}).value, "Neighbor solicitation for fd00::2");
  EXPECT_EQ(at(nt, {icmp, "Target address"}).value, "fd00::2");
  EXPECT_EQ(span_of(at(nt, {icmp, "Target address"})), (Span{48, 16}));
  EXPECT_EQ(at(nt, {icmp, "Source link-layer address"}).value, "02:00:00:00:00:01");
  EXPECT_EQ(span_of(at(nt, {icmp, "Source link-layer address"})), (Span{64, 8}));

  const auto advert = to_bytes(icmp_v6(136, 0, 0x60000000, ns.bytes()));
  const FieldTree at_tree = dissect_packet(advert);
  EXPECT_EQ(at(at_tree, {icmp, "Type"}).value, "136 (Neighbor advertisement)");
  EXPECT_EQ(at(at_tree, {icmp, "Flags", "Solicited"}).value, "Set");
  EXPECT_EQ(at(at_tree, {icmp, "Flags", "Router"}).value, "Not set");

  // Packet too big quotes the packet that did not fit, like the IPv4 errors.
  const auto big = syn_v6();
  const std::vector<std::uint8_t> quoted(reinterpret_cast<const std::uint8_t*>(big.data()),
                                         reinterpret_cast<const std::uint8_t*>(big.data()) + 60);
  const auto too_big = to_bytes(icmp_v6(2, 0, 1280, quoted));
  const FieldTree tb = dissect_packet(too_big);
  expect_well_formed(tb, too_big.size());
  EXPECT_EQ(at(tb, {icmp}).value, "Packet too big");
  EXPECT_EQ(at(tb, {icmp, "MTU"}).value, "1280");
  EXPECT_EQ(span_of(at(tb, {icmp, kIpv6Layer})), (Span{48, 40}));
  EXPECT_EQ(at(tb, {icmp, kTcpLayer, "Destination port"}).value, "80");
  EXPECT_TRUE(problems(tb, FieldSeverity::Warning).empty()) << dump(tb);
}

// ---- checksums -----------------------------------------------------------------------------

TEST(PacketDissector, FlippedByteMakesChecksumIncorrectAndFixRepairsIt) {
  const auto original = data_segment();
  auto packet = original;
  packet[52] = std::byte{'j'};  // "hello" -> "jello"
  FieldTree tree = dissect_packet(packet);
  // The value it should be comes from an independent build of the edited packet.
  TcpSpec edited = data_spec();
  edited.payload = text_bytes("jello world");
  const auto rebuilt = to_bytes(tcp_v4(edited));
  const unsigned want =
      std::to_integer<unsigned>(rebuilt[36]) << 8 | std::to_integer<unsigned>(rebuilt[37]);
  const unsigned stored =
      std::to_integer<unsigned>(packet[36]) << 8 | std::to_integer<unsigned>(packet[37]);
  char expect[64];
  std::snprintf(expect, sizeof expect, "0x%04x (incorrect, should be 0x%04x)", stored, want);
  EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).value, expect);
  EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).severity, FieldSeverity::Error);
  EXPECT_EQ(at(tree, {kIpv4Layer, "Header checksum"}).value.substr(7), "(correct)");

  ASSERT_TRUE(fix_checksums(packet));
  EXPECT_EQ(packet, rebuilt);
  tree = dissect_packet(packet);
  EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).value.substr(7), "(correct)");
  EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);

  auto header = original;
  header[8] = std::byte{1};  // TTL 1: only the IP header checksum covers it
  tree = dissect_packet(header);
  EXPECT_EQ(at(tree, {kIpv4Layer, "Header checksum"}).severity, FieldSeverity::Error);
  EXPECT_EQ(at(tree, {kIpv4Layer, "Header checksum"}).value.find("incorrect, should be 0x"), 8u);
  EXPECT_EQ(at(tree, {kTcpLayer, "Checksum"}).value.substr(7), "(correct)");
}

TEST(PacketDissector, EveryChecksumDetectsEveryFlippedByte) {
  // For each packet kind, flipping any single byte covered by a checksum must turn some
  // checksum row into an Error (a flip of both halves of a word can cancel; one byte cannot).
  const std::vector<std::vector<std::byte>> packets = {syn(),          data_segment(), udp_query(),
                                                       echo_request(), syn_v6(),       echo_v6()};
  for (const auto& original : packets) {
    for (std::size_t i = 0; i < original.size(); ++i) {
      if (original[0] >> 4 == std::byte{6} && i < 8) continue;  // IPv6 version/TC/flow/length
      auto packet = original;
      packet[i] ^= std::byte{0x01};
      const FieldTree tree = dissect_packet(packet);
      expect_well_formed(tree, packet.size());
      const auto errors = problems(tree, FieldSeverity::Error);
      EXPECT_FALSE(errors.empty()) << "byte " << i << "\n" << dump(tree);
      auto fixed = packet;
      if (fix_checksums(fixed)) {
        const FieldTree fixed_tree = dissect_packet(fixed);
        for (const Field& f : fixed_tree.fields()) {
          EXPECT_EQ(f.value.find("incorrect"), std::string::npos) << "byte " << i << ": " << f.name;
        }
      }
    }
  }
}

// ---- truncated and malformed ---------------------------------------------------------------

TEST(PacketDissector, TruncationAtEveryLengthWarnsAndStaysInBounds) {
  const std::vector<std::vector<std::byte>> packets = {
      syn(),    syn_ack(), data_segment(),          udp_query(), echo_request(), port_unreachable(),
      syn_v6(), echo_v6(), udp_v6_with_extensions()};
  for (const auto& packet : packets) {
    for (std::size_t n = 0; n <= packet.size(); ++n) {
      // A copy of exactly n bytes, so ASan would catch a read past the end.
      const std::vector<std::byte> cut(packet.begin(), packet.begin() + static_cast<long>(n));
      const FieldTree tree = dissect_packet(cut);
      expect_well_formed(tree, cut.size());
      const bool warned = !problems(tree, FieldSeverity::Warning).empty();
      if (n < packet.size()) {
        EXPECT_TRUE(warned) << n << " of " << packet.size() << "\n" << dump(tree);
      } else {
        EXPECT_FALSE(warned) << dump(tree);
      }
      (void)summarize(cut);
    }
  }
}

TEST(PacketDissector, TruncationSaysWhatIsMissing) {
  const auto packet = syn();
  const std::vector<std::byte> cut32(packet.begin(), packet.begin() + 32);
  const FieldTree tree = dissect_packet(cut32);
  EXPECT_TRUE(has_value(tree, "TCP header truncated: 12 of 20 bytes", FieldSeverity::Warning))
      << dump(tree);
  EXPECT_TRUE(has_value(tree, "IPv4 packet truncated: 32 of 60 bytes", FieldSeverity::Warning));
  // The fields that are there are still shown, with their bytes.
  EXPECT_EQ(at(tree, {kTcpLayer, "Sequence number"}).value, "1000000");
  EXPECT_EQ(span_of(at(tree, {kTcpLayer})), (Span{20, 12}));
  // Problem rows must not steal the hex view's byte-to-field link from the real fields.
  EXPECT_EQ(tree[static_cast<std::size_t>(tree.field_at(12))].name, "Source address");
  EXPECT_EQ(tree[static_cast<std::size_t>(tree.field_at(21))].name, "Source port");
  EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Warning"})), (Span{32, 0}));

  const std::vector<std::byte> cut50(packet.begin(), packet.begin() + 50);
  const FieldTree t50 = dissect_packet(cut50);
  EXPECT_TRUE(has_value(t50, "TCP header truncated: 30 of 40 bytes", FieldSeverity::Warning));
  EXPECT_EQ(at(t50, {kTcpLayer, "Checksum"}).value, "0x727f (unverified: segment truncated)");
  EXPECT_EQ(span_of(at(t50, {kTcpLayer, "Options"})), (Span{40, 10}));

  const auto data = data_segment();
  const std::vector<std::byte> cut57(data.begin(), data.begin() + 57);
  const FieldTree dt = dissect_packet(cut57);
  EXPECT_EQ(span_of(at(dt, {"Data"})), (Span{52, 5}));
  EXPECT_EQ(at(dt, {"Data", "Warning"}).value, "Payload truncated: 5 of 11 bytes");
  EXPECT_EQ(at(dt, {kTcpLayer, "Checksum"}).value.substr(7), "(unverified: segment truncated)");

  const std::vector<std::byte> cut12(packet.begin(), packet.begin() + 12);
  EXPECT_TRUE(has_value(dissect_packet(cut12), "IPv4 header truncated: 12 of 20 bytes",
                        FieldSeverity::Warning));
  EXPECT_TRUE(
      has_value(dissect_packet({}), "IP header truncated: 0 of 20 bytes", FieldSeverity::Warning));
}

std::vector<std::byte> syn_with_options(std::vector<std::uint8_t> options) {
  TcpSpec t;
  t.flags = kSyn;
  t.options = std::move(options);
  return to_bytes(tcp_v4(t));
}

TEST(PacketDissector, MalformedTcpOptionsAreFlagged) {
  {
    const auto packet = syn_with_options({2, 8, 5, 0xb4});
    const FieldTree tree = dissect_packet(packet);
    expect_well_formed(tree, packet.size());
    EXPECT_EQ(at(tree, {kTcpLayer, "Options", "Error"}).value,
              "Maximum segment size (kind 2): length 8 runs past the end of the options (4 left)");
    EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Options", "Error"})), (Span{40, 4}));
  }
  {
    const auto packet = syn_with_options({8, 1, 0, 0});
    EXPECT_EQ(at(dissect_packet(packet), {kTcpLayer, "Options", "Error"}).value,
              "Timestamps (kind 8): length 1 is below the minimum of 2");
  }
  {
    // A wrong length for a known kind is an error, but parsing continues after it.
    const auto packet = syn_with_options({2, 3, 5, 1, 0, 0, 0, 0});
    const FieldTree tree = dissect_packet(packet);
    const Field& mss = at(tree, {kTcpLayer, "Options", "Maximum segment size"});
    EXPECT_EQ(mss.value, "length 3, should be 4");
    EXPECT_EQ(mss.severity, FieldSeverity::Error);
    EXPECT_EQ(span_of(mss), (Span{40, 3}));
    EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Options", "No-operation (NOP)"})), (Span{43, 1}))
        << dump(tree);
    EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Options", "End of option list (EOL)"})), (Span{44, 1}));
    EXPECT_EQ(at(tree, {kTcpLayer, "Options", "Padding"}).value, "3 bytes");
  }
  {
    const auto packet = syn_with_options({254, 4, 0xab, 0xcd, 30, 3, 0x10, 0});
    const FieldTree tree = dissect_packet(packet);
    EXPECT_TRUE(problems(tree, FieldSeverity::Warning).empty()) << dump(tree);
    EXPECT_EQ(at(tree, {kTcpLayer, "Options", "Option kind 254"}).value, "abcd");
    EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Options", "Option kind 254", "Data"})), (Span{42, 2}));
    EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Options", "Multipath TCP"})), (Span{44, 3}));
    EXPECT_EQ(span_of(at(tree, {kTcpLayer, "Options", "End of option list (EOL)"})), (Span{47, 1}));
  }
  {
    // SACK with two blocks after two NOPs, the way Linux sends it.
    ByteWriter w;
    w.raw({1, 1, 5, 18}).u32(1001).u32(2001).u32(3001).u32(4001);
    const auto packet = syn_with_options(w.bytes());
    const FieldTree tree = dissect_packet(packet);
    EXPECT_EQ(at(tree, {kTcpLayer, "Options", "SACK"}).value, "2 blocks: 1001-2001, 3001-4001");
    const int tcp = child(tree, -1, kTcpLayer);
    const int sack = child(tree, child(tree, tcp, "Options"), "SACK");
    const auto blocks = tree.children(sack);
    ASSERT_EQ(blocks.size(), 4u);  // Kind, Length, two blocks
    EXPECT_EQ(span_of(tree[static_cast<std::size_t>(blocks[3])]), (Span{52, 8}));
    EXPECT_EQ(at(tree, {kTcpLayer, "Options", "SACK", "SACK block", "Right edge"}).value, "2001");
  }
}

TEST(PacketDissector, MalformedHeadersAreErrors) {
  {
    auto packet = syn();
    packet[0] = std::byte{0x44};  // IHL 4 words
    const FieldTree tree = dissect_packet(packet);
    expect_well_formed(tree, packet.size());
    EXPECT_EQ(at(tree, {kIpv4Layer, "Header length"}).severity, FieldSeverity::Error);
    EXPECT_EQ(at(tree, {kIpv4Layer, "Error"}).value,
              "Header length 16 bytes is below the minimum of 20");
  }
  {
    auto packet = syn();
    packet[32] = std::byte{0x40};  // TCP data offset 4 words
    const FieldTree tree = dissect_packet(packet);
    EXPECT_EQ(at(tree, {kTcpLayer, "Error"}).value,
              "Header length 16 bytes is below the minimum of 20");
  }
  {
    auto packet = syn();
    packet[32] = std::byte{0xf0};  // 60 bytes of header in a 40-byte segment
    EXPECT_EQ(at(dissect_packet(packet), {kTcpLayer, "Error"}).value,
              "Header length 60 bytes is longer than the segment (40 bytes)");
  }
  {
    auto packet = udp_query();
    packet[25] = std::byte{40};  // UDP length 40 in a 13-byte payload
    const FieldTree tree = dissect_packet(packet);
    EXPECT_EQ(at(tree, {kUdpLayer, "Length"}).severity, FieldSeverity::Error);
    EXPECT_EQ(at(tree, {kUdpLayer, "Error"}).value,
              "Length 40 is more than the IP payload (13 bytes)");
  }
  {
    auto packet = syn();
    packet[3] = std::byte{10};  // total length 10 < header
    EXPECT_EQ(at(dissect_packet(packet), {kIpv4Layer, "Error"}).value,
              "Total length 10 is smaller than the 20-byte header");
  }
  {
    const std::vector<std::byte> junk = {std::byte{0x12}, std::byte{0x34}, std::byte{0x56}};
    const FieldTree tree = dissect_packet(junk);
    expect_well_formed(tree, junk.size());
    EXPECT_EQ(at(tree, {"Not an IP packet"}).severity, FieldSeverity::Error);
    EXPECT_EQ(at(tree, {"Not an IP packet", "Version"}).value, "1");
  }
}

TEST(PacketDissector, Ipv4OptionsFragmentsAndTrailers) {
  {
    Ipv4Spec ip;
    ip.options = {1, 1, 1, 0};  // NOP NOP NOP EOL
    const auto packet = to_bytes(udp_v4(1, 2, text_bytes("x"), ip));
    const FieldTree tree = dissect_packet(packet);
    expect_well_formed(tree, packet.size());
    EXPECT_TRUE(problems(tree, FieldSeverity::Note).empty()) << dump(tree);
    EXPECT_EQ(at(tree, {kIpv4Layer, "Header length"}).value, "24 bytes (6)");
    EXPECT_EQ(at(tree, {kIpv4Layer, "Options"}).value, "4 bytes: 01010100");
    EXPECT_EQ(span_of(at(tree, {kIpv4Layer, "Options"})), (Span{20, 4}));
    EXPECT_EQ(span_of(at(tree, {kUdpLayer})), (Span{24, 8}));
  }
  {
    Ipv4Spec ip;
    ip.flags_fragment = 185;  // offset 1480
    const auto packet = to_bytes(udp_v4(1, 2, text_bytes("tail"), ip));
    const FieldTree tree = dissect_packet(packet);
    EXPECT_EQ(at(tree, {kIpv4Layer, "Fragment offset"}).value, "1480 bytes");
    const Field& data = at(tree, {"Data"});
    EXPECT_EQ(data.severity, FieldSeverity::Note);
    EXPECT_EQ(span_of(data), (Span{20, 12}));
    EXPECT_NE(data.value.find("fragment offset 1480"), std::string::npos) << data.value;
  }
  {
    auto packet = udp_query();
    packet.push_back(std::byte{0});
    packet.push_back(std::byte{0});
    const FieldTree tree = dissect_packet(packet);
    expect_well_formed(tree, packet.size());
    EXPECT_EQ(span_of(at(tree, {"Trailer"})), (Span{33, 2}));
    EXPECT_EQ(at(tree, {kUdpLayer, "Checksum"}).value.substr(7), "(correct)");
  }
}

}  // namespace
}  // namespace wirestep::proto
