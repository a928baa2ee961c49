// Human names for IP protocol numbers, ICMP/ICMPv6 types and codes, and TCP option kinds.
#pragma once

#include <cstdint>
#include <string_view>

namespace wirestep::proto {

// "TCP", "UDP", "ICMPv6", "IPv6 fragment header", ...; "" when unknown.
std::string_view ip_protocol_name(std::uint8_t protocol);

// ICMP (RFC 792 and successors): "Echo request", "Destination unreachable"; "" when unknown.
std::string_view icmp_type_name(std::uint8_t type);
// "Port unreachable", "TTL exceeded in transit"; "" when unknown or the type has no codes.
std::string_view icmp_code_name(std::uint8_t type, std::uint8_t code);
// ICMP types whose body quotes the start of the packet that caused them.
bool icmp_is_error(std::uint8_t type);

// ICMPv6 (RFC 4443, 4861): "Echo request", "Packet too big", "Neighbor solicitation", ...
std::string_view icmpv6_type_name(std::uint8_t type);
std::string_view icmpv6_code_name(std::uint8_t type, std::uint8_t code);
// Types 0..127 are errors and quote the offending packet (RFC 4443 §2.1).
bool icmpv6_is_error(std::uint8_t type);

// TCP option kinds (IANA): "Maximum segment size", "Timestamps", ...; "" when unknown.
std::string_view tcp_option_name(std::uint8_t kind);

}  // namespace wirestep::proto
