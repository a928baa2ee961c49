// Every lesson in the catalogue: finishes, cues only paragraphs its narration has, and runs
// on the virtual wire too when the machine allows it.
#include <gtest/gtest.h>

#include "lesson/assets.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wire_queries.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

void expect_cues_in_narration(const lesson::LessonRun& run) {
  const std::string narration = lesson::read_narration(run.info().narration);
  ASSERT_FALSE(narration.empty()) << "missing " << run.info().narration;
  for (const auto& cue : testing::cues(*run.trace())) {
    EXPECT_NE(narration.find("<!-- cue:" + cue + " -->"), std::string::npos)
        << run.info().id << ": cue " << cue << " has no paragraph";
  }
}

TEST(Catalog, EveryLessonFinishesAndEveryCueHasItsParagraph) {
  const lesson::Catalog catalog = lessons::make_catalog();
  for (const auto& entry : catalog.lessons()) {
    lesson::RunOptions options;
    options.params.clients = 4;
    const auto run = testing::run_to_end(entry->info().id, options);
    EXPECT_FALSE(testing::cues(*run->trace()).empty()) << entry->info().id;
    expect_cues_in_narration(*run);
  }
}

TEST(Catalog, EveryLessonFinishesOnTheVirtualWire) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  const lesson::Catalog catalog = lessons::make_catalog();
  for (const auto& entry : catalog.lessons()) {
    lesson::RunOptions options;
    options.virtual_wire = true;
    options.params.clients = 4;
    const auto run = testing::run_to_end(entry->info().id, options);
    EXPECT_NE(run->wire(), nullptr) << run->wire_error();
    EXPECT_FALSE(testing::packets(*run->trace()).empty()) << entry->info().id << " sent no packet";
  }
}

}  // namespace
}  // namespace wirestep
