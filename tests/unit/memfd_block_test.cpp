// MemfdBlock: what is written reads back through the mapping, before and after the block
// gives up its descriptor.
#include "trace/memfd_block.h"

#include <gtest/gtest.h>

#include <string_view>

namespace wirestep::trace {
namespace {

std::span<const std::byte> bytes_of(std::string_view text) { return std::as_bytes(std::span(text)); }
std::string_view text_at(const std::byte* where, std::size_t size) {
  return {reinterpret_cast<const char*>(where), size};
}

TEST(MemfdBlock, WrittenBytesReadBackThroughTheMappingAtTheirOffset) {
  MemfdBlock block(1 << 20);
  const std::byte* first = block.write(0, bytes_of("GET / HTTP/1.1\r\n"));
  const std::byte* far = block.write(700000, bytes_of("far into the block"));
  EXPECT_EQ(first, block.data());
  EXPECT_EQ(far, block.data() + 700000);
  EXPECT_EQ(text_at(first, 16), "GET / HTTP/1.1\r\n");
  EXPECT_EQ(text_at(far, 18), "far into the block");
  // Bytes never written read as zero (the file is sparse, not garbage).
  EXPECT_EQ(block.data()[100], std::byte{0});
}

TEST(MemfdBlock, BytesStayReadableAndWritableAfterTheDescriptorIsGivenUp) {
  MemfdBlock block(1 << 16);
  block.write(0, bytes_of("before"));
  block.seal();
  const std::byte* after = block.write(6, bytes_of(" and after"));
  EXPECT_EQ(after, block.data() + 6);
  EXPECT_EQ(text_at(block.data(), 16), "before and after");
}

TEST(MemfdBlock, MovingHandsOverTheMapping) {
  MemfdBlock block(4096);
  block.write(0, bytes_of("moved"));
  MemfdBlock moved(std::move(block));
  EXPECT_EQ(block.data(), nullptr);
  EXPECT_EQ(text_at(moved.data(), 5), "moved");
}

}  // namespace
}  // namespace wirestep::trace
