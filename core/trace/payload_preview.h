// A short, printable rendering of payload bytes: "GET / HTTP/1.1\r\nHost: ..." with \r \n shown.
#pragma once

#include <cstddef>
#include <span>
#include <string>

namespace wirestep::trace {

// Printable ASCII as is; \r \n \t as escapes; other bytes as \xNN. Cut to max_chars with
// "..." so a line stays on one line.
std::string payload_preview(std::span<const std::byte> bytes, std::size_t max_chars = 60);

}  // namespace wirestep::trace
