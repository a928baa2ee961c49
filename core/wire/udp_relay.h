// UdpRelay: the impairment of the virtual wire for machines without it, as a user-space UDP relay.
//
// A lesson's sender sends to the relay's front address (127.0.0.1, a port of its own) instead of
// to the receiver; the relay forwards each datagram from its back socket to the real destination
// and each reply from the destination back to the sender — after the same ImpairmentPolicy the
// virtual wire uses has decided, per direction, whether to drop, delay, hold back (reorder) or
// copy it. The same seed therefore gives the same decisions on both tiers.
//
// What it is not: it sees datagrams, not IP packets (the kernel builds those on loopback), so it
// records no Packet events. Each decision is an Impairment event on lane "relay" (from/to are the
// two sides' lanes, the verdict says what happened, the text why: "dropped by the relay: loss
// 30 %, seed 7"), so the timeline shows the relay's doings and never passes them off as the
// wire's. The receiver sees datagrams come from the relay's back address, not from the sender.
//
// One sender: replies go to the last address that sent to the front. Departures wait in a bounded
// heap; a datagram that finds it full is dropped and says so. One thread (poll with the earliest
// departure as deadline, an eventfd to stop) owns the sockets and the policy; stopping is prompt.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "net/endpoint.h"
#include "net/fd.h"
#include "trace/event.h"
#include "wire/impairment_policy.h"

namespace wirestep::trace {
class Trace;
}

namespace wirestep::wire {

struct UdpRelayOptions {
  std::string lane = "relay";
  std::string client_lane = "client";  // the side that sends to the front (direction client -> server)
  std::string server_lane = "server";  // the destination's side
  std::size_t queue_capacity = 4096;   // datagrams waiting for their departure time
};

struct UdpRelayStats {
  std::uint64_t received = 0;    // datagrams read, both directions
  std::uint64_t forwarded = 0;   // datagrams sent on (a duplicate counts twice)
  std::uint64_t dropped = 0;     // by the policy or a full queue
  std::uint64_t duplicated = 0;  // extra copies made
  std::uint64_t delayed = 0;     // held back by delay, jitter or reordering
  std::uint64_t reordered = 0;   // held back so later ones overtake
};

class UdpRelay {
 public:
  // Binds the front and back sockets on 127.0.0.1 port 0 and starts the relay thread. The
  // destination must be IPv4. Throws net::SysError when a socket cannot be made.
  UdpRelay(trace::Trace& trace, std::shared_ptr<ImpairmentPolicy> policy, const net::Endpoint& destination,
           UdpRelayOptions options = {});
  ~UdpRelay();  // stops the thread; datagrams still waiting are not sent
  UdpRelay(const UdpRelay&) = delete;
  UdpRelay& operator=(const UdpRelay&) = delete;

  // Where the sender sends instead of to the destination.
  const net::Endpoint& endpoint() const { return front_address_; }
  // The address the destination sees datagrams come from.
  const net::Endpoint& back_endpoint() const { return back_address_; }
  UdpRelayStats stats() const;
  // Stops the thread now (the destructor does it too). Idempotent.
  void stop();

 private:
  struct Departure;
  void run(std::stop_token stop);
  void drain(bool from_front);
  void on_datagram(bool from_front, std::vector<std::byte> bytes, const net::Endpoint& from);
  void send_due(std::int64_t now);
  void record(bool from_front, trace::Verdict verdict, const std::string& why, std::uint32_t size);

  trace::Trace& trace_;
  std::shared_ptr<ImpairmentPolicy> policy_;
  UdpRelayOptions options_;
  trace::LaneId lane_;
  trace::LaneId client_lane_;
  trace::LaneId server_lane_;
  net::Endpoint destination_;
  net::Endpoint front_address_;
  net::Endpoint back_address_;
  net::Endpoint client_;  // the last sender on the front; replies go there
  net::Fd front_;
  net::Fd back_;
  net::Fd wake_;
  std::vector<Departure> heap_;  // a min-heap on departure time, then arrival order
  std::uint64_t next_order_ = 0;
  mutable std::mutex stats_mutex_;
  UdpRelayStats stats_;
  std::jthread thread_;
};

}  // namespace wirestep::wire
