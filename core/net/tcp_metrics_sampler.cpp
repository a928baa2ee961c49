// TcpMetricsSampler: one thread, one TCP_INFO read per interval, stopped by its stop token.
#include "net/tcp_metrics_sampler.h"

namespace wirestep::net {

TcpMetricsSampler::TcpMetricsSampler(std::shared_ptr<TcpMetricsRecorder> recorder, std::chrono::milliseconds interval)
    : thread_([this, recorder = std::move(recorder), interval](std::stop_token stop) {
        std::unique_lock lock(mutex_);
        while (!stop.stop_requested() && recorder->sample()) {
          // A timed wait that the stop request cuts short, so destruction never waits a slice.
          wake_.wait_for(lock, stop, interval, [] { return false; });
        }
      }) {}

}  // namespace wirestep::net
