// Small queries over a trace that several tests share: calls of a lane, payload text.
#pragma once

#include <string>
#include <vector>

#include "lesson/checkpoint.h"
#include "trace/trace.h"

namespace wirestep::testing {

inline std::vector<const trace::Event*> calls_of(const trace::Trace& trace, std::string_view lane) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind == trace::EventKind::SocketCall && trace.lane_name(e.lane) == lane) out.push_back(&e);
  }
  return out;
}

// The texts of the Notes on one lane: on "lesson" the cues, on an actor's lane what it measured
// (LessonContext::note).
inline std::vector<std::string> notes_of(const trace::Trace& trace, std::string_view lane) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind == trace::EventKind::Note && trace.lane_name(e.lane) == lane) out.emplace_back(e.payload.text());
  }
  return out;
}

inline std::vector<std::string> call_names(const std::vector<const trace::Event*>& events) {
  std::vector<std::string> out;
  for (const auto* e : events) out.emplace_back(trace::to_string(e->call));
  return out;
}

inline std::string payload_of(const std::vector<const trace::Event*>& events, trace::Call call) {
  std::string out;
  for (const auto* e : events) {
    if (e->call == call) out += std::string(e->payload.text());
  }
  return out;
}

// Narration cues: the Notes on lane "lesson" (LessonContext::cue), checkpoint questions left out.
inline std::vector<std::string> cues(const trace::Trace& trace) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const trace::Event& e = trace[i];
    if (e.kind == trace::EventKind::Note && trace.lane_name(e.lane) == "lesson" && !lesson::is_checkpoint_note(e)) {
      out.emplace_back(e.payload.text());
    }
  }
  return out;
}

}  // namespace wirestep::testing
