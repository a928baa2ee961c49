// TcpMetrics to and from the payload bytes of a TcpMetrics event.
#include "trace/tcp_metrics.h"

#include <fmt/format.h>

#include <cstring>

namespace wirestep::trace {

std::string_view ca_state_name(std::uint8_t state) {
  // include/uapi/linux/tcp.h: enum tcp_ca_state.
  constexpr std::string_view kNames[] = {"open", "disorder", "cwr", "recovery", "loss"};
  return state < std::size(kNames) ? kNames[state] : std::string_view{"?"};
}

std::string describe(const TcpMetrics& m) {
  const std::string ssthresh = m.snd_ssthresh >= kNoSsthresh ? "-" : std::to_string(m.snd_ssthresh);
  std::string text = fmt::format("cwnd {} ssthresh {} rtt {:.1f}±{:.1f} ms rto {} ms in flight {}", m.snd_cwnd,
                                 ssthresh, m.rtt_us / 1e3, m.rttvar_us / 1e3, m.rto_us / 1000, m.unacked);
  if (m.lost != 0) text += fmt::format(" lost {}", m.lost);
  if (m.total_retrans != 0) text += fmt::format(" retrans {}/{}", m.retrans, m.total_retrans);
  if (m.retransmits != 0) text += fmt::format(" timeouts {}", m.retransmits);
  text += fmt::format(" acked {} B {}", m.bytes_acked, ca_state_name(m.ca_state));
  return text;
}

std::span<const std::byte> metrics_bytes(const TcpMetrics& metrics) { return std::as_bytes(std::span(&metrics, 1)); }

std::optional<TcpMetrics> tcp_metrics_of(const Event& event) {
  if (event.kind != EventKind::TcpMetrics || event.payload.size != sizeof(TcpMetrics)) return std::nullopt;
  TcpMetrics out;
  std::memcpy(&out, event.payload.data, sizeof out);
  return out;
}

}  // namespace wirestep::trace
