// Turns what a TUN with offloads hands over back into the packets a real wire carries.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "wire/vnet_header.h"

namespace wirestep::wire {

// The TUNs are told that they "offload" checksums and TCP segmentation (TUNSETOFFLOAD), as a
// network card does. The kernel then hands the wire one large TCP segment, up to 64 KiB, with
// a VnetHeader in front saying how it is to be cut (gso_size: the MSS) and a checksum
// left for the card to finish, instead of many MTU-sized packets it checksummed itself.
// Reading one of those costs the wire one system call instead of up to 45 (MTU 1500), and the
// sender's kernel no longer segments and sums in software.
//
// The wire is that card. It cuts the segment exactly as the kernel's own software
// segmentation would have (tcp_gso_segment, inet_gso_segment: sequence numbers advance by the
// MSS, the IP ID by one per packet, FIN and PSH only on the last packet, CWR only on the
// first) and computes every checksum, so each packet recorded, shown and delivered is the
// packet the kernel would have sent without offloads, byte for byte.
class OffloadSegmenter {
 public:
  using Emit = std::function<void(std::span<std::byte> packet)>;

  // Calls emit for each wire packet in `packet` (the bytes after the header), in order, and
  // returns how many there were. A TCP-over-IPv4 segment to be cut (gso_type TCPV4) gives
  // packets of at most its headers + gso_size bytes, built back to back in a buffer of the
  // segmenter's own (valid until the next split), so they can be recorded with one copy.
  // Anything else is one packet, given as `packet` itself
  // with its checksum finished in place when the kernel left it partial. A segment whose
  // headers make no sense (never seen from a kernel) is also passed on whole, its checksum
  // finished where the header's offsets allow.
  std::size_t split(const VnetHeader& header, std::span<std::byte> packet, const Emit& emit);

  // How many packets split() would give, without cutting anything.
  static std::size_t count(const VnetHeader& header, std::span<const std::byte> packet);

 private:
  std::vector<std::byte> staging_;
};

// Finishes a checksum the kernel left partial (VnetHeader::kNeedsChecksum): the field at
// csum_start + csum_offset holds the pseudo-header's sum; the checksum is the complement of
// the sum from csum_start to the end, stored there (0 sent as 0xffff, as the kernel does).
// Returns false, leaving the bytes alone, when the offsets fall outside the packet.
bool finish_checksum(const VnetHeader& header, std::span<std::byte> packet);

}  // namespace wirestep::wire
