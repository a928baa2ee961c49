// Lesson blocking-vs-event-loop, run headless: serialised exchanges first, overlapping ones second.
#include <gtest/gtest.h>

#include <algorithm>

#include "blocking_vs_event_loop.h"
#include "lesson/assets.h"
#include "proto/http/http_parser.h"
#include "support/lesson_runner.h"
#include "support/trace_queries.h"

namespace wirestep {
namespace {

using trace::Call;
using trace::Event;

constexpr int kClients = 6;

// One connection as the server saw it: from its accept() to its close().
struct Exchange {
  std::size_t accept = 0;
  std::size_t close = 0;  // 0 while no close was found
  std::int64_t accept_t = 0;
  std::int64_t close_t = 0;
  trace::Address client;
};

std::size_t index_of_cue(const trace::Trace& trace, std::string_view anchor) {
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].kind == trace::EventKind::Note && trace[i].payload.text() == anchor) return i;
  }
  ADD_FAILURE() << "no cue " << anchor;
  return trace.size();
}

bool server_call(const trace::Trace& trace, const Event& e, Call call) {
  return e.kind == trace::EventKind::SocketCall && e.call == call && trace.lane_name(e.lane) == "server";
}

// Server-side exchanges in [from, to), in accept order. The server records the client's
// address as the peer of both calls, which pairs them even when fd numbers are reused.
std::vector<Exchange> exchanges(const trace::Trace& trace, std::size_t from, std::size_t to) {
  std::vector<Exchange> out;
  for (std::size_t i = from; i < to; ++i) {
    const Event& e = trace[i];
    if (server_call(trace, e, Call::Accept) && e.result >= 0) {
      out.push_back({i, 0, e.t_ns, 0, e.peer});
    } else if (server_call(trace, e, Call::Close) && !e.peer.empty()) {
      for (auto& x : out) {
        if (x.close == 0 && x.client == e.peer) {
          x.close = i;
          x.close_t = e.t_ns;
          break;
        }
      }
    }
  }
  return out;
}

bool overlap(const Exchange& a, const Exchange& b) { return a.accept < b.close && b.accept < a.close; }

// What client lane `lane` read in [from, to), parsed as one response.
std::optional<proto::http::HttpResponse> response_of(const trace::Trace& trace, const std::string& lane,
                                                     std::size_t from, std::size_t to) {
  std::string bytes;
  for (const auto* e : testing::calls_of(trace, lane)) {
    if (e->seq >= from && e->seq < to && e->call == Call::Recv) bytes += std::string(e->payload.text());
  }
  proto::http::HttpParser parser(proto::http::ParserMode::Response);
  parser.expect_response_to("GET");
  parser.feed(bytes);
  parser.finish();
  return parser.pop_message();
}

class BlockingVsEventLoopLesson : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    lesson::RunOptions options;
    options.params.clients = kClients;
    run_ = testing::run_to_end("blocking-vs-event-loop", options).release();
  }
  static void TearDownTestSuite() {
    delete run_;
    run_ = nullptr;
  }
  static const trace::Trace& trace() { return *run_->trace(); }

  static lesson::LessonRun* run_;
};

lesson::LessonRun* BlockingVsEventLoopLesson::run_ = nullptr;

TEST_F(BlockingVsEventLoopLesson, TheBlockingServerServesOneClientAtATime) {
  const std::size_t from = index_of_cue(trace(), "blocking-server");
  const std::size_t to = index_of_cue(trace(), "evented-server");
  const auto served = exchanges(trace(), from, to);
  ASSERT_EQ(served.size(), static_cast<std::size_t>(kClients));
  for (std::size_t k = 0; k < served.size(); ++k) {
    ASSERT_NE(served[k].close, 0u) << "exchange " << k << " never closed";
    if (k + 1 == served.size()) break;
    // The next client is accepted only after this one's connection is closed: by order in
    // the trace and by the clock.
    EXPECT_LT(served[k].close, served[k + 1].accept) << "exchanges " << k << " and " << k + 1;
    EXPECT_LE(served[k].close_t, served[k + 1].accept_t);
  }
  // Yet every client had connected before the first exchange ended: they waited, connected,
  // in the backlog. The serialisation is the server's, not the clients'.
  for (int n = 1; n <= kClients; ++n) {
    const auto calls = testing::calls_of(trace(), "client#" + std::to_string(n));
    const auto connect = std::find_if(calls.begin(), calls.end(), [&](const Event* e) {
      return e->call == Call::Connect && e->seq > from;
    });
    ASSERT_NE(connect, calls.end());
    EXPECT_EQ((*connect)->result, 0);
    EXPECT_LT((*connect)->seq, served.front().close) << "client#" << n;
  }
  EXPECT_EQ(lessons::max_open_connections(trace(), from, to), 1u);
}

TEST_F(BlockingVsEventLoopLesson, TheEventLoopHoldsSeveralConnectionsAtOnce) {
  const std::size_t from = index_of_cue(trace(), "evented-server");
  const auto served = exchanges(trace(), from, trace().size());
  ASSERT_EQ(served.size(), static_cast<std::size_t>(kClients));
  std::size_t overlapping_pairs = 0;
  std::size_t most_open = 0;
  for (std::size_t a = 0; a < served.size(); ++a) {
    ASSERT_NE(served[a].close, 0u) << "exchange " << a << " never closed";
    std::size_t open_at_accept = 1;
    for (std::size_t b = 0; b < served.size(); ++b) {
      if (b == a) continue;
      if (b > a && overlap(served[a], served[b])) ++overlapping_pairs;
      if (served[b].accept < served[a].accept && served[b].close > served[a].accept) ++open_at_accept;
    }
    most_open = std::max(most_open, open_at_accept);
  }
  EXPECT_GE(overlapping_pairs, 1u);
  EXPECT_GE(most_open, 2u);
  EXPECT_EQ(lessons::max_open_connections(trace(), from, trace().size()), most_open);
}

TEST_F(BlockingVsEventLoopLesson, EveryClientGetsThePageFromBothServers) {
  const std::size_t evented = index_of_cue(trace(), "evented-server");
  for (int n = 1; n <= kClients; ++n) {
    const std::string lane = "client#" + std::to_string(n);
    for (const auto& [mode, from, to] : {std::tuple{"blocking", std::size_t{0}, evented},
                                         std::tuple{"evented", evented, trace().size()}}) {
      const auto response = response_of(trace(), lane, from, to);
      ASSERT_TRUE(response.has_value()) << lane << " from the " << mode << " server";
      EXPECT_EQ(response->status_code, 200) << lane;
      EXPECT_NE(response->body.find(std::string("the <strong>") + mode + "</strong> server"),
                std::string::npos)
          << lane << " " << mode;
    }
    // Each client asked in two halves, in both rounds.
    const auto calls = testing::calls_of(trace(), lane);
    EXPECT_EQ(std::count_if(calls.begin(), calls.end(), [](const Event* e) { return e->call == Call::Send; }),
              4)
        << lane;
  }
}

TEST_F(BlockingVsEventLoopLesson, EveryCueHasItsParagraphInTheNarration) {
  const std::string narration = lesson::read_narration(run_->info().narration);
  ASSERT_FALSE(narration.empty()) << "missing " << run_->info().narration << " under "
                                  << lesson::assets_dir();
  const auto cues = testing::cues(trace());
  EXPECT_EQ(cues, (std::vector<std::string>{"blocking-server", "blocking-all-connected", "blocking-result",
                                            "evented-server", "evented-all-connected", "evented-result",
                                            "done"}));
  for (const auto& cue : cues) {
    EXPECT_NE(narration.find("<!-- cue:" + cue + " -->"), std::string::npos) << cue;
  }
}

}  // namespace
}  // namespace wirestep
