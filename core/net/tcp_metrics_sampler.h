// Samples a TCP connection's metrics on a timer, so a send() blocked for a whole RTO leaves no gap.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "net/tcp_metrics_recorder.h"

namespace wirestep::net {

// A TracedSocket samples TCP_INFO after each data call, but the moments a congestion lesson is
// about (a timeout, the window collapsing to one segment) happen while the sender sits inside a
// blocked send(). This thread asks every `interval` until it is destroyed or the socket closes.
class TcpMetricsSampler {
 public:
  explicit TcpMetricsSampler(std::shared_ptr<TcpMetricsRecorder> recorder,
                             std::chrono::milliseconds interval = std::chrono::milliseconds(2));
  TcpMetricsSampler(const TcpMetricsSampler&) = delete;
  TcpMetricsSampler& operator=(const TcpMetricsSampler&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::jthread thread_;  // last: stops and joins before the members it uses go
};

}  // namespace wirestep::net
