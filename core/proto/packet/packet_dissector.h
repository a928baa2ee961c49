// dissect_packet(): one IP packet's bytes as a FieldTree (IPv4/IPv6, TCP, UDP, ICMP, ICMPv6).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "proto/field_tree.h"
#include "proto/packet/packet_slice.h"

namespace wirestep::proto {

// Top-level row names, so callers find a layer without repeating the text.
inline constexpr std::string_view kIpv4Layer = "Internet Protocol Version 4";
inline constexpr std::string_view kIpv6Layer = "Internet Protocol Version 6";
inline constexpr std::string_view kTcpLayer = "Transmission Control Protocol";
inline constexpr std::string_view kUdpLayer = "User Datagram Protocol";
inline constexpr std::string_view kIcmpLayer = "Internet Control Message Protocol";
inline constexpr std::string_view kIcmpv6Layer = "Internet Control Message Protocol v6";
inline constexpr std::string_view kDataLayer = "Data";

// Offsets and lengths of every field index ip_packet, so the hex view can link both ways.
// Layers are top-level rows in order (IP header, transport header, "Data"); a header's fields
// are its children. Problems are rows named "Note", "Warning" or "Error" with that severity,
// placed under the layer they concern: a truncated or malformed packet yields the fields that
// are there plus a row saying what is missing, never an exception or an out-of-bounds read.
FieldTree dissect_packet(std::span<const std::byte> ip_packet);

// The building blocks, for layers that contain other layers (an ICMP error quotes an IP
// packet). Rows they add go under parent (-1 for the top level).
void dissect_ip(FieldTree& tree, int parent, const PacketSlice& slice);
void dissect_transport(FieldTree& tree, int parent, const PacketSlice& slice,
                       std::uint8_t ip_version, std::uint8_t protocol,
                       const TransportContext& context);

}  // namespace wirestep::proto
