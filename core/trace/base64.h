// Base64 (RFC 4648) for payload bytes inside JSON trace files.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wirestep::trace {

std::string base64_encode(std::span<const std::byte> bytes);
// nullopt when text is not padded base64.
std::optional<std::vector<std::byte>> base64_decode(std::string_view text);

}  // namespace wirestep::trace
