// Stepper: a step releases exactly one call, steps are kept, order is FIFO, cancel unblocks.
#include "lesson/stepper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "net/cancel_signal.h"
#include "support/wait.h"

namespace wirestep::lesson {
namespace {

using testing::wait_until;

net::PendingCall call_on(trace::LaneId lane) { return net::PendingCall{lane, trace::Call::Send, 3, 1}; }

TEST(Stepper, EachStepReleasesExactlyOneWaitingCall) {
  Stepper stepper(StepMode::Pause);
  std::atomic<int> through{0};
  std::vector<std::jthread> callers;
  for (int i = 0; i < 3; ++i) {
    callers.emplace_back([&, i] {
      stepper.wait_turn(call_on(static_cast<trace::LaneId>(i)));
      ++through;
    });
  }
  ASSERT_TRUE(wait_until([&] { return stepper.next().has_value(); }));
  EXPECT_EQ(through.load(), 0);
  for (int step = 1; step <= 3; ++step) {
    stepper.step();
    ASSERT_TRUE(wait_until([&] { return through.load() == step; }));
    EXPECT_EQ(stepper.released(), static_cast<std::uint64_t>(step));
    // Everyone else is still held: give them every chance to slip through wrongly.
    if (step < 3) {
      ASSERT_TRUE(wait_until([&] { return stepper.next().has_value(); }));
      EXPECT_EQ(through.load(), step);
    }
  }
}

TEST(Stepper, AStepGivenBeforeTheCallIsKeptForIt) {
  Stepper stepper(StepMode::Pause);
  stepper.step();
  std::jthread caller([&] { stepper.wait_turn(call_on(0)); });
  caller.join();  // returns only because the earlier step was kept
  EXPECT_EQ(stepper.released(), 1u);
}

TEST(Stepper, CallsAreReleasedInArrivalOrder) {
  Stepper stepper(StepMode::Pause);
  std::vector<int> order;
  std::mutex order_mutex;
  std::jthread first([&] {
    stepper.wait_turn(call_on(1));
    std::lock_guard lock(order_mutex);
    order.push_back(1);
  });
  ASSERT_TRUE(wait_until([&] { return stepper.next().has_value(); }));
  std::jthread second([&] {
    stepper.wait_turn(call_on(2));
    std::lock_guard lock(order_mutex);
    order.push_back(2);
  });
  EXPECT_EQ(stepper.next()->lane, 1);
  stepper.step();
  ASSERT_TRUE(wait_until([&] {
    std::lock_guard lock(order_mutex);
    return order.size() == 1;
  }));
  stepper.step();
  first.join();
  second.join();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(Stepper, CancelUnblocksEveryWaiter) {
  Stepper stepper(StepMode::Pause);
  std::atomic<int> cancelled{0};
  {
    std::vector<std::jthread> callers;
    for (int i = 0; i < 4; ++i) {
      callers.emplace_back([&] {
        try {
          stepper.wait_turn(call_on(0));
        } catch (const net::Cancelled&) {
          ++cancelled;
        }
      });
    }
    ASSERT_TRUE(wait_until([&] { return stepper.next().has_value(); }));
    stepper.cancel();
  }
  EXPECT_EQ(cancelled.load(), 4);
  EXPECT_EQ(stepper.released(), 0u);
  EXPECT_THROW(stepper.wait_turn(call_on(0)), net::Cancelled);
}

TEST(Stepper, PlayUnpacedLetsCallsThroughAndPauseHoldsThem) {
  Stepper stepper(StepMode::Play, Stepper::kUnpaced);
  for (int i = 0; i < 100; ++i) stepper.wait_turn(call_on(0));
  EXPECT_EQ(stepper.released(), 100u);
  stepper.pause();
  std::atomic<bool> through{false};
  std::jthread caller([&] {
    stepper.wait_turn(call_on(0));
    through = true;
  });
  ASSERT_TRUE(wait_until([&] { return stepper.next().has_value(); }));
  EXPECT_FALSE(through.load());
  stepper.play();
  caller.join();
  EXPECT_TRUE(through.load());
}

TEST(Stepper, FramesGoFreeOnlyWhenNeitherHeldNorPaced) {
  // The wire passes a whole offloaded segment on at once only when no packet of it would have
  // had to wait its turn; otherwise each packet takes one, so Next still releases exactly one.
  Stepper stepper(StepMode::Play, Stepper::kUnpaced);
  EXPECT_TRUE(stepper.release_free_frames(5)) << "calls granularity: packets are never held";
  stepper.set_granularity(Granularity::Frames);
  EXPECT_TRUE(stepper.release_free_frames(3)) << "unpaced play";
  EXPECT_EQ(stepper.frames_released(), 8u);
  stepper.set_speed(1.0);
  EXPECT_FALSE(stepper.release_free_frames(3)) << "paced: each frame waits for its slot";
  stepper.pause();
  stepper.step();
  EXPECT_FALSE(stepper.release_free_frames(2)) << "paused: each frame needs a step";
  EXPECT_EQ(stepper.frames_released(), 8u);
  EXPECT_TRUE(stepper.take_frame_turn().go) << "the step given is still there for one frame";
  EXPECT_FALSE(stepper.take_frame_turn().go);
  stepper.cancel();
  EXPECT_TRUE(stepper.release_free_frames(4)) << "cancelled: nothing waits any more";
  EXPECT_EQ(stepper.frames_released(), 13u);
}

TEST(Stepper, PacedPlaySpacesCallsApart) {
  Stepper stepper(StepMode::Play, 1.0);
  stepper.set_base_interval(std::chrono::milliseconds(20));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 4; ++i) stepper.wait_turn(call_on(0));
  // The first call goes at once; three more each wait at least one interval.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(60));
  EXPECT_EQ(stepper.released(), 4u);
}

TEST(Stepper, CallIntervalIsTheSpacingOfPacedCalls) {
  Stepper stepper(StepMode::Play, Stepper::kUnpaced);
  EXPECT_EQ(stepper.call_interval(), std::chrono::milliseconds(0));
  stepper.set_speed(1);
  EXPECT_EQ(stepper.call_interval(), std::chrono::milliseconds(400));
  stepper.set_speed(8);
  EXPECT_EQ(stepper.call_interval(), std::chrono::milliseconds(50));
  stepper.set_base_interval(std::chrono::milliseconds(20));
  EXPECT_EQ(stepper.call_interval(), std::chrono::milliseconds(3)) << "rounded up";
}

}  // namespace
}  // namespace wirestep::lesson
