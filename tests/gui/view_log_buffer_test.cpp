// Log console buffer: bounded, ordered, safe under concurrent writers, fed by spdlog.
#include "view/log_buffer.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace wirestep::view {
namespace {

TEST(LogBuffer, ConcurrentWritersKeepTheNewestLinesInOrder) {
  constexpr std::size_t kCapacity = 500;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  LogBuffer buffer(kCapacity);
  {
    std::vector<std::jthread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&buffer, t] {
        for (int i = 0; i < kPerThread; ++i) {
          LogLine line;
          line.text = std::to_string(t) + ":" + std::to_string(i);
          buffer.push(std::move(line));
        }
      });
    }
  }
  const auto lines = buffer.snapshot();
  ASSERT_EQ(lines.size(), kCapacity);
  EXPECT_EQ(buffer.total(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(buffer.dropped(), buffer.total() - kCapacity);
  // The newest N, consecutive, ending with the very last push.
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].number, buffer.total() - kCapacity + 1 + i);
  }
  // Each writer's own lines stay in its order.
  std::vector<int> last(kThreads, -1);
  for (const auto& line : lines) {
    const int t = std::stoi(line.text.substr(0, line.text.find(':')));
    const int i = std::stoi(line.text.substr(line.text.find(':') + 1));
    EXPECT_GT(i, last[t]);
    last[t] = i;
  }
}

TEST(LogBuffer, ReaderFetchesOnlyNewLinesWhileWritersRun) {
  LogBuffer buffer(100000);
  std::atomic<bool> done{false};
  std::vector<LogLine> seen;
  std::uint64_t newest = 0;
  {
    std::jthread writer([&] {
      for (int i = 0; i < 20000; ++i) buffer.push({0, spdlog::level::info, "t", "", std::to_string(i)});
      done = true;
    });
    while (!done) newest = buffer.copy_since(newest, seen);
  }
  newest = buffer.copy_since(newest, seen);
  ASSERT_EQ(seen.size(), 20000u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].text, std::to_string(i));
  EXPECT_EQ(newest, 20000u);

  buffer.clear();
  EXPECT_EQ(buffer.size(), 0u);
  buffer.push({});
  std::vector<LogLine> after;
  buffer.copy_since(newest, after);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].number, 20001u);  // numbers go on after clear()
}

TEST(LogBuffer, SinkReceivesEveryLoggerIncludingOnesMadeLater) {
  install_app_log_sink();
  const auto& buffer = app_log_buffer();
  const std::uint64_t before = buffer->total();
  spdlog::warn("default {}", 1);
  module_logger("wire")->error("from wire");
  std::vector<LogLine> lines;
  buffer->copy_since(before, lines);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "default 1");
  EXPECT_EQ(lines[0].level, spdlog::level::warn);
  EXPECT_EQ(lines[1].logger, "wire");
  EXPECT_EQ(lines[1].text, "from wire");
  EXPECT_EQ(lines[1].time.size(), 12u);
}

}  // namespace
}  // namespace wirestep::view
