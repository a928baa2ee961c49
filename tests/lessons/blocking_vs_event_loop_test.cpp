// Lesson blocking-vs-event-loop, run headless: serialised exchanges first, then overlapping ones
// (a thread per connection, then an event loop), seen by the server and by the clients.
#include <gtest/gtest.h>

#include <algorithm>

#include "blocking_vs_event_loop.h"
#include "lesson/assets.h"
#include "lesson/client_waits.h"
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

// The round of the client waits that a server's cue began.
const lesson::ClientRound* round_named(const std::vector<lesson::ClientRound>& rounds, std::string_view name) {
  for (const auto& r : rounds) {
    if (r.name == name) return &r;
  }
  ADD_FAILURE() << "no round " << name;
  return nullptr;
}

// The client whose connection the server saw as `exchange` (its peer is the client's own end).
const lesson::ClientWait* client_of(const lesson::ClientRound& round, const Exchange& exchange) {
  for (const auto& c : round.clients) {
    if (c.address == exchange.client) return &c;
  }
  ADD_FAILURE() << "no client at " << exchange.client.to_string();
  return nullptr;
}

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
  const std::size_t to = index_of_cue(trace(), "threaded-server");
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
  EXPECT_EQ(lesson::max_open_connections(trace(), from, to), 1u);
}

// The server of [from, to) held several connections at once, and their exchanges overlapped.
void expect_overlapping_exchanges(const trace::Trace& trace, std::size_t from, std::size_t to) {
  const auto served = exchanges(trace, from, to);
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
  EXPECT_EQ(lesson::max_open_connections(trace, from, to), most_open);
}

TEST_F(BlockingVsEventLoopLesson, TheThreadedServerHoldsSeveralConnectionsAtOnce) {
  expect_overlapping_exchanges(trace(), index_of_cue(trace(), "threaded-server"),
                               index_of_cue(trace(), "evented-server"));
}

TEST_F(BlockingVsEventLoopLesson, TheEventLoopHoldsSeveralConnectionsAtOnce) {
  expect_overlapping_exchanges(trace(), index_of_cue(trace(), "evented-server"), trace().size());
}

TEST_F(BlockingVsEventLoopLesson, ClientWaitsFindEveryClientInEveryRound) {
  const auto rounds = lesson::client_rounds(trace());
  std::vector<std::string> names;
  for (const auto& r : rounds) names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"blocking", "threaded", "evented"}));
  for (const auto& r : rounds) {
    ASSERT_EQ(r.clients.size(), static_cast<std::size_t>(kClients)) << r.name;
    for (int n = 1; n <= kClients; ++n) {
      const lesson::ClientWait& c = r.clients[static_cast<std::size_t>(n - 1)];
      EXPECT_EQ(c.number, n);
      ASSERT_TRUE(c.waited_ns() && c.served_ns()) << r.name << " client#" << n;
      EXPECT_GE(*c.waited_ns(), 0);
      EXPECT_GE(*c.served_ns(), 0);
      EXPECT_FALSE(c.failed);
    }
  }
}

// Blocking, seen by the clients: a client's first byte comes only after the server has closed
// the previous client's connection. Nobody was served while another was.
TEST_F(BlockingVsEventLoopLesson, ClientWaitsShowTheBlockingServerServingOneAfterAnother) {
  const auto rounds = lesson::client_rounds(trace());
  const lesson::ClientRound* blocking = round_named(rounds, "blocking");
  ASSERT_NE(blocking, nullptr);
  EXPECT_EQ(blocking->most_open, 1u);
  const auto served = exchanges(trace(), blocking->from, blocking->to);
  ASSERT_EQ(served.size(), static_cast<std::size_t>(kClients));
  for (std::size_t k = 0; k + 1 < served.size(); ++k) {
    const lesson::ClientWait* next = client_of(*blocking, served[k + 1]);
    ASSERT_NE(next, nullptr);
    EXPECT_GT(*next->first_byte_ns, served[k].close_t) << "client#" << next->number;
    // Service intervals (the server's accept to its close) in a row, none overlapping.
    EXPECT_LE(served[k].close_t, served[k + 1].accept_t);
  }
}

// Threads and the event loop: the rounds the clients' waits are read in count the server's
// connections the same way, and find several open at once.
TEST_F(BlockingVsEventLoopLesson, ClientWaitsShowThreadsAndTheEventLoopHoldingSeveralAtOnce) {
  const auto rounds = lesson::client_rounds(trace());
  for (const std::string_view mode : {"threaded", "evented"}) {
    const lesson::ClientRound* round = round_named(rounds, mode);
    ASSERT_NE(round, nullptr);
    EXPECT_EQ(round->answered(), static_cast<std::size_t>(kClients)) << mode;
    EXPECT_GE(round->most_open, 2u) << mode;
    EXPECT_EQ(round->most_open, lesson::max_open_connections(trace(), round->from, round->to)) << mode;
  }
}

TEST_F(BlockingVsEventLoopLesson, EachRoundNotesWhoWaitedHowLong) {
  const auto notes = testing::notes_of(trace(), "server");
  ASSERT_EQ(notes.size(), 3u);
  EXPECT_TRUE(notes[0].starts_with("blocking: first byte after ")) << notes[0];
  EXPECT_TRUE(notes[0].ends_with("; at most 1 connection open at once")) << notes[0];
  EXPECT_TRUE(notes[1].starts_with("threaded: first byte after ")) << notes[1];
  EXPECT_TRUE(notes[2].starts_with("evented: first byte after ")) << notes[2];
  for (const auto& note : {notes[1], notes[2]}) {
    EXPECT_TRUE(note.ends_with(" connections open at once")) << note;  // more than one
  }
  for (const auto& note : notes) EXPECT_NE(note.find("for the slowest"), std::string::npos) << note;
  // The note is what the client waits say, measured once the round was over.
  const auto rounds = lesson::client_rounds(trace());
  EXPECT_EQ(notes[0], lesson::round_summary(rounds[0]));
  EXPECT_EQ(notes[2], lesson::round_summary(rounds[2]));
}

TEST_F(BlockingVsEventLoopLesson, EveryClientGetsThePageFromEveryServer) {
  const std::size_t threaded = index_of_cue(trace(), "threaded-server");
  const std::size_t evented = index_of_cue(trace(), "evented-server");
  for (int n = 1; n <= kClients; ++n) {
    const std::string lane = "client#" + std::to_string(n);
    for (const auto& [mode, from, to] : {std::tuple{"blocking", std::size_t{0}, threaded},
                                         std::tuple{"threaded", threaded, evented},
                                         std::tuple{"evented", evented, trace().size()}}) {
      const auto response = response_of(trace(), lane, from, to);
      ASSERT_TRUE(response.has_value()) << lane << " from the " << mode << " server";
      EXPECT_EQ(response->status_code, 200) << lane;
      EXPECT_NE(response->body.find(std::string("the <strong>") + mode + "</strong> server"),
                std::string::npos)
          << lane << " " << mode;
    }
    // Each client asked in two halves, in every round.
    const auto calls = testing::calls_of(trace(), lane);
    EXPECT_EQ(std::count_if(calls.begin(), calls.end(), [](const Event* e) { return e->call == Call::Send; }),
              6)
        << lane;
  }
}

TEST_F(BlockingVsEventLoopLesson, EveryCueHasItsParagraphInTheNarration) {
  const std::string narration = lesson::read_narration(run_->info().narration);
  ASSERT_FALSE(narration.empty()) << "missing " << run_->info().narration << " under "
                                  << lesson::assets_dir();
  const auto cues = testing::cues(trace());
  EXPECT_EQ(cues, (std::vector<std::string>{"blocking-server", "blocking-all-connected", "blocking-result",
                                            "threaded-server", "threaded-all-connected", "threaded-result",
                                            "evented-server", "evented-all-connected", "evented-result",
                                            "done"}));
  for (const auto& cue : cues) {
    EXPECT_NE(narration.find("<!-- cue:" + cue + " -->"), std::string::npos) << cue;
  }
}

}  // namespace
}  // namespace wirestep
