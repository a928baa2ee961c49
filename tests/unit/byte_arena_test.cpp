// ByteArena: every payload comes back byte for byte and stays put, whichever way it was
// stored (copied for small payloads, written into memfd blocks for large ones).
#include "trace/byte_arena.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace wirestep::trace {
namespace {

// A payload whose every byte depends on its size and position, so a mix-up shows.
std::vector<std::byte> pattern(std::size_t size, unsigned salt) {
  std::vector<std::byte> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>((i * 131 + salt * 7 + size) & 0xff);
  return bytes;
}

std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

struct Stored {
  const std::byte* where;
  std::vector<std::byte> expected;
};

void expect_intact(const std::vector<Stored>& stored) {
  for (std::size_t i = 0; i < stored.size(); ++i) {
    ASSERT_EQ(std::memcmp(stored[i].where, stored[i].expected.data(), stored[i].expected.size()), 0)
        << "payload " << i << " of " << stored[i].expected.size() << " bytes";
  }
}

TEST(ByteArena, MixedSizesAcrossManyBlocksComeBackIntactAndStayPut) {
  ByteArena arena;
  // Below, at and above the written-block threshold, and one larger than a quarter block;
  // enough in total to fill several blocks of each kind.
  const std::size_t sizes[] = {1, 512, ByteArena::kWrittenMin - 1, ByteArena::kWrittenMin,
                               65536, 9000, ByteArena::kBlockSize / 4 + 1};
  std::vector<Stored> stored;
  std::size_t total = 0;
  for (unsigned round = 0; total < 4 * ByteArena::kBlockSize; ++round) {
    for (const std::size_t size : sizes) {
      auto bytes = pattern(size, round);
      stored.push_back({arena.store(bytes), std::move(bytes)});
      total += size;
    }
  }
  EXPECT_EQ(arena.used(), total);
  expect_intact(stored);
}

TEST(ByteArena, HoldsAtMostOneDescriptorHoweverManyBlocksItFills) {
  const std::size_t before = open_descriptors();
  ByteArena arena;
  const auto bytes = pattern(65536, 1);
  for (std::size_t done = 0; done < 6 * ByteArena::kBlockSize; done += bytes.size()) arena.store(bytes);
  arena.store(pattern(ByteArena::kBlockSize, 2));  // a block of its own, given up at once
  EXPECT_LE(open_descriptors(), before + 1);
}

TEST(ByteArena, WithoutDescriptorsLargePayloadsAreStillKept) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
  ByteArena arena;
  std::vector<Stored> stored;
  rlimit none = saved;
  none.rlim_cur = 0;  // no new descriptor at all, so memfd_create fails
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &none), 0);
  for (unsigned round = 0; round < 3; ++round) {
    for (const std::size_t size : {std::size_t{65536}, std::size_t{100}, ByteArena::kBlockSize / 2}) {
      auto bytes = pattern(size, round);
      stored.push_back({arena.store(bytes), std::move(bytes)});
    }
  }
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
  expect_intact(stored);
}

}  // namespace
}  // namespace wirestep::trace
