// Checkpoint: finding the real answer after the question, judging a typed answer, and the note that records both.
#include "lesson/checkpoint.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
  }
  return "result";
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

std::optional<FoundAnswer> find_answer(const trace::Trace& trace, const Checkpoint& checkpoint, std::size_t from) {
  const std::size_t end = trace.size();
  for (std::size_t i = from; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::SocketCall || e.call != checkpoint.call) continue;
    if (trace.lane_name(e.lane) != checkpoint.lane) continue;
    switch (checkpoint.source) {
      case AnswerSource::CallResult: return FoundAnswer{std::to_string(e.result), i};
      case AnswerSource::CallSucceeds: return FoundAnswer{e.result >= 0 ? "yes" : "no", i};
      case AnswerSource::CallErrno: return FoundAnswer{errno_name(e.result < 0 ? e.err : 0), i};
    }
  }
  return std::nullopt;
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
  if (answer) j["answer"] = *answer;
  return std::string(kCheckpointPrefix) + j.dump();
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
    const std::string source = j.at("source").get<std::string>();
    c.source = source == "succeeds" ? AnswerSource::CallSucceeds
               : source == "errno"  ? AnswerSource::CallErrno
                                    : AnswerSource::CallResult;
    if (!trace::parse(j.at("call").get<std::string>(), c.call)) return std::nullopt;
    if (j.contains("choices")) c.choices = j.at("choices").get<std::vector<std::string>>();
    if (j.contains("answer")) record.answer = j.at("answer").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a note that only looks like a checkpoint: narration, not a question
  }
  return record;
}

std::vector<CheckpointRecord> checkpoints_in(const trace::Trace& trace) {
  std::vector<CheckpointRecord> out;
  const std::size_t end = trace.size();
  for (std::size_t i = 0; i < end; ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::Note) continue;
    auto record = decode_checkpoint(e.payload.text());
    if (!record) continue;
    record->asked_at = i;
    record->found = find_answer(trace, record->checkpoint, i + 1);
    record->correct = record->found && record->answer && judge(record->checkpoint.kind, *record->answer, record->found->truth);
    out.push_back(std::move(*record));
  }
  return out;
}

std::string reveal_text(const CheckpointRecord& r) {
  const std::string what = fmt::format("{}'s {}()", r.checkpoint.lane, trace::to_string(r.checkpoint.call));
  if (!r.found) return fmt::format("Not revealed yet: {} has not happened.", what);
  const std::string real = r.checkpoint.source == AnswerSource::CallResult ? fmt::format("{} returned {}", what, r.found->truth)
                           : r.checkpoint.source == AnswerSource::CallErrno
                               ? fmt::format("{} gave errno {}", what, r.found->truth)
                               : fmt::format("{} {}", what, r.found->truth == "yes" ? "succeeded" : "failed");
  if (!r.answer) return fmt::format("Not answered; {}.", real);
  return fmt::format("You said {}; {}: {}.", *r.answer, real, r.correct ? "correct" : "wrong");
}

}  // namespace wirestep::lesson
