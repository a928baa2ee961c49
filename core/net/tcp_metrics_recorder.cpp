// TcpMetricsRecorder: struct tcp_info into trace::TcpMetrics, appended when it changes.
#include "net/tcp_metrics_recorder.h"

#include <linux/tcp.h>  // glibc's struct tcp_info stops before bytes_acked
#include <netinet/in.h>
#include <sys/socket.h>

#include "trace/trace.h"

namespace wirestep::net {

std::optional<trace::TcpMetrics> read_tcp_metrics(int fd) {
  if (fd < 0) return std::nullopt;
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return std::nullopt;
  trace::TcpMetrics m;
  // Older kernels fill a shorter struct; the fields past `length` stay 0.
  m.bytes_sent = info.tcpi_bytes_sent;
  m.bytes_acked = info.tcpi_bytes_acked;
  m.bytes_retrans = info.tcpi_bytes_retrans;
  m.delivery_rate = info.tcpi_delivery_rate;
  m.snd_cwnd = info.tcpi_snd_cwnd;
  m.snd_ssthresh = info.tcpi_snd_ssthresh;
  m.snd_mss = info.tcpi_snd_mss;
  m.snd_wnd = info.tcpi_snd_wnd;
  m.rtt_us = info.tcpi_rtt;
  m.rttvar_us = info.tcpi_rttvar;
  m.rto_us = info.tcpi_rto;
  m.unacked = info.tcpi_unacked;
  m.sacked = info.tcpi_sacked;
  m.lost = info.tcpi_lost;
  m.retrans = info.tcpi_retrans;
  m.total_retrans = info.tcpi_total_retrans;
  m.ca_state = info.tcpi_ca_state;
  m.retransmits = info.tcpi_retransmits;
  m.backoff = info.tcpi_backoff;
  return m;
}

TcpMetricsRecorder::TcpMetricsRecorder(trace::Trace& trace, int fd, const trace::Event& event)
    : trace_(trace), fd_(fd), event_(event) {
  event_.kind = trace::EventKind::TcpMetrics;
  event_.transport = trace::Transport::Tcp;
}

bool TcpMetricsRecorder::sample() {
  std::lock_guard lock(mutex_);
  return sample_locked(true);
}

bool TcpMetricsRecorder::sample_now() {
  std::lock_guard lock(mutex_);
  return sample_locked(false);
}

bool TcpMetricsRecorder::sample_locked(bool respect_interval) {
  if (fd_ < 0) return false;
  const std::int64_t now = trace_.now_ns();
  if (respect_interval && last_ && now - last_ns_ < kMinIntervalNs) return true;
  const auto metrics = read_tcp_metrics(fd_);
  if (!metrics || metrics == last_) return true;
  last_ = metrics;
  last_ns_ = now;
  const std::uint64_t seq = trace_.append_at(now, event_, trace::metrics_bytes(*metrics));
  // The trace raises a time older than its newest event's (another thread appended meanwhile):
  // the next sample keeps its distance from the time the event really got.
  if (seq != trace::kNoSeq) last_ns_ = trace_[static_cast<std::size_t>(seq)].t_ns;
  return true;
}

void TcpMetricsRecorder::detach() {
  std::lock_guard lock(mutex_);
  // The connection's final figures (every byte acknowledged, or not) may have changed since the
  // last timed sample, less than the interval ago: this is the last chance to read them.
  sample_locked(false);
  fd_ = -1;
}

bool TcpMetricsRecorder::attached() const {
  std::lock_guard lock(mutex_);
  return fd_ >= 0;
}

}  // namespace wirestep::net
