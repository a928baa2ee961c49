// UdpRelay: read a datagram, ask the policy, record why, send it on when its time comes.
#include "wire/udp_relay.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <tuple>

#include <spdlog/spdlog.h>

#include "net/sys_error.h"
#include "trace/trace.h"

namespace wirestep::wire {
namespace {

constexpr std::size_t kMaxDatagram = 65536;
constexpr int kBatch = 64;  // datagrams read from one socket before looking at the other
// IPv4 + UDP headers: the policy sizes packets as the wire would see them.
constexpr std::uint32_t kHeaderBytes = 28;
constexpr int kSocketBuffer = 1 << 20;

net::Fd bound_udp_socket() {
  net::Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) throw net::SysError("socket(UDP)", errno);
  // Room for a burst while the relay thread is busy: best effort (FORCE needs CAP_NET_ADMIN).
  for (int option : {SO_RCVBUFFORCE, SO_SNDBUFFORCE}) {
    if (::setsockopt(fd.get(), SOL_SOCKET, option, &kSocketBuffer, sizeof kSocketBuffer) != 0) {
      const int fallback = option == SO_RCVBUFFORCE ? SO_RCVBUF : SO_SNDBUF;
      ::setsockopt(fd.get(), SOL_SOCKET, fallback, &kSocketBuffer, sizeof kSocketBuffer);
    }
  }
  const net::Endpoint any = net::Endpoint::loopback(AF_INET, 0);
  if (::bind(fd.get(), any.sockaddr_ptr(), any.length()) != 0) throw net::SysError("bind(relay)", errno);
  return fd;
}

net::Endpoint local_of(const net::Fd& fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
    throw net::SysError("getsockname(relay)", errno);
  }
  return net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&storage), length);
}

// "relay: loss 30 %, seed 7" -> the sentence for the trace, by what happened.
std::string sentence(trace::Verdict verdict, const std::string& why) {
  std::string_view what = "passed by the relay";
  switch (verdict) {
    case trace::Verdict::Dropped: what = "dropped by the relay"; break;
    case trace::Verdict::Duplicated: what = "duplicated by the relay"; break;
    case trace::Verdict::Delayed: what = "delayed by the relay"; break;
    default: break;
  }
  return why.empty() ? std::string(what) : fmt::format("{}: {}", what, why);
}

}  // namespace

struct UdpRelay::Departure {
  std::int64_t due_ns = 0;
  std::uint64_t order = 0;
  bool to_server = true;
  std::vector<std::byte> bytes;

  friend bool operator>(const Departure& a, const Departure& b) {
    return std::tie(a.due_ns, a.order) > std::tie(b.due_ns, b.order);
  }
};

UdpRelay::UdpRelay(trace::Trace& trace, std::shared_ptr<ImpairmentPolicy> policy, const net::Endpoint& destination,
                   UdpRelayOptions options)
    : trace_(trace),
      policy_(std::move(policy)),
      options_(std::move(options)),
      lane_(trace.lane(options_.lane)),
      client_lane_(trace.lane(options_.client_lane)),
      server_lane_(trace.lane(options_.server_lane)),
      destination_(destination) {
  if (!policy_) throw std::invalid_argument("UdpRelay needs an impairment policy");
  if (destination_.family() != AF_INET) throw std::invalid_argument("UdpRelay relays IPv4 only");
  front_ = bound_udp_socket();
  back_ = bound_udp_socket();
  // Connected: only the destination's replies reach the back socket.
  if (::connect(back_.get(), destination_.sockaddr_ptr(), destination_.length()) != 0) {
    throw net::SysError("connect(relay -> " + destination_.to_string() + ")", errno);
  }
  front_address_ = local_of(front_);
  back_address_ = local_of(back_);
  wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_) throw net::SysError("eventfd", errno);
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

UdpRelay::~UdpRelay() { stop(); }

void UdpRelay::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  const std::uint64_t one = 1;
  [[maybe_unused]] const auto written = ::write(wake_.get(), &one, sizeof one);
  thread_.join();
}

UdpRelayStats UdpRelay::stats() const {
  std::lock_guard lock(stats_mutex_);
  return stats_;
}

void UdpRelay::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    timespec wait{};
    timespec* timeout = nullptr;
    if (!heap_.empty()) {
      const std::int64_t left = std::max<std::int64_t>(0, heap_.front().due_ns - trace_.now_ns());
      wait.tv_sec = left / 1'000'000'000;
      wait.tv_nsec = left % 1'000'000'000;
      timeout = &wait;
    }
    pollfd fds[3] = {{front_.get(), POLLIN, 0}, {back_.get(), POLLIN, 0}, {wake_.get(), POLLIN, 0}};
    const int ready = ::ppoll(fds, 3, timeout, nullptr);
    if (ready < 0 && errno != EINTR) {
      // Nothing on this thread could catch an exception; the lesson sees the silence instead.
      spdlog::error("relay: ppoll failed: {}", std::strerror(errno));
      return;
    }
    if (stop.stop_requested()) break;
    if (ready > 0) {
      if ((fds[0].revents & POLLIN) != 0) drain(true);
      if ((fds[1].revents & (POLLIN | POLLERR)) != 0) drain(false);
    }
    send_due(trace_.now_ns());
  }
}

void UdpRelay::drain(bool from_front) {
  const int fd = from_front ? front_.get() : back_.get();
  std::vector<std::byte> buffer(kMaxDatagram);
  for (int i = 0; i < kBatch; ++i) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    const ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&storage), &length);
    if (n < 0) {
      // ECONNREFUSED: an earlier datagram to the destination found nobody there (ICMP). The
      // relay carries on, as a router would.
      if (errno == ECONNREFUSED || errno == EINTR) continue;
      return;  // EAGAIN: drained
    }
    on_datagram(from_front, {buffer.begin(), buffer.begin() + n},
                net::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&storage), length));
  }
}

void UdpRelay::record(bool from_front, trace::Verdict verdict, const std::string& why, std::uint32_t size) {
  trace::Event event;
  event.kind = trace::EventKind::Impairment;
  event.lane = lane_;
  event.from = from_front ? client_lane_ : server_lane_;
  event.to = from_front ? server_lane_ : client_lane_;
  event.verdict = verdict;
  event.transport = trace::Transport::Udp;
  event.requested = size;  // the datagram's bytes: the relay never sees the IP packet
  trace_.append(event, sentence(verdict, why));
}

void UdpRelay::on_datagram(bool from_front, std::vector<std::byte> bytes, const net::Endpoint& from) {
  if (from_front) client_ = from;
  const auto size = static_cast<std::uint32_t>(bytes.size());
  {
    std::lock_guard lock(stats_mutex_);
    ++stats_.received;
  }
  if (!from_front && client_.empty()) {
    record(from_front, trace::Verdict::Dropped, "nobody has sent to the relay yet, so a reply has nowhere to go", size);
    std::lock_guard lock(stats_mutex_);
    ++stats_.dropped;
    return;
  }
  PacketFacts facts;
  facts.direction = from_front ? kClientToServer : kServerToClient;
  facts.transport = trace::Transport::Udp;
  facts.payload_length = size;
  facts.size = size + kHeaderBytes;
  facts.ip_header_length = 20;
  facts.now_ns = trace_.now_ns();
  const Decision decision = policy_->decide(facts);

  if (const Action* drop = decision.drop()) {
    record(from_front, trace::Verdict::Dropped, drop->why, size);
    std::lock_guard lock(stats_mutex_);
    ++stats_.dropped;
    return;
  }
  const auto deliveries = decision.deliveries();
  if (heap_.size() + deliveries.size() > options_.queue_capacity) {
    record(from_front, trace::Verdict::Dropped, fmt::format("queue full ({} datagrams waiting to leave)", heap_.size()),
           size);
    std::lock_guard lock(stats_mutex_);
    ++stats_.dropped;
    return;
  }
  // The relay has no IP header to damage in a meaningful way; a corrupt action flips the same
  // bit of the datagram (its checksum is the kernel's business on loopback, so it arrives).
  if (const Action* corrupt = decision.corruption()) {
    const std::uint32_t at = corrupt->offset >= kHeaderBytes ? corrupt->offset - kHeaderBytes : 0;
    if (at < bytes.size()) bytes[at] ^= std::byte{corrupt->xor_mask};
    record(from_front, trace::Verdict::Corrupted, corrupt->why, size);
  }
  bool late = false;
  bool reordered = false;
  for (const Action* delivery : deliveries) {
    const trace::Verdict verdict = wire::verdict(*delivery, facts.now_ns);
    if (delivery->copy == 0 && decision.corruption() == nullptr) record(from_front, verdict, delivery->why, size);
    if (delivery->copy > 0) record(from_front, trace::Verdict::Duplicated, delivery->why, size);
    late |= delivery->at_ns > facts.now_ns;
    reordered |= delivery->has(Cause::Reorder);
    Departure departure{delivery->at_ns, next_order_++, from_front, bytes};
    heap_.push_back(std::move(departure));
    std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  }
  {
    std::lock_guard lock(stats_mutex_);
    stats_.duplicated += deliveries.size() - 1;
    stats_.delayed += late ? 1 : 0;
    stats_.reordered += reordered ? 1 : 0;
  }
  send_due(trace_.now_ns());
}

void UdpRelay::send_due(std::int64_t now) {
  std::uint64_t sent = 0;
  while (!heap_.empty() && heap_.front().due_ns <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    Departure departure = std::move(heap_.back());
    heap_.pop_back();
    ssize_t n = -1;
    if (departure.to_server) {
      n = ::send(back_.get(), departure.bytes.data(), departure.bytes.size(), 0);
    } else {
      n = ::sendto(front_.get(), departure.bytes.data(), departure.bytes.size(), 0, client_.sockaddr_ptr(),
                   client_.length());
    }
    // A failed send (nobody listening: ECONNREFUSED; a full buffer) loses the datagram, as a
    // network would; it is not counted as forwarded.
    if (n >= 0) ++sent;
  }
  if (sent > 0) {
    std::lock_guard lock(stats_mutex_);
    stats_.forwarded += sent;
  }
}

}  // namespace wirestep::wire
