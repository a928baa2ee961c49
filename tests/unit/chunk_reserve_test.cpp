// ChunkReserve: a chunk prepared on request by its own thread, handed out once.
#include "trace/chunk_reserve.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "support/wait.h"

namespace wirestep::trace {
namespace {

constexpr std::size_t kBytes = std::size_t{1} << 20;

TEST(ChunkReserve, RequestedChunkIsPreparedAheadAndHandedOutOnce) {
  ChunkReserve reserve(kBytes);
  EXPECT_FALSE(reserve.ready()) << "nothing is mapped before anyone asks";
  reserve.request();
  ASSERT_TRUE(testing::wait_until([&] { return reserve.ready(); }, std::chrono::seconds(10)));
  MappedMemory chunk = reserve.take();
  ASSERT_NE(chunk.data(), nullptr);
  EXPECT_EQ(chunk.size(), kBytes);
  EXPECT_FALSE(reserve.ready()) << "the prepared chunk was handed out";
  // Populated anonymous memory: zeroed and writable end to end.
  EXPECT_EQ(chunk.data()[kBytes - 1], std::byte{0});
  std::memset(chunk.data(), 0xab, kBytes);

  // Asked again, it prepares another, distinct chunk.
  reserve.request();
  ASSERT_TRUE(testing::wait_until([&] { return reserve.ready(); }, std::chrono::seconds(10)));
  MappedMemory second = reserve.take();
  EXPECT_NE(second.data(), chunk.data());
}

TEST(ChunkReserve, TakeWithoutAPreparedChunkMapsOneAtOnce) {
  ChunkReserve reserve(kBytes);
  MappedMemory chunk = reserve.take();
  ASSERT_NE(chunk.data(), nullptr);
  EXPECT_EQ(chunk.size(), kBytes);
}

TEST(ChunkReserve, DestroyedWhilePreparingStopsCleanly) {
  // The thread may be mid-mapping when the reserve goes: the destructor must join it and
  // free whatever it made (ASan and TSan builds check both).
  for (int i = 0; i < 20; ++i) {
    ChunkReserve reserve(kBytes);
    reserve.request();
  }
}

}  // namespace
}  // namespace wirestep::trace
