// The loopback observer: libpcap on `lo` records the real IP packets of one port's conversations.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "net/fd.h"
#include "trace/event.h"

// libpcap's handle type (pcap_t is `struct pcap`), declared here so that only the .cpp
// includes pcap.h: wirestep_core links libpcap privately.
struct pcap;

namespace wirestep::trace {
class Trace;
}

namespace wirestep::wire {

// Packet capture could not start. what() is "<step>: <libpcap's text>"; reason() is libpcap's
// own words verbatim (pcap_geterr), e.g. "socket: Operation not permitted" for a user
// without CAP_NET_RAW, so the user sees exactly what the system said.
class CaptureError : public std::runtime_error {
 public:
  CaptureError(std::string step, int status, std::string reason);
  // The libpcap status: PCAP_ERROR_* (negative); PCAP_ERROR_PERM_DENIED is -8.
  int status() const { return status_; }
  bool permission_denied() const;
  const std::string& reason() const { return reason_; }
  // What the user can do about it, in one sentence ("run as root, or ...").
  std::string hint() const;

 private:
  int status_;
  std::string reason_;
};

struct LoopbackOptions {
  // The lane of whoever sends a packet *to* the watched port (the outside client), and of
  // whoever sends *from* it (the server). Packets name them in Event::from / Event::to.
  std::string to_port_lane = "client";
  std::string from_port_lane = "server";
  // The kernel ring between the capture socket and the capture thread. Loopback frames are
  // up to 64 KiB and immediate mode gives each a fixed slot that size, so 16 MiB holds about
  // 240 of them while the thread catches up; past that the kernel drops (stats() counts them).
  int buffer_bytes = 16 << 20;
};

struct LoopbackStats {
  std::uint64_t packets = 0;         // appended to the trace as Packet events
  std::uint64_t bytes = 0;           // IP bytes in those packets (their real length)
  std::uint64_t truncated = 0;       // longer than the snap length: recorded cut, real size kept
  std::uint64_t not_ip = 0;          // frames without an IPv4/IPv6 packet inside (skipped)
  std::uint64_t kernel_dropped = 0;  // lost in the kernel ring: the trace is missing these
};

// Watches `tcp port N or udp port N` on the loopback interface and appends every matching
// packet to the trace as a Packet event — the same shape the virtual wire records:
//   lane "wire" (the timeline's middle lane, so a capture looks like the virtual wire's;
//   there is one loopback "cable"), from/to = the sender's and receiver's lanes (see
//   LoopbackOptions), local/peer = source/destination address with ports, flow =
//   trace.flow_of(source, destination), payload = the whole IP packet from its IP header,
//   verdict Delivered (the observer only watches; it cannot hold or drop anything).
// Time: libpcap stamps packets with the wall clock, the trace uses its own steady clock, and
// the trace never lets time go backwards. So t_ns is trace.now_ns() when the capture thread
// receives the packet; immediate mode hands packets over at once, usually within tens of
// microseconds, but the thread competes for a CPU with the sockets it watches: a packet is
// often recorded after the socket call it caused has returned (connect() before its SYN,
// even accept() before the SYN). dur_ns says by how much: the age of the kernel's stamp when
// the thread took the packet (both on the wall clock; 0 when unknown), so the packet crossed
// lo at t_ns - dur_ns — the same "start = t_ns - dur_ns" the virtual wire uses for a packet
// it held.
// Only ever "lo": capturing other interfaces would record other people's traffic.
class LoopbackObserver {
 public:
  static constexpr std::string_view kInterface = "lo";
  // Opens and activates the capture before returning, so every packet sent after the
  // constructor returns is recorded. Throws CaptureError when libpcap refuses (no
  // CAP_NET_RAW: status PCAP_ERROR_PERM_DENIED), net::SysError when eventfd fails.
  LoopbackObserver(trace::Trace& trace, std::uint16_t port, LoopbackOptions options = {});
  // Stops the capture thread promptly (it waits on poll, woken by an eventfd), after
  // recording the packets the kernel has already handed over.
  ~LoopbackObserver();
  // The same, for a caller that wants the final stats() (kernel drops are counted last)
  // before letting go of the observer. Idempotent; no packet is recorded after it returns.
  void stop();
  LoopbackObserver(const LoopbackObserver&) = delete;
  LoopbackObserver& operator=(const LoopbackObserver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string filter() const;  // the BPF filter text, "tcp port N or udp port N"
  int datalink() const { return datalink_; }  // DLT_* of the handle (DLT_EN10MB on Linux lo)
  LoopbackStats stats() const;

 private:
  struct PcapCloser {
    void operator()(pcap* handle) const;
  };
  void run(std::stop_token stop);
  bool drain();  // false when libpcap reports an error (pcap_geterr says which)
  void count_kernel_drops();
  void on_frame(std::span<const std::byte> frame, std::uint32_t wire_length, std::int64_t stamp_ns);

  trace::Trace& trace_;
  const std::uint16_t port_;
  std::unique_ptr<pcap, PcapCloser> handle_;
  int datalink_ = -1;
  std::int64_t stamp_unit_ns_ = 1000;  // what one unit of pcap_pkthdr.ts.tv_usec is worth
  trace::LaneId wire_lane_;
  trace::LaneId to_port_lane_;
  trace::LaneId from_port_lane_;
  net::Fd stop_fd_;  // an eventfd: poll() wakes on it when the observer is destroyed
  std::atomic<std::uint64_t> packets_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> truncated_{0};
  std::atomic<std::uint64_t> not_ip_{0};
  std::atomic<std::uint64_t> kernel_dropped_{0};
  std::jthread thread_;  // last: started when everything above exists, joined first
};

// The IP packet inside one captured frame of link type `datalink` (a DLT_* value): the bytes
// from the IP header on, or empty when the frame holds no IPv4/IPv6 packet. Handles what lo
// can give on Linux and elsewhere: DLT_EN10MB (14-byte Ethernet), DLT_NULL and DLT_LOOP
// (4-byte address family), DLT_LINUX_SLL (16 bytes), DLT_LINUX_SLL2 (20 bytes), DLT_RAW,
// DLT_IPV4 and DLT_IPV6 (none).
std::span<const std::byte> strip_link_header(int datalink, std::span<const std::byte> frame);

// Source and destination of an IPv4/IPv6 packet with TCP/UDP ports, into event.local (the
// source), event.peer (the destination) and event.transport. Leaves them empty when the
// bytes are not an IP packet.
void describe_ip_packet(std::span<const std::byte> packet, trace::Event& event);

}  // namespace wirestep::wire
