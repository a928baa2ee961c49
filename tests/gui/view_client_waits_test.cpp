// Client waits from hand-built traces: rounds by cue, per-client connect / first byte / done, the
// server's open connections, the round's summary, and incremental reading.
#include <gtest/gtest.h>

#include <string>

#include "lesson/client_waits.h"
#include "support/client_trace_builder.h"

namespace wirestep::testing {
namespace {

TEST(ClientWaits, RoundsStartAtTheServerCuesOnly) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto rounds = lesson::client_rounds(b.trace);
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_EQ(rounds[0].name, "blocking");
  EXPECT_EQ(rounds[1].name, "evented");
  EXPECT_EQ(rounds[0].start_ns, 0);
  EXPECT_EQ(rounds[1].start_ns, 100 * kMs);
  EXPECT_EQ(rounds[0].end_ns, 91 * kMs);  // its last call, not the server's note after it
  EXPECT_EQ(b.trace[rounds[1].from].payload.text(), "evented-server");
}

TEST(ClientWaits, EachClientsConnectFirstByteAndDone) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto rounds = lesson::client_rounds(b.trace);
  ASSERT_EQ(rounds[0].clients.size(), 2u);
  // By client number, though client#2 connected first.
  const lesson::ClientWait& one = rounds[0].clients[0];
  const lesson::ClientWait& two = rounds[0].clients[1];
  EXPECT_EQ(one.number, 1);
  EXPECT_EQ(two.number, 2);
  EXPECT_EQ(one.connected_ns, 11 * kMs);
  EXPECT_EQ(one.first_byte_ns, 50 * kMs);
  EXPECT_EQ(one.done_ns, 60 * kMs);  // the end of the stream, not its close after it
  EXPECT_EQ(one.waited_ns(), 39 * kMs);
  EXPECT_EQ(one.served_ns(), 10 * kMs);
  EXPECT_EQ(one.address.port, 40001);
  EXPECT_FALSE(one.failed);
  EXPECT_EQ(two.waited_ns(), 70 * kMs);
  EXPECT_EQ(rounds[0].fastest(), &one);
  EXPECT_EQ(rounds[0].slowest(), &two);
  EXPECT_EQ(rounds[0].answered(), 2u);

  // The same lanes start afresh in the next round.
  ASSERT_EQ(rounds[1].clients.size(), 2u);
  EXPECT_EQ(rounds[1].clients[0].connected_ns, 110 * kMs);
  EXPECT_EQ(rounds[1].clients[0].waited_ns(), 20 * kMs);
  EXPECT_EQ(rounds[1].clients[1].waited_ns(), 14 * kMs);
}

TEST(ClientWaits, CountsTheConnectionsTheServerHeldAtOnce) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto rounds = lesson::client_rounds(b.trace);
  EXPECT_EQ(rounds[0].most_open, 1u);  // fd 5 closed before it was accepted again
  EXPECT_EQ(rounds[1].most_open, 2u);
  EXPECT_EQ(lesson::max_open_connections(b.trace, 0, b.trace.size()), 2u);
  EXPECT_EQ(lesson::max_open_connections(b.trace, 0, rounds[1].from), 1u);
}

// With a thread per connection, the acceptor may be handed a freed fd number before the thread
// that closed it has recorded its close(): connections are told apart by the client's address.
TEST(ClientWaits, ConnectionsAreToldApartByTheClientsAddressNotTheirFd) {
  ClientTraceBuilder b;
  b.cue(0, "threaded-server");
  b.server(1 * kMs, Call::Accept, 5, 3, 40001);
  b.server(2 * kMs, Call::Accept, 5, 3, 40002);  // fd 5 again: its close on another thread is late
  b.server(3 * kMs, Call::Close, 0, 5, 40001);
  b.server(4 * kMs, Call::Accept, 6, 3, 40003);
  b.server(5 * kMs, Call::Close, 0, 5, 40002);
  b.server(6 * kMs, Call::Close, 0, 6, 40003);
  b.server(7 * kMs, Call::Accept, 5, 3, 40004);
  EXPECT_EQ(lesson::client_rounds(b.trace)[0].most_open, 2u);
  EXPECT_EQ(lesson::max_open_connections(b.trace, 0, b.trace.size()), 2u);
}

TEST(ClientWaits, SummaryNamesTheFastestTheSlowestAndTheConcurrency) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto rounds = lesson::client_rounds(b.trace);
  EXPECT_EQ(lesson::round_summary(rounds[0]),
            "blocking: first byte after 39 ms for the fastest client, 70 ms for the slowest; at most 1 connection "
            "open at once");
  EXPECT_EQ(lesson::round_summary(rounds[1]),
            "evented: first byte after 14 ms for the fastest client, 20 ms for the slowest; at most 2 connections "
            "open at once");
  EXPECT_EQ(lesson::wait_text(1'920'000'000), "1.92 s");
  EXPECT_EQ(lesson::wait_text(3'100'000), "3.1 ms");
}

TEST(ClientWaits, ReadingInPiecesGivesWhatReadingAtOnceGives) {
  ClientTraceBuilder b;
  two_rounds(b);
  const auto whole = lesson::client_rounds(b.trace);
  lesson::ClientWaits waits;
  for (std::size_t limit = 0; limit <= b.trace.size(); ++limit) waits.update(b.trace, limit);
  ASSERT_EQ(waits.rounds().size(), whole.size());
  for (std::size_t r = 0; r < whole.size(); ++r) {
    EXPECT_EQ(lesson::round_summary(waits.rounds()[r]), lesson::round_summary(whole[r]));
    EXPECT_EQ(waits.rounds()[r].to, whole[r].to);
  }
  // A replay cursor moved back: only what is before it.
  waits.update(b.trace, whole[1].from);
  EXPECT_EQ(waits.rounds().size(), 1u);
  EXPECT_EQ(waits.read(), whole[1].from);
}

TEST(ClientWaits, AClientStillWaitingAndOneRefused) {
  ClientTraceBuilder b;
  waiting_and_refused(b);
  const auto rounds = lesson::client_rounds(b.trace);
  ASSERT_EQ(rounds.size(), 1u);
  const auto& c = rounds[0].clients;
  ASSERT_EQ(c.size(), 3u);
  EXPECT_TRUE(c[0].connected_ns);
  EXPECT_FALSE(c[0].first_byte_ns);
  EXPECT_FALSE(c[0].done_ns);
  EXPECT_FALSE(c[0].waited_ns());
  EXPECT_TRUE(c[1].failed);
  EXPECT_FALSE(c[1].connected_ns);
  EXPECT_EQ(c[1].done_ns, 11 * kMs);
  EXPECT_TRUE(c[2].failed);
  EXPECT_EQ(c[2].done_ns, 40 * kMs);
  EXPECT_EQ(rounds[0].answered(), 0u);
  EXPECT_EQ(lesson::round_summary(rounds[0]), "threaded: no client got an answer; at most 1 connection open at once");
}

TEST(ClientWaits, NoClientLanesNoClients) {
  ClientTraceBuilder b;
  b.cue(0, "connect");
  b.call(1 * kMs, "client", Call::Connect, 0);
  b.call(2 * kMs, "client#tcp", Call::Connect, 0);  // a named lane, not a numbered client
  b.call(3 * kMs, "server", Call::Accept, 4);
  lesson::ClientWaits waits;
  waits.update(b.trace);
  EXPECT_FALSE(waits.has_clients());
}

TEST(ClientWaits, ClientsBeforeAnyRoundCueFormARoundWithoutAName) {
  ClientTraceBuilder b;
  b.client("client#1", 5 * kMs, 6 * kMs, 7 * kMs);
  const auto rounds = lesson::client_rounds(b.trace);
  ASSERT_EQ(rounds.size(), 1u);
  EXPECT_EQ(rounds[0].name, "");
  ASSERT_EQ(rounds[0].clients.size(), 1u);
  EXPECT_EQ(rounds[0].clients[0].waited_ns(), 1 * kMs);
}

}  // namespace
}  // namespace wirestep::testing
