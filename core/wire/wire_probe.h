// Which capture tier this machine allows, why, and what would enable the next one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wirestep::wire {

// Best first (ARCHITECTURE §3).
enum class Tier : std::uint8_t { VirtualWire, VethWire, LoopbackCapture, Sockets };
std::string_view to_string(Tier tier);

struct TierStatus {
  Tier tier = Tier::Sockets;
  bool available = false;
  std::string reason;  // why it is or is not available, with the system's own words
  std::string enable;  // what the user can do to enable it; empty when available
};

struct ProbeResult {
  Tier best = Tier::Sockets;
  std::vector<TierStatus> tiers;  // one per Tier, best first
  bool user_namespace = false;    // this process entered its own user namespace at start
  const TierStatus& status(Tier tier) const;
};

// Tries each tier for real in a forked child (a namespace, a TUN, a pcap handle on lo), so
// that whatever fails cannot leave this process half-configured. Takes a few milliseconds.
ProbeResult probe();
// probe() once per process; later calls return the first answer.
const ProbeResult& probe_once();

// First thing in main, while the process is still single-threaded: when not root but
// /dev/net/tun is usable, enter an unprivileged user namespace (setgroups deny, uid_map,
// gid_map) so that network namespaces can be made without root. Returns true if entered.
// Does nothing for root or when it would not help.
bool enter_user_namespace_if_useful();

}  // namespace wirestep::wire
