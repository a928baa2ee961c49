// Everything a running lesson may use: its trace, stepper, actors, narration cues, parameters.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "lesson/checkpoint.h"
#include "lesson/lesson_params.h"
#include "lesson/stepper.h"
#include "net/actor.h"
#include "net/cancel_signal.h"
#include "net/endpoint.h"
#include "trace/trace.h"
#include "wire/impairment_policy.h"

namespace wirestep::wire {
class VirtualWire;
}

namespace wirestep::lesson {

class LessonContext {
 public:
  LessonContext(trace::Trace& trace, Stepper& stepper, net::CancelSignal& cancel, LessonParams params)
      : trace_(trace), stepper_(stepper), cancel_(cancel), params_(params) {}

  trace::Trace& trace() { return trace_; }
  Stepper& stepper() { return stepper_; }
  const LessonParams& params() const { return params_; }

  // The identity a socket needs to be traced on lane `name` and stepped with this lesson.
  // On the virtual wire its sockets are born in the host of that name ("client#2" lives on
  // host "client"), so every packet they send crosses the wire.
  net::Actor actor(std::string_view name);
  // Where a lesson's host is reached: on the virtual wire its own address with wire_port (a
  // private namespace, so a well-known port like 80 is free); on the socket tier loopback
  // with port 0, so parallel runs never collide. A server binds it, then hands the bound
  // endpoint to its clients.
  net::Endpoint address(std::string_view host, std::uint16_t wire_port = 0) const;
  // Impairs the virtual wire from now on: scripted faults such as "drop syn#1" (see
  // wire/scripted_fault.h) plus the run's random loss and seed. Counting starts afresh. False
  // on the socket tier, where no packet can be touched; throws std::invalid_argument naming
  // the mistake when the script does not parse.
  bool impair(std::string_view faults);
  // The same with a whole random link shape, applied in both directions: loss, delay (so a
  // round trip is long enough for TCP's timers and fast retransmit to be seen), jitter,
  // duplicates... e.g. {.loss_percent = 4, .delay_ns = 10'000'000}. Seeded with the run's
  // seed; link.loss_percent is used as given (a lesson picks it from params() or its own
  // default). Throws std::invalid_argument when the script or the link is invalid.
  bool impair(std::string_view faults, const wire::LinkImpairment& link);
  // Where sockets of this host are made, for code that opens its own (the HTTP servers):
  // the wire host's namespace, or null for this process's own network.
  net::SocketFactory* sockets_for(std::string_view host) const;
  // The virtual wire of this run, or null on the socket tier.
  wire::VirtualWire* wire() const { return wire_; }
  void set_wire(wire::VirtualWire* wire) { wire_ = wire; }
  // Tells the narration panel which paragraph is now live (an anchor in the lesson's .md).
  void cue(std::string_view anchor);
  // A fact the lesson measured, in words ("all 524288 bytes arrived in order, hash matches"),
  // as a Note on the lane of the actor that measured it. Unlike a cue (a Note on lane
  // "lesson") it is not a narration anchor: the CLI prints it, the timeline marks it.
  void note(std::string_view lane, std::string_view text);
  // Predict-then-reveal: asks the question through the front end's asker (which may block the
  // calling actor until the user answers or skips) and records question and answer in the
  // trace; the answering event is found later (checkpoints_in). Without an asker (tests, CI,
  // `run` without --step) it never blocks: the checkpoint is recorded unanswered.
  void checkpoint(const Checkpoint& checkpoint);
  // The truth of a LessonFact checkpoint (ask_fact) once the lesson has measured it: "yes"
  // when the hash matched, "UDP" when only UDP lost messages.
  void reveal(std::string_view checkpoint_id, std::string_view truth);
  using CheckpointAsker = std::function<std::optional<std::string>(const Checkpoint&)>;
  void set_checkpoint_asker(CheckpointAsker asker) { asker_ = std::move(asker); }

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
  wire::VirtualWire* wire_ = nullptr;
  CheckpointAsker asker_;
};

}  // namespace wirestep::lesson
