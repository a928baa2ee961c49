// A TCP or UDP socket whose every call is gated by the stepper and recorded into the trace.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "net/actor.h"
#include "net/endpoint.h"
#include "net/fd.h"
#include "net/tcp_metrics_recorder.h"

namespace wirestep::trace {
class StreamStore;
}

namespace wirestep::net {

enum class Protocol : std::uint8_t { Tcp, Udp };

struct Datagram {
  std::string data;
  Endpoint from;
};

// Calls look like the BSD socket API a lesson teaches, one method per system call. Each is
// recorded after it returns: time, how long it blocked, fd, addresses, result, errno and the
// bytes that moved. Outcomes a lesson teaches (refused, timed out, reset, end of stream)
// come back as results and last_error(); only surprises (no fds left, a bind that fails)
// throw SysError. Blocking calls sleep in the kernel in short slices (SO_RCVTIMEO/SNDTIMEO)
// and check the lesson's CancelSignal between them, so cancelling a lesson ends even a
// recv() that would wait forever, while the fast path stays one system call.
class TracedSocket {
 public:
  TracedSocket() = default;
  static TracedSocket open(const Actor& actor, Protocol protocol, int family = AF_INET);
  ~TracedSocket();
  TracedSocket(TracedSocket&& other) noexcept;
  TracedSocket& operator=(TracedSocket&& other) noexcept;
  TracedSocket(const TracedSocket&) = delete;
  TracedSocket& operator=(const TracedSocket&) = delete;

  void bind(const Endpoint& local);
  void listen(int backlog = 16);
  // The accepted connection, on this socket's lane or on actor's; invalid on timeout/error.
  TracedSocket accept();
  TracedSocket accept(const Actor& actor);
  // False when the connection was refused, timed out or was unreachable (see last_error()).
  bool connect(const Endpoint& peer);
  // One send(2) as a blocking socket does it: waits for room until everything is sent, the
  // timeout passes (then it reports what it sent) or an error comes; -1 when nothing was sent.
  // With a zero timeout it sends what fits at once.
  std::int64_t send(std::string_view data);
  // send() until everything is gone; false on error.
  bool send_all(std::string_view data);
  // One recv(2): "" at end of stream (eof()), on timeout or on error (last_error()).
  std::string recv(std::size_t max = 65536);
  // recv() into caller memory, for bulk transfers that should not allocate per call.
  std::int64_t recv_into(std::span<std::byte> buffer);
  std::int64_t send_to(std::string_view data, const Endpoint& peer);
  std::optional<Datagram> recv_from(std::size_t max = 65536);
  void shutdown(int how = SHUT_WR);
  void close();
  // Waits until at least `bytes` wait unread in the receive queue, or the peer's FIN has
  // arrived (a lesson that explains one read must not race the packets still on the wire).
  // Not a recorded call: it reads the queue length (FIONREAD) and reads no data. Waits until
  // cancelled; true when the bytes are queued.
  bool wait_until_queued(std::size_t bytes);

  // How long accept/connect/send/recv wait before giving up with EAGAIN (ETIMEDOUT for
  // connect). Negative waits forever (until cancelled). Not a recorded call.
  void set_timeout(std::chrono::milliseconds timeout);
  // Records this connection's congestion state (cwnd, ssthresh, RTT, RTO, retransmissions) as
  // TcpMetrics events: now, after data calls (at most once per ms, only when a figure changed)
  // and whenever a TcpMetricsSampler holding the returned recorder asks. Off by default: only
  // lessons about TCP under load want them. Call once connected (or accepted).
  std::shared_ptr<TcpMetricsRecorder> record_metrics();
  // TCP_CONGESTION: the congestion control algorithm ("cubic", "reno", "bbr") of this socket, in
  // place of the system's default. False when the kernel refuses (not loaded or not allowed).
  // Not a recorded call.
  bool set_congestion_control(std::string_view name);
  // Replaces the gate every later call waits at; null lets every call through. For a bulk loop
  // whose hundreds of calls would teach nothing one at a time: TCP's timers never wait for a
  // step, so a stepped transfer would be a different experiment.
  void set_gate(CallGate* gate) { actor_.gate = gate; }
  // SO_REUSEADDR, so a server can be restarted while old connections sit in TIME_WAIT.
  void set_reuse_address(bool on);

  bool valid() const { return fd_.valid(); }
  explicit operator bool() const { return valid(); }
  int fd() const { return fd_.get(); }
  int last_error() const { return last_error_; }
  bool eof() const { return eof_; }
  Protocol protocol() const { return protocol_; }
  const Endpoint& local_endpoint() const { return local_; }
  const Endpoint& peer_endpoint() const { return peer_; }
  std::uint8_t tcp_state() const { return tcp_state_; }
  const Actor& actor() const { return actor_; }

 private:
  TracedSocket(const Actor& actor, Protocol protocol, int family, Fd fd);

  static constexpr std::chrono::milliseconds kWaitSlice{50};
  // A stream is kept once for both ends from here on: below it, a connection's bytes are too
  // few to be worth a memfd of their own (a server may have thousands of short connections).
  static constexpr std::uint64_t kStreamStoreFrom = 256 * 1024;

  // The start time of a call that had its answer at once: it did not block, its duration is 0.
  static constexpr std::int64_t kNoWait = std::numeric_limits<std::int64_t>::min();

  // The cancel check and the stepper's turn, then the call's start time.
  std::int64_t gate(trace::Call call, std::size_t size);
  // The same without reading the clock, for data calls (see data_call).
  void wait_turn(trace::Call call, std::size_t size);
  std::int64_t clock() const;
  void apply_wait_slice();
  template <typename Op>
  std::int64_t blocking_call(int& err, Op op);
  // send/recv/sendto/recvfrom: first without waiting (MSG_DONTWAIT), and only if that would
  // have blocked, the start time and the blocking call. Most data calls return at once, and
  // for those this saves a clock read on the hottest path of the capture; start_ns stays
  // kNoWait then. The kernel's answer is the same as one blocking call's.
  template <typename Op>
  std::int64_t data_call(int& err, std::int64_t& start_ns, Op op);
  void after_data_call(std::int64_t result);
  bool wait_ready(short events);
  // stream: where a TCP send's or recv's bytes are kept once for both ends (see StreamStore).
  void record(trace::Call call, std::int64_t start_ns, std::int64_t result, int err,
              std::size_t requested, std::span<const std::byte> payload,
              std::uint64_t stream_offset, const Endpoint* peer = nullptr, int fd = -1,
              trace::StreamStore* stream = nullptr);
  // The shared store of this connection's outgoing (sending) or incoming stream, once the
  // stream has passed kStreamStoreFrom bytes; nullptr before that, for UDP, or without one.
  trace::StreamStore* stream_store(bool sending, std::uint64_t offset);
  void leave_stream_stores();
  void snapshot_tcp();
  void refresh_local();
  void refresh_flow(const Endpoint& peer);

  Actor actor_;
  Protocol protocol_ = Protocol::Tcp;
  int family_ = AF_INET;
  Fd fd_;
  Endpoint local_;
  Endpoint peer_;
  Endpoint flow_peer_;
  trace::FlowId flow_ = trace::kNoFlow;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
  int timeout_ms_ = -1;
  int last_error_ = 0;
  bool eof_ = false;
  std::uint8_t tcp_state_ = 0;
  std::int64_t last_snapshot_ns_ = 0;   // trace time of the last TCP_INFO read
  std::int64_t last_call_end_ns_ = 0;   // trace time the last recorded call returned
  std::shared_ptr<TcpMetricsRecorder> metrics_;  // null unless record_metrics() was called
  trace::StreamStore* out_stream_ = nullptr;  // owned by the trace; attached while we use it
  trace::StreamStore* in_stream_ = nullptr;
  bool out_stream_asked_ = false;  // asked the trace once (it may have had none to give)
  bool in_stream_asked_ = false;
};

}  // namespace wirestep::net
