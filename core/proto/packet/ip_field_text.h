// Texts for IP header fields shared by the IPv4 and IPv6 dissectors: addresses, DSCP, ECN.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wirestep::proto {

// "10.77.0.1" for 4 bytes, "fd00::1" for 16; "" for any other size.
std::string ip_address_text(std::span<const std::byte> address);

// "CS0 (0)", "EF (46)", "AF11 (10)", or just the number.
std::string dscp_text(std::uint8_t dscp);

// "Not-ECT (0)", "ECT(1) (1)", "ECT(0) (2)", "CE (3)": the two ECN bits (RFC 3168).
std::string ecn_text(std::uint8_t ecn);

}  // namespace wirestep::proto
