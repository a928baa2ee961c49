// Lesson http-frame-by-frame, run headless: a request split over several recv calls, parsed, echoed.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "lesson/assets.h"
#include "proto/http/http_parser.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "support/wait.h"

namespace wirestep {
namespace {

namespace ph = proto::http;
using testing::call_names;
using testing::calls_of;
using testing::payload_of;
using trace::Call;

constexpr std::string_view kBody = "first half. second half.";

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += name + " ";
  return out;
}

std::size_t socket_calls(const trace::Trace& trace) {
  std::size_t calls = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) calls += trace[i].kind == trace::EventKind::SocketCall;
  return calls;
}

TEST(HttpFrameByFrameLesson, TheRequestArrivesInSeveralRecvsAndTheParserAssemblesIt) {
  const auto run = testing::run_to_end("http-frame-by-frame");
  const trace::Trace& trace = *run->trace();
  const auto server = calls_of(trace, "server");
  const auto client = calls_of(trace, "client");

  EXPECT_TRUE(std::regex_match(joined(call_names(server)),
                               std::regex("socket bind listen accept (recv ){3,}(send )+close close ")))
      << joined(call_names(server));

  // Each recv is fed to a parser of our own: the request is not complete until the last one,
  // and then it is exactly the POST the client sent.
  std::vector<const trace::Event*> recvs;
  for (const auto* e : server) {
    if (e->call == Call::Recv) recvs.push_back(e);
  }
  ASSERT_GE(recvs.size(), 3u);
  ph::HttpParser parser(ph::ParserMode::Request);
  for (std::size_t i = 0; i < recvs.size(); ++i) {
    ASSERT_GT(recvs[i]->result, 0) << "recv " << i;
    EXPECT_FALSE(parser.has_message()) << "complete before recv " << i;
    parser.feed(recvs[i]->payload.text());
  }
  ASSERT_TRUE(parser.has_message());
  const auto request = *parser.pop_message();
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/echo");
  EXPECT_EQ(request.content_length, kBody.size());
  EXPECT_EQ(request.body, kBody);
  EXPECT_EQ(payload_of(server, Call::Recv), payload_of(client, Call::Send));

  // The client sent four pieces; the response echoes the body.
  EXPECT_EQ(std::count_if(client.begin(), client.end(), [](auto* e) { return e->call == Call::Send; }), 4);
  ph::HttpParser response_parser(ph::ParserMode::Response);
  response_parser.expect_response_to("POST");
  response_parser.feed(payload_of(client, Call::Recv));
  response_parser.finish();
  ASSERT_TRUE(response_parser.has_message());
  const auto response = *response_parser.pop_message();
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.body, kBody);
}

TEST(HttpFrameByFrameLesson, EachParserCueFollowsTheRecvThatCausedIt) {
  const auto run = testing::run_to_end("http-frame-by-frame");
  const trace::Trace& trace = *run->trace();

  const std::vector<std::string> parser_cues = {"request-line-parsed", "headers-complete",
                                                "body-12-of-24", "request-complete"};
  std::vector<std::string> seen;
  const trace::Event* last_server_call = nullptr;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind == trace::EventKind::SocketCall && trace.lane_name(e.lane) == "server") {
      last_server_call = &e;
    }
    if (e.kind != trace::EventKind::Note) continue;
    const std::string cue(e.payload.text());
    if (std::find(parser_cues.begin(), parser_cues.end(), cue) == parser_cues.end()) continue;
    seen.push_back(cue);
    ASSERT_NE(last_server_call, nullptr);
    EXPECT_EQ(last_server_call->call, Call::Recv) << cue;
  }
  EXPECT_EQ(seen, parser_cues);
}

TEST(HttpFrameByFrameLesson, EveryCueHasItsParagraphInTheNarration) {
  const auto run = testing::run_to_end("http-frame-by-frame");
  const std::string narration = lesson::read_narration(run->info().narration);
  ASSERT_FALSE(narration.empty()) << "missing " << run->info().narration << " under "
                                  << lesson::assets_dir();
  const auto cues = testing::cues(*run->trace());
  EXPECT_GE(cues.size(), 12u);
  for (const auto& cue : cues) {
    EXPECT_NE(narration.find("<!-- cue:" + cue + " -->"), std::string::npos) << cue;
  }
}

TEST(HttpFrameByFrameLesson, EachStepReleasesExactlyOneCall) {
  lesson::RunOptions options;
  options.mode = lesson::StepMode::Pause;
  lesson::LessonRun run(testing::lesson_named("http-frame-by-frame"), options);
  lesson::Stepper& stepper = run.stepper();
  const trace::Trace& trace = *run.trace();

  ASSERT_TRUE(testing::wait_until([&] { return stepper.next().has_value(); }));
  EXPECT_EQ(socket_calls(trace), 0u);  // paused: not even socket() has happened
  std::uint64_t steps = 0;
  while (!run.done()) {
    if (!testing::wait_until([&] { return stepper.next().has_value() || run.done(); })) break;
    if (run.done()) break;
    stepper.step();
    ++steps;
    ASSERT_TRUE(testing::wait_until([&] { return stepper.released() == steps; })) << "step " << steps;
    // A released call may still wait in the kernel (accept, recv), but no call completes
    // without its own step.
    EXPECT_LE(socket_calls(trace), steps);
    ASSERT_LT(steps, 100u) << "the lesson should have ended";
  }
  ASSERT_TRUE(run.wait(std::chrono::seconds(10)));
  EXPECT_EQ(run.state(), lesson::RunState::Finished) << run.error();
  // Every step let exactly one call through, and every call needed one: as many steps as
  // calls in the trace (the pattern above: 4 + 4 recv + send + 2 close server-side, and the
  // client's 9).
  EXPECT_EQ(stepper.released(), steps);
  EXPECT_EQ(socket_calls(trace), steps);
  EXPECT_GE(steps, 19u);
}

TEST(HttpFrameByFrameLesson, CancelWhileTheServerWaitsForTheNextPieceIsACancelNotAFailure) {
  lesson::RunOptions options;
  options.mode = lesson::StepMode::Pause;
  lesson::LessonRun run(testing::lesson_named("http-frame-by-frame"), options);
  lesson::Stepper& stepper = run.stepper();
  const trace::Trace& trace = *run.trace();
  auto server_recvs = [&] {
    const auto server = calls_of(trace, "server");
    return std::count_if(server.begin(), server.end(), [](auto* e) { return e->call == Call::Recv; });
  };
  // Step until the server has read the first piece and its next recv() is in the kernel
  // (released, not complete) while the client waits at the gate with the next piece.
  std::uint64_t steps = 0;
  for (;;) {
    ASSERT_TRUE(testing::wait_until([&] { return stepper.next().has_value(); }));
    const auto next = stepper.next();
    if (server_recvs() >= 1 && stepper.released() > socket_calls(trace) &&
        trace.lane_name(next->lane) == "client") {
      break;
    }
    stepper.step();
    ++steps;
    ASSERT_TRUE(testing::wait_until([&] { return stepper.released() == steps; }));
    ASSERT_LT(steps, 30u);
  }
  // Stopped the way the app stops a run: the stepper first, the cancel signal after. The
  // client unwinds at its gate and its socket closes; the server's recv() sees the end of the
  // stream, which must read as the stop it is.
  stepper.cancel();
  ASSERT_TRUE(testing::wait_until([&] {
    const auto server = calls_of(trace, "server");
    return std::any_of(server.begin(), server.end(),
                       [](auto* e) { return e->call == Call::Recv && e->result == 0; });
  }));
  run.cancel();
  // Cancelled, or Finished when the actors had already unwound before the signal (the
  // runtime's ActorGroup only sees the signal): never Failed.
  EXPECT_NE(run.state(), lesson::RunState::Failed) << run.error();
  EXPECT_TRUE(run.error().empty()) << run.error();
}

}  // namespace
}  // namespace wirestep
