// Checkpoints: answers found in the trace after the question, typed answers judged, notes round-tripped.
#include "lesson/checkpoint.h"

#include <gtest/gtest.h>

#include <cerrno>

#include "support/tcp_trace_builder.h"
#include "trace/trace_json.h"

namespace wirestep::lesson {
namespace {

void call(trace::Trace& t, std::string_view lane, trace::Call c, std::int64_t result, int err = 0) {
  trace::Event e;
  e.kind = trace::EventKind::SocketCall;
  e.lane = t.lane(lane);
  e.call = c;
  e.result = result;
  e.err = err;
  t.append(e, std::string_view{});
}

void note(trace::Trace& t, const std::string& text) {
  trace::Event e;
  e.kind = trace::EventKind::Note;
  e.lane = t.lane("lesson");
  t.append(e, text);
}

TEST(CheckpointTest, JudgesNumbersYesNoAndChoices) {
  EXPECT_TRUE(judge(AnswerKind::Number, " 06 ", "6"));
  EXPECT_FALSE(judge(AnswerKind::Number, "5", "6"));
  EXPECT_FALSE(judge(AnswerKind::Number, "six", "6"));
  EXPECT_FALSE(judge(AnswerKind::Number, "", "6"));
  EXPECT_TRUE(judge(AnswerKind::YesNo, "Y", "yes"));
  EXPECT_TRUE(judge(AnswerKind::YesNo, "no", "no"));
  EXPECT_FALSE(judge(AnswerKind::YesNo, "yes", "no"));
  EXPECT_FALSE(judge(AnswerKind::YesNo, "maybe", "no"));
  EXPECT_TRUE(judge(AnswerKind::Choice, "econnrefused", "ECONNREFUSED"));
  EXPECT_FALSE(judge(AnswerKind::Choice, "ETIMEDOUT", "ECONNREFUSED"));
}

TEST(CheckpointTest, FindsTheFirstMatchingCallAfterTheQuestion) {
  trace::Trace t;
  call(t, "server", trace::Call::Recv, 99);  // before the question: not the answer
  note(t, encode_checkpoint(ask_result("q", "server", trace::Call::Recv, "How many?"), std::string("6")));
  call(t, "client", trace::Call::Recv, 4);   // another lane
  EXPECT_FALSE(checkpoints_in(t).front().found) << "revealed before the answering call happened";
  call(t, "server", trace::Call::Recv, 6);
  call(t, "server", trace::Call::Recv, 0);
  const auto records = checkpoints_in(t);
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, "6");
  EXPECT_EQ(records[0].found->event, 3u);
  EXPECT_TRUE(records[0].correct);
  EXPECT_EQ(reveal_text(records[0]), "You said 6; the server's recv() returned 6: correct.");
}

// Read as the trace grows (the app does it every frame): a question first, its answer later,
// a second question after that; the same records as reading the finished trace at once.
TEST(CheckpointTest, TrackerReadsAGrowingTraceLikeAFinishedOne) {
  trace::Trace t;
  CheckpointTracker tracker;
  note(t, encode_checkpoint(ask_result("q1", "server", trace::Call::Recv, "How many?"), std::string("6")));
  call(t, "client", trace::Call::Send, 6);
  tracker.update(t);
  ASSERT_EQ(tracker.records().size(), 1u);
  EXPECT_FALSE(tracker.records()[0].found);
  call(t, "server", trace::Call::Recv, 6);
  note(t, encode_checkpoint(ask_succeeds("q2", "client", trace::Call::Close, "Closes?"), std::nullopt));
  tracker.update(t);
  tracker.update(t);  // nothing new: nothing changes
  call(t, "client", trace::Call::Close, 0);
  call(t, "server", trace::Call::Recv, 0);
  tracker.update(t);
  const auto whole = checkpoints_in(t);
  ASSERT_EQ(tracker.records().size(), 2u);
  ASSERT_EQ(whole.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(tracker.records()[i].found);
    EXPECT_EQ(tracker.records()[i].found->event, whole[i].found->event);
    EXPECT_EQ(tracker.records()[i].correct, whole[i].correct);
  }
  EXPECT_EQ(tracker.records()[0].found->event, 2u) << "the first recv, not the later one";
  EXPECT_TRUE(tracker.records()[0].correct);
  EXPECT_EQ(tracker.records()[1].found->truth, "yes");
}

TEST(CheckpointTest, ErrnoAndSuccessAnswers) {
  trace::Trace t;
  note(t, encode_checkpoint(ask_errno("e", "client", trace::Call::Connect, "Which?", {"none", "ECONNREFUSED"}),
                            std::string("none")));
  note(t, encode_checkpoint(ask_succeeds("s", "client", trace::Call::Connect, "Works?"), std::nullopt));
  call(t, "client", trace::Call::Connect, -1, ECONNREFUSED);
  const auto records = checkpoints_in(t);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].found->truth, "ECONNREFUSED");
  EXPECT_FALSE(records[0].correct);
  EXPECT_EQ(records[0].checkpoint.choices.size(), 2u);
  EXPECT_EQ(records[1].found->truth, "no");
  EXPECT_FALSE(records[1].answer);
  EXPECT_FALSE(records[1].correct);
  EXPECT_EQ(reveal_text(records[1]), "Not answered; the client's connect() failed.");
}

TEST(CheckpointTest, SurvivesAJsonRoundTrip) {
  trace::Trace t;
  note(t, encode_checkpoint(ask_result("q", "server", trace::Call::Recv, "How \"many\"?"), std::string("11")));
  call(t, "server", trace::Call::Recv, 11);
  const auto back = trace::trace_from_json(nlohmann::json::parse(trace::trace_to_json(t).dump()));
  const auto records = checkpoints_in(*back);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].checkpoint.question, "How \"many\"?");
  EXPECT_EQ(records[0].answer, "11");
  EXPECT_TRUE(records[0].correct);
}

// The SYN-ACK's ack, relative to the client's ISN: 1, whatever the ISN was. A held copy does
// not answer (the packet has not left the wire); the release does.
TEST(CheckpointTest, PacketAckIsRelativeToThePeersIsnAndWaitsForTheRelease) {
  using C = testing::TcpConversation;
  trace::Trace t;
  const std::uint32_t client_isn = 3'000'000'000u;
  note(t, encode_checkpoint(ask_ack("syn-ack", "server", C::kSyn | C::kAck, "Ack?"), std::string("1")));
  testing::append_segment(t, {.seq = client_isn, .flags = C::kSyn});
  testing::append_segment(t, {.from_client = false, .seq = 77, .ack = client_isn + 1, .flags = C::kSyn | C::kAck,
                              .verdict = trace::Verdict::Held});
  EXPECT_FALSE(checkpoints_in(t).front().found) << "a held packet revealed the answer";
  const std::size_t released = testing::append_segment(
      t, {.from_client = false, .seq = 77, .ack = client_isn + 1, .flags = C::kSyn | C::kAck});
  // A later data ACK from the server is not the SYN-ACK's answer.
  testing::append_segment(t, {.from_client = false, .seq = 78, .ack = client_isn + 7, .flags = C::kAck});
  const auto records = checkpoints_in(t);
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, "1");
  EXPECT_EQ(records[0].found->event, released);
  EXPECT_TRUE(records[0].correct);
  EXPECT_EQ(reveal_text(records[0]), "You said 1; the server's SYN, ACK packet carried ack 1: correct.");
}

TEST(CheckpointTest, PacketAckOfDataCountsBytesFromTheIsn) {
  using C = testing::TcpConversation;
  C conversation(4000, 9000);  // handshake recorded before the question
  trace::Trace& t = conversation.trace;
  note(t, encode_checkpoint(ask_ack("data-ack", "server", 0, "Ack?"), std::string("6")));
  conversation.client(1, 1, "hello\n");
  conversation.server(1, 7);
  const auto records = checkpoints_in(t);
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, "7");
  EXPECT_FALSE(records[0].correct);
}

TEST(CheckpointTest, ArrivalIsTheWiresVerdictOnTheFirstPacketOfThatTransport) {
  using C = testing::TcpConversation;
  trace::Trace t;
  note(t, encode_checkpoint(ask_arrives("first", "client", trace::Transport::Tcp, "Arrives?"), std::string("yes")));
  note(t, encode_checkpoint(ask_arrives("udp", "client", trace::Transport::Udp, "Arrives?"), std::string("no")));
  testing::append_segment(t, {.from_client = false, .seq = 1, .flags = C::kSyn});  // the other host's
  testing::append_segment(t, {.seq = 1, .flags = C::kSyn, .verdict = trace::Verdict::Dropped});
  testing::append_segment(t, {.seq = 1, .flags = C::kSyn});  // the retransmission arrives
  auto records = checkpoints_in(t);
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, "no");
  EXPECT_FALSE(records[0].correct);
  EXPECT_EQ(reveal_text(records[0]), "You said yes; the client's packet was lost on the way: wrong.");
  EXPECT_FALSE(records[1].found) << "no UDP datagram was sent";

  // The user-space relay decides per datagram: its Impairment event answers.
  trace::Event relay;
  relay.kind = trace::EventKind::Impairment;
  relay.lane = t.lane("relay");
  relay.from = t.lane("client");
  relay.to = t.lane("server");
  relay.transport = trace::Transport::Udp;
  relay.verdict = trace::Verdict::Delayed;
  t.append(relay, std::string_view("delayed by the relay"));
  records = checkpoints_in(t);
  ASSERT_TRUE(records[1].found);
  EXPECT_EQ(records[1].found->truth, "yes");
  EXPECT_EQ(reveal_text(records[1]), "You said no; the client's datagram arrived: wrong.");
}

TEST(CheckpointTest, LessonFactsAreRevealedByTheLessonsOwnNote) {
  trace::Trace t;
  note(t, encode_checkpoint(ask_fact("who", AnswerKind::Choice, "Which?", {"TCP", "UDP"}), std::string("udp")));
  note(t, encode_reveal("other", "TCP"));  // another checkpoint's fact
  EXPECT_FALSE(checkpoints_in(t).front().found);
  EXPECT_EQ(reveal_text(checkpoints_in(t).front()), "Not revealed yet: the lesson has not measured it.");
  note(t, encode_reveal("who", "UDP"));
  const auto back = trace::trace_from_json(nlohmann::json::parse(trace::trace_to_json(t).dump()));
  const auto records = checkpoints_in(*back);
  ASSERT_EQ(records.size(), 1u) << "a reveal note is no question";
  ASSERT_TRUE(records[0].found);
  EXPECT_EQ(records[0].found->truth, "UDP");
  EXPECT_TRUE(records[0].correct);
  EXPECT_EQ(records[0].checkpoint.choices, (std::vector<std::string>{"TCP", "UDP"}));
  EXPECT_EQ(reveal_text(records[0]), "You said udp; the lesson's measurement says UDP: correct.");
}

TEST(CheckpointTest, PacketQuestionsKeepTheirFilterThroughANote) {
  const auto ack = decode_checkpoint(encode_checkpoint(ask_ack("a", "server", 0x12, "?"), std::nullopt));
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->checkpoint.source, AnswerSource::PacketAck);
  EXPECT_EQ(ack->checkpoint.tcp_flags, 0x12);
  const auto arrives =
      decode_checkpoint(encode_checkpoint(ask_arrives("b", "client", trace::Transport::Udp, "?"), std::nullopt));
  ASSERT_TRUE(arrives);
  EXPECT_EQ(arrives->checkpoint.source, AnswerSource::PacketArrives);
  EXPECT_EQ(arrives->checkpoint.transport, trace::Transport::Udp);
  EXPECT_EQ(arrives->checkpoint.kind, AnswerKind::YesNo);
  EXPECT_FALSE(decode_reveal("checkpoint:{\"id\":\"q\"}"));
}

TEST(CheckpointTest, OrdinaryNotesAreNotCheckpoints) {
  EXPECT_FALSE(decode_checkpoint("listen"));
  EXPECT_FALSE(decode_checkpoint("checkpoint:{not json"));
  EXPECT_FALSE(decode_checkpoint("checkpoint:{\"id\":1}"));
}

}  // namespace
}  // namespace wirestep::lesson
