// Reads a TCP socket's congestion state (TCP_INFO) and records it as TcpMetrics events.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "net/actor.h"
#include "trace/event.h"
#include "trace/tcp_metrics.h"

namespace wirestep::net {

// cwnd, ssthresh, RTT, RTO, retransmissions... of the socket `fd`, or nullopt when TCP_INFO
// cannot be read (not a TCP socket, closed).
std::optional<trace::TcpMetrics> read_tcp_metrics(int fd);

// Shared by a TracedSocket (which samples after its data calls) and a TcpMetricsSampler
// (which samples on a timer while a call blocks), so both keep to one rule: an event at most
// once per millisecond, and only when a figure changed — except the figures at the end of the
// stream, at an error and at the close, which are always taken (the connection's last word). detach() is called by the socket before
// it closes its fd, under the same lock a sample holds, so no sample ever reads an fd number
// that the process has given to something else.
class TcpMetricsRecorder {
 public:
  static constexpr std::int64_t kMinIntervalNs = 1'000'000;

  // `event` is the template of every metrics event: lane, fd, addresses, flow.
  TcpMetricsRecorder(trace::Trace& trace, int fd, const trace::Event& event);

  // Reads TCP_INFO and appends an event if a figure changed and the last one is at least
  // kMinIntervalNs old. False once detached.
  bool sample();
  // The same without the interval rule: for the moments whose figures must not be skipped
  // (the end of the stream, an error, the close), which may come right after a timed sample.
  bool sample_now();
  // Takes a last sample (sample_now), then stops reading the fd.
  void detach();
  bool attached() const;

 private:
  bool sample_locked(bool respect_interval);

  trace::Trace& trace_;
  mutable std::mutex mutex_;
  int fd_;
  trace::Event event_;
  std::optional<trace::TcpMetrics> last_;
  std::int64_t last_ns_ = 0;
};

}  // namespace wirestep::net
