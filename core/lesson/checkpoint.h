// Predict-then-reveal checkpoints: a question asked before an event, judged against the real event in the trace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.h"

namespace wirestep::lesson {

enum class AnswerKind : std::uint8_t { Number, YesNo, Choice };

// Where the real answer is, always the first matching event recorded after the question.
enum class AnswerSource : std::uint8_t {
  // The first call named `call` on lane `lane`. Socket calls exist on every tier, so these
  // checkpoints work without the wire.
  CallResult,    // Number: its result (recv's byte count, send's bytes)
  CallSucceeds,  // YesNo: result >= 0
  CallErrno,     // Choice: the errno's name ("ECONNREFUSED"), or "none" when it succeeded
  // The first packet sent by host `lane` once it has left the wire (a held packet answers when
  // it is released). Only packets of the virtual wire can answer: ask these when
  // context.wire() exists.
  PacketAck,      // Number: the relative ack of a TCP packet with every flag of `tcp_flags` (and ACK)
  PacketArrives,  // YesNo: whether a packet of `transport` reached its host. The user-space UDP
                  // relay's decision answers too (its Impairment event, one per datagram).
  // Whatever the lesson measured and recorded with LessonContext::reveal(id, truth): a hash
  // compared, messages counted. Works on every tier.
  LessonFact,
};

struct Checkpoint {
  std::string id;        // also the narration anchor that explains the answer
  std::string question;  // "How many bytes will the server's recv() return?"
  AnswerKind kind = AnswerKind::Number;
  std::vector<std::string> choices;  // Choice only
  std::string lane;                  // whose call answers it: "server", "client"
  trace::Call call = trace::Call::None;
  AnswerSource source = AnswerSource::CallResult;
  trace::Transport transport = trace::Transport::None;  // PacketArrives: None = any packet
  std::uint8_t tcp_flags = 0;                           // PacketAck: flags the packet must carry
};

// One-line questions for lesson scripts: `context.checkpoint(ask_result("data", "server", Call::Recv, "..."))`.
Checkpoint ask_result(std::string id, std::string lane, trace::Call call, std::string question);
Checkpoint ask_succeeds(std::string id, std::string lane, trace::Call call, std::string question);
Checkpoint ask_errno(std::string id, std::string lane, trace::Call call, std::string question,
                     std::vector<std::string> choices);
// "What ack will the server's SYN-ACK carry?": ask_ack("syn-ack", "server", SYN | ACK, ...).
Checkpoint ask_ack(std::string id, std::string host, std::uint8_t tcp_flags, std::string question);
Checkpoint ask_arrives(std::string id, std::string host, trace::Transport transport, std::string question);
// Answered by the lesson's own measurement: context.reveal(id, "yes") later in the script.
Checkpoint ask_fact(std::string id, AnswerKind kind, std::string question, std::vector<std::string> choices = {});

// The real answer and the event that gave it.
struct FoundAnswer {
  std::string truth;
  std::size_t event = 0;
};

// One checkpoint as a trace holds it: the question, what the user said (nullopt: nobody was
// asked, or they skipped), and the reveal once the answering event exists.
struct CheckpointRecord {
  Checkpoint checkpoint;
  std::size_t asked_at = 0;  // trace index of the question's note
  std::optional<std::string> answer;
  std::optional<FoundAnswer> found;
  bool correct = false;
};

// Searches events [from, trace.size()) for the answer; nullopt while it has not happened.
std::optional<FoundAnswer> find_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from);

// Whether an answer typed by a person matches the truth: numbers by value ("06" is 6), yes/no
// in any common spelling (y, yes, true, 1), choices without regard to case or spaces.
bool judge(AnswerKind kind, std::string_view answer, std::string_view truth);

// The question as a Note payload ("checkpoint:" + JSON) so saved traces keep it, and back.
inline constexpr std::string_view kCheckpointPrefix = "checkpoint:";
// A checkpoint's note is no narration cue: readers of cues skip it.
inline bool is_checkpoint_note(const trace::Event& e) {
  return e.kind == trace::EventKind::Note && e.payload.text().starts_with(kCheckpointPrefix);
}
std::string encode_checkpoint(const Checkpoint& checkpoint, const std::optional<std::string>& answer);
std::optional<CheckpointRecord> decode_checkpoint(std::string_view note);
// A LessonFact's truth as the lesson measured it, also a "checkpoint:" note (never a cue).
struct Revealed {
  std::string id;
  std::string truth;
};
std::string encode_reveal(std::string_view id, std::string_view truth);
std::optional<Revealed> decode_reveal(std::string_view note);

// Every checkpoint in the trace, in order, each revealed from the events after it.
std::vector<CheckpointRecord> checkpoints_in(const trace::Trace& trace);

// The same for a growing trace, read incrementally: each update() looks at new events for
// questions and searches only the new events for answers still missing, so a front end can
// call it every frame of a long live run. One trace per tracker (reset() for another).
class CheckpointTracker {
 public:
  void update(const trace::Trace& trace);
  const std::vector<CheckpointRecord>& records() const { return records_; }
  void reset() { *this = CheckpointTracker{}; }

 private:
  std::vector<CheckpointRecord> records_;
  std::size_t read_ = 0;  // events looked at so far
};

// "You said 1; the recv returned 6: wrong" / "Not answered; the recv returned 6".
std::string reveal_text(const CheckpointRecord& record);

}  // namespace wirestep::lesson
