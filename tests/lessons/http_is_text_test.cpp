// Lesson http-is-text, run headless: its trace holds a real GET and a real response, in text.
#include <gtest/gtest.h>

#include <dirent.h>

#include <fstream>
#include <set>

#include "lesson/assets.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wait.h"

namespace wirestep {
namespace {

using testing::call_names;
using testing::calls_of;
using testing::payload_of;
using trace::Call;

TEST(HttpIsTextLesson, TraceShowsTheServerCallsTheRequestAndTheResponse) {
  const auto run = testing::run_to_end("http-is-text");
  const trace::Trace& trace = *run->trace();

  const auto server = calls_of(trace, "server");
  const auto names = call_names(server);
  ASSERT_GE(names.size(), 7u);
  EXPECT_EQ((std::vector<std::string>(names.begin(), names.begin() + 4)),
            (std::vector<std::string>{"socket", "bind", "listen", "accept"}));
  EXPECT_EQ(names[4], "recv");
  EXPECT_EQ(std::vector<std::string>(names.end() - 3, names.end()),
            (std::vector<std::string>{"send", "close", "close"}));

  const auto client = calls_of(trace, "client");
  EXPECT_EQ(call_names(client)[0], "socket");
  EXPECT_EQ(call_names(client)[1], "connect");
  EXPECT_EQ(client[1]->result, 0);

  // The request: what the client sent is exactly what the server received, and it ends at
  // the blank line.
  const std::string request = payload_of(client, Call::Send);
  EXPECT_EQ(payload_of(server, Call::Recv), request);
  EXPECT_EQ(request.rfind("GET / HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(request.find("\r\nHost: 127.0.0.1:"), std::string::npos);
  ASSERT_GE(request.size(), 4u);
  EXPECT_EQ(request.substr(request.size() - 4), "\r\n\r\n");

  // The response: status line, headers, blank line, body — and the body is as long as
  // Content-Length says.
  const std::string response = payload_of(client, Call::Recv);
  EXPECT_EQ(payload_of(server, Call::Send), response);
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  const auto blank = response.find("\r\n\r\n");
  ASSERT_NE(blank, std::string::npos);
  const std::string body = response.substr(blank + 4);
  EXPECT_NE(body.find("Hello, socket world!"), std::string::npos);
  EXPECT_NE(response.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  // The client learned the response was over from an empty read: the server closed.
  EXPECT_EQ(client[client.size() - 2]->call, Call::Recv);
  EXPECT_EQ(client[client.size() - 2]->result, 0);
}

TEST(HttpIsTextLesson, EveryCueHasItsParagraphInTheNarration) {
  const auto run = testing::run_to_end("http-is-text");
  const std::string narration = lesson::read_narration(run->info().narration);
  ASSERT_FALSE(narration.empty()) << "missing " << run->info().narration << " under "
                                  << lesson::assets_dir();
  const auto cues = testing::cues(*run->trace());
  EXPECT_GE(cues.size(), 5u);
  for (const auto& cue : cues) {
    EXPECT_NE(narration.find("<!-- cue:" + cue + " -->"), std::string::npos) << cue;
  }
}

int open_fds() {
  int count = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir) != nullptr) ++count;
    ::closedir(dir);
  }
  return count;
}

TEST(HttpIsTextLesson, SteppingReleasesOneCallPerStep) {
  lesson::RunOptions options;
  options.mode = lesson::StepMode::Pause;
  lesson::LessonRun run(testing::lesson_named("http-is-text"), options);
  lesson::Stepper& stepper = run.stepper();
  const trace::Trace& trace = *run.trace();
  auto completed_calls = [&] {
    std::size_t calls = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) calls += trace[i].kind == trace::EventKind::SocketCall;
    return calls;
  };
  ASSERT_TRUE(testing::wait_until([&] { return stepper.next().has_value(); }));
  EXPECT_EQ(completed_calls(), 0u);
  for (std::uint64_t step = 1; step <= 6; ++step) {
    stepper.step();
    ASSERT_TRUE(testing::wait_until([&] { return stepper.released() == step && stepper.next().has_value(); }));
    // A released call may still be blocked in the kernel (accept waits for a client), but
    // never more calls complete than were released.
    EXPECT_LE(completed_calls(), step);
    EXPECT_GE(completed_calls() + 2, step);
  }
  EXPECT_FALSE(run.done());
  stepper.play();
  ASSERT_TRUE(run.wait(std::chrono::seconds(30)));
  EXPECT_EQ(run.state(), lesson::RunState::Finished);
}

TEST(HttpIsTextLesson, CancelEndsAPausedRunPromptlyAndClosesItsSockets) {
  const int fds_before = open_fds();
  {
    lesson::RunOptions options;
    options.mode = lesson::StepMode::Pause;
    lesson::LessonRun run(testing::lesson_named("http-is-text"), options);
    // Let the server get as far as a blocking accept(), then hold the client.
    for (int i = 0; i < 4; ++i) run.stepper().step();
    ASSERT_TRUE(testing::wait_until([&] { return run.stepper().released() == 4; }));
    const auto start = std::chrono::steady_clock::now();
    run.cancel();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(run.state(), lesson::RunState::Cancelled);
    EXPECT_GT(run.trace()->size(), 0u);  // what was recorded stays
  }
  EXPECT_EQ(open_fds(), fds_before);
}

}  // namespace
}  // namespace wirestep
