// Lesson http-from-sockets, run headless: the server's seven calls, its listing, a real page.
#include <gtest/gtest.h>

#include <dirent.h>

#include <algorithm>
#include <regex>

#include "http_from_sockets.h"
#include "lesson/assets.h"
#include "net/http/http_handler.h"
#include "proto/http/http_parser.h"
#include "support/http_client.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wait.h"

namespace wirestep {
namespace {

using lessons::HttpFromSockets;
using testing::call_names;
using testing::calls_of;
using testing::payload_of;
using trace::Call;

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += name + " ";
  return out;
}

bool has_cue(const trace::Trace& trace, std::string_view anchor) {
  const auto all = testing::cues(trace);
  return std::find(all.begin(), all.end(), anchor) != all.end();
}

TEST(HttpFromSocketsLesson, ServerLaneIsExactlyTheSevenCallsAndTheClientGetsThePage) {
  const auto run = testing::run_to_end("http-from-sockets");
  const trace::Trace& trace = *run->trace();

  const auto server = calls_of(trace, "server");
  EXPECT_TRUE(std::regex_match(joined(call_names(server)),
                               std::regex("socket bind listen accept (recv )+(send )+close ")))
      << joined(call_names(server));
  ASSERT_GE(server.size(), 7u);
  // Port 0 asked, a real port got, and only on this machine.
  EXPECT_EQ(server[1]->local.to_string().rfind("127.0.0.1:", 0), 0u);
  EXPECT_NE(server[1]->local.port, 0);

  const auto client = calls_of(trace, "client");
  const auto client_names = call_names(client);
  ASSERT_GE(client_names.size(), 5u);
  EXPECT_EQ(client_names[0], "socket");
  EXPECT_EQ(client_names[1], "connect");
  EXPECT_EQ(client[1]->result, 0);
  EXPECT_EQ(client[1]->peer, server[1]->local);
  // The accepted connection is this client's: its peer is the client's own address.
  EXPECT_EQ(server[3]->peer, client[1]->local);
  EXPECT_EQ(client_names.back(), "close");

  // Every byte the client sent is what the server received: a GET for /.
  const std::string request = payload_of(client, Call::Send);
  EXPECT_EQ(payload_of(server, Call::Recv), request);
  EXPECT_EQ(request.rfind("GET / HTTP/1.1\r\n", 0), 0u);

  // The client read a 200 and exactly the page the blocking server's handler serves.
  const std::string bytes = payload_of(client, Call::Recv);
  EXPECT_EQ(payload_of(server, Call::Send), bytes);
  proto::http::HttpParser parser(proto::http::ParserMode::Response);
  parser.expect_response_to("GET");
  parser.feed(bytes);
  parser.finish();
  ASSERT_TRUE(parser.has_message()) << bytes;
  const auto response = *parser.pop_message();
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.body, net::http::HttpHandler("blocking").page());
  EXPECT_TRUE(proto::http::has_token(response, "Connection", "close"));
}

TEST(HttpFromSocketsLesson, EachServerCallHasItsListingRowAndItsParagraph) {
  const auto run = testing::run_to_end("http-from-sockets");
  const trace::Trace& trace = *run->trace();
  const std::string narration = lesson::read_narration(run->info().narration);
  ASSERT_FALSE(narration.empty()) << "missing " << run->info().narration << " under "
                                  << lesson::assets_dir();

  const auto lines = HttpFromSockets::source_lines();
  ASSERT_EQ(lines.size(), 7u);
  // A code view goes from a selected server event to its row by the call's name.
  for (const auto* e : calls_of(trace, "server")) {
    const auto name = trace::to_string(e->call);
    EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [&](const auto& l) { return l.call == name; }))
        << name << " has no row in the listing";
  }

  for (const auto& cue : testing::cues(trace)) {
    EXPECT_NE(narration.find("<!-- cue:" + cue + " -->"), std::string::npos) << cue;
  }
  for (const auto& line : lines) {
    // Cued when the call happened, and its paragraph quotes both lines verbatim.
    EXPECT_TRUE(has_cue(trace, line.call)) << line.call;
    const auto start = narration.find("<!-- cue:" + std::string(line.call) + " -->");
    ASSERT_NE(start, std::string::npos) << line.call;
    const auto end = narration.find("<!-- cue:", start + 1);
    const std::string paragraph = narration.substr(start, end - start);
    EXPECT_NE(paragraph.find(line.python), std::string::npos) << line.python;
    EXPECT_NE(paragraph.find(line.cpp), std::string::npos) << line.cpp;
  }
  for (const auto* cue : {"connect", "request", "read-response", "next-client", "done"}) {
    EXPECT_TRUE(has_cue(trace, cue)) << cue;
  }
  EXPECT_EQ(testing::cues(trace).back(), "done");
  // Whether or not the server's next accept() reached its gate before the lesson stopped it,
  // the way back to accept() is told once.
  const auto all = testing::cues(trace);
  EXPECT_EQ(std::count(all.begin(), all.end(), "next-client"), 1);
}

TEST(HttpFromSocketsLesson, WithBrowserSecondsTheServerAnswersAnotherClientUntilCancelled) {
  lesson::RunOptions options;
  options.params.browser_seconds = 600;  // far longer than the test: the cancel ends it
  lesson::LessonRun run(testing::lesson_named("http-from-sockets"), options);
  const trace::Trace& trace = *run.trace();

  // Once the lesson's own client is done, the server is back in accept(): be its browser.
  ASSERT_TRUE(testing::wait_until([&] { return has_cue(trace, "next-client"); }));
  const auto server = calls_of(trace, "server");
  ASSERT_GE(server.size(), 2u);
  net::Endpoint address = net::Endpoint::loopback(AF_INET, server[1]->local.port);
  testing::HttpTestClient browser(address);
  ASSERT_TRUE(browser.connected());
  browser.expect("GET");
  ASSERT_TRUE(browser.send("GET / HTTP/1.1\r\nHost: " + address.to_string() + "\r\n\r\n"));
  const auto response = browser.response();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status_code, 200);
  EXPECT_TRUE(browser.closed_by_server());
  EXPECT_FALSE(run.done());

  const auto start = std::chrono::steady_clock::now();
  run.cancel();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(run.state(), lesson::RunState::Cancelled);
  const auto names = call_names(calls_of(trace, "server"));
  EXPECT_EQ(std::count(names.begin(), names.end(), "accept"), 2);
}

int open_fds() {
  int count = 0;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (::readdir(dir) != nullptr) ++count;
    ::closedir(dir);
  }
  return count;
}

TEST(HttpFromSocketsLesson, CancelWhileTheServerWaitsInAcceptEndsPromptly) {
  const int fds_before = open_fds();
  {
    lesson::RunOptions options;
    options.mode = lesson::StepMode::Pause;
    lesson::LessonRun run(testing::lesson_named("http-from-sockets"), options);
    // Release calls until the server's accept() has gone into the kernel to wait for a client
    // (socket, bind and listen come first; the client's socket() may queue before accept).
    for (std::uint64_t steps = 1;; ++steps) {
      ASSERT_TRUE(testing::wait_until([&] { return run.stepper().next().has_value(); }));
      const auto next = run.stepper().next();
      run.stepper().step();
      // The released call leaves the queue a moment after step(): wait for it, or the next
      // look at the queue would still see it.
      ASSERT_TRUE(testing::wait_until([&] { return run.stepper().released() == steps; }));
      if (next->call == trace::Call::Accept) break;
    }
    const auto start = std::chrono::steady_clock::now();
    run.cancel();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    EXPECT_EQ(run.state(), lesson::RunState::Cancelled);
  }
  EXPECT_EQ(open_fds(), fds_before);
}

}  // namespace
}  // namespace wirestep
