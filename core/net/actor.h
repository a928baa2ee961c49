// Who is making socket calls: the lane they are drawn on, the trace, the gate and the stop signal.
#pragma once

#include <cstdint>

#include "trace/event.h"

namespace wirestep::trace {
class Trace;
}

namespace wirestep::net {

class CancelSignal;
class SocketFactory;

// The call about to be made, as the stepper shows it ("next: client connect()").
struct PendingCall {
  trace::LaneId lane = trace::kNoLane;
  trace::Call call = trace::Call::None;
  int fd = -1;
  std::uint32_t size = 0;  // bytes offered or asked for
};

// Something that decides when the next socket call may go (the lesson's Stepper). It may
// block, and throws Cancelled when the lesson is being stopped.
class CallGate {
 public:
  virtual ~CallGate() = default;
  virtual void wait_turn(const PendingCall& call) = 0;
};

// Copyable and cheap: a socket keeps its own copy. A null trace records nothing (the
// benchmark's baseline); a null gate lets every call through; a null cancel never stops;
// null sockets means socket(2) in this process's own network (loopback).
struct Actor {
  trace::Trace* trace = nullptr;
  trace::LaneId lane = trace::kNoLane;
  CallGate* gate = nullptr;
  const CancelSignal* cancel = nullptr;
  SocketFactory* sockets = nullptr;
};

}  // namespace wirestep::net
