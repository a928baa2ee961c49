// VirtualWire: the wire thread's loop — read, record, hold, impair, schedule, write.
#include "wire/virtual_wire.h"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <spdlog/spdlog.h>

#include "lesson/stepper.h"
#include "net/sys_error.h"
#include "trace/trace.h"

namespace wirestep::wire {
namespace {

// A header and the largest segment a TUN with segmentation offload hands over (64 KiB), with room.
constexpr std::size_t kReadBuffer = kVnetHeader + 2 * 65536;
constexpr std::int64_t kSpinNs = 50'000;  // how long to keep polling after the last activity
constexpr int kBatch = 64;  // packets read from one TUN before looking at the others
constexpr std::uint64_t kWakeTag = ~std::uint64_t{0};
constexpr std::uint64_t kTimerTag = ~std::uint64_t{0} - 1;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

in_addr host_address(std::size_t index) {
  in_addr address{};
  address.s_addr = htonl((10u << 24) | (77u << 16) | static_cast<std::uint32_t>(index + 1));
  return address;
}

std::uint16_t read_u16(std::span<const std::byte> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(bytes[at]) << 8) |
                                    std::to_integer<unsigned>(bytes[at + 1]));
}

// Addresses, ports and protocol of an IPv4 packet, enough to name its flow and lanes.
void describe_ipv4(std::span<const std::byte> bytes, trace::Event& event) {
  if (bytes.size() < 20 || (std::to_integer<unsigned>(bytes[0]) >> 4) != 4) return;
  const std::size_t header = (std::to_integer<unsigned>(bytes[0]) & 0x0F) * 4u;
  const unsigned protocol = std::to_integer<unsigned>(bytes[9]);
  event.local.family = 4;
  event.peer.family = 4;
  std::memcpy(event.local.ip.data(), bytes.data() + 12, 4);
  std::memcpy(event.peer.ip.data(), bytes.data() + 16, 4);
  if (protocol == IPPROTO_TCP) event.transport = trace::Transport::Tcp;
  if (protocol == IPPROTO_UDP) event.transport = trace::Transport::Udp;
  if (event.transport != trace::Transport::None && bytes.size() >= header + 4) {
    event.local.port = read_u16(bytes, header);
    event.peer.port = read_u16(bytes, header + 2);
  }
}

}  // namespace

struct VirtualWire::Held {
  std::vector<std::byte> bytes;
  std::size_t from = 0;
  std::size_t to = 0;
  std::int64_t captured_ns = 0;   // steady clock, when the wire read it
  std::uint64_t held_seq = trace::kNoSeq;
  Cut cut;
};

struct VirtualWire::Scheduled {
  std::int64_t due_ns = 0;  // steady clock
  std::uint64_t order = 0;  // keeps equal due times in arrival order
  std::vector<std::byte> bytes;
  std::size_t from = 0;
  std::size_t to = 0;
  std::int64_t captured_ns = 0;
  std::uint64_t link = trace::kNoSeq;
  trace::Verdict verdict = trace::Verdict::Delivered;  // how it arrives: late, a copy, damaged
  Cut cut;
  bool operator>(const Scheduled& other) const {
    return due_ns != other.due_ns ? due_ns > other.due_ns : order > other.order;
  }
};

VirtualWire::VirtualWire(trace::Trace& trace, lesson::Stepper* stepper, WireOptions options)
    : trace_(trace), stepper_(stepper), options_(std::move(options)), wire_lane_(trace.lane("wire")),
      read_buffer_(kReadBuffer) {
  for (std::size_t i = 0; i < options_.hosts.size(); ++i) {
    TunConfig tun;
    tun.address = host_address(i);
    tun.mtu = options_.mtu;
    tun.offload = options_.offload;
    hosts_.push_back(std::make_unique<NetHost>(options_.hosts[i], tun));
    tuns_.push_back(hosts_.back()->take_tun());
    host_lanes_.push_back(trace.lane(options_.hosts[i]));
  }
  epoll_.reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) throw net::SysError("epoll_create1", errno);
  wake_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!wake_) throw net::SysError("eventfd", errno);
  timer_.reset(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer_) throw net::SysError("timerfd_create", errno);
  auto watch = [this](int fd, std::uint64_t tag) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = tag;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) throw net::SysError("epoll_ctl", errno);
  };
  for (std::size_t i = 0; i < tuns_.size(); ++i) watch(tuns_[i].get(), i);
  watch(wake_.get(), kWakeTag);
  watch(timer_.get(), kTimerTag);
  if (stepper_ != nullptr) stepper_->set_frame_listener([this] { wake(); });
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

VirtualWire::~VirtualWire() {
  if (stepper_ != nullptr) stepper_->set_frame_listener(nullptr);
  thread_.request_stop();
  wake();
  if (thread_.joinable()) thread_.join();
}

NetHost* VirtualWire::host_for(std::string_view lane) {
  const std::string_view base = lane.substr(0, lane.find('#'));
  for (auto& host : hosts_) {
    if (host->name() == base) return host.get();
  }
  return nullptr;
}

void VirtualWire::set_policy(WirePolicy policy) {
  std::lock_guard lock(mutex_);
  has_policy_.store(static_cast<bool>(policy), std::memory_order_release);
  policy_ = std::move(policy);
}

WireStats VirtualWire::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void VirtualWire::wake() {
  const std::uint64_t one = 1;
  [[maybe_unused]] auto written = ::write(wake_.get(), &one, sizeof one);
}

void VirtualWire::run(std::stop_token stop) {
  std::array<epoll_event, 16> ready{};
  std::int64_t spin_until = 0;
  while (!stop.stop_requested()) {
    // After any activity, look again without sleeping for a short while before blocking: the
    // answer to a packet usually comes back within tens of microseconds, and waking a sleeping
    // thread costs about as much on a small virtual machine — twice per round trip. Spinning
    // only after activity keeps an idle wire at zero CPU (measured: round trip through the wire
    // from loopback's + 30 µs down to below loopback's, tests/bench/wire_bench.cpp).
    int count = ::epoll_wait(epoll_.get(), ready.data(), static_cast<int>(ready.size()), 0);
    while (count == 0 && steady_ns() < spin_until) {
      count = ::epoll_wait(epoll_.get(), ready.data(), static_cast<int>(ready.size()), 0);
    }
    if (count == 0) count = ::epoll_wait(epoll_.get(), ready.data(), static_cast<int>(ready.size()), -1);
    spin_until = steady_ns() + kSpinNs;
    if (count < 0) {
      if (errno == EINTR) continue;
      spdlog::get("wire") ? spdlog::get("wire")->error("epoll_wait: {}", std::strerror(errno))
                          : spdlog::error("wire: epoll_wait: {}", std::strerror(errno));
      return;
    }
    for (int i = 0; i < count; ++i) {
      const std::uint64_t tag = ready[static_cast<std::size_t>(i)].data.u64;
      if (tag == kWakeTag || tag == kTimerTag) {
        std::uint64_t drained = 0;
        [[maybe_unused]] auto got = ::read(tag == kWakeTag ? wake_.get() : timer_.get(), &drained,
                                           sizeof drained);
      } else {
        read_host(static_cast<std::size_t>(tag));
      }
    }
    release_held();
    deliver_due(steady_ns());
    arm_timer();
  }
}

void VirtualWire::read_host(std::size_t index) {
  for (int n = 0; n < kBatch; ++n) {
    const ssize_t got = ::read(tuns_[index].get(), read_buffer_.data(), read_buffer_.size());
    if (got <= 0) return;  // EAGAIN: this host has nothing more to send now
    if (static_cast<std::size_t>(got) <= kVnetHeader) continue;  // a header without a packet
    VnetHeader header{};
    std::memcpy(&header, read_buffer_.data(), kVnetHeader);
    const std::int64_t now = steady_ns();
    const auto framed = std::span(read_buffer_).first(static_cast<std::size_t>(got));
    if (forward_whole(index, header, framed, now)) continue;
    const auto packet = framed.subspan(kVnetHeader);
    const auto count = static_cast<std::uint16_t>(OffloadSegmenter::count(header, packet));
    Cut cut{0, count > 1 ? count : std::uint16_t{0}};
    const std::size_t packets = segmenter_.split(header, packet, [&](std::span<std::byte> wire_packet) {
      on_packet(index, wire_packet, now, cut);
      ++cut.index;
    });
    if (packets > 1) {
      std::lock_guard lock(mutex_);
      stats_.segmented += packets;
    }
  }
}

bool VirtualWire::forward_whole(std::size_t from, const VnetHeader& header, std::span<std::byte> framed,
                                std::int64_t now) {
  const auto packet = framed.subspan(kVnetHeader);
  const std::size_t count = OffloadSegmenter::count(header, packet);
  if (count == 1 || !held_.empty() || has_policy_.load(std::memory_order_acquire)) return false;
  const std::int64_t to = destination(packet);
  if (to < 0) return false;
  if (stepper_ != nullptr && !stepper_->release_free_frames(count)) return false;
  const auto target = static_cast<std::size_t>(to);
  run_.clear();
  const std::byte* first = nullptr;
  std::size_t bytes = 0;
  segmenter_.split(header, packet, [&](std::span<std::byte> wire_packet) {
    const Cut cut{static_cast<std::uint16_t>(run_.size()), static_cast<std::uint16_t>(count)};
    trace::Event& event = run_.emplace_back(packet_event(from, target, wire_packet, cut));
    event.verdict = trace::Verdict::Delivered;
    event.flow = flow_for(event);
    event.payload_size = static_cast<std::uint32_t>(wire_packet.size());
    if (first == nullptr) first = wire_packet.data();
    bytes += wire_packet.size();
  });
  // The packets lie back to back in the segmenter's buffer: one copy into the trace for all.
  const std::int64_t cut_ns = steady_ns();
  for (trace::Event& event : run_) event.dur_ns = cut_ns - now;
  trace_.append_run(run_, std::span(first, bytes));
  // The segment as the kernel gave it, header and partial checksum included (split left it
  // untouched): the receiving kernel takes a partial checksum as one it computed itself.
  const ssize_t written = ::write(tuns_[target].get(), framed.data(), framed.size());
  std::lock_guard lock(mutex_);
  stats_.packets += count;
  stats_.bytes += bytes;
  stats_.segmented += count;
  (written == static_cast<ssize_t>(framed.size()) ? stats_.delivered : stats_.dropped) += count;
  return true;
}

std::int64_t VirtualWire::destination(std::span<const std::byte> bytes) const {
  if (bytes.size() < 20 || (std::to_integer<unsigned>(bytes[0]) >> 4) != 4) return -1;
  in_addr to{};
  std::memcpy(&to, bytes.data() + 16, 4);
  for (std::size_t i = 0; i < hosts_.size(); ++i) {
    if (hosts_[i]->address().s_addr == to.s_addr) return static_cast<std::int64_t>(i);
  }
  return -1;
}

trace::Event VirtualWire::packet_event(std::size_t from, std::size_t to, std::span<const std::byte> bytes,
                                       Cut cut) const {
  trace::Event event;
  event.kind = trace::EventKind::Packet;
  event.lane = wire_lane_;
  event.from = host_lanes_[from];
  event.to = to < host_lanes_.size() ? host_lanes_[to] : trace::kNoLane;
  describe_ipv4(bytes, event);
  event.cut_index = cut.index;
  event.cut_count = cut.count;
  return event;
}

void VirtualWire::on_packet(std::size_t from, std::span<std::byte> bytes, std::int64_t now, Cut cut) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.packets;
    stats_.bytes += bytes.size();
  }
  const std::int64_t to = destination(bytes);
  if (to < 0) {
    // Nobody on the wire has that address (IPv6 noise, a broadcast): it goes nowhere.
    trace::Event event = packet_event(from, host_lanes_.size(), bytes, cut);
    event.verdict = trace::Verdict::Dropped;
    event.flow = flow_for(event);
    trace_.append(event, bytes);
    std::lock_guard lock(mutex_);
    ++stats_.dropped;
    return;
  }
  const bool go = held_.empty() && (stepper_ == nullptr || stepper_->take_frame_turn().go);
  if (go && !has_policy_.load(std::memory_order_acquire)) {
    // The common case, straight from the read buffer: no copy, no queue, no allocation.
    deliver(bytes, from, static_cast<std::size_t>(to), now, trace::kNoSeq, trace::Verdict::Delivered, cut);
    return;
  }
  Held packet{{bytes.begin(), bytes.end()}, from, static_cast<std::size_t>(to), now, trace::kNoSeq, cut};
  if (go) {
    release(std::move(packet), now);
    return;
  }
  if (held_.size() >= options_.hold_capacity) {
    trace::Event event = packet_event(from, packet.to, bytes, cut);
    event.verdict = trace::Verdict::Dropped;
    const std::uint64_t seq = trace_.append(event, bytes);
    trace::Event why;
    why.kind = trace::EventKind::Impairment;
    why.lane = wire_lane_;
    why.verdict = trace::Verdict::Dropped;
    why.link = seq;
    trace_.append(why, "hold queue full: the wire keeps at most " +
                           std::to_string(options_.hold_capacity) + " packets waiting for a step");
    std::lock_guard lock(mutex_);
    ++stats_.dropped;
    return;
  }
  trace::Event event = packet_event(from, packet.to, bytes, cut);
  event.verdict = trace::Verdict::Held;
  event.flow = flow_for(event);
  packet.held_seq = trace_.append(event, bytes);
  held_.push_back(std::move(packet));
  held_reported_ = true;
  std::lock_guard lock(mutex_);
  stats_.held = held_.size();
  if (stepper_ != nullptr) stepper_->set_held_frames(held_.size());
}

void VirtualWire::release_held() {
  pace_retry_ns_ = -1;
  // Nothing held is the bulk-transfer case: skip the locks below, which every wake-up would pay.
  if (held_.empty() && !held_reported_) return;
  while (!held_.empty()) {
    const lesson::FrameTurn turn = stepper_ != nullptr ? stepper_->take_frame_turn() : lesson::FrameTurn{true, {}};
    if (!turn.go) {
      if (turn.retry_at) pace_retry_ns_ = turn.retry_at->time_since_epoch().count();
      break;
    }
    Held packet = std::move(held_.front());
    held_.pop_front();
    release(std::move(packet), steady_ns());
  }
  held_reported_ = !held_.empty();
  std::lock_guard lock(mutex_);
  stats_.held = held_.size();
  if (stepper_ != nullptr) stepper_->set_held_frames(held_.size());
}

void VirtualWire::release(Held packet, std::int64_t now) {
  WirePolicy policy;
  {
    std::lock_guard lock(mutex_);
    policy = policy_;
  }
  WireVerdict verdict;
  if (policy) {
    WirePacketView view{packet.bytes, packet.from, packet.to, trace_.now_ns()};
    verdict = policy(view);
  }
  if (verdict.copies.empty()) {
    trace::Event event = packet_event(packet.from, packet.to, packet.bytes, packet.cut);
    event.verdict = trace::Verdict::Dropped;
    event.flow = flow_for(event);
    event.link = packet.held_seq;
    event.dur_ns = now - packet.captured_ns;
    const std::uint64_t seq = trace_.append(event, packet.bytes);
    trace::Event why;
    why.kind = trace::EventKind::Impairment;
    why.lane = wire_lane_;
    why.verdict = trace::Verdict::Dropped;
    why.link = seq;
    why.flow = event.flow;
    trace_.append(why, verdict.reason);
    std::lock_guard lock(mutex_);
    ++stats_.dropped;
    return;
  }
  // The explanation first, so each delivered copy can point at why it was late, doubled or damaged.
  std::uint64_t cause = packet.held_seq;
  if (!verdict.reason.empty()) {
    trace::Event why;
    why.kind = trace::EventKind::Impairment;
    why.lane = wire_lane_;
    why.verdict = verdict.verdict;
    why.link = packet.held_seq;
    cause = trace_.append(why, verdict.reason);
  }
  for (std::size_t i = 0; i < verdict.copies.size(); ++i) {
    Scheduled next;
    next.due_ns = now + std::max<std::int64_t>(0, verdict.copies[i].delay_ns);
    next.order = next_order_++;
    next.bytes = packet.bytes;
    next.from = packet.from;
    next.to = packet.to;
    next.captured_ns = packet.captured_ns;
    next.link = cause;
    next.verdict = i > 0 ? trace::Verdict::Duplicated : verdict.verdict;
    next.cut = packet.cut;
    scheduled_.push_back(std::move(next));
    std::push_heap(scheduled_.begin(), scheduled_.end(), std::greater<>{});
  }
  deliver_due(now);
}

void VirtualWire::deliver_due(std::int64_t now) {
  while (!scheduled_.empty() && scheduled_.front().due_ns <= now) {
    std::pop_heap(scheduled_.begin(), scheduled_.end(), std::greater<>{});
    Scheduled packet = std::move(scheduled_.back());
    scheduled_.pop_back();
    deliver(packet.bytes, packet.from, packet.to, packet.captured_ns, packet.link, packet.verdict, packet.cut);
  }
}

void VirtualWire::deliver(std::span<const std::byte> bytes, std::size_t from, std::size_t to,
                          std::int64_t captured_ns, std::uint64_t link, trace::Verdict verdict, Cut cut) {
  trace::Event event = packet_event(from, to, bytes, cut);
  event.verdict = verdict;
  event.flow = flow_for(event);
  event.link = link;
  event.dur_ns = steady_ns() - captured_ns;
  trace_.append(event, bytes);
  // A header of zeros: a whole packet whose checksums the receiving kernel checks itself, so
  // one the wire damaged on purpose is dropped there as on a real network.
  static const VnetHeader plain{};
  const std::array<iovec, 2> parts{iovec{const_cast<VnetHeader*>(&plain), kVnetHeader},
                                   iovec{const_cast<std::byte*>(bytes.data()), bytes.size()}};
  const ssize_t written = ::writev(tuns_[to].get(), parts.data(), static_cast<int>(parts.size()));
  std::lock_guard lock(mutex_);
  if (written == static_cast<ssize_t>(kVnetHeader + bytes.size())) {
    ++stats_.delivered;
  } else {
    ++stats_.dropped;  // the receiving kernel refused it (queue full): lost like on a real wire
  }
}

trace::FlowId VirtualWire::flow_for(const trace::Event& event) {
  if (event.peer.empty()) return trace::kNoFlow;
  // Trace::flow_of formats both addresses under the trace's lock; a bulk transfer asks for
  // the same few flows 100,000 times a second, so the wire thread remembers its answers.
  FlowKey key{};
  auto put = [&](std::size_t at, const trace::Address& address) {
    key[at] = address.family;
    key[at + 1] = static_cast<std::uint8_t>(address.port >> 8);
    key[at + 2] = static_cast<std::uint8_t>(address.port & 0xFF);
    std::copy(address.ip.begin(), address.ip.end(), key.begin() + static_cast<std::ptrdiff_t>(at + 3));
  };
  put(0, event.local);
  put(19, event.peer);
  if (const auto found = flows_.find(key); found != flows_.end()) return found->second;
  if (flows_.size() > 4096) flows_.clear();  // bounded: a lookup miss only costs the slow path
  const trace::FlowId flow = trace_.flow_of(event.local, event.peer);
  flows_.emplace(key, flow);
  return flow;
}

void VirtualWire::arm_timer() {
  std::int64_t due = -1;
  if (!scheduled_.empty()) due = scheduled_.front().due_ns;
  if (pace_retry_ns_ >= 0 && (due < 0 || pace_retry_ns_ < due)) due = pace_retry_ns_;
  // One timerfd_settime per wake-up would be a third of a packet's syscalls in a bulk
  // transfer, where nothing is scheduled: only tell the kernel when the deadline changes.
  if (due == armed_ns_) return;
  armed_ns_ = due;
  itimerspec spec{};
  if (due >= 0) {
    due = std::max<std::int64_t>(due, 1);
    spec.it_value.tv_sec = due / 1'000'000'000;
    spec.it_value.tv_nsec = due % 1'000'000'000;
  }
  ::timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr);
}

}  // namespace wirestep::wire
