// PacketSlice and TransportContext: what one layer's dissector is told about its bytes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>

#include "proto/packet/checksum.h"

namespace wirestep::proto {

// Where a layer's bytes lie inside the buffer being dissected. Every field offset counts from
// the start of buffer, so a layer nested anywhere (an IP header quoted inside an ICMP error)
// still points the hex view at the right bytes.
struct PacketSlice {
  std::span<const std::byte> buffer;  // the whole dissected buffer
  std::size_t offset = 0;             // this layer's first byte
  std::size_t length = 0;             // bytes the enclosing layer says this layer has
  // Inside an ICMP error, which quotes only the start of a packet (RFC 792, RFC 4443): missing
  // bytes are expected there, so they are a Note, not a Warning, and checksums go unverified.
  bool quoted = false;

  // How many of the stated bytes the buffer really holds.
  std::size_t captured() const {
    if (offset >= buffer.size()) return 0;
    return std::min(length, buffer.size() - offset);
  }
  bool complete() const { return captured() == length; }

  // A layer inside this one, rel bytes in, stated to have inner_length bytes. Its buffer ends
  // where this layer's captured bytes end, so an inner layer that claims more than its
  // enclosing layer holds (a forged length, a quote, a trailer after the packet) cannot reach
  // bytes that belong to something else.
  PacketSlice inner(std::size_t rel, std::size_t inner_length, bool inner_quoted) const {
    const std::size_t end = offset + captured();
    return PacketSlice{buffer.first(end), offset + rel, inner_length, quoted || inner_quoted};
  }
};

// What the IP layer tells the transport layer above it.
struct TransportContext {
  PseudoHeader pseudo;      // addresses and protocol for the checksum
  bool fragmented = false;  // one fragment of a datagram: the checksum covers bytes not here
};

}  // namespace wirestep::proto
