// The impaired link a UDP lesson sends through: the virtual wire when there is one, else a UdpRelay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lesson/lesson_context.h"
#include "net/endpoint.h"
#include "wire/impairment_policy.h"
#include "wire/udp_relay.h"

namespace wirestep::lessons {

// What the link did to the datagrams of one direction, read back from the trace.
struct LinkTally {
  std::uint64_t dropped = 0;
  std::uint64_t duplicated = 0;  // extra copies
  std::uint64_t held_back = 0;   // picked for reordering
};

// On the virtual wire every packet between the hosts is impaired by the wire itself; on the
// socket tier the sender is pointed at a user-space relay that applies the same policy with the
// same seed. Either way the link's decisions are in the trace, on lane lane().
class ImpairedUdpLink {
 public:
  // Impairs the wire at once (both directions); a relay is made by route_to().
  ImpairedUdpLink(lesson::LessonContext& context, const wire::LinkImpairment& link);

  // Where a sender sends to reach `receiver` across the impaired link.
  net::Endpoint route_to(const net::Endpoint& receiver);
  bool on_wire() const { return on_wire_; }
  std::string_view lane() const { return on_wire_ ? "wire" : "relay"; }
  // "the virtual wire" or "a user-space relay", for the lesson's notes.
  std::string_view name() const { return on_wire_ ? "the virtual wire" : "a user-space relay"; }
  // The link's decisions so far for datagrams sent by lane `from`.
  LinkTally tally(std::string_view from) const;

 private:
  lesson::LessonContext& context_;
  wire::LinkImpairment link_;
  bool on_wire_ = false;
  std::unique_ptr<wire::UdpRelay> relay_;
};

}  // namespace wirestep::lessons
