// lesson::Counter: a waiter wakes when its target is reached, not before; cancel ends the wait.
#include "lesson/counter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "support/wait.h"

namespace wirestep::lesson {
namespace {

TEST(Counter, AWaiterWakesWhenTheCountReachesItsTarget) {
  Counter counter;
  net::CancelSignal cancel;
  std::atomic<bool> woke{false};
  std::jthread waiter([&] {
    counter.wait_for(3, cancel);
    woke = true;
  });
  counter.add(2);
  ASSERT_TRUE(testing::wait_until([&] { return counter.value() == 2; }));
  EXPECT_FALSE(woke.load());
  counter.add();
  EXPECT_TRUE(testing::wait_until([&] { return woke.load(); }));
  counter.wait_for(1, cancel);  // a target already passed returns at once
}

TEST(Counter, CancelEndsAWaitWithCancelled) {
  Counter counter;
  net::CancelSignal cancel;
  std::atomic<bool> cancelled{false};
  std::jthread waiter([&] {
    try {
      counter.wait_for(1, cancel);
    } catch (const net::Cancelled&) {
      cancelled = true;
    }
  });
  cancel.cancel();
  EXPECT_TRUE(testing::wait_until([&] { return cancelled.load(); }));
  EXPECT_EQ(counter.value(), 0u);
}

}  // namespace
}  // namespace wirestep::lesson
