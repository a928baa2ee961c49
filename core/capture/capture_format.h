// The numbers of the pcap and pcapng formats that WireStep writes and reads, in one place.
#pragma once

#include <cstdint>

namespace wirestep::capture {

// Classic pcap: the magic number as a host-order uint32 read from the file's first 4 bytes
// tells both the byte order and the timestamp unit (tcpdump's pcap-savefile(5)).
inline constexpr std::uint32_t kPcapMagicMicros = 0xA1B2C3D4;
inline constexpr std::uint32_t kPcapMagicNanos = 0xA1B23C4D;
inline constexpr std::uint32_t kPcapFileHeaderSize = 24;
inline constexpr std::uint32_t kPcapRecordHeaderSize = 16;

// pcapng (draft-ietf-opsawg-pcapng): block types.
inline constexpr std::uint32_t kBlockSectionHeader = 0x0A0D0D0A;  // a palindrome: same in both orders
inline constexpr std::uint32_t kBlockInterfaceDescription = 0x00000001;
inline constexpr std::uint32_t kBlockObsoletePacket = 0x00000002;
inline constexpr std::uint32_t kBlockSimplePacket = 0x00000003;
inline constexpr std::uint32_t kBlockEnhancedPacket = 0x00000006;
inline constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;
// Every block starts with type and length and ends with the length again.
inline constexpr std::uint32_t kBlockOverhead = 12;

// pcapng option codes. Codes 0 and 1 mean the same in every block.
inline constexpr std::uint16_t kOptEnd = 0;
inline constexpr std::uint16_t kOptComment = 1;
inline constexpr std::uint16_t kShbUserApplication = 4;
inline constexpr std::uint16_t kIfName = 2;
inline constexpr std::uint16_t kIfDescription = 3;
inline constexpr std::uint16_t kIfTsResol = 9;
inline constexpr std::uint16_t kIfTsOffset = 14;

// Link-layer header types (tcpdump.org/linktypes.html).
inline constexpr std::uint32_t kLinkNull = 0;  // BSD loopback: 4-byte family, host order
inline constexpr std::uint32_t kLinkEthernet = 1;
inline constexpr std::uint32_t kLinkRaw = 101;       // the IP packet itself, v4 or v6
inline constexpr std::uint32_t kLinkLoop = 108;      // OpenBSD loopback: 4-byte family, network order
inline constexpr std::uint32_t kLinkLinuxSll = 113;  // Linux "cooked" capture (tcpdump -i any)
inline constexpr std::uint32_t kLinkIpv4 = 228;
inline constexpr std::uint32_t kLinkIpv6 = 229;
inline constexpr std::uint32_t kLinkLinuxSll2 = 276;

}  // namespace wirestep::capture
