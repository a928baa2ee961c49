// TcpFlowAnalyzer: notes and relative numbers on hand-built traces, then on real kernels' packets.
#include "proto/packet/tcp_flow_analyzer.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/traced_socket.h"
#include "support/tcp_trace_builder.h"
#include "support/wire_queries.h"
#include "support/wire_session.h"
#include "trace/trace.h"
#include "wire/impairment_adapter.h"
#include "wire/impairment_policy.h"
#include "wire/scripted_fault.h"

namespace wirestep {
namespace {

using proto::PacketAnalysis;
using proto::TcpFlowAnalyzer;
using testing::append_segment;
using testing::WireSegment;
using trace::Verdict;

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

// A hand-built conversation (handshake done) and the analyzer reading it.
struct Conversation : testing::TcpConversation {
  using TcpConversation::TcpConversation;
  TcpFlowAnalyzer analyzer;

  const PacketAnalysis& at(std::size_t index) {
    analyzer.update(trace);
    const PacketAnalysis* a = analyzer.at(index);
    if (a == nullptr) throw std::runtime_error("no analysis at " + std::to_string(index));
    return *a;
  }
};

std::string bytes(std::size_t n, char c = 'x') { return std::string(n, c); }

TEST(TcpFlowAnalyzer, HandshakeNumbersAreRelativeToEachSidesIsn) {
  Conversation t(0x12345678, 0x9abcdef0);
  const PacketAnalysis& syn = t.at(0);
  EXPECT_TRUE(syn.tcp);
  EXPECT_EQ(syn.relative_seq, 0u);
  EXPECT_EQ(syn.relative_ack, 0u);
  EXPECT_TRUE(syn.isn_known);
  EXPECT_EQ(syn.notes, proto::kNoteHandshakeSyn);
  EXPECT_EQ(syn.text(), "Handshake 1/3: SYN");

  const PacketAnalysis& synack = t.at(1);
  EXPECT_EQ(synack.relative_seq, 0u);
  EXPECT_EQ(synack.relative_ack, 1u);
  EXPECT_EQ(synack.notes, proto::kNoteHandshakeSynAck);
  EXPECT_EQ(synack.text(), "Handshake 2/3: SYN-ACK");

  const PacketAnalysis& ack = t.at(2);
  EXPECT_EQ(ack.relative_seq, 1u);
  EXPECT_EQ(ack.relative_ack, 1u);
  EXPECT_EQ(ack.notes, proto::kNoteHandshakeAck);
  EXPECT_TRUE(ack.isn_known);

  // Ordinary data and its ACK carry no note and no text.
  const auto data = t.client(1, 1, "hello", kAck | kPsh);
  const auto acked = t.server(1, 6);
  EXPECT_EQ(t.at(data).notes, 0u);
  EXPECT_EQ(t.at(data).payload_length, 5u);
  EXPECT_EQ(t.at(acked).relative_ack, 6u);
  EXPECT_EQ(t.at(acked).notes, 0u);
  EXPECT_EQ(t.at(acked).text(), "");
}

TEST(TcpFlowAnalyzer, NonPacketAndNonTcpEventsHaveNoAnalysis) {
  trace::Trace trace;
  trace::Event call;
  call.kind = trace::EventKind::SocketCall;
  trace.append(call);
  trace::Event udp;
  udp.kind = trace::EventKind::Packet;
  trace.append(udp, testing::to_bytes(testing::udp_v4(5000, 53, testing::text_bytes("q"))));
  TcpFlowAnalyzer analyzer;
  analyzer.update(trace);
  EXPECT_EQ(analyzer.analysed(), 2u);
  EXPECT_EQ(analyzer.at(0), nullptr);
  EXPECT_EQ(analyzer.at(1), nullptr);
  EXPECT_EQ(analyzer.at(7), nullptr);
}

TEST(TcpFlowAnalyzer, TeardownMarksEachFinAndTheAckOfEach) {
  Conversation t;
  t.client(1, 1, "bye", kAck | kPsh);
  const auto client_fin = t.client(4, 1, "", kFin | kAck);
  const auto server_fin = t.server(1, 5, "", kFin | kAck);  // acks the client's FIN, sends its own
  const auto last_ack = t.client(5, 2);
  EXPECT_EQ(t.at(client_fin).notes, proto::kNoteTeardownFin);
  EXPECT_EQ(t.at(server_fin).notes, proto::kNoteTeardownFin | proto::kNoteTeardownAck);
  EXPECT_EQ(t.at(last_ack).notes, proto::kNoteTeardownAck);
  EXPECT_EQ(t.at(last_ack).relative_ack, 2u) << "the FIN takes one sequence number";
  EXPECT_EQ(t.at(client_fin).text(), "FIN: this side sends no more data");
}

TEST(TcpFlowAnalyzer, ResetIsNoted) {
  Conversation t;
  const auto rst = t.server(1, 1, "", kRst | kAck);
  EXPECT_TRUE(t.at(rst).has(proto::kNoteReset));
  EXPECT_FALSE(t.at(rst).has(proto::kNoteRetransmission));
  EXPECT_NE(t.at(rst).text().find("Reset"), std::string::npos);
}

TEST(TcpFlowAnalyzer, RetransmissionRepeatsTheOriginalSegment) {
  Conversation t;
  const auto first = t.client(1, 1, bytes(100), kAck | kPsh);
  const auto second = t.client(101, 1, bytes(100), kAck | kPsh);
  const auto again = t.client(1, 1, bytes(100), kAck | kPsh);
  const auto partly = t.client(51, 1, bytes(100), kAck | kPsh);  // repacketised: old and new
  EXPECT_EQ(t.at(first).notes, 0u);
  EXPECT_EQ(t.at(second).notes, 0u);
  const PacketAnalysis& r = t.at(again);
  EXPECT_EQ(r.notes, proto::kNoteRetransmission);
  ASSERT_TRUE(r.repeats.has_value());
  EXPECT_EQ(*r.repeats, first);
  EXPECT_FALSE(r.caused_by_drop.has_value()) << "nothing was dropped: the sender's own decision";
  EXPECT_EQ(r.text(), "Retransmission of #" + std::to_string(first));
  EXPECT_TRUE(t.at(partly).has(proto::kNoteRetransmission));
  EXPECT_EQ(t.at(partly).repeats, first);
}

TEST(TcpFlowAnalyzer, RetransmissionRepairingAWireDropLinksToTheDrop) {
  Conversation t;
  const auto dropped = t.client(1, 1, bytes(100), kAck | kPsh, Verdict::Dropped);
  const auto second = t.client(101, 1, bytes(100), kAck | kPsh);
  const auto resent = t.client(1, 1, bytes(100), kAck | kPsh);

  const PacketAnalysis& d = t.at(dropped);
  EXPECT_TRUE(d.has(proto::kNoteWireDrop));
  EXPECT_EQ(d.relative_seq, 1u);
  EXPECT_NE(d.text().find("Dropped by the wire"), std::string::npos);
  EXPECT_EQ(t.trace[dropped + 1].kind, trace::EventKind::Impairment) << "the builder explains drops";
  EXPECT_EQ(t.at(second).notes, 0u) << "above everything sent: not out of order";

  const PacketAnalysis& r = t.at(resent);
  EXPECT_TRUE(r.has(proto::kNoteRetransmission));
  ASSERT_TRUE(r.caused_by_drop.has_value());
  EXPECT_EQ(*r.caused_by_drop, dropped);
  EXPECT_FALSE(r.caused_by_damage);
  EXPECT_EQ(r.text(), "Retransmission \u2014 repairs the packet the wire dropped (#" +
                          std::to_string(dropped) + ")");
  // Once repaired, a further copy of the same bytes is the sender's own retransmission.
  const auto spurious = t.client(1, 1, bytes(100), kAck | kPsh);
  EXPECT_TRUE(t.at(spurious).has(proto::kNoteRetransmission));
  EXPECT_FALSE(t.at(spurious).caused_by_drop.has_value());
}

TEST(TcpFlowAnalyzer, DroppedRetransmissionStillPointsAtTheFirstDrop) {
  Conversation t;
  const auto first_drop = t.client(1, 1, bytes(10), kAck | kPsh, Verdict::Dropped);
  const auto second_drop = t.client(1, 1, bytes(10), kAck | kPsh, Verdict::Dropped);
  const auto arrived = t.client(1, 1, bytes(10), kAck | kPsh);
  EXPECT_TRUE(t.at(second_drop).has(proto::kNoteRetransmission));
  EXPECT_TRUE(t.at(second_drop).has(proto::kNoteWireDrop));
  EXPECT_EQ(t.at(second_drop).caused_by_drop, first_drop);
  EXPECT_NE(t.at(second_drop).text().find("resends the packet the wire dropped"), std::string::npos);
  EXPECT_EQ(t.at(arrived).caused_by_drop, first_drop);
}

TEST(TcpFlowAnalyzer, DuplicateAcksCountAndTheFastRetransmissionFollows) {
  Conversation t;
  const auto lost = t.client(1, 1, bytes(100), kAck | kPsh, Verdict::Dropped);
  t.client(101, 1, bytes(100), kAck | kPsh);
  const auto d1 = t.server(1, 1);  // the receiver still wants byte 1
  t.client(201, 1, bytes(100), kAck | kPsh);
  const auto d2 = t.server(1, 1);
  t.client(301, 1, bytes(100), kAck | kPsh);
  const auto d3 = t.server(1, 1);
  const auto fast = t.client(1, 1, bytes(100), kAck | kPsh);
  const auto caught_up = t.server(1, 401);

  for (auto [index, n] : {std::pair{d1, 1u}, std::pair{d2, 2u}, std::pair{d3, 3u}}) {
    const PacketAnalysis& a = t.at(index);
    EXPECT_EQ(a.notes, proto::kNoteDuplicateAck) << "dup ack " << n;
    EXPECT_EQ(a.duplicate_ack_count, n);
    ASSERT_TRUE(a.repeats.has_value());
    EXPECT_EQ(*a.repeats, 1u) << "the SYN-ACK was the first to acknowledge 1";
  }
  EXPECT_EQ(t.at(d2).text(), "Duplicate ACK #2 (of #1)");
  const PacketAnalysis& f = t.at(fast);
  EXPECT_TRUE(f.has(proto::kNoteRetransmission));
  EXPECT_TRUE(f.has(proto::kNoteFastRetransmission));
  EXPECT_EQ(f.caused_by_drop, lost);
  EXPECT_EQ(f.duplicate_ack_count, 3u) << "for a fast retransmission: the dup ACKs before it";
  EXPECT_EQ(f.text(), "Fast retransmission (after 3 duplicate ACKs) \u2014 repairs the packet the wire "
                      "dropped (#" + std::to_string(lost) + ")");
  EXPECT_EQ(t.at(caught_up).notes, 0u);
  // After the new ACK the count starts again.
  t.client(401, 1, bytes(100), kAck | kPsh);
  EXPECT_EQ(t.at(t.server(1, 401)).duplicate_ack_count, 1u);
}

TEST(TcpFlowAnalyzer, SameAckWithoutDataInFlightIsNotADuplicateAck) {
  Conversation t;
  t.client(1, 1, "abc", kAck | kPsh);
  t.server(1, 4);
  const auto again = t.server(1, 4);  // nothing outstanding: an ordinary repeat, not a dup ACK
  EXPECT_EQ(t.at(again).notes, 0u);
  const auto with_data = t.server(1, 4, "reply", kAck | kPsh);
  EXPECT_FALSE(t.at(with_data).has(proto::kNoteDuplicateAck)) << "carries data";
}

TEST(TcpFlowAnalyzer, ZeroWindowThenWindowUpdate) {
  Conversation t;
  t.client(1, 1, bytes(100), kAck | kPsh);
  const auto full = t.server(1, 101, "", kAck, 0);
  const auto opened = t.server(1, 101, "", kAck, 300);
  EXPECT_EQ(t.at(full).notes, proto::kNoteZeroWindow);
  EXPECT_EQ(t.at(full).text(), "Zero window: the receiver's buffer is full");
  EXPECT_EQ(t.at(opened).notes, proto::kNoteWindowUpdate);
  // A changed window is never a duplicate ACK, even with data in flight.
  t.client(101, 1, bytes(100), kAck | kPsh);
  const auto other = t.server(1, 101, "", kAck, 200);
  EXPECT_EQ(t.at(other).notes, proto::kNoteWindowUpdate);
}

TEST(TcpFlowAnalyzer, ReorderedSegmentIsOutOfOrderNotARetransmission) {
  Conversation t;
  const auto later = t.client(101, 1, bytes(100), kAck | kPsh);  // overtook its predecessor
  const auto earlier = t.client(1, 1, bytes(100), kAck | kPsh, Verdict::Delayed);
  EXPECT_EQ(t.at(later).notes, 0u);
  EXPECT_EQ(t.at(earlier).notes, proto::kNoteOutOfOrder);
  EXPECT_NE(t.at(earlier).text().find("Out of order"), std::string::npos);
  // Now it has been seen: sending it once more is a retransmission.
  EXPECT_EQ(t.at(t.client(1, 1, bytes(100), kAck | kPsh)).notes, proto::kNoteRetransmission);
}

TEST(TcpFlowAnalyzer, KeepAliveIsOneByteBeforeTheNextSequenceNumber) {
  Conversation t;
  t.client(1, 1, bytes(10), kAck | kPsh);
  t.server(1, 11);
  const auto probe = t.client(10, 1);  // seq = next - 1, no data
  const auto answer = t.server(1, 11);
  EXPECT_EQ(t.at(probe).notes, proto::kNoteKeepAlive);
  EXPECT_EQ(t.at(answer).notes, 0u) << "nothing in flight: the answer is no duplicate ACK";
  // The one-byte form (Windows) over already acknowledged data.
  EXPECT_EQ(t.at(t.client(10, 1, "x")).notes, proto::kNoteKeepAlive);
  // One unacknowledged byte sent again is a retransmission, not a keep-alive.
  t.client(11, 1, "y", kAck | kPsh);
  EXPECT_EQ(t.at(t.client(11, 1, "y", kAck | kPsh)).notes, proto::kNoteRetransmission);
}

TEST(TcpFlowAnalyzer, RetransmittedSynAfterADropAndRetransmittedFin) {
  trace::Trace trace;
  TcpFlowAnalyzer analyzer;
  const auto lost_syn = append_segment(trace, {.seq = 77, .flags = kSyn, .verdict = Verdict::Dropped});
  const auto syn = append_segment(trace, {.seq = 77, .flags = kSyn});
  append_segment(trace, {.from_client = false, .seq = 900, .ack = 78, .flags = kSyn | kAck});
  const auto ack = append_segment(trace, {.seq = 78, .ack = 901, .flags = kAck});
  const auto fin = append_segment(trace, {.seq = 78, .ack = 901, .flags = kFin | kAck});
  const auto fin_again = append_segment(trace, {.seq = 78, .ack = 901, .flags = kFin | kAck});
  analyzer.update(trace);

  const PacketAnalysis* dropped = analyzer.at(lost_syn);
  ASSERT_NE(dropped, nullptr);
  EXPECT_EQ(dropped->notes, proto::kNoteHandshakeSyn | proto::kNoteWireDrop);
  const PacketAnalysis* resent = analyzer.at(syn);
  ASSERT_NE(resent, nullptr);
  EXPECT_EQ(resent->notes, proto::kNoteHandshakeSyn | proto::kNoteRetransmission);
  EXPECT_EQ(resent->relative_seq, 0u);
  EXPECT_EQ(resent->caused_by_drop, lost_syn);
  EXPECT_EQ(resent->text(), "Handshake 1/3: SYN; Retransmission \u2014 repairs the packet the wire dropped (#" +
                                std::to_string(lost_syn) + ")");
  EXPECT_EQ(analyzer.at(ack)->notes, proto::kNoteHandshakeAck);
  EXPECT_EQ(analyzer.at(fin)->notes, proto::kNoteTeardownFin);
  EXPECT_EQ(analyzer.at(fin_again)->notes, proto::kNoteTeardownFin | proto::kNoteRetransmission);
  EXPECT_EQ(analyzer.at(fin_again)->repeats, fin);
}

TEST(TcpFlowAnalyzer, HeldEventsAreNotTraffic) {
  Conversation t;
  const auto held = append_segment(t.trace, {.seq = t.c(1), .ack = t.s(1), .flags = kAck | kPsh,
                                             .payload = "abc", .verdict = Verdict::Held});
  const auto arrived = append_segment(t.trace, {.seq = t.c(1), .ack = t.s(1), .flags = kAck | kPsh,
                                                .payload = "abc", .link = held});
  t.analyzer.update(t.trace);
  EXPECT_EQ(t.analyzer.at(held), nullptr);
  ASSERT_NE(t.analyzer.at(arrived), nullptr);
  EXPECT_EQ(t.analyzer.at(arrived)->notes, 0u) << "the held record is the same packet, not an original";
}

TEST(TcpFlowAnalyzer, WireDuplicateIsNotTheSendersRetransmission) {
  Conversation t;
  const std::uint64_t why = 42;  // both copies link to the wire's Impairment event
  const auto original = append_segment(t.trace, {.seq = t.c(1), .ack = t.s(1), .flags = kAck | kPsh,
                                                 .payload = "abc", .verdict = Verdict::Duplicated,
                                                 .link = why});
  const auto copy = append_segment(t.trace, {.seq = t.c(1), .ack = t.s(1), .flags = kAck | kPsh,
                                             .payload = "abc", .verdict = Verdict::Duplicated,
                                             .link = why});
  EXPECT_EQ(t.at(original).notes, 0u) << "the first copy is the sender's packet";
  const PacketAnalysis& c = t.at(copy);
  EXPECT_EQ(c.notes, proto::kNoteWireDuplicate);
  EXPECT_EQ(c.repeats, original);
  EXPECT_EQ(c.relative_seq, 1u);
  EXPECT_EQ(c.text(), "A copy the wire made of #" + std::to_string(original) + ", not a retransmission");
  // The sender's own resend later is a retransmission of the original.
  const auto resent = t.client(1, 1, "abc", kAck | kPsh);
  EXPECT_EQ(t.at(resent).notes, proto::kNoteRetransmission);
  EXPECT_EQ(t.at(resent).repeats, original);
}

TEST(TcpFlowAnalyzer, DamagedSegmentCountsAsLostAndItsRepairSaysSo) {
  Conversation t;
  const auto damaged = append_segment(t.trace, {.seq = t.c(1), .ack = t.s(1), .flags = kAck | kPsh,
                                                .payload = "abc", .verdict = Verdict::Corrupted,
                                                .damage_mask = 0x20});
  const auto fixed = append_segment(t.trace, {.seq = t.c(4), .ack = t.s(1), .flags = kAck | kPsh,
                                              .payload = "def", .verdict = Verdict::Corrupted});
  const auto repair = t.client(1, 1, "abc", kAck | kPsh);
  EXPECT_FALSE(proto::reached_receiver(t.trace[damaged]));
  EXPECT_TRUE(proto::reached_receiver(t.trace[fixed])) << "checksum recomputed: the receiver took it";
  EXPECT_EQ(t.at(damaged).notes, proto::kNoteWireDamaged);
  EXPECT_EQ(t.at(fixed).notes, 0u);
  const PacketAnalysis& r = t.at(repair);
  EXPECT_TRUE(r.has(proto::kNoteRetransmission));
  EXPECT_EQ(r.caused_by_drop, damaged);
  EXPECT_TRUE(r.caused_by_damage);
  EXPECT_NE(r.text().find("repairs the packet the wire damaged"), std::string::npos);
}

TEST(TcpFlowAnalyzer, SequenceNumbersWrapAroundTwoToThe32) {
  // The client's ISN sits 100 below 2^32: its data crosses the wrap.
  Conversation t(0xFFFFFF9Cu, 0xFFFFFFF0u);
  const auto a = t.client(1, 1, bytes(200), kAck | kPsh);    // 0xFFFFFF9D .. wraps
  const auto b = t.client(201, 1, bytes(200), kAck | kPsh);  // seq 0x00000064: small absolute
  EXPECT_LT(testing::tcp_seq(t.trace[b]), 0x1000u) << "the absolute number did wrap";
  const auto ack = t.server(1, 401, bytes(50), kAck | kPsh);  // server data wraps too
  EXPECT_EQ(t.at(a).relative_seq, 1u);
  EXPECT_EQ(t.at(b).relative_seq, 201u);
  EXPECT_EQ(t.at(b).notes, 0u) << "not out of order across the wrap";
  EXPECT_EQ(t.at(ack).relative_ack, 401u);
  EXPECT_EQ(t.at(ack).notes, 0u);
  const auto again = t.client(201, 1, bytes(200), kAck | kPsh);
  EXPECT_EQ(t.at(again).notes, proto::kNoteRetransmission);
  EXPECT_EQ(t.at(again).repeats, b);
  const auto old = t.client(1, 51, bytes(200), kAck | kPsh);
  EXPECT_EQ(t.at(old).notes, proto::kNoteRetransmission);
  EXPECT_EQ(t.at(old).relative_ack, 51u);
}

TEST(TcpFlowAnalyzer, CaptureStartedMidConnection) {
  Conversation t(777777, 888888, /*handshake=*/false);
  const auto first = t.client(0, 0, bytes(10), kAck | kPsh);
  const auto reply = t.server(0, 10);
  const auto more = t.client(10, 0, bytes(10), kAck | kPsh);
  const PacketAnalysis& f = t.at(first);
  EXPECT_EQ(f.relative_seq, 0u);
  EXPECT_EQ(f.relative_ack, 0u);
  EXPECT_FALSE(f.isn_known);
  EXPECT_NE(f.text().find("mid-connection"), std::string::npos);
  EXPECT_EQ(t.at(reply).relative_seq, 0u) << "its base came from the client's ACK";
  EXPECT_EQ(t.at(reply).relative_ack, 10u);
  EXPECT_EQ(t.at(more).relative_seq, 10u);
  EXPECT_EQ(t.at(more).notes, 0u);
}

TEST(TcpFlowAnalyzer, NewConnectionOnTheSameFourTupleStartsOver) {
  Conversation t;
  t.client(1, 1, "", kFin | kAck);
  t.server(1, 2, "", kFin | kAck);
  t.client(2, 2);
  const auto syn = append_segment(t.trace, {.seq = 424242, .flags = kSyn});
  const auto synack = append_segment(t.trace, {.from_client = false, .seq = 99, .ack = 424243,
                                               .flags = kSyn | kAck});
  EXPECT_EQ(t.at(syn).notes, proto::kNoteHandshakeSyn);
  EXPECT_EQ(t.at(syn).relative_seq, 0u);
  EXPECT_EQ(t.at(synack).relative_ack, 1u);
}

TEST(TcpFlowAnalyzer, IncrementalUpdatesGiveTheSameAnswerAsOne) {
  // A conversation with a bit of everything, analysed in several calls as it grows.
  Conversation grown;
  std::vector<std::function<void(Conversation&)>> steps = {
      [](Conversation& t) { t.client(1, 1, bytes(100), kAck | kPsh, Verdict::Dropped); },
      [](Conversation& t) { t.client(101, 1, bytes(100), kAck | kPsh); },
      [](Conversation& t) { t.server(1, 1); },
      [](Conversation& t) { t.server(1, 1); },
      [](Conversation& t) { t.client(1, 1, bytes(100), kAck | kPsh); },
      [](Conversation& t) { t.server(1, 201, "", kAck, 0); },
      [](Conversation& t) { t.server(1, 201, "", kAck, 100); },
      [](Conversation& t) { t.client(201, 1, "", kFin | kAck); },
      [](Conversation& t) { t.server(1, 202, "", kFin | kAck); },
      [](Conversation& t) { t.client(202, 2); },
  };
  std::vector<const PacketAnalysis*> handed_out;
  for (auto& step : steps) {
    step(grown);
    grown.analyzer.update(grown.trace);
    EXPECT_EQ(grown.analyzer.analysed(), grown.trace.size());
    if (const auto* a = grown.analyzer.at(grown.trace.size() - 1)) handed_out.push_back(a);
  }
  Conversation whole;
  for (auto& step : steps) step(whole);
  whole.analyzer.update(whole.trace);
  whole.analyzer.update(whole.trace);  // nothing new: no change
  ASSERT_EQ(whole.trace.size(), grown.trace.size());
  int analysed = 0;
  for (std::size_t i = 0; i < whole.trace.size(); ++i) {
    const PacketAnalysis* a = grown.analyzer.at(i);
    const PacketAnalysis* b = whole.analyzer.at(i);
    ASSERT_EQ(a == nullptr, b == nullptr) << i;
    if (a == nullptr) continue;
    ++analysed;
    EXPECT_EQ(a->notes, b->notes) << i;
    EXPECT_EQ(a->relative_seq, b->relative_seq) << i;
    EXPECT_EQ(a->relative_ack, b->relative_ack) << i;
    EXPECT_EQ(a->repeats, b->repeats) << i;
    EXPECT_EQ(a->caused_by_drop, b->caused_by_drop) << i;
    EXPECT_EQ(a->text(), b->text()) << i;
  }
  EXPECT_EQ(analysed, 13) << "every packet; the drop's Impairment event is not one";
  // Pointers handed out earlier still point at the same analyses.
  for (const auto* a : handed_out) EXPECT_TRUE(a->tcp);
  // The scenario did exercise what it meant to.
  EXPECT_EQ(whole.at(6).duplicate_ack_count, 1u);
  EXPECT_EQ(whole.at(7).duplicate_ack_count, 2u);
  EXPECT_EQ(whole.at(8).caused_by_drop, 3u);
  EXPECT_TRUE(whole.at(9).has(proto::kNoteZeroWindow));
  EXPECT_TRUE(whole.at(10).has(proto::kNoteWindowUpdate));
  EXPECT_TRUE(whole.at(12).has(proto::kNoteTeardownAck));
}

// ---- real kernels over the virtual wire ----

// The flow's packets that reached their host, in order.
std::vector<std::size_t> arrived_tcp(const trace::Trace& trace) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind == trace::EventKind::Packet && e.transport == trace::Transport::Tcp &&
        e.verdict != Verdict::Held && e.verdict != Verdict::Dropped) {
      out.push_back(i);
    }
  }
  return out;
}

// Client connects, sends "ping", reads the echo, closes; the server is a OneShotServer.
void ping_over_wire(testing::WireSession& w) {
  testing::OneShotServer server(w, "pong", [](const std::string& got) { return got.size() >= 4; });
  ASSERT_TRUE(server.listening());
  auto client = net::TracedSocket::open(w.actor("client"), net::Protocol::Tcp);
  client.set_timeout(testing::kWireCallTimeout);
  ASSERT_TRUE(client.connect(w.server_at()));
  ASSERT_TRUE(client.send_all("ping"));
  EXPECT_EQ(client.recv(100), "pong");
  client.close();
  server.join();
  EXPECT_EQ(server.received(), "ping");
}

TEST(TcpFlowAnalyzer, RealHandshakeOverTheWireHasRelativeNumbers) {
  WIRESTEP_SKIP_WITHOUT_WIRE();
  testing::WireSession w;
  ping_over_wire(w);
  // The wire may still be recording the teardown: list the packets first, so the analyzer has
  // seen every one of them.
  const auto packets = arrived_tcp(w.trace);
  TcpFlowAnalyzer analyzer;
  analyzer.update(w.trace);
  ASSERT_GE(packets.size(), 3u);
  const PacketAnalysis* syn = analyzer.at(packets[0]);
  const PacketAnalysis* synack = analyzer.at(packets[1]);
  const PacketAnalysis* ack = analyzer.at(packets[2]);
  ASSERT_TRUE(syn && synack && ack);
  EXPECT_EQ(syn->notes, proto::kNoteHandshakeSyn);
  EXPECT_EQ(syn->relative_seq, 0u);
  EXPECT_TRUE(syn->isn_known);
  EXPECT_EQ(synack->notes, proto::kNoteHandshakeSynAck);
  EXPECT_EQ(synack->relative_seq, 0u);
  EXPECT_EQ(synack->relative_ack, 1u);
  EXPECT_TRUE(ack->has(proto::kNoteHandshakeAck));
  EXPECT_EQ(ack->relative_seq, 1u);
  EXPECT_EQ(ack->relative_ack, 1u);
  // A clean exchange: no packet is a retransmission or anything else gone wrong.
  constexpr std::uint32_t trouble = proto::kNoteRetransmission | proto::kNoteDuplicateAck |
                                    proto::kNoteOutOfOrder | proto::kNoteZeroWindow;
  for (std::size_t i : packets) {
    ASSERT_NE(analyzer.at(i), nullptr);
    EXPECT_EQ(analyzer.at(i)->notes & trouble, 0u) << "#" << i << ": " << analyzer.at(i)->text();
  }
}

TEST(TcpFlowAnalyzer, RealRetransmissionAfterAScriptedDropPointsAtTheDrop) {
  WIRESTEP_SKIP_WITHOUT_WIRE();
  testing::WireSession w;
  auto faults = wire::parse_faults("drop data#1 from client");
  ASSERT_TRUE(faults.ok());
  w.wire->set_policy(wire::make_wire_policy(
      std::make_shared<wire::ImpairmentPolicy>(7, wire::LinkImpairment{}, std::move(faults.faults))));
  ping_over_wire(w);

  const auto arrived = arrived_tcp(w.trace);  // before update(): the analyzer then saw them all
  TcpFlowAnalyzer analyzer;
  analyzer.update(w.trace);
  std::optional<std::size_t> dropped;
  for (std::size_t i = 0; i < w.trace.size() && !dropped; ++i) {
    const auto& e = w.trace[i];
    if (e.kind == trace::EventKind::Packet && e.verdict == Verdict::Dropped) dropped = i;
  }
  ASSERT_TRUE(dropped.has_value()) << "the wire dropped the client's first data segment";
  ASSERT_NE(analyzer.at(*dropped), nullptr);
  EXPECT_TRUE(analyzer.at(*dropped)->has(proto::kNoteWireDrop));
  EXPECT_EQ(analyzer.at(*dropped)->relative_seq, 1u) << "the first data byte";
  EXPECT_EQ(analyzer.at(*dropped)->payload_length, 4u);

  std::optional<std::size_t> repair;
  for (std::size_t i : arrived) {
    if (i > *dropped && testing::tcp_seq(w.trace[i]) == testing::tcp_seq(w.trace[*dropped]) &&
        w.trace[i].from == w.trace[*dropped].from && analyzer.at(i)->payload_length > 0) {
      repair = i;
      break;
    }
  }
  ASSERT_TRUE(repair.has_value()) << "the kernel sent the data again";
  const PacketAnalysis* r = analyzer.at(*repair);
  EXPECT_TRUE(r->has(proto::kNoteRetransmission)) << r->text();
  ASSERT_TRUE(r->caused_by_drop.has_value());
  EXPECT_EQ(*r->caused_by_drop, *dropped);
  EXPECT_NE(r->text().find("repairs the packet the wire dropped (#" + std::to_string(*dropped) + ")"),
            std::string::npos)
      << r->text();
}

}  // namespace
}  // namespace wirestep
