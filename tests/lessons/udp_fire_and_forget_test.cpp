// Lesson udp-fire-and-forget: the receiver's own counts match what the link (virtual wire or
// user-space relay) decided, the same seed loses the same datagrams, and boundaries are kept.
#include "udp_fire_and_forget.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "support/lesson_runner.h"
#include "support/trace_queries.h"
#include "wire/wire_probe.h"

namespace wirestep {
namespace {

using lessons::UdpFireAndForget;

lesson::RunOptions lossy(bool on_wire, double loss = 30, std::uint64_t seed = 11) {
  lesson::RunOptions options;
  options.virtual_wire = on_wire;
  options.params.loss_percent = loss;
  options.params.seed = seed;
  return options;
}

// What the receiver's recvfrom calls returned, read back from the trace.
struct Received {
  std::vector<int> numbers;  // in arrival order
  int whole = 0;             // datagrams as long as they say they are
};

Received received(const trace::Trace& trace) {
  Received out;
  for (const auto* e : testing::calls_of(trace, "server")) {
    if (e->call != trace::Call::RecvFrom || e->result <= 0) continue;
    int number = -1;
    int count = 0;
    std::size_t length = 0;
    const std::string text(e->payload.text());
    if (std::sscanf(text.c_str(), "%d/%d len %zu", &number, &count, &length) != 3) continue;
    out.numbers.push_back(number);
    out.whole += length == static_cast<std::size_t>(e->result) ? 1 : 0;
  }
  return out;
}

// The link's decisions about the client's datagrams: from the wire's Packet events (copies
// counted once per doubled packet) or from the relay's Impairment events.
struct LinkCounts {
  int dropped = 0;
  int duplicated = 0;
};

LinkCounts link_counts(const trace::Trace& trace, bool on_wire) {
  LinkCounts out;
  std::set<std::uint64_t> doubled;
  int copies = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (trace.lane_name(e.from) != "client") continue;
    if (on_wire && e.kind == trace::EventKind::Packet) {
      out.dropped += e.verdict == trace::Verdict::Dropped ? 1 : 0;
      if (e.verdict == trace::Verdict::Duplicated) {
        ++copies;
        doubled.insert(e.link);
      }
    }
    if (!on_wire && e.kind == trace::EventKind::Impairment) {
      EXPECT_EQ(trace.lane_name(e.lane), "relay");
      out.dropped += e.verdict == trace::Verdict::Dropped ? 1 : 0;
      out.duplicated += e.verdict == trace::Verdict::Duplicated ? 1 : 0;
    }
  }
  if (on_wire) out.duplicated = copies - static_cast<int>(doubled.size());
  return out;
}

void expect_counts_match_the_link(bool on_wire) {
  const auto run = testing::run_to_end("udp-fire-and-forget", lossy(on_wire));
  const auto& trace = *run->trace();
  ASSERT_EQ(run->wire() != nullptr, on_wire);
  const Received got = received(trace);
  const std::set<int> unique(got.numbers.begin(), got.numbers.end());
  const int lost = UdpFireAndForget::kDatagrams - static_cast<int>(unique.size());
  const int duplicated = static_cast<int>(got.numbers.size() - unique.size());
  const LinkCounts link = link_counts(trace, on_wire);
  EXPECT_GT(lost, 30) << "30 % of 200 should lose dozens";
  EXPECT_LT(lost, 90);
  EXPECT_EQ(lost, link.dropped) << "every gap is a datagram the link dropped";
  EXPECT_EQ(duplicated, link.duplicated) << "every extra copy is one the link made";
  EXPECT_GT(duplicated, 0);
  EXPECT_EQ(got.whole, static_cast<int>(got.numbers.size())) << "each recvfrom returned one whole datagram";

  // Every sendto "succeeded", lost or not.
  int sends = 0;
  for (const auto* e : testing::calls_of(trace, "client")) {
    if (e->call != trace::Call::SendTo) continue;
    ++sends;
    EXPECT_EQ(e->result, static_cast<std::int64_t>(e->requested));
  }
  EXPECT_EQ(sends, UdpFireAndForget::kDatagrams);

  // The receiver's note says what the trace shows, and the link's note agrees with it.
  const auto server_notes = testing::notes_of(trace, "server");
  const std::string counts = "sent 200, received " + std::to_string(got.numbers.size()) + ": lost " +
                             std::to_string(lost) + ", duplicated " + std::to_string(duplicated) + ", reordered ";
  EXPECT_TRUE(std::any_of(server_notes.begin(), server_notes.end(), [&](const std::string& n) {
    return n.starts_with(counts);
  })) << counts;
  const auto link_notes = testing::notes_of(trace, on_wire ? "wire" : "relay");
  ASSERT_FALSE(link_notes.empty());
  EXPECT_NE(link_notes.back().find("exactly the gaps and copies the receiver counted"), std::string::npos)
      << link_notes.back();
  EXPECT_NE(link_notes.front().find(on_wire ? "virtual wire" : "user-space relay"), std::string::npos)
      << "the lesson says which kind of link it used";
}

TEST(UdpFireAndForgetLesson, OnTheSocketTierTheRelaysDropsAreTheReceiversGaps) { expect_counts_match_the_link(false); }

TEST(UdpFireAndForgetLesson, OnTheWireTheWiresDropsAreTheReceiversGaps) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  expect_counts_match_the_link(true);
}

TEST(UdpFireAndForgetLesson, TheSameSeedDeliversTheSameNumbersOnBothTiers) {
  const auto first = testing::run_to_end("udp-fire-and-forget", lossy(false));
  const auto again = testing::run_to_end("udp-fire-and-forget", lossy(false));
  const auto other = testing::run_to_end("udp-fire-and-forget", lossy(false, 30, 12));
  auto numbers = [](const lesson::LessonRun& run) {
    const auto got = received(*run.trace()).numbers;
    return std::set<int>(got.begin(), got.end());
  };
  EXPECT_EQ(numbers(*first), numbers(*again));
  EXPECT_NE(numbers(*first), numbers(*other));
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  const auto on_wire = testing::run_to_end("udp-fire-and-forget", lossy(true));
  EXPECT_EQ(numbers(*first), numbers(*on_wire)) << "the relay applies the wire's policy with the same seed";
}

TEST(UdpFireAndForgetLesson, SomeDatagramsArriveLateOrTwice) {
  const auto run = testing::run_to_end("udp-fire-and-forget", lossy(false, 20, 7));
  const Received got = received(*run->trace());
  int late = 0;
  int highest = -1;
  std::set<int> seen;
  for (int n : got.numbers) {
    if (seen.insert(n).second && n < highest) ++late;
    highest = std::max(highest, n);
  }
  EXPECT_GT(late, 0) << "a held-back datagram was overtaken";
  EXPECT_GT(got.numbers.size(), seen.size()) << "a datagram came twice";
}

}  // namespace
}  // namespace wirestep
