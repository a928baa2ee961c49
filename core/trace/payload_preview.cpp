// payload_preview: escape bytes so a terminal line shows exactly what was on the wire.
#include "trace/payload_preview.h"

#include <cstdio>

namespace wirestep::trace {

std::string payload_preview(std::span<const std::byte> bytes, std::size_t max_chars) {
  std::string out;
  for (const std::byte b : bytes) {
    const auto c = std::to_integer<unsigned char>(b);
    std::string piece;
    if (c == '\r') {
      piece = "\\r";
    } else if (c == '\n') {
      piece = "\\n";
    } else if (c == '\t') {
      piece = "\\t";
    } else if (c == '\\') {
      piece = "\\\\";
    } else if (c >= 0x20 && c < 0x7F) {
      piece = static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      piece = hex;
    }
    if (out.size() + piece.size() > max_chars) {
      out += "...";
      break;
    }
    out += piece;
  }
  return out;
}

}  // namespace wirestep::trace
