// The one data model: every observed thing is an Event appended to a Trace.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wirestep::trace {

using LaneId = std::uint16_t;
using FlowId = std::uint32_t;
inline constexpr LaneId kNoLane = 0xFFFF;
inline constexpr FlowId kNoFlow = 0;
inline constexpr std::uint64_t kNoSeq = ~std::uint64_t{0};

// Order is part of the JSON format: append only. TcpMetrics carries a trace::TcpMetrics in its
// payload (trace/tcp_metrics.h).
enum class EventKind : std::uint8_t { SocketCall, Packet, Impairment, TcpState, Note, TcpMetrics };

// The socket calls a lesson makes. Order is part of the JSON format: append only.
enum class Call : std::uint8_t {
  None, Socket, Bind, Listen, Accept, Connect, Send, Recv, SendTo, RecvFrom, Shutdown, Close,
};

// What the wire did with a packet.
enum class Verdict : std::uint8_t { Delivered, Dropped, Delayed, Duplicated, Held, Corrupted };

enum class Transport : std::uint8_t { None, Tcp, Udp };

// An IPv4 or IPv6 endpoint, stored by value so an Event stays a plain struct.
struct Address {
  std::uint8_t family = 0;  // 0 = none, 4 = IPv4, 6 = IPv6
  std::uint16_t port = 0;
  std::array<std::uint8_t, 16> ip{};

  bool empty() const { return family == 0; }
  std::string to_string() const;  // "127.0.0.1:8080", "[::1]:80", "" when empty
  friend bool operator==(const Address&, const Address&) = default;
};

// A view of bytes kept in the trace's arena; stable for the trace's lifetime.
struct Bytes {
  const std::byte* data = nullptr;
  std::uint32_t size = 0;

  std::span<const std::byte> span() const { return {data, size}; }
  std::string_view text() const { return {reinterpret_cast<const char*>(data), size}; }
};

struct Event {
  std::uint64_t seq = 0;
  std::int64_t t_ns = 0;    // monotonic ns since the session began; when the event completed
  std::int64_t dur_ns = 0;  // how long a call blocked (start = t_ns - dur_ns)
  LaneId lane = kNoLane;
  EventKind kind = EventKind::Note;

  // SocketCall
  Call call = Call::None;
  Transport transport = Transport::None;
  std::int32_t fd = -1;
  std::int64_t result = 0;      // the call's return value (bytes for send/recv, new fd for accept)
  std::int32_t err = 0;         // errno when result < 0, else 0
  std::uint32_t requested = 0;  // bytes the caller offered (send) or asked for (recv)
  std::uint64_t stream_offset = 0;  // bytes this socket had sent (send) / received (recv) before
  Address local;
  Address peer;

  // Packet / Impairment (flow and link also serve calls)
  LaneId from = kNoLane;
  LaneId to = kNoLane;
  Verdict verdict = Verdict::Delivered;
  FlowId flow = kNoFlow;  // one connection or datagram conversation, the same for both ends
  std::uint64_t link = kNoSeq;  // a related event (the packet an impairment acted on)

  // TcpState: tcpi_state values (Linux TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11)
  std::uint8_t old_state = 0;
  std::uint8_t new_state = 0;

  // Packet: the kernel handed the wire one large TCP segment and the wire cut it into packets
  // (segmentation offload, see wire::OffloadSegmenter): this is packet cut_index + 1 of
  // cut_count. cut_count 0: the kernel sent this packet as it is.
  std::uint16_t cut_index = 0;
  std::uint16_t cut_count = 0;

  // Payload bytes for calls and packets, the anchor for notes. payload_size is the real
  // length; payload.size can be smaller when the trace's byte cap cut it.
  Bytes payload;
  std::uint32_t payload_size = 0;

  bool payload_truncated() const { return payload.size < payload_size; }
};

std::string_view to_string(EventKind kind);
std::string_view to_string(Call call);
std::string_view to_string(Verdict verdict);
std::string_view to_string(Transport transport);
// Linux TCP state names as the state diagram draws them ("ESTABLISHED", "TIME_WAIT", ...).
std::string_view tcp_state_name(std::uint8_t state);

// Parse the names above back; false when the text is not one of them.
bool parse(std::string_view text, EventKind& out);
bool parse(std::string_view text, Call& out);
bool parse(std::string_view text, Verdict& out);
bool parse(std::string_view text, Transport& out);

}  // namespace wirestep::trace
