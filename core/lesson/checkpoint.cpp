// Checkpoint: finding the real answer after the question, judging a typed answer, and the note that records both.
#include "lesson/checkpoint.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "proto/packet/packet_summary.h"
#include "proto/packet/tcp_flow_analyzer.h"

namespace wirestep::lesson {
namespace {

std::string lower_trimmed(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    if (!std::isspace(static_cast<unsigned char>(ch))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

std::optional<long long> to_number(std::string_view text) {
  const std::string t = lower_trimmed(text);
  long long value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc() || end != t.data() + t.size() || t.empty()) return std::nullopt;
  return value;
}

std::optional<bool> to_yes_no(std::string_view text) {
  const std::string t = lower_trimmed(text);
  if (t == "y" || t == "yes" || t == "true" || t == "1") return true;
  if (t == "n" || t == "no" || t == "false" || t == "0") return false;
  return std::nullopt;
}

std::string errno_name(int err) {
  if (err == 0) return "none";
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : fmt::format("errno {}", err);
}

std::string_view to_string(AnswerKind kind) {
  switch (kind) {
    case AnswerKind::Number: return "number";
    case AnswerKind::YesNo: return "yes/no";
    case AnswerKind::Choice: return "choice";
  }
  return "number";
}

std::string_view to_string(AnswerSource source) {
  switch (source) {
    case AnswerSource::CallResult: return "result";
    case AnswerSource::CallSucceeds: return "succeeds";
    case AnswerSource::CallErrno: return "errno";
    case AnswerSource::PacketAck: return "packet-ack";
    case AnswerSource::PacketArrives: return "packet-arrives";
    case AnswerSource::LessonFact: return "fact";
  }
  return "result";
}

AnswerSource source_named(std::string_view name) {
  for (const auto source : {AnswerSource::CallSucceeds, AnswerSource::CallErrno, AnswerSource::PacketAck,
                            AnswerSource::PacketArrives, AnswerSource::LessonFact}) {
    if (to_string(source) == name) return source;
  }
  return AnswerSource::CallResult;
}

std::optional<FoundAnswer> call_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from) {
  const std::size_t end = trace.size();
  for (std::size_t i = from; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::SocketCall || e.call != checkpoint.call) continue;
    if (trace.lane_name(e.lane) != checkpoint.lane) continue;
    switch (checkpoint.source) {
      case AnswerSource::CallSucceeds: return FoundAnswer{e.result >= 0 ? "yes" : "no", i};
      case AnswerSource::CallErrno: return FoundAnswer{errno_name(e.result < 0 ? e.err : 0), i};
      default: return FoundAnswer{std::to_string(e.result), i};
    }
  }
  return std::nullopt;
}

// A packet that has left the wire: held ones are not (the same packet is recorded again when a
// step releases it, or dropped).
bool sent_packet_from(const trace::Trace& trace, const trace::Event& e, std::string_view host) {
  return e.kind == trace::EventKind::Packet && e.verdict != trace::Verdict::Held && trace.lane_name(e.from) == host;
}

// The acknowledgement number relative to the ISN of the side it acknowledges: that side's SYN
// is the last SYN sent the other way between the same two endpoints before this packet.
std::optional<FoundAnswer> ack_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from) {
  const std::size_t end = trace.size();
  const std::uint8_t wanted = checkpoint.tcp_flags | proto::TcpFlags::kAck;
  for (std::size_t i = from; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (!sent_packet_from(trace, e, checkpoint.lane)) continue;
    const proto::PacketSummary packet = proto::summarize(e.payload.span());
    if (!packet.valid || packet.transport != trace::Transport::Tcp || !packet.has_flag(wanted)) continue;
    for (std::size_t j = i; j-- > 0;) {
      const trace::Event& earlier = trace[j];
      if (earlier.kind != trace::EventKind::Packet) continue;
      const proto::PacketSummary syn = proto::summarize(earlier.payload.span());
      if (syn.valid && syn.transport == trace::Transport::Tcp && syn.has_flag(proto::TcpFlags::kSyn) &&
          syn.src == packet.dst && syn.dst == packet.src) {
        return FoundAnswer{std::to_string(packet.tcp_ack - syn.tcp_seq), i};
      }
    }
    // The connection began before anything was recorded: no ISN to count from.
    return FoundAnswer{fmt::format("{} (absolute: its SYN was not seen)", packet.tcp_ack), i};
  }
  return std::nullopt;
}

std::optional<FoundAnswer> arrival_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from) {
  const std::size_t end = trace.size();
  const auto wanted = [&](const trace::Event& e) {
    return checkpoint.transport == trace::Transport::None || e.transport == checkpoint.transport;
  };
  for (std::size_t i = from; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (sent_packet_from(trace, e, checkpoint.lane) && wanted(e)) {
      return FoundAnswer{proto::reached_receiver(e) ? "yes" : "no", i};
    }
    // The UDP relay sees datagrams, not packets: its first decision about one from this host.
    if (e.kind == trace::EventKind::Impairment && e.from != trace::kNoLane && trace.lane_name(e.from) == checkpoint.lane &&
        wanted(e)) {
      return FoundAnswer{e.verdict == trace::Verdict::Dropped ? "no" : "yes", i};
    }
  }
  return std::nullopt;
}

std::optional<FoundAnswer> fact_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from) {
  const std::size_t end = trace.size();
  for (std::size_t i = from; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::Note) continue;
    const auto revealed = decode_reveal(e.payload.text());
    if (revealed && revealed->id == checkpoint.id) return FoundAnswer{revealed->truth, i};
  }
  return std::nullopt;
}

}  // namespace

Checkpoint ask_result(std::string id, std::string lane, trace::Call call, std::string question) {
  Checkpoint c;
  c.id = std::move(id);
  c.question = std::move(question);
  c.lane = std::move(lane);
  c.call = call;
  return c;
}

Checkpoint ask_succeeds(std::string id, std::string lane, trace::Call call, std::string question) {
  Checkpoint c = ask_result(std::move(id), std::move(lane), call, std::move(question));
  c.kind = AnswerKind::YesNo;
  c.source = AnswerSource::CallSucceeds;
  return c;
}

Checkpoint ask_errno(std::string id, std::string lane, trace::Call call, std::string question,
                     std::vector<std::string> choices) {
  Checkpoint c = ask_result(std::move(id), std::move(lane), call, std::move(question));
  c.kind = AnswerKind::Choice;
  c.source = AnswerSource::CallErrno;
  c.choices = std::move(choices);
  return c;
}

Checkpoint ask_ack(std::string id, std::string host, std::uint8_t tcp_flags, std::string question) {
  Checkpoint c = ask_result(std::move(id), std::move(host), trace::Call::None, std::move(question));
  c.source = AnswerSource::PacketAck;
  c.tcp_flags = tcp_flags;
  return c;
}

Checkpoint ask_arrives(std::string id, std::string host, trace::Transport transport, std::string question) {
  Checkpoint c = ask_result(std::move(id), std::move(host), trace::Call::None, std::move(question));
  c.kind = AnswerKind::YesNo;
  c.source = AnswerSource::PacketArrives;
  c.transport = transport;
  return c;
}

Checkpoint ask_fact(std::string id, AnswerKind kind, std::string question, std::vector<std::string> choices) {
  Checkpoint c = ask_result(std::move(id), "lesson", trace::Call::None, std::move(question));
  c.kind = kind;
  c.source = AnswerSource::LessonFact;
  c.choices = std::move(choices);
  return c;
}

std::optional<FoundAnswer> find_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from) {
  switch (checkpoint.source) {
    case AnswerSource::PacketAck: return ack_answer(trace, checkpoint, from);
    case AnswerSource::PacketArrives: return arrival_answer(trace, checkpoint, from);
    case AnswerSource::LessonFact: return fact_answer(trace, checkpoint, from);
    default: return call_answer(trace, checkpoint, from);
  }
}

bool judge(AnswerKind kind, std::string_view answer, std::string_view truth) {
  switch (kind) {
    case AnswerKind::Number: {
      const auto a = to_number(answer), t = to_number(truth);
      return a && t && *a == *t;
    }
    case AnswerKind::YesNo: {
      const auto a = to_yes_no(answer), t = to_yes_no(truth);
      return a && t && *a == *t;
    }
    case AnswerKind::Choice: return !lower_trimmed(answer).empty() && lower_trimmed(answer) == lower_trimmed(truth);
  }
  return false;
}

std::string encode_checkpoint(const Checkpoint& c, const std::optional<std::string>& answer) {
  nlohmann::json j = {{"id", c.id},
                      {"question", c.question},
                      {"kind", to_string(c.kind)},
                      {"lane", c.lane},
                      {"call", trace::to_string(c.call)},
                      {"source", to_string(c.source)}};
  if (!c.choices.empty()) j["choices"] = c.choices;
  if (c.transport != trace::Transport::None) j["transport"] = trace::to_string(c.transport);
  if (c.tcp_flags != 0) j["tcp_flags"] = c.tcp_flags;
  if (answer) j["answer"] = *answer;
  return std::string(kCheckpointPrefix) + j.dump();
}

std::string encode_reveal(std::string_view id, std::string_view truth) {
  const nlohmann::json j = {{"reveal", id}, {"truth", truth}};
  return std::string(kCheckpointPrefix) + j.dump();
}

std::optional<Revealed> decode_reveal(std::string_view note) {
  if (!note.starts_with(kCheckpointPrefix)) return std::nullopt;
  const auto j = nlohmann::json::parse(note.substr(kCheckpointPrefix.size()), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("reveal")) return std::nullopt;
  try {
    return Revealed{j.at("reveal").get<std::string>(), j.at("truth").get<std::string>()};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::optional<CheckpointRecord> decode_checkpoint(std::string_view note) {
  if (!note.starts_with(kCheckpointPrefix)) return std::nullopt;
  const auto j = nlohmann::json::parse(note.substr(kCheckpointPrefix.size()), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  CheckpointRecord record;
  Checkpoint& c = record.checkpoint;
  try {
    c.id = j.at("id").get<std::string>();
    c.question = j.at("question").get<std::string>();
    c.lane = j.at("lane").get<std::string>();
    const std::string kind = j.at("kind").get<std::string>();
    c.kind = kind == "yes/no" ? AnswerKind::YesNo : kind == "choice" ? AnswerKind::Choice : AnswerKind::Number;
    c.source = source_named(j.at("source").get<std::string>());
    if (!trace::parse(j.at("call").get<std::string>(), c.call)) return std::nullopt;
    if (j.contains("choices")) c.choices = j.at("choices").get<std::vector<std::string>>();
    if (j.contains("transport") && !trace::parse(j.at("transport").get<std::string>(), c.transport)) return std::nullopt;
    if (j.contains("tcp_flags")) c.tcp_flags = j.at("tcp_flags").get<std::uint8_t>();
    if (j.contains("answer")) record.answer = j.at("answer").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a note that only looks like a checkpoint: narration, not a question
  }
  return record;
}

void CheckpointTracker::update(const trace::Trace& trace) {
  const std::size_t from = read_;
  const std::size_t end = trace.size();
  if (end == from) return;
  for (std::size_t i = from; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::Note) continue;
    auto record = decode_checkpoint(e.payload.text());
    if (!record) continue;
    record->asked_at = i;
    records_.push_back(std::move(*record));
  }
  read_ = end;
  for (CheckpointRecord& record : records_) {
    if (record.found) continue;
    // Events before `from` were searched by an earlier update (or precede the question).
    record.found = find_answer(trace, record.checkpoint, std::max(record.asked_at + 1, from));
    record.correct = record.found && record.answer && judge(record.checkpoint.kind, *record.answer, record.found->truth);
  }
}

std::vector<CheckpointRecord> checkpoints_in(const trace::Trace& trace) {
  CheckpointTracker tracker;
  tracker.update(trace);
  return tracker.records();
}

namespace {

// "the server's SYN, ACK", "the client's UDP packet", "the server's recv()".
std::string subject(const Checkpoint& c) {
  switch (c.source) {
    case AnswerSource::PacketAck:
      return fmt::format("the {}'s {} packet", c.lane, proto::tcp_flags_text(c.tcp_flags | proto::TcpFlags::kAck));
    case AnswerSource::PacketArrives:
      return fmt::format("the {}'s {}", c.lane, c.transport == trace::Transport::Udp ? "datagram" : "packet");
    case AnswerSource::LessonFact: return "the lesson's measurement";
    default: return fmt::format("the {}'s {}()", c.lane, trace::to_string(c.call));
  }
}

std::string what_happened(const Checkpoint& c, const std::string& truth) {
  const std::string who = subject(c);
  switch (c.source) {
    case AnswerSource::CallResult: return fmt::format("{} returned {}", who, truth);
    case AnswerSource::CallErrno: return fmt::format("{} gave errno {}", who, truth);
    case AnswerSource::CallSucceeds: return fmt::format("{} {}", who, truth == "yes" ? "succeeded" : "failed");
    case AnswerSource::PacketAck: return fmt::format("{} carried ack {}", who, truth);
    case AnswerSource::PacketArrives:
      return fmt::format("{} {}", who, truth == "yes" ? "arrived" : "was lost on the way");
    case AnswerSource::LessonFact: return fmt::format("{} says {}", who, truth);
  }
  return who;
}

}  // namespace

std::string reveal_text(const CheckpointRecord& r) {
  if (!r.found) {
    return r.checkpoint.source == AnswerSource::LessonFact
               ? std::string("Not revealed yet: the lesson has not measured it.")
               : fmt::format("Not revealed yet: {} has not happened.", subject(r.checkpoint));
  }
  const std::string real = what_happened(r.checkpoint, r.found->truth);
  if (!r.answer) return fmt::format("Not answered; {}.", real);
  return fmt::format("You said {}; {}: {}.", *r.answer, real, r.correct ? "correct" : "wrong");
}

}  // namespace wirestep::lesson
