// Running a catalogue lesson to completion in a test, with a deadline.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "catalog.h"
#include "lesson/lesson_run.h"

namespace wirestep::testing {

inline lesson::Lesson& lesson_named(const std::string& id) {
  static const lesson::Catalog catalog = lessons::make_catalog();
  lesson::Lesson* found = catalog.find(id);
  if (found == nullptr) throw std::runtime_error("no lesson " + id);
  return *found;
}

// Runs unpaced and returns the finished run; fails the test if it does not finish in time.
inline std::unique_ptr<lesson::LessonRun> run_to_end(const std::string& id,
                                                     lesson::RunOptions options = {}) {
  auto run = std::make_unique<lesson::LessonRun>(lesson_named(id), options);
  EXPECT_TRUE(run->wait(std::chrono::seconds(30))) << id << " did not finish";
  EXPECT_EQ(run->state(), lesson::RunState::Finished) << run->error();
  return run;
}

}  // namespace wirestep::testing
