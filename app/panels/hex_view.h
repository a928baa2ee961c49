// HexView: a hex/ASCII dump widget with one highlighted byte range, reporting hovered and clicked bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace wirestep::panels {

struct HexViewResult {
  std::optional<std::size_t> hovered;  // the byte under the mouse this frame
  std::optional<std::size_t> clicked;  // the byte clicked this frame
};

class HexView {
 public:
  // Draws bytes in the remaining space of the current window (its own scrolling child).
  // The range [highlight_offset, +highlight_length) is tinted; when it changes it is scrolled
  // into view, so selecting a tree field shows its bytes.
  HexViewResult draw(const char* id, std::span<const std::byte> bytes, std::uint32_t highlight_offset,
                     std::uint32_t highlight_length);

 private:
  std::uint64_t last_highlight_ = ~std::uint64_t{0};
  const std::byte* last_data_ = nullptr;
};

}  // namespace wirestep::panels
