// Everything a running lesson may use: its trace, stepper, actors, narration cues, parameters.
#pragma once

#include <string_view>

#include "lesson/lesson_params.h"
#include "lesson/stepper.h"
#include "net/actor.h"
#include "net/cancel_signal.h"
#include "trace/trace.h"

namespace wirestep::lesson {

class LessonContext {
 public:
  LessonContext(trace::Trace& trace, Stepper& stepper, net::CancelSignal& cancel, LessonParams params)
      : trace_(trace), stepper_(stepper), cancel_(cancel), params_(params) {}

  trace::Trace& trace() { return trace_; }
  Stepper& stepper() { return stepper_; }
  const LessonParams& params() const { return params_; }

  // The identity a socket needs to be traced on lane `name` and stepped with this lesson.
  net::Actor actor(std::string_view name) {
    return net::Actor{&trace_, trace_.lane(name), &stepper_, &cancel_};
  }
  // Tells the narration panel which paragraph is now live (an anchor in the lesson's .md).
  void cue(std::string_view anchor);

  bool cancelled() const { return cancel_.cancelled(); }
  void throw_if_cancelled() const { cancel_.throw_if_cancelled(); }
  // Stops the whole lesson: every gate and every socket wait throws net::Cancelled.
  void cancel() {
    cancel_.cancel();
    stepper_.cancel();
  }
  const net::CancelSignal& cancel_signal() const { return cancel_; }

 private:
  trace::Trace& trace_;
  Stepper& stepper_;
  net::CancelSignal& cancel_;
  LessonParams params_;
};

}  // namespace wirestep::lesson
