// TracedSocket: each BSD socket call, gated, performed without blocking the thread for good,
// and recorded with its result.
#include "net/traced_socket.h"

#include <netinet/in.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/time.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <utility>

#include "net/cancel_signal.h"
#include "net/socket_factory.h"
#include "net/tcp_diag.h"
#include "net/sys_error.h"
#include "trace/trace.h"

namespace wirestep::net {
namespace {

using trace::Call;

int socket_type(Protocol protocol) { return protocol == Protocol::Tcp ? SOCK_STREAM : SOCK_DGRAM; }

std::span<const std::byte> as_bytes(std::string_view text) {
  return std::as_bytes(std::span(text.data(), text.size()));
}

}  // namespace

TracedSocket::TracedSocket(const Actor& actor, Protocol protocol, int family, Fd fd)
    : actor_(actor), protocol_(protocol), family_(family), fd_(std::move(fd)) {}

TracedSocket TracedSocket::open(const Actor& actor, Protocol protocol, int family) {
  TracedSocket socket(actor, protocol, family, Fd{});
  const auto start = socket.gate(Call::Socket, 0);
  const int type = socket_type(protocol) | SOCK_CLOEXEC;
  const int fd = actor.sockets != nullptr ? actor.sockets->open_socket(family, type, 0)
                                          : ::socket(family, type, 0);
  const int err = fd < 0 ? errno : 0;
  socket.fd_.reset(fd);
  if (fd >= 0) socket.apply_wait_slice();
  socket.record(Call::Socket, start, fd, err, 0, {}, 0);
  if (fd < 0) throw SysError("socket", err);
  socket.snapshot_tcp();
  return socket;
}

TracedSocket::~TracedSocket() {
  if (!fd_.valid()) return;
  try {
    close();
  } catch (...) {
    // A cancelled lesson unwinds through here: the fd must still close, unrecorded.
    if (metrics_ != nullptr) metrics_->detach();
    leave_stream_stores();
    fd_.reset();
  }
}

TracedSocket::TracedSocket(TracedSocket&& other) noexcept { *this = std::move(other); }

TracedSocket& TracedSocket::operator=(TracedSocket&& other) noexcept {
  if (this == &other) return *this;
  if (fd_.valid()) {
    try {
      close();
    } catch (...) {
      if (metrics_ != nullptr) metrics_->detach();
      leave_stream_stores();
      fd_.reset();
    }
  }
  actor_ = other.actor_;
  protocol_ = other.protocol_;
  family_ = other.family_;
  fd_ = std::move(other.fd_);
  local_ = other.local_;
  peer_ = other.peer_;
  flow_peer_ = other.flow_peer_;
  flow_ = other.flow_;
  sent_ = other.sent_;
  received_ = other.received_;
  timeout_ms_ = other.timeout_ms_;
  last_error_ = other.last_error_;
  eof_ = other.eof_;
  tcp_state_ = other.tcp_state_;
  last_snapshot_ns_ = other.last_snapshot_ns_;
  last_call_end_ns_ = other.last_call_end_ns_;
  metrics_ = std::move(other.metrics_);
  out_stream_ = std::exchange(other.out_stream_, nullptr);
  in_stream_ = std::exchange(other.in_stream_, nullptr);
  out_stream_asked_ = other.out_stream_asked_;
  in_stream_asked_ = other.in_stream_asked_;
  return *this;
}

trace::StreamStore* TracedSocket::stream_store(bool sending, std::uint64_t offset) {
  trace::StreamStore*& store = sending ? out_stream_ : in_stream_;
  bool& asked = sending ? out_stream_asked_ : in_stream_asked_;
  if (asked || offset < kStreamStoreFrom || protocol_ != Protocol::Tcp || actor_.trace == nullptr ||
      flow_ == trace::kNoFlow) {
    return store;
  }
  asked = true;
  // Keyed on the sending end's address as both ends see it: our own for what we send, the
  // peer's for what we receive.
  store = actor_.trace->stream_store(flow_, (sending ? local_ : peer_).to_address());
  if (store != nullptr) store->attach();
  return store;
}

void TracedSocket::leave_stream_stores() {
  if (out_stream_ != nullptr) std::exchange(out_stream_, nullptr)->detach();
  if (in_stream_ != nullptr) std::exchange(in_stream_, nullptr)->detach();
}

void TracedSocket::wait_turn(Call call, std::size_t size) {
  if (actor_.cancel != nullptr) actor_.cancel->throw_if_cancelled();
  if (actor_.gate != nullptr) {
    actor_.gate->wait_turn(PendingCall{actor_.lane, call, fd_.get(), static_cast<std::uint32_t>(size)});
  }
}

std::int64_t TracedSocket::clock() const { return actor_.trace != nullptr ? actor_.trace->now_ns() : 0; }

std::int64_t TracedSocket::gate(Call call, std::size_t size) {
  wait_turn(call, size);
  return clock();
}

bool TracedSocket::wait_ready(short events) {
  pollfd fds[2] = {{fd_.get(), events, 0}, {-1, POLLIN, 0}};
  nfds_t count = 1;
  if (actor_.cancel != nullptr) {
    fds[1].fd = actor_.cancel->fd();
    count = 2;
  }
  for (;;) {
    const int ready = ::poll(fds, count, timeout_ms_);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw SysError("poll", errno);
    if (count == 2 && (fds[1].revents & POLLIN) != 0) throw Cancelled{};
    return ready > 0;
  }
}

void TracedSocket::record(Call call, std::int64_t start_ns, std::int64_t result, int err,
                          std::size_t requested, std::span<const std::byte> payload,
                          std::uint64_t stream_offset, const Endpoint* peer, int fd,
                          trace::StreamStore* stream) {
  last_error_ = err;
  if (actor_.trace == nullptr) return;
  trace::Event event;
  event.kind = trace::EventKind::SocketCall;
  event.lane = actor_.lane;
  event.call = call;
  event.transport = protocol_ == Protocol::Tcp ? trace::Transport::Tcp : trace::Transport::Udp;
  event.fd = fd >= 0 ? fd : fd_.get();
  event.result = result;
  event.err = err;
  event.requested = static_cast<std::uint32_t>(requested);
  event.stream_offset = stream_offset;
  event.local = local_.to_address();
  event.peer = (peer != nullptr ? *peer : peer_).to_address();
  event.flow = flow_;
  // One clock read serves as the call's end, its duration and its place in the trace.
  last_call_end_ns_ = actor_.trace->now_ns();
  event.dur_ns = start_ns == kNoWait ? 0 : last_call_end_ns_ - start_ns;
  if (stream != nullptr && !payload.empty()) {
    actor_.trace->append_stream_at(last_call_end_ns_, event, payload, *stream);
  } else {
    actor_.trace->append_at(last_call_end_ns_, event, payload);
  }
}

void TracedSocket::apply_wait_slice() {
  // The kernel sleeps inside a blocking call for at most one slice; between slices we look
  // for cancellation and the caller's timeout. The fast path stays one system call per call,
  // like a plain blocking socket.
  int slice_ms = static_cast<int>(kWaitSlice.count());
  if (timeout_ms_ > 0 && timeout_ms_ < slice_ms) slice_ms = timeout_ms_;
  const timeval slice{slice_ms / 1000, (slice_ms % 1000) * 1000};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &slice, sizeof slice);
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &slice, sizeof slice);
}

void TracedSocket::set_timeout(std::chrono::milliseconds timeout) {
  timeout_ms_ = static_cast<int>(timeout.count());
  if (fd_.valid()) apply_wait_slice();
}

template <typename Op>
std::int64_t TracedSocket::blocking_call(int& err, Op op) {
  // The deadline is only needed once a call has had to wait: reading the clock up front would
  // cost every fast call (most of them) a clock read.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  for (;;) {
    // A zero timeout means "do not wait at all": MSG_DONTWAIT returns what fits right now.
    const std::int64_t result = op(timeout_ms_ == 0 ? MSG_DONTWAIT : 0);
    if (result >= 0) {
      err = 0;
      return result;
    }
    err = errno;
    if (err == EINTR) continue;
    if (err != EAGAIN && err != EWOULDBLOCK) return -1;
    if (actor_.cancel != nullptr) actor_.cancel->throw_if_cancelled();
    if (timeout_ms_ == 0) return -1;
    if (timeout_ms_ > 0) {
      const auto now = std::chrono::steady_clock::now();
      // The kernel returns EAGAIN only after a whole slice (or the whole timeout, if shorter)
      // has passed: that wait counts.
      const std::chrono::milliseconds timeout(timeout_ms_);
      if (!deadline) deadline = now + timeout - std::min(timeout, std::chrono::milliseconds(kWaitSlice));
      if (now >= *deadline) return -1;
    }
  }
}

template <typename Op>
std::int64_t TracedSocket::data_call(int& err, std::int64_t& start_ns, Op op) {
  start_ns = kNoWait;
  const std::int64_t result = op(MSG_DONTWAIT);
  err = result < 0 ? errno : 0;
  const bool would_block = result < 0 && (err == EAGAIN || err == EWOULDBLOCK || err == EINTR);
  if (!would_block || timeout_ms_ == 0) return result;
  start_ns = clock();
  return blocking_call(err, op);
}

void TracedSocket::after_data_call(std::int64_t result) {
  // TCP_INFO costs a system call; a data call that moved bytes rarely changes the state, so
  // on the data path it is read at most once per millisecond, and always when a call hit the
  // end of the stream or an error (where the peer has moved the state on).
  if (protocol_ != Protocol::Tcp) return;
  // At the end of the stream or an error the state has just moved on: always take that sample.
  if (metrics_ != nullptr) {
    if (result <= 0) {
      metrics_->sample_now();
    } else {
      metrics_->sample();
    }
  }
  if (result <= 0 || last_call_end_ns_ - last_snapshot_ns_ >= 1'000'000) {
    last_snapshot_ns_ = last_call_end_ns_;
    snapshot_tcp();
  }
}

void TracedSocket::snapshot_tcp() {
  if (protocol_ != Protocol::Tcp || !fd_.valid()) return;
  tcp_info info{};
  socklen_t length = sizeof info;
  if (::getsockopt(fd_.get(), IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return;
  std::uint8_t state = info.tcpi_state;
  if (state == TCP_CLOSE && tcp_state_ != TCP_CLOSE && tcp_state_ != TCP_LISTEN &&
      tcp_state_ != TCP_SYN_SENT && tcp_state_ != 0) {
    // The active closer's socket reads CLOSE the moment the kernel moves the connection to
    // a TIME_WAIT entry of its own; ask the kernel about the connection to show that wait.
    // Once per connection, and on loopback FIN_WAIT may have passed unseen, so ask from any
    // connected state.
    if (const auto kernel = kernel_tcp_state(local_, peer_, actor_.sockets)) state = *kernel;
  }
  if (state == tcp_state_) return;
  if (actor_.trace != nullptr) {
    trace::Event event;
    event.kind = trace::EventKind::TcpState;
    event.lane = actor_.lane;
    event.transport = trace::Transport::Tcp;
    event.fd = fd_.get();
    event.old_state = tcp_state_;
    event.new_state = state;
    event.local = local_.to_address();
    event.peer = peer_.to_address();
    event.flow = flow_;
    actor_.trace->append(event);
  }
  tcp_state_ = state;
}

std::shared_ptr<TcpMetricsRecorder> TracedSocket::record_metrics() {
  if (metrics_ == nullptr && protocol_ == Protocol::Tcp && fd_.valid() && actor_.trace != nullptr) {
    trace::Event event;
    event.lane = actor_.lane;
    event.fd = fd_.get();
    event.local = local_.to_address();
    event.peer = peer_.to_address();
    event.flow = flow_;
    metrics_ = std::make_shared<TcpMetricsRecorder>(*actor_.trace, fd_.get(), event);
    metrics_->sample();
  }
  return metrics_;
}

void TracedSocket::refresh_local() {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    local_ = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
  }
}

void TracedSocket::refresh_flow(const Endpoint& peer) {
  if (actor_.trace == nullptr || peer.empty()) return;
  if (flow_ != trace::kNoFlow && flow_peer_.to_address() == peer.to_address()) return;
  flow_peer_ = peer;
  trace::Address local = local_.to_address();
  const bool wildcard = std::all_of(local.ip.begin(), local.ip.end(), [](auto b) { return b == 0; });
  if (wildcard && peer.is_loopback()) {
    // An unbound UDP socket reports 0.0.0.0, but towards a loopback peer the kernel sends from
    // the loopback address; the receiver sees that one, so the flow must be keyed on it too.
    local.ip = peer.to_address().ip;
  }
  flow_ = actor_.trace->flow_of(local, peer.to_address());
}

bool TracedSocket::set_congestion_control(std::string_view name) {
  const std::string text(name);
  return ::setsockopt(fd_.get(), IPPROTO_TCP, TCP_CONGESTION, text.data(), static_cast<socklen_t>(text.size())) == 0;
}

void TracedSocket::set_reuse_address(bool on) {
  const int value = on ? 1 : 0;
  if (::setsockopt(fd_.get(), SOL_SOCKET, SO_REUSEADDR, &value, sizeof value) != 0) {
    throw SysError("setsockopt(SO_REUSEADDR)", errno);
  }
}

void TracedSocket::bind(const Endpoint& local) {
  const auto start = gate(Call::Bind, 0);
  const int result = ::bind(fd_.get(), local.sockaddr_ptr(), local.length());
  const int err = result < 0 ? errno : 0;
  if (result == 0) {
    refresh_local();
  } else {
    local_ = local;  // show what was asked for, so the failed bind reads clearly
  }
  record(Call::Bind, start, result, err, 0, {}, 0);
  if (result < 0) throw SysError("bind(" + local.to_string() + ")", err);
}

void TracedSocket::listen(int backlog) {
  const auto start = gate(Call::Listen, 0);
  const int result = ::listen(fd_.get(), backlog);
  const int err = result < 0 ? errno : 0;
  record(Call::Listen, start, result, err, 0, {}, 0);
  if (result < 0) throw SysError("listen", err);
  snapshot_tcp();
}

TracedSocket TracedSocket::accept() { return accept(actor_); }

TracedSocket TracedSocket::accept(const Actor& actor) {
  const auto start = gate(Call::Accept, 0);
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  int err = 0;
  const int fd = static_cast<int>(blocking_call(err, [&](int) {
    length = sizeof address;
    return ::accept4(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length, SOCK_CLOEXEC);
  }));
  if (fd >= 0) {
      TracedSocket accepted(actor, protocol_, family_, Fd(fd));
      accepted.timeout_ms_ = timeout_ms_;
      accepted.apply_wait_slice();
      accepted.peer_ = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
      accepted.refresh_local();
      accepted.refresh_flow(accepted.peer_);
      // The listening socket's lane records the call; its result is the new connection.
      const Endpoint peer = accepted.peer_;
      const auto saved_flow = flow_;
      flow_ = accepted.flow_;
      record(Call::Accept, start, fd, 0, 0, {}, 0, &peer);
      flow_ = saved_flow;
      accepted.snapshot_tcp();
      return accepted;
  }
  record(Call::Accept, start, -1, err, 0, {}, 0);
  if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
    throw SysError("accept", err);
  }
  return {};
}

bool TracedSocket::connect(const Endpoint& peer) {
  const auto start = gate(Call::Connect, 0);
  peer_ = peer;
  // Non-blocking only for the handshake, so the wait can watch the cancel signal too.
  const int flags = ::fcntl(fd_.get(), F_GETFL);
  ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK);
  int result = ::connect(fd_.get(), peer.sockaddr_ptr(), peer.length());
  int err = result < 0 ? errno : 0;
  if (result < 0 && err == EINPROGRESS) {
    // The kernel has sent its SYN: this snapshot is where SYN_SENT becomes visible.
    refresh_local();
    snapshot_tcp();
    if (!wait_ready(POLLOUT)) {
      err = ETIMEDOUT;
    } else {
      socklen_t length = sizeof err;
      ::getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &length);
    }
    result = err == 0 ? 0 : -1;
  }
  ::fcntl(fd_.get(), F_SETFL, flags);
  refresh_local();
  if (result == 0) refresh_flow(peer_);
  record(Call::Connect, start, result, err, 0, {}, 0);
  snapshot_tcp();
  return result == 0;
}

std::int64_t TracedSocket::send(std::string_view data) {
  wait_turn(Call::Send, data.size());
  const auto send_from = [this, data](std::size_t at) {
    return [this, data, at](int flags) {
      return ::send(fd_.get(), data.data() + at, data.size() - at, flags | MSG_NOSIGNAL);
    };
  };
  int err = 0;
  std::int64_t start = kNoWait;
  std::int64_t result = data_call(err, start, send_from(0));
  // Room for only part of it: a blocking send() waits for room for the rest, so wait too. (The
  // kernel's own wait is cut into slices, see apply_wait_slice; a slice that ends after some
  // progress is not the end of the call either.)
  while (timeout_ms_ != 0 && result >= 0 && static_cast<std::size_t>(result) < data.size()) {
    if (start == kNoWait) start = clock();
    // A stopped lesson: record what went, and let the next call's gate end the actor.
    if (actor_.cancel != nullptr && actor_.cancel->cancelled()) break;
    const std::int64_t more = blocking_call(err, send_from(static_cast<std::size_t>(result)));
    if (more <= 0) {
      err = 0;  // like a blocking send() stopped after sending some: it reports what it sent
      break;
    }
    result += more;
  }
  const auto offset = sent_;
  if (result > 0) sent_ += static_cast<std::uint64_t>(result);
  record(Call::Send, start, result, err, data.size(),
         result > 0 ? as_bytes(data.substr(0, static_cast<std::size_t>(result))) : std::span<const std::byte>{},
         offset, nullptr, -1, stream_store(true, offset));
  after_data_call(result);
  return result;
}

bool TracedSocket::send_all(std::string_view data) {
  while (!data.empty()) {
    const auto sent = send(data);
    if (sent < 0) return false;
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

std::int64_t TracedSocket::recv_into(std::span<std::byte> buffer) {
  wait_turn(Call::Recv, buffer.size());
  int err = 0;
  std::int64_t start = kNoWait;
  const std::int64_t result = data_call(err, start, [&](int flags) {
    return ::recv(fd_.get(), buffer.data(), buffer.size(), flags);
  });
  eof_ = result == 0 && !buffer.empty();
  const auto offset = received_;
  if (result > 0) received_ += static_cast<std::uint64_t>(result);
  record(Call::Recv, start, result, err, buffer.size(),
         result > 0 ? std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(result))
                    : std::span<const std::byte>{},
         offset, nullptr, -1, stream_store(false, offset));
  after_data_call(result);
  return result;
}

std::string TracedSocket::recv(std::size_t max) {
  std::string out(max, '\0');
  const auto result = recv_into(std::as_writable_bytes(std::span(out.data(), out.size())));
  out.resize(result > 0 ? static_cast<std::size_t>(result) : 0);
  return out;
}

std::int64_t TracedSocket::send_to(std::string_view data, const Endpoint& peer) {
  wait_turn(Call::SendTo, data.size());
  int err = 0;
  std::int64_t start = kNoWait;
  const std::int64_t result = data_call(err, start, [&](int flags) {
    return ::sendto(fd_.get(), data.data(), data.size(), flags | MSG_NOSIGNAL, peer.sockaddr_ptr(),
                    peer.length());
  });
  if (local_.empty() || local_.port() == 0) refresh_local();  // the kernel bound us implicitly
  refresh_flow(peer);
  const auto offset = sent_;
  if (result > 0) sent_ += static_cast<std::uint64_t>(result);
  record(Call::SendTo, start, result, err, data.size(),
         result > 0 ? as_bytes(data.substr(0, static_cast<std::size_t>(result))) : std::span<const std::byte>{},
         offset, &peer);
  return result;
}

std::optional<Datagram> TracedSocket::recv_from(std::size_t max) {
  wait_turn(Call::RecvFrom, max);
  std::string buffer(max, '\0');
  sockaddr_storage address{};
  socklen_t length = 0;
  int err = 0;
  std::int64_t start = kNoWait;
  const std::int64_t result = data_call(err, start, [&](int flags) {
    length = sizeof address;
    return ::recvfrom(fd_.get(), buffer.data(), buffer.size(), flags,
                      reinterpret_cast<sockaddr*>(&address), &length);
  });
  if (result < 0) {
    record(Call::RecvFrom, start, result, err, max, {}, received_);
    return std::nullopt;
  }
  Datagram datagram;
  datagram.from = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&address), length);
  buffer.resize(static_cast<std::size_t>(result));
  datagram.data = std::move(buffer);
  refresh_flow(datagram.from);
  const auto offset = received_;
  received_ += static_cast<std::uint64_t>(result);
  record(Call::RecvFrom, start, result, 0, max, as_bytes(datagram.data), offset, &datagram.from);
  return datagram;
}

void TracedSocket::shutdown(int how) {
  const auto start = gate(Call::Shutdown, 0);
  const int result = ::shutdown(fd_.get(), how);
  const int err = result < 0 ? errno : 0;
  record(Call::Shutdown, start, result, err, static_cast<std::size_t>(how), {}, 0);
  snapshot_tcp();
}

bool TracedSocket::wait_until_queued(std::size_t bytes) {
  // Polling the queue length each millisecond: poll() alone says "readable" as soon as the
  // first byte is there, and the point is to wait for the rest.
  const auto queued = [&] {
    int count = 0;
    if (::ioctl(fd_.get(), FIONREAD, &count) < 0) throw SysError("ioctl(FIONREAD)", errno);
    return static_cast<std::size_t>(std::max(count, 0));
  };
  pollfd fds[2] = {{fd_.get(), POLLRDHUP, 0}, {-1, POLLIN, 0}};
  const nfds_t count = actor_.cancel != nullptr ? 2 : 1;
  if (count == 2) fds[1].fd = actor_.cancel->fd();
  for (;;) {
    if (queued() >= bytes) return true;
    const int ready = ::poll(fds, count, 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw SysError("poll", errno);
    if (count == 2 && (fds[1].revents & POLLIN) != 0) throw Cancelled{};
    // The peer closed its side: nothing more can join the queue.
    if ((fds[0].revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) return queued() >= bytes;
  }
}

void TracedSocket::close() {
  if (!fd_.valid()) return;
  const auto start = gate(Call::Close, 0);
  // A sampler on another thread must stop reading this fd number before it can be reused.
  if (metrics_ != nullptr) metrics_->detach();
  leave_stream_stores();
  // Keep the old number for the record so the ladder can tie the close to the socket it ended.
  const int fd = fd_.release();
  const int result = ::close(fd);
  record(Call::Close, start, result, result < 0 ? errno : 0, 0, {}, 0, nullptr, fd);
}

}  // namespace wirestep::net
