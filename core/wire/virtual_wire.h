// The virtual wire: lesson hosts in their own namespaces, every IP packet between them
// passing through one thread here where it is recorded, held for stepping, impaired or sent on.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/endpoint.h"
#include "net/fd.h"
#include "trace/event.h"
#include "wire/net_host.h"
#include "wire/offload_segmenter.h"

namespace wirestep::trace {
class Trace;
}
namespace wirestep::lesson {
class Stepper;
}

namespace wirestep::wire {

struct WireOptions {
  std::vector<std::string> hosts{"client", "server"};  // one namespace each, in address order
  int mtu = 1500;
  bool offload = true;  // the kernels hand the wire large segments to cut (see the class comment)
  std::size_t hold_capacity = 4096;  // packets held for stepping; beyond this they are dropped
};

// What the wire decided for one packet, and why (the Impairment event's text).
struct WireVerdict {
  struct Copy {
    std::int64_t delay_ns = 0;  // after the packet left the hold queue
  };
  std::vector<Copy> copies{Copy{}};  // none = dropped; two = duplicated
  std::string reason;                // "" for an ordinary delivery
  trace::Verdict verdict = trace::Verdict::Delivered;
};

// One packet as the policy sees it: the bytes (which it may edit), who sent it, who gets it.
struct WirePacketView {
  std::span<std::byte> bytes;
  std::size_t from_host = 0;
  std::size_t to_host = 0;
  std::int64_t now_ns = 0;
};
using WirePolicy = std::function<WireVerdict(WirePacketView&)>;

struct WireStats {
  std::uint64_t packets = 0;    // read from a host's TUN
  std::uint64_t bytes = 0;
  std::uint64_t delivered = 0;  // written to a host's TUN (a duplicate counts twice)
  std::uint64_t dropped = 0;    // by the policy, a full hold queue or no such host
  std::uint64_t held = 0;       // waiting for a step right now
  std::uint64_t segmented = 0;  // packets the wire cut from larger segments (see OffloadSegmenter)
};

// Hosts are numbered in WireOptions order and get 10.77.0.1, 10.77.0.2, ... on a /24. The
// wire thread reads each host's TUN, records a Packet event (lane "wire", from/to = the
// hosts' lanes, payload = the whole IP packet), and either forwards it at once or — when
// the stepper is at frame granularity and not free-running — holds it in a bounded queue
// until take_frame_turn() lets it go. The kernels' timers keep running meanwhile: a SYN held
// for a second is retransmitted, and that retransmission is held too.
//
// The TUNs offload TCP segmentation to the wire, as a network card takes it over: a sending
// kernel hands over up to 64 KiB at once, and the wire cuts it into the MTU-sized packets the
// kernel would otherwise have sent (OffloadSegmenter) and records those. When every one of
// them would simply be delivered (no policy, nothing held, frames not stepped or paced), the
// segment goes to the receiving kernel whole, as a card that coalesces received packets (GRO)
// hands them up, and that kernel acknowledges it with one ACK; otherwise each packet takes its
// own way, one write each, and is acknowledged as it arrives.
class VirtualWire {
 public:
  // Throws net::SysError when namespaces or TUN devices cannot be made.
  VirtualWire(trace::Trace& trace, lesson::Stepper* stepper, WireOptions options = {});
  ~VirtualWire();
  VirtualWire(const VirtualWire&) = delete;
  VirtualWire& operator=(const VirtualWire&) = delete;

  // The host for a lane: "client#3" lives on host "client". Null when there is none.
  NetHost* host_for(std::string_view lane);
  NetHost& host(std::size_t index) { return *hosts_[index]; }
  std::size_t host_count() const { return hosts_.size(); }
  // Replaces the impairment policy (null: deliver everything). Thread-safe.
  void set_policy(WirePolicy policy);
  WireStats stats() const;

 private:
  struct Held;
  struct Scheduled;
  // Which packet of an offloaded segment the wire cut this one as (count 0: not cut).
  struct Cut {
    std::uint16_t index = 0;
    std::uint16_t count = 0;
  };
  void run(std::stop_token stop);
  void read_host(std::size_t index);
  void on_packet(std::size_t from, std::span<std::byte> bytes, std::int64_t now, Cut cut);
  // Records the packets of an offloaded segment (framed: header and segment as read) and
  // writes the segment on whole, when none of them needs to be held, impaired or paced on its
  // own. False when they must go one by one through on_packet.
  bool forward_whole(std::size_t from, const VnetHeader& header, std::span<std::byte> framed,
                     std::int64_t now);
  void release(Held packet, std::int64_t now);
  void release_held();
  void deliver_due(std::int64_t now);
  void arm_timer();
  std::int64_t destination(std::span<const std::byte> bytes) const;
  void deliver(std::span<const std::byte> bytes, std::size_t from, std::size_t to,
               std::int64_t captured_ns, std::uint64_t link, trace::Verdict verdict, Cut cut);
  trace::FlowId flow_for(const trace::Event& event);
  trace::Event packet_event(std::size_t from, std::size_t to, std::span<const std::byte> bytes, Cut cut) const;
  void wake();

  trace::Trace& trace_;
  lesson::Stepper* stepper_;
  WireOptions options_;
  std::vector<std::unique_ptr<NetHost>> hosts_;
  std::vector<net::Fd> tuns_;
  std::vector<trace::LaneId> host_lanes_;
  trace::LaneId wire_lane_;
  net::Fd epoll_;
  net::Fd wake_;
  net::Fd timer_;
  std::vector<std::byte> read_buffer_;  // one packet, reused: not zeroed again for every read
  OffloadSegmenter segmenter_;
  std::vector<trace::Event> run_;  // the packets of one segment, recorded together
  std::deque<Held> held_;
  std::vector<Scheduled> scheduled_;  // a min-heap on due time
  std::int64_t pace_retry_ns_ = -1;   // when a paced frame may go, or -1
  std::int64_t armed_ns_ = -1;        // the timerfd's deadline now, or -1 when disarmed
  bool held_reported_ = false;        // the stepper and stats were last told of held packets
  std::uint64_t next_order_ = 0;
  // Both addresses with family and port, as the key of the wire thread's flow cache.
  using FlowKey = std::array<std::uint8_t, 38>;
  struct FlowKeyHash {
    std::size_t operator()(const FlowKey& key) const {
      std::size_t hash = 14695981039346656037ull;  // FNV-1a
      for (auto byte : key) hash = (hash ^ byte) * 1099511628211ull;
      return hash;
    }
  };
  std::unordered_map<FlowKey, trace::FlowId, FlowKeyHash> flows_;
  std::atomic<bool> has_policy_{false};
  mutable std::mutex mutex_;          // guards policy_ and stats_
  WirePolicy policy_;
  WireStats stats_;
  std::jthread thread_;
};

}  // namespace wirestep::wire
