// EndpointLanes: which lane ("client", "server", or an address) each host in a capture file becomes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "trace/event.h"

namespace wirestep::capture {

// A capture file names no actors, so they are inferred from the packets, in two passes:
// observe() every packet, then ask lanes_for() each one.
//  - Two hosts: the one that sent the first SYN (or, without any SYN, the first packet) is
//    "client", the other "server".
//  - One host (a loopback capture: both ends share 127.0.0.1): the same rule per
//    conversation, by port: the SYN's sender port is the client side.
//  - More hosts: each host's IP address is its lane ("10.0.0.7", "fd00::1").
//  - A file WireStep wrote names each packet's sender as its interface: those names win, and
//    a host that never sent has no lane (as on the wire).
class EndpointLanes {
 public:
  // syn: a TCP SYN without ACK, i.e. an opening. sender: the interface name when it is trusted.
  void observe(const trace::Address& src, const trace::Address& dst, bool syn, const std::string* sender = nullptr);

  struct Lanes {
    std::string from;
    std::string to;  // "" when no lane is known for the receiver
  };
  Lanes lanes_for(const trace::Address& src, const trace::Address& dst, const std::string* sender = nullptr) const;

 private:
  // A host's address without the port, or the address with it (per conversation on one host).
  using Key = std::pair<std::uint8_t, std::array<std::uint8_t, 16>>;
  using Endpoint = std::pair<Key, std::uint16_t>;
  static Key host_of(const trace::Address& address) { return {address.family, address.ip}; }
  static std::pair<Endpoint, Endpoint> conversation(const trace::Address& a, const trace::Address& b);

  std::map<Key, std::uint32_t> hosts_;  // → order of first appearance
  std::optional<Key> first_source_;
  std::optional<Key> first_syn_source_;
  // One-host captures: per conversation, which endpoint opened it and whether a SYN said so.
  struct Opener {
    Endpoint endpoint;
    bool by_syn = false;
  };
  std::map<std::pair<Endpoint, Endpoint>, Opener> opener_;
  // Files WireStep wrote: the sender lane of each source host.
  std::map<Key, std::string> named_;
};

}  // namespace wirestep::capture
