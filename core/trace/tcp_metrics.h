// TcpMetrics: the congestion figures of one TCP_INFO reading, carried by a TcpMetrics event.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "trace/event.h"

namespace wirestep::trace {

// The sender's view of one connection at one moment, as Linux's struct tcp_info reports it.
// It travels in the event's payload bytes rather than in Event itself, so every other event
// stays as small as it was; the JSON trace writes it as named fields.
struct TcpMetrics {
  std::uint64_t bytes_sent = 0;     // tcpi_bytes_sent: every payload byte sent, resent ones too
  std::uint64_t bytes_acked = 0;    // tcpi_bytes_acked
  std::uint64_t bytes_retrans = 0;  // tcpi_bytes_retrans
  std::uint64_t delivery_rate = 0;  // tcpi_delivery_rate, bytes per second
  std::uint32_t snd_cwnd = 0;       // congestion window, in segments
  std::uint32_t snd_ssthresh = 0;   // slow start threshold, in segments (kNoSsthresh: none yet)
  std::uint32_t snd_mss = 0;        // bytes per segment
  std::uint32_t snd_wnd = 0;        // the peer's advertised receive window, bytes
  std::uint32_t rtt_us = 0;         // smoothed round trip time
  std::uint32_t rttvar_us = 0;
  std::uint32_t rto_us = 0;   // retransmission timeout now (doubles with each backoff)
  std::uint32_t unacked = 0;  // segments in flight
  std::uint32_t sacked = 0;
  std::uint32_t lost = 0;           // segments the kernel believes lost
  std::uint32_t retrans = 0;        // retransmitted segments not yet acknowledged
  std::uint32_t total_retrans = 0;  // retransmissions over the connection's life
  std::uint8_t ca_state = 0;        // tcpi_ca_state: see ca_state_name()
  std::uint8_t retransmits = 0;     // timeouts in a row for the same data (RTO backoff)
  std::uint8_t backoff = 0;
  std::array<std::uint8_t, 5> reserved{};  // keeps the size a multiple of 8 with no padding

  friend bool operator==(const TcpMetrics&, const TcpMetrics&) = default;
};
static_assert(std::has_unique_object_representations_v<TcpMetrics>, "no padding: the bytes are the value");

// Linux reports "no threshold yet" (slow start until the first loss) as this value.
inline constexpr std::uint32_t kNoSsthresh = 0x7fffffff;

// "open", "disorder", "cwr", "recovery", "loss" (Linux's TCP_CA_* states), "?" otherwise.
std::string_view ca_state_name(std::uint8_t state);

// One compact line for the CLI and the inspector: "cwnd 10 ssthresh 7 rtt 21.3±1.2 ms rto 224 ms
// in flight 7 lost 1 retrans 3/12 acked 123456 B recovery".
std::string describe(const TcpMetrics& metrics);

// The bytes a TcpMetrics event carries as its payload.
std::span<const std::byte> metrics_bytes(const TcpMetrics& metrics);
// The metrics of a TcpMetrics event; nullopt for any other event or a payload of the wrong size.
std::optional<TcpMetrics> tcp_metrics_of(const Event& event);

}  // namespace wirestep::trace
