// The header a TUN with IFF_VNET_HDR puts before every packet (struct virtio_net_hdr).
#pragma once

#include <cstddef>
#include <cstdint>

namespace wirestep::wire {

// The layout of struct virtio_net_hdr (virtio spec 1.x §5.1.6, legacy layout, fields in the
// machine's byte order as the TUN uses them unless told otherwise). Spelled out here because
// <linux/virtio_net.h> does not compile as C++ (a member is called `class`).
struct VnetHeader {
  static constexpr std::uint8_t kNeedsChecksum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr std::uint8_t kGsoNone = 0;        // VIRTIO_NET_HDR_GSO_NONE
  static constexpr std::uint8_t kGsoTcpV4 = 1;       // VIRTIO_NET_HDR_GSO_TCPV4
  static constexpr std::uint8_t kGsoEcn = 0x80;      // VIRTIO_NET_HDR_GSO_ECN: a flag on the type

  std::uint8_t flags = 0;
  std::uint8_t gso_type = kGsoNone;
  std::uint16_t hdr_len = 0;      // bytes of headers (a hint only)
  std::uint16_t gso_size = 0;     // the payload of each packet to cut: the MSS
  std::uint16_t csum_start = 0;   // where the checksummed part begins
  std::uint16_t csum_offset = 0;  // where the checksum field lies, from csum_start
};
static_assert(sizeof(VnetHeader) == 10, "the kernel's struct virtio_net_hdr is 10 bytes");

// What precedes every packet read from or written to the TUN.
inline constexpr std::size_t kVnetHeader = sizeof(VnetHeader);

}  // namespace wirestep::wire
