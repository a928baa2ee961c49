// LoopbackObserver: open libpcap on lo, filter one port, and turn each captured frame into a Packet event.
#include "wire/loopback_observer.h"

#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "net/sys_error.h"
#include "trace/trace.h"

namespace wirestep::wire {
namespace {

// lo's MTU on Linux is 65536 and a link header comes on top, so 65535 — the classic snap
// length — would cut the last bytes off every full-size loopback segment. 262144 is
// libpcap's own maximum; a frame longer than that is still recorded, cut, with its real size.
constexpr int kSnapLength = 262144;

// A packet older than this when the thread gets it means the wall clock jumped meanwhile.
constexpr std::int64_t kMaxCaptureAge = 1'000'000'000;

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::uint16_t kEtherVlan = 0x8100;

// Not registered here: the app (or the GUI's log console) owns the "wire" logger's sinks.
std::shared_ptr<spdlog::logger> wire_log() {
  auto logger = spdlog::get("wire");
  return logger ? logger : spdlog::default_logger();
}

std::uint16_t read_u16(std::span<const std::byte> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(bytes[at]) << 8) |
                                    std::to_integer<unsigned>(bytes[at + 1]));
}

unsigned ip_version(std::span<const std::byte> bytes) {
  return bytes.empty() ? 0 : std::to_integer<unsigned>(bytes[0]) >> 4;
}

// What follows a link header that names its payload by EtherType.
std::span<const std::byte> by_ether_type(std::uint16_t type, std::span<const std::byte> rest) {
  if (type == kEtherIpv4 && ip_version(rest) == 4) return rest;
  if (type == kEtherIpv6 && ip_version(rest) == 6) return rest;
  return {};
}

// Collects the bpf_program that pcap_compile allocates, whatever happens next.
struct CompiledFilter {
  bpf_program program{};
  bool compiled = false;
  ~CompiledFilter() {
    if (compiled) pcap_freecode(&program);
  }
};

}  // namespace

// ---- CaptureError ----

CaptureError::CaptureError(std::string step, int status, std::string reason)
    : std::runtime_error(step + ": " + reason), status_(status), reason_(std::move(reason)) {}

bool CaptureError::permission_denied() const { return status_ == PCAP_ERROR_PERM_DENIED; }

std::string CaptureError::hint() const {
  if (permission_denied()) {
    // The real path, so the command can be pasted as it is.
    std::array<char, 4096> self{};
    const ssize_t length = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
    const std::string path = length > 0 ? std::string(self.data(), static_cast<std::size_t>(length))
                                        : std::string("PATH/TO/wirestep");
    return "run as root (sudo), or give the program CAP_NET_RAW: sudo setcap "
           "cap_net_raw,cap_net_admin=eip " +
           path;
  }
  if (status_ == PCAP_ERROR_NO_SUCH_DEVICE) return "this machine has no loopback interface 'lo'";
  if (status_ == PCAP_ERROR_IFACE_NOT_UP) return "bring the loopback interface up (sudo ip link set lo up)";
  return "check that libpcap can capture on lo (tcpdump -i lo shows the same error)";
}

// ---- framing and addresses ----

std::span<const std::byte> strip_link_header(int datalink, std::span<const std::byte> frame) {
  switch (datalink) {
    case DLT_EN10MB: {
      if (frame.size() < 14) return {};
      std::size_t header = 14;
      std::uint16_t type = read_u16(frame, 12);
      if (type == kEtherVlan && frame.size() >= 18) {  // one 802.1Q tag (not on lo, but cheap)
        type = read_u16(frame, 16);
        header = 18;
      }
      return by_ether_type(type, frame.subspan(header));
    }
    case DLT_NULL:
    case DLT_LOOP: {
      // A 4-byte address family, in host order (NULL) or network order (LOOP), whose
      // AF_INET6 value differs between systems: the IP version nibble is the reliable test.
      if (frame.size() < 4) return {};
      const auto rest = frame.subspan(4);
      const unsigned version = ip_version(rest);
      return version == 4 || version == 6 ? rest : std::span<const std::byte>{};
    }
    case DLT_LINUX_SLL:
      if (frame.size() < 16) return {};
      return by_ether_type(read_u16(frame, 14), frame.subspan(16));
    case DLT_LINUX_SLL2:
      if (frame.size() < 20) return {};
      return by_ether_type(read_u16(frame, 0), frame.subspan(20));
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6: {
      const unsigned version = ip_version(frame);
      return version == 4 || version == 6 ? frame : std::span<const std::byte>{};
    }
    default:
      return {};
  }
}

void describe_ip_packet(std::span<const std::byte> bytes, trace::Event& event) {
  std::size_t transport_at = 0;
  unsigned protocol = 0;
  const unsigned version = ip_version(bytes);
  if (version == 4 && bytes.size() >= 20) {
    transport_at = (std::to_integer<unsigned>(bytes[0]) & 0x0F) * 4u;
    protocol = std::to_integer<unsigned>(bytes[9]);
    event.local.family = 4;
    event.peer.family = 4;
    std::memcpy(event.local.ip.data(), bytes.data() + 12, 4);
    std::memcpy(event.peer.ip.data(), bytes.data() + 16, 4);
  } else if (version == 6 && bytes.size() >= 40) {
    // Only the fixed header: the filter's port match also ignores extension headers, so a
    // packet with them does not get here for TCP/UDP ports anyway.
    transport_at = 40;
    protocol = std::to_integer<unsigned>(bytes[6]);
    event.local.family = 6;
    event.peer.family = 6;
    std::memcpy(event.local.ip.data(), bytes.data() + 8, 16);
    std::memcpy(event.peer.ip.data(), bytes.data() + 24, 16);
  } else {
    return;
  }
  if (protocol == IPPROTO_TCP) event.transport = trace::Transport::Tcp;
  if (protocol == IPPROTO_UDP) event.transport = trace::Transport::Udp;
  if (event.transport != trace::Transport::None && bytes.size() >= transport_at + 4) {
    event.local.port = read_u16(bytes, transport_at);
    event.peer.port = read_u16(bytes, transport_at + 2);
  }
}

// ---- the observer ----

void LoopbackObserver::PcapCloser::operator()(pcap* handle) const { pcap_close(handle); }

std::string LoopbackObserver::filter() const {
  return fmt::format("tcp port {} or udp port {}", port_, port_);
}

LoopbackObserver::LoopbackObserver(trace::Trace& trace, std::uint16_t port, LoopbackOptions options)
    : trace_(trace),
      port_(port),
      wire_lane_(trace.lane("wire")),
      to_port_lane_(trace.lane(options.to_port_lane)),
      from_port_lane_(trace.lane(options.from_port_lane)) {
  std::array<char, PCAP_ERRBUF_SIZE> error{};
  const std::string device(kInterface);
  handle_.reset(pcap_create(device.c_str(), error.data()));
  if (!handle_) throw CaptureError("pcap_create(lo)", PCAP_ERROR, error.data());
  pcap* handle = handle_.get();
  // Nanosecond stamps where the kernel gives them (only used for dur_ns, see the header).
  if (pcap_set_tstamp_precision(handle, PCAP_TSTAMP_PRECISION_NANO) != 0) {
    wire_log()->debug("pcap_set_tstamp_precision(nano) refused: stamps in microseconds");
  }
  // Immediate mode: each packet reaches the thread as it arrives, not when a buffer fills,
  // so its trace time is close to when it crossed lo.
  if (pcap_set_immediate_mode(handle, 1) != 0 || pcap_set_snaplen(handle, kSnapLength) != 0 ||
      pcap_set_buffer_size(handle, options.buffer_bytes) != 0) {
    throw CaptureError("pcap_set_*(lo)", PCAP_ERROR, pcap_geterr(handle));
  }
  const int status = pcap_activate(handle);
  if (status < 0) {
    // pcap_geterr is empty for some statuses; then the status text is all there is.
    std::string reason = pcap_geterr(handle);
    if (reason.empty()) reason = pcap_statustostr(status);
    throw CaptureError("pcap_activate(lo)", status, std::move(reason));
  }
  if (status > 0) {
    wire_log()->warn("pcap_activate(lo): {} ({})", pcap_statustostr(status), pcap_geterr(handle));
  }
  datalink_ = pcap_datalink(handle);
  stamp_unit_ns_ = pcap_get_tstamp_precision(handle) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;

  CompiledFilter compiled;
  const std::string text = filter();
  if (pcap_compile(handle, &compiled.program, text.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    throw CaptureError("pcap_compile(" + text + ")", PCAP_ERROR, pcap_geterr(handle));
  }
  compiled.compiled = true;
  if (pcap_setfilter(handle, &compiled.program) != 0) {
    throw CaptureError("pcap_setfilter(" + text + ")", PCAP_ERROR, pcap_geterr(handle));
  }
  // Non-blocking: the thread sleeps in poll() on the capture fd and the stop eventfd together;
  // pcap_dispatch then only takes what is there.
  if (pcap_setnonblock(handle, 1, error.data()) != 0) {
    throw CaptureError("pcap_setnonblock(lo)", PCAP_ERROR, error.data());
  }
  if (pcap_get_selectable_fd(handle) < 0) {
    throw CaptureError("pcap_get_selectable_fd(lo)", PCAP_ERROR, "no selectable descriptor");
  }
  stop_fd_.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
  if (!stop_fd_) throw net::SysError("eventfd", errno);
  // Debug only: the caller says it in its own words (serve prints "capturing packets on lo").
  wire_log()->debug("capturing on lo: {} (link type {})", text,
                   pcap_datalink_val_to_name(datalink_) != nullptr ? pcap_datalink_val_to_name(datalink_) : "?");
  thread_ = std::jthread([this](std::stop_token stop) { run(stop); });
}

LoopbackObserver::~LoopbackObserver() { stop(); }

void LoopbackObserver::stop() {
  thread_.request_stop();  // the stop callback in run() pokes the eventfd
  if (thread_.joinable()) thread_.join();
}

LoopbackStats LoopbackObserver::stats() const {
  LoopbackStats out;
  out.packets = packets_.load(std::memory_order_relaxed);
  out.bytes = bytes_.load(std::memory_order_relaxed);
  out.truncated = truncated_.load(std::memory_order_relaxed);
  out.not_ip = not_ip_.load(std::memory_order_relaxed);
  out.kernel_dropped = kernel_dropped_.load(std::memory_order_relaxed);
  return out;
}

void LoopbackObserver::run(std::stop_token stop) {
  const int stop_fd = stop_fd_.get();
  std::stop_callback wake(stop, [stop_fd] {
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_fd, &one, sizeof one);
  });
  std::array<pollfd, 2> fds{{{pcap_get_selectable_fd(handle_.get()), POLLIN, 0}, {stop_fd, POLLIN, 0}}};
  while (!stop.stop_requested()) {
    const int ready = ::poll(fds.data(), fds.size(), -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      wire_log()->error("loopback capture: poll: {}", std::strerror(errno));
      break;
    }
    if (fds[1].revents != 0) break;
    if (fds[0].revents != 0) {
      // An error that stays (lo taken down) would wake poll() forever: stop capturing and say
      // so once; the socket calls go on being recorded.
      const bool ok = drain();
      count_kernel_drops();
      if (!ok || ((fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0 && (fds[0].revents & POLLIN) == 0)) {
        wire_log()->error("loopback capture stopped: {}", ok ? "the capture socket reported an error"
                                                               : pcap_geterr(handle_.get()));
        break;
      }
    }
  }
  // What the kernel already handed over belongs to the session too (the last FIN and ACK).
  drain();
  count_kernel_drops();
  if (const auto lost = kernel_dropped_.load(std::memory_order_relaxed); lost > 0) {
    wire_log()->warn("loopback capture: the kernel dropped {} packets in all (the capture ring was full)", lost);
  }
}

void LoopbackObserver::count_kernel_drops() {
  // libpcap adds up the kernel's counters (which reset on each read) for us.
  pcap_stat counters{};
  if (pcap_stats(handle_.get(), &counters) != 0) return;
  const std::uint64_t before = kernel_dropped_.exchange(counters.ps_drop, std::memory_order_relaxed);
  if (before == 0 && counters.ps_drop > 0) {
    wire_log()->warn("loopback capture: the kernel dropped packets (the capture ring was full); "
                     "the trace misses {} so far",
                     counters.ps_drop);
  }
}

bool LoopbackObserver::drain() {
  // A burst can be larger than one dispatch returns; stop when the ring is empty.
  for (;;) {
    const int count = pcap_dispatch(
        handle_.get(), -1,
        [](u_char* self, const pcap_pkthdr* header, const u_char* data) {
          auto* observer = reinterpret_cast<LoopbackObserver*>(self);
          const std::int64_t stamp_ns = std::int64_t{header->ts.tv_sec} * 1'000'000'000 +
                                        std::int64_t{header->ts.tv_usec} * observer->stamp_unit_ns_;
          observer->on_frame(std::as_bytes(std::span(data, header->caplen)), header->len, stamp_ns);
        },
        reinterpret_cast<u_char*>(this));
    if (count == PCAP_ERROR) return false;
    if (count <= 0) return true;
  }
}

void LoopbackObserver::on_frame(std::span<const std::byte> frame, std::uint32_t wire_length,
                                std::int64_t stamp_ns) {
  // The clocks first: everything after this is bookkeeping (see the class comment on time).
  const std::int64_t now = trace_.now_ns();
  timespec wall{};
  ::clock_gettime(CLOCK_REALTIME, &wall);
  // How long ago the kernel stamped it, on one clock (both are wall time). A wall clock step
  // in between would make it nonsense: then it is unknown (0) rather than wrong.
  std::int64_t age = std::int64_t{wall.tv_sec} * 1'000'000'000 + wall.tv_nsec - stamp_ns;
  if (age < 0 || age > kMaxCaptureAge) age = 0;
  const auto packet = strip_link_header(datalink_, frame);
  if (packet.empty()) {
    not_ip_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const std::size_t link_header = frame.size() - packet.size();
  const std::size_t real_size = wire_length > link_header ? wire_length - link_header : packet.size();

  trace::Event event;
  event.kind = trace::EventKind::Packet;
  event.lane = wire_lane_;
  event.verdict = trace::Verdict::Delivered;
  event.dur_ns = age;
  describe_ip_packet(packet, event);
  // The kernel filter is installed just after the capture starts: a frame that slipped in
  // before it is not this port's and stays out of the trace.
  if (event.transport == trace::Transport::None ||
      (event.local.port != port_ && event.peer.port != port_)) {
    return;
  }
  // Addressed to the watched port: the client talks; otherwise the server answers.
  const bool to_port = event.peer.port == port_;
  event.from = to_port ? to_port_lane_ : from_port_lane_;
  event.to = to_port ? from_port_lane_ : to_port_lane_;
  event.flow = event.peer.empty() ? trace::kNoFlow : trace_.flow_of(event.local, event.peer);

  if (real_size > packet.size()) {
    // Cut by the snap length: keep saying how long it really was.
    event.t_ns = now;
    event.payload_size = static_cast<std::uint32_t>(real_size);
    trace_.append_recorded(event, packet);
    truncated_.fetch_add(1, std::memory_order_relaxed);
  } else {
    trace_.append_at(now, event, packet);
  }
  packets_.fetch_add(1, std::memory_order_relaxed);
  bytes_.fetch_add(real_size, std::memory_order_relaxed);
}

}  // namespace wirestep::wire
