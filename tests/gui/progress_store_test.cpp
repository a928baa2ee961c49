// ProgressStore: completed lessons survive a restart; a corrupt file starts fresh without throwing.
#include "view/progress_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <unistd.h>

namespace wirestep::view {
namespace {

namespace fs = std::filesystem;

class ProgressStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("wirestep-progress-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(ProgressStoreTest, CompletedLessonsSurviveARestart) {
  ProgressStore store(dir_ / "progress.json");
  store.load();
  EXPECT_FALSE(store.completed("http-is-text"));
  store.mark_completed("http-is-text");
  store.mark_checkpoint("http-is-text", "connect");
  ASSERT_TRUE(store.save());

  ProgressStore again(dir_ / "progress.json");
  again.load();
  EXPECT_TRUE(again.warning().empty());
  EXPECT_TRUE(again.completed("http-is-text"));
  EXPECT_FALSE(again.completed("tcp-vs-udp-hello"));
  EXPECT_EQ(again.checkpoints("http-is-text"), 1u);
  again.reset("http-is-text");
  EXPECT_FALSE(again.completed("http-is-text"));
}

TEST_F(ProgressStoreTest, ACorruptFileStartsFreshWithAWarning) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "progress.json") << "{ this is not json";
  ProgressStore store(dir_ / "progress.json");
  EXPECT_NO_THROW(store.load());
  EXPECT_FALSE(store.warning().empty());
  EXPECT_FALSE(store.completed("http-is-text"));
  store.mark_completed("http-is-text");
  EXPECT_TRUE(store.save());
  ProgressStore again(dir_ / "progress.json");
  again.load();
  EXPECT_TRUE(again.completed("http-is-text"));
}

TEST_F(ProgressStoreTest, StateDirComesFromTheEnvironment) {
  ::setenv("WIRESTEP_STATE_DIR", dir_.c_str(), 1);
  EXPECT_EQ(ProgressStore::default_dir(), dir_);
  ::unsetenv("WIRESTEP_STATE_DIR");
}

}  // namespace
}  // namespace wirestep::view
