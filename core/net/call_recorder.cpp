// CallRecorder: one SocketCall event per call, stamped and appended like TracedSocket's.
#include "net/call_recorder.h"

#include <chrono>

#include "trace/trace.h"

namespace wirestep::net {
namespace {

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::int64_t CallRecorder::start() const { return trace_ != nullptr ? steady_ns() : 0; }

void CallRecorder::record(RecordedSocket& socket, trace::Call call, std::int64_t start_ns,
                          std::int64_t result, int err, std::uint32_t requested,
                          std::span<const std::byte> payload) const {
  std::uint64_t offset = 0;
  if (call == trace::Call::Send) {
    offset = socket.sent;
    if (result > 0) socket.sent += static_cast<std::uint64_t>(result);
  } else if (call == trace::Call::Recv) {
    offset = socket.received;
    if (result > 0) socket.received += static_cast<std::uint64_t>(result);
  }
  if (trace_ == nullptr) return;
  trace::Event event;
  event.kind = trace::EventKind::SocketCall;
  event.lane = socket.lane;
  event.call = call;
  event.transport = trace::Transport::Tcp;
  event.fd = socket.fd;
  event.result = result;
  event.err = err;
  event.requested = requested;
  event.stream_offset = offset;
  event.local = socket.local;
  event.peer = socket.peer;
  event.flow = socket.flow;
  event.dur_ns = steady_ns() - start_ns;
  trace_->append(event, payload);
}

}  // namespace wirestep::net
