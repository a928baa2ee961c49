// `wirestep run`: prints the live timeline, saves the trace, steps on Enter, rejects bad input.
#include "cli/run_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <sstream>
#include <thread>

#include "support/wait.h"

#include "catalog.h"
#include "cli/exit_code.h"
#include "trace/trace_json.h"
#include "wire/wire_probe.h"

namespace wirestep::cli {
namespace {

const lesson::Catalog& catalog() {
  static const lesson::Catalog instance = lessons::make_catalog();
  return instance;
}

// A pipe whose read end stands in for the terminal.
struct Pipe {
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  int fds[2] = {-1, -1};
};

TEST(RunCommand, UsesTheVirtualWireWhenTheMachineAllowsIt) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  RunCommandOptions options;
  options.lesson = "tcp-handshake";
  options.speed = 0;
  std::ostringstream out;
  std::ostringstream err;
  Pipe input;
  EXPECT_EQ(run_command(catalog(), options, out, err, input.fds[0]), kExitOk) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("capture: virtual wire"), std::string::npos) << text;
  EXPECT_NE(text.find("packet client -> server"), std::string::npos) << text;
  EXPECT_NE(text.find("connect(fd "), std::string::npos) << text;
  EXPECT_NE(text.find("10.77.0.2:80"), std::string::npos) << text;
}

TEST(RunCommand, PrintsOneLinePerEventWithEscapedPayload) {
  RunCommandOptions options;
  options.lesson = "http-is-text";
  options.speed = 0;
  options.tier = "sockets";
  std::ostringstream out;
  std::ostringstream err;
  Pipe input;
  EXPECT_EQ(run_command(catalog(), options, out, err, input.fds[0]), kExitOk) << err.str();
  const std::string text = out.str();
  EXPECT_NE(text.find("server    socket(TCP) = fd "), std::string::npos) << text;
  EXPECT_NE(text.find("listen(fd "), std::string::npos);
  EXPECT_NE(text.find("\"GET / HTTP/1.1\\r\\nHost: 127.0.0.1:"), std::string::npos) << text;
  EXPECT_NE(text.find("\"HTTP/1.1 200 OK\\r\\n"), std::string::npos);
  EXPECT_NE(text.find("(end of stream)"), std::string::npos);
  EXPECT_NE(text.find("# narration: blank-line"), std::string::npos);
  EXPECT_NE(text.find("finished: "), std::string::npos);
}

TEST(RunCommand, SavesATraceThatLoadsBack) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("wirestep-run-" + std::to_string(::getpid()) + ".json");
  RunCommandOptions options;
  options.lesson = "tcp-vs-udp-hello";
  options.speed = 0;
  options.trace_path = path.string();
  std::ostringstream out;
  std::ostringstream err;
  Pipe input;
  ASSERT_EQ(run_command(catalog(), options, out, err, input.fds[0]), kExitOk) << err.str();
  const auto loaded = trace::load_trace_file(path);
  std::filesystem::remove(path);
  EXPECT_GT(loaded->size(), 20u);
  bool saw_udp = false;
  for (std::size_t i = 0; i < loaded->size(); ++i) saw_udp |= (*loaded)[i].call == trace::Call::RecvFrom;
  EXPECT_TRUE(saw_udp);
}

// An output buffer the test can read while run_command writes to it from another thread.
class SharedBuffer : public std::stringbuf {
 public:
  std::string snapshot() {
    std::lock_guard lock(mutex_);
    return str();
  }

 protected:
  int_type overflow(int_type c) override {
    std::lock_guard lock(mutex_);
    return std::stringbuf::overflow(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard lock(mutex_);
    return std::stringbuf::xsputn(s, n);
  }

 private:
  std::recursive_mutex mutex_;  // xsputn may call overflow while holding it
};

TEST(RunCommand, StepModeWaitsForEnterBeforeEachCallAndPlaysOnWhenInputEnds) {
  RunCommandOptions options;
  options.lesson = "http-is-text";
  options.step = true;
  options.speed = 0;
  SharedBuffer buffer;
  std::ostream out(&buffer);
  std::ostringstream err;
  Pipe input;
  int code = -1;
  std::jthread command([&] { code = run_command(catalog(), options, out, err, input.fds[0]); });
  // If an assertion below fails, end the input so the lesson plays out and the thread joins.
  struct EndInput {
    Pipe& pipe;
    ~EndInput() {
      if (pipe.fds[1] >= 0) ::close(std::exchange(pipe.fds[1], -1));
    }
  } end_input{input};

  // Each prompt names the call that is waiting; nothing of it runs until Enter is pressed.
  for (const char* prompt : {"next: server socket()  [Enter]", "next: server bind()  [Enter]",
                             "next: server listen()  [Enter]"}) {
    ASSERT_TRUE(testing::wait_until([&] { return buffer.snapshot().find(prompt) != std::string::npos; }))
        << "no prompt '" << prompt << "' in:\n" << buffer.snapshot();
    EXPECT_EQ(buffer.snapshot().find("listen(fd"), std::string::npos);  // listen has not run yet
    ASSERT_EQ(::write(input.fds[1], "\n", 1), 1);
  }
  ASSERT_TRUE(testing::wait_until([&] { return buffer.snapshot().find("listen(fd") != std::string::npos; }));
  // The terminal goes away: the lesson must then play to the end by itself.
  ::close(std::exchange(input.fds[1], -1));
  command.join();
  EXPECT_EQ(code, kExitOk) << err.str();
  EXPECT_NE(buffer.snapshot().find("finished: "), std::string::npos);
}

// The lesson asks its checkpoint at the terminal; the line typed then is the answer (not a
// step), and the reveal compares it with what the real recv() returned.
TEST(RunCommand, StepModeAsksTheCheckpointAndRevealsTheRealAnswer) {
  for (const std::string answer : {"11", "6", "-"}) {
    RunCommandOptions options;
    options.lesson = "tcp-vs-udp-hello";
    options.step = true;
    options.speed = 0;
    SharedBuffer buffer;
    std::ostream out(&buffer);
    std::ostringstream err;
    Pipe input;
    int code = -1;
    std::jthread command([&] { code = run_command(catalog(), options, out, err, input.fds[0]); });
    struct EndInput {
      Pipe& pipe;
      ~EndInput() {
        if (pipe.fds[1] >= 0) ::close(std::exchange(pipe.fds[1], -1));
      }
    } end_input{input};
    // Like a person: Enter at each prompt, the answer once the question shows.
    std::size_t prompts_answered = 0;
    bool asked = false;
    const bool finished = testing::wait_until(
        [&] {
          const std::string text = buffer.snapshot();
          std::size_t prompts = 0;
          for (auto pos = text.find("[Enter]"); pos != std::string::npos; pos = text.find("[Enter]", pos + 1)) ++prompts;
          for (; prompts_answered < prompts; ++prompts_answered) EXPECT_EQ(::write(input.fds[1], "\n", 1), 1);
          if (!asked && text.find("(- skips)") != std::string::npos) {
            asked = true;
            const std::string line = answer + "\n";
            EXPECT_EQ(::write(input.fds[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
          }
          return text.find("finished: ") != std::string::npos;
        },
        std::chrono::seconds(30));
    ::close(std::exchange(input.fds[1], -1));
    command.join();
    ASSERT_TRUE(finished) << buffer.snapshot();
    EXPECT_EQ(code, kExitOk) << err.str();
    const std::string text = buffer.snapshot();
    EXPECT_NE(text.find("predict: The client sent 6 bytes, then 5."), std::string::npos) << text;
    const std::string expected = answer == "11"  ? "You said 11; the server's recv() returned 11: correct."
                                 : answer == "6" ? "You said 6; the server's recv() returned 11: wrong."
                                                 : "Not answered; the server's recv() returned 11.";
    EXPECT_NE(text.find("reveal:  " + expected), std::string::npos) << text;
  }
}

TEST(RunCommand, UnknownLessonIsAUsageErrorThatListsTheLessons) {
  RunCommandOptions options;
  options.lesson = "no-such-lesson";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_command(catalog(), options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("no lesson called 'no-such-lesson'"), std::string::npos);
  EXPECT_NE(err.str().find("http-is-text"), std::string::npos);
}

TEST(RunCommand, TraceInAMissingFolderIsRejectedBeforeRunning) {
  RunCommandOptions options;
  options.lesson = "http-is-text";
  options.trace_path = "/nonexistent-folder-for-wirestep/x.json";
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_command(catalog(), options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("does not exist"), std::string::npos);
  EXPECT_EQ(out.str().find("socket("), std::string::npos);  // nothing ran
}

}  // namespace
}  // namespace wirestep::cli
