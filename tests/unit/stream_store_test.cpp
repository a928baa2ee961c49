// StreamStore: a stream's bytes kept once for both ends, and never a wrong byte: an end whose
// bytes differ is refused instead of shown the other end's.
#include "trace/stream_store.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "trace/byte_arena.h"

namespace wirestep::trace {
namespace {

constexpr std::uint64_t kFirst = 1000;

std::vector<std::byte> stream_bytes(std::size_t size) {
  std::vector<std::byte> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>((i * 7 + 3) % 251);
  return bytes;
}

class StreamStoreTest : public ::testing::Test {
 protected:
  // Counts what the store claims under the (here unlimited) cap.
  StreamStore::Claim claim() {
    return [this](std::size_t size) {
      claimed_ += size;
      return true;
    };
  }
  // The stream's bytes at `offset` (this test's streams begin being kept at kFirst).
  std::span<const std::byte> at(std::uint64_t offset, std::size_t size) const {
    return std::span(stream_).subspan(static_cast<std::size_t>(offset - kFirst), size);
  }

  std::vector<std::byte> stream_ = stream_bytes(1 << 20);
  StreamStore store_{kFirst + (1 << 20)};
  std::size_t claimed_ = 0;
};

TEST_F(StreamStoreTest, TheSecondEndFindsTheFirstEndsBytesAndKeepsNothingMore) {
  const std::byte* sent = store_.keep(kFirst, at(kFirst, 65536), claim());
  ASSERT_NE(sent, nullptr);
  // The receiver read the same bytes in two pieces.
  const std::byte* first_half = store_.keep(kFirst, at(kFirst, 30000), claim());
  const std::byte* second_half = store_.keep(kFirst + 30000, at(kFirst + 30000, 35536), claim());
  EXPECT_EQ(first_half, sent);
  EXPECT_EQ(second_half, sent + 30000);
  EXPECT_EQ(claimed_, 65536u);
  EXPECT_EQ(std::memcmp(sent, at(kFirst, 65536).data(), 65536), 0);
}

TEST_F(StreamStoreTest, AReceiverThatRecordsFirstWritesAndTheSenderOnlyCompares) {
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 20000), claim()), nullptr);       // receiver
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 65536), claim()), nullptr);       // sender: overlaps, extends
  ASSERT_NE(store_.keep(kFirst + 20000, at(kFirst + 20000, 45536), claim()), nullptr);  // receiver again
  EXPECT_EQ(store_.end(), kFirst + 65536);
  EXPECT_EQ(claimed_, 65536u);
}

TEST_F(StreamStoreTest, BytesThatDifferAreRefusedAndTheStoreTakesNoMore) {
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 8192), claim()), nullptr);
  std::vector<std::byte> other(at(kFirst, 8192).begin(), at(kFirst, 8192).end());
  other[100] ^= std::byte{0xFF};
  EXPECT_EQ(store_.keep(kFirst, other, claim()), nullptr);
  EXPECT_TRUE(store_.refused());
  // Even the right bytes go elsewhere from now on: this stream's numbering cannot be trusted.
  EXPECT_EQ(store_.keep(kFirst + 8192, at(kFirst + 8192, 8192), claim()), nullptr);
}

TEST_F(StreamStoreTest, AnOverlapThatDiffersIsRefusedBeforeAnythingIsWritten) {
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 8192), claim()), nullptr);
  std::vector<std::byte> other(at(kFirst, 16384).begin(), at(kFirst, 16384).end());
  other[10] ^= std::byte{1};
  EXPECT_EQ(store_.keep(kFirst, other, claim()), nullptr);
  EXPECT_EQ(store_.end(), kFirst + 8192);
  EXPECT_EQ(claimed_, 8192u);
}

TEST_F(StreamStoreTest, RangesItCannotHoldAreLeftToTheOrdinaryWay) {
  EXPECT_EQ(store_.keep(kFirst, at(kFirst, ByteArena::kWrittenMin - 1), claim()), nullptr);  // a small call
  std::vector<std::byte> past_the_end(8192);
  EXPECT_EQ(store_.keep(kFirst + (1 << 20) - 4096, past_the_end, claim()), nullptr);
  EXPECT_EQ(claimed_, 0u);
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 8192), claim()), nullptr);
  EXPECT_EQ(store_.keep(kFirst - 10, at(kFirst, 8192), claim()), nullptr);  // before the run
  EXPECT_EQ(claimed_, 8192u);
}

// An end kept some bytes the ordinary way (a small call with nobody ahead of it): the next
// large call past them starts a new run, and what the old run holds stays where it is.
TEST_F(StreamStoreTest, ALargeCallAfterAGapStartsANewRun) {
  const std::byte* old_run = store_.keep(kFirst, at(kFirst, 8192), claim());
  ASSERT_NE(old_run, nullptr);
  const std::byte* new_run = store_.keep(kFirst + 10000, at(kFirst + 10000, 8192), claim());
  ASSERT_NE(new_run, nullptr);
  EXPECT_EQ(store_.start(), kFirst + 10000);
  EXPECT_EQ(store_.end(), kFirst + 18192);
  EXPECT_EQ(std::memcmp(old_run, at(kFirst, 8192).data(), 8192), 0);
  EXPECT_EQ(store_.keep(kFirst + 12000, at(kFirst + 12000, 6000), claim()), new_run + 2000);
}

// The other end wrote all but the last few bytes of a large call: those few are written too,
// so the stream has no gap that would stop both ends from using the store.
TEST_F(StreamStoreTest, ALargeCallWritesEvenASmallRemainder) {
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 65000), claim()), nullptr);
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 65536), claim()), nullptr);
  EXPECT_EQ(store_.end(), kFirst + 65536);
  EXPECT_NE(store_.keep(kFirst + 65536, at(kFirst + 65536, 8192), claim()), nullptr);
}

TEST_F(StreamStoreTest, SmallCallsAreLeftToTheOrdinaryWayEvenWhenTheirBytesAreInPlace) {
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 65536), claim()), nullptr);
  EXPECT_EQ(store_.keep(kFirst + 512, at(kFirst + 512, 512), claim()), nullptr);
  EXPECT_FALSE(store_.refused());
}

TEST_F(StreamStoreTest, AtThePayloadCapNothingIsWritten) {
  const StreamStore::Claim refuse = [](std::size_t) { return false; };
  EXPECT_EQ(store_.keep(kFirst, at(kFirst, 8192), refuse), nullptr);
  EXPECT_EQ(store_.end(), store_.start());
}

TEST_F(StreamStoreTest, KeepsWorkingAfterBothEndsHaveLeft) {
  store_.attach();
  store_.attach();
  ASSERT_NE(store_.keep(kFirst, at(kFirst, 8192), claim()), nullptr);
  store_.detach();
  store_.detach();  // the descriptor is given up; the bytes stay
  const std::byte* late = store_.keep(kFirst + 8192, at(kFirst + 8192, 8192), claim());
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(std::memcmp(late, at(kFirst + 8192, 8192).data(), 8192), 0);
}

}  // namespace
}  // namespace wirestep::trace
