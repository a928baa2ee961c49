// Records socket calls made outside TracedSocket (non-blocking event loops) as the same events.
#pragma once

#include <cstdint>
#include <span>

#include "trace/event.h"

namespace wirestep::trace {
class Trace;
}

namespace wirestep::net {

// What an event loop knows about one socket, kept so each record is a plain copy.
struct RecordedSocket {
  trace::LaneId lane = trace::kNoLane;
  int fd = -1;
  trace::Address local;
  trace::Address peer;
  trace::FlowId flow = trace::kNoFlow;
  std::uint64_t sent = 0;      // stream offsets, as TracedSocket keeps them
  std::uint64_t received = 0;
};

// No stepper gate and no TCP_INFO snapshots: an event loop serving thousands of sockets
// cannot wait for a teacher or pay a system call per event. Each record is one Trace::append
// (which copies the payload into the arena); nothing else is allocated.
class CallRecorder {
 public:
  explicit CallRecorder(trace::Trace* trace = nullptr) : trace_(trace) {}

  bool enabled() const { return trace_ != nullptr; }
  trace::Trace* trace() const { return trace_; }
  // The monotonic clock a call's start is taken from (0 when disabled: no clock read).
  std::int64_t start() const;

  // Payload: the bytes that moved (send/recv). Updates socket's stream offsets.
  void record(RecordedSocket& socket, trace::Call call, std::int64_t start_ns, std::int64_t result,
              int err, std::uint32_t requested = 0, std::span<const std::byte> payload = {}) const;

 private:
  trace::Trace* trace_;
};

}  // namespace wirestep::net
