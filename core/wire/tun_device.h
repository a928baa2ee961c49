// A TUN interface created in the calling thread's network namespace, its far end held as an fd.
#pragma once

#include <netinet/in.h>

#include <string>

#include "net/fd.h"
#include "wire/vnet_header.h"

namespace wirestep::wire {

struct TunConfig {
  std::string name = "wire0";
  in_addr address{};   // this host's address on the wire
  int prefix = 24;     // the wire's subnet: every other host is reached through the tun
  int mtu = 1500;
  // Checksums and TCP segmentation left to the reader, as to a network card (see
  // OffloadSegmenter); false: the kernel sends MTU-sized packets with whole checksums itself.
  bool offload = true;
};

// Creates the interface in the namespace of the calling thread, gives it its address and
// brings it up. The returned fd is non-blocking; reading it yields a VnetHeader
// (IFF_VNET_HDR) and one IP packet that this host's kernel sent: with
// config.offload, a TCP segment of up to 64 KiB with its checksum left partial, which
// OffloadSegmenter turns into wire packets. Writing a header and a packet
// injects the packet as if it had arrived. Throws net::SysError naming the step that failed.
net::Fd create_tun(const TunConfig& config);

// Brings `lo` up in the calling thread's namespace (a new namespace starts with it down).
void bring_loopback_up();

// Turns IPv6 off in the calling thread's namespace so the lesson is not interleaved with
// router solicitations and neighbour discovery nobody asked for.
void disable_ipv6();

}  // namespace wirestep::wire
