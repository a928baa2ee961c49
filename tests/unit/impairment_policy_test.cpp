// ImpairmentPolicy and scripted faults: seeded determinism, loss rates, bursts, timing, parser.
#include "wire/impairment_policy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <limits>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "wire/scripted_fault.h"

namespace wirestep::wire {
namespace {

using namespace tcp_flag;
using trace::Transport;

constexpr std::int64_t kMs = 1'000'000;

PacketFacts tcp(Direction dir, std::uint8_t flags, std::uint32_t payload, std::int64_t now) {
  PacketFacts f;
  f.direction = dir;
  f.transport = Transport::Tcp;
  f.tcp_flags = flags;
  f.payload_length = payload;
  f.size = 40 + payload;
  f.ip_header_length = 20;
  f.now_ns = now;
  return f;
}

PacketFacts udp(Direction dir, std::uint32_t payload, std::int64_t now) {
  PacketFacts f;
  f.direction = dir;
  f.transport = Transport::Udp;
  f.payload_length = payload;
  f.size = 28 + payload;
  f.ip_header_length = 20;
  f.now_ns = now;
  return f;
}

// A varied but fixed packet sequence: kinds, sizes and gaps from their own generator.
std::vector<PacketFacts> traffic(std::size_t count, Direction dir = kClientToServer, std::uint64_t seed = 99) {
  std::mt19937_64 gen(seed);
  std::vector<PacketFacts> out;
  std::int64_t now = 0;
  for (std::size_t i = 0; i < count; ++i) {
    now += static_cast<std::int64_t>(gen() % (2 * kMs));
    const auto payload = static_cast<std::uint32_t>(gen() % 3 == 0 ? 0 : gen() % 1400);
    out.push_back(gen() % 5 == 0 ? udp(dir, payload, now) : tcp(dir, kAck, payload, now));
  }
  return out;
}

LinkImpairment everything() {
  LinkImpairment link;
  link.loss_percent = 10;
  link.burst = {.p_percent = 2, .r_percent = 30, .loss_bad_percent = 80, .loss_good_percent = 0};
  link.delay_ns = 20 * kMs;
  link.jitter_ns = 5 * kMs;
  link.duplicate_percent = 5;
  link.reorder_percent = 5;
  link.corrupt_percent = 5;
  link.rate_bytes_per_s = 400'000;  // a little below what traffic() offers: a queue builds
  link.rate_burst_bytes = 3000;
  link.rate_queue_packets = 20;
  return link;
}

std::vector<Decision> run(ImpairmentPolicy& policy, const std::vector<PacketFacts>& packets) {
  std::vector<Decision> out;
  for (const PacketFacts& p : packets) out.push_back(policy.decide(p));
  return out;
}

std::vector<bool> drops(const std::vector<Decision>& decisions) {
  std::vector<bool> out;
  for (const Decision& d : decisions) out.push_back(d.dropped());
  return out;
}

std::int64_t departure(const Decision& d) {
  const auto deliveries = d.deliveries();
  return deliveries.empty() ? -1 : deliveries.front()->at_ns;
}

// --- determinism ---------------------------------------------------------------------------

TEST(ImpairmentPolicy, SameSeedGivesIdenticalDecisions) {
  const auto packets = traffic(1000);
  ImpairmentPolicy a(7, everything());
  ImpairmentPolicy b(7, everything());
  const auto da = run(a, packets);
  const auto db = run(b, packets);
  ASSERT_EQ(da.size(), 1000u);
  for (std::size_t i = 0; i < da.size(); ++i) ASSERT_EQ(da[i], db[i]) << "packet " << i;

  // Every kind of action happened, so the comparison covered all of them.
  int dropped = 0, queue_full = 0, copies = 0, corrupted = 0, queued = 0, reordered = 0;
  for (const Decision& d : da) {
    dropped += d.dropped();
    queue_full += d.dropped() && d.drop()->cause == Cause::QueueFull;
    corrupted += d.corruption() != nullptr;
    for (const Action* a : d.deliveries()) {
      copies += a->copy > 0;
      queued += a->has(Cause::RateLimit);
      reordered += a->has(Cause::Reorder);
    }
  }
  EXPECT_GT(dropped, 0);
  EXPECT_GT(queue_full, 0);
  EXPECT_GT(copies, 0);
  EXPECT_GT(corrupted, 0);
  EXPECT_GT(queued, 0);
  EXPECT_GT(reordered, 0);

  // reset() replays from the start.
  a.reset();
  EXPECT_EQ(run(a, packets), da);
}

TEST(ImpairmentPolicy, DifferentSeedGivesDifferentDecisions) {
  const auto packets = traffic(1000);
  ImpairmentPolicy a(7, everything());
  ImpairmentPolicy b(8, everything());
  EXPECT_NE(drops(run(a, packets)), drops(run(b, packets)));
}

TEST(ImpairmentPolicy, DirectionDecisionsIgnoreTheOtherDirectionsTraffic) {
  const auto client = traffic(500, kClientToServer, 1);
  const auto server = traffic(500, kServerToClient, 2);
  ImpairmentPolicy alone(7, everything());
  const auto expected = run(alone, client);

  ImpairmentPolicy mixed(7, everything());
  std::vector<Decision> got;
  std::size_t s = 0;
  for (const PacketFacts& p : client) {
    while (s < server.size() && server[s].now_ns <= p.now_ns) mixed.decide(server[s++]);
    got.push_back(mixed.decide(p));
  }
  EXPECT_EQ(got, expected);
}

TEST(ImpairmentPolicy, TurningOnOneKnobDoesNotMoveAnothersHits) {
  const auto packets = traffic(1000);
  LinkImpairment loss_only;
  loss_only.loss_percent = 20;
  LinkImpairment loss_and_more = loss_only;
  loss_and_more.duplicate_percent = 50;
  loss_and_more.corrupt_percent = 50;
  loss_and_more.delay_ns = 3 * kMs;
  ImpairmentPolicy a(7, loss_only);
  ImpairmentPolicy b(7, loss_and_more);
  EXPECT_EQ(drops(run(a, packets)), drops(run(b, packets)));
}

// --- loss ----------------------------------------------------------------------------------

int losses(std::uint64_t seed, double percent, std::size_t count) {
  LinkImpairment link;
  link.loss_percent = percent;
  ImpairmentPolicy policy(seed, link);
  int dropped = 0;
  for (const PacketFacts& p : traffic(count)) {
    const Decision d = policy.decide(p);
    if (d.dropped()) {
      ++dropped;
      EXPECT_EQ(d.drop()->cause, Cause::Loss);
      EXPECT_EQ(d.drop()->why, "loss 30 %, seed " + std::to_string(seed));
      EXPECT_EQ(d.actions.size(), 1u);
    }
  }
  return dropped;
}

TEST(ImpairmentPolicy, ThirtyPercentLossDropsAboutThreeHundredOfAThousand) {
  // Exact for seed 7: any change to the RNG stream or the draw order shows up here.
  EXPECT_EQ(losses(7, 30, 1000), 293);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const int dropped = losses(seed, 30, 1000);
    EXPECT_GE(dropped, 250) << "seed " << seed;
    EXPECT_LE(dropped, 350) << "seed " << seed;
  }
}

TEST(ImpairmentPolicy, NoImpairmentDeliversEverythingAtOnce) {
  ImpairmentPolicy policy(7);
  for (const PacketFacts& p : traffic(200)) {
    const Decision d = policy.decide(p);
    ASSERT_EQ(d.actions.size(), 1u);
    EXPECT_EQ(d.actions[0].kind, ActionKind::Deliver);
    EXPECT_EQ(d.actions[0].at_ns, p.now_ns);
    EXPECT_EQ(d.actions[0].cause, Cause::None);
    EXPECT_EQ(verdict(d.actions[0], p.now_ns), trace::Verdict::Delivered);
  }
}

TEST(ImpairmentPolicy, GilbertElliottLosesInBurstsOfMeanLengthOneOverR) {
  LinkImpairment link;
  link.burst = {.p_percent = 1, .r_percent = 25, .loss_bad_percent = 100, .loss_good_percent = 0};
  ImpairmentPolicy policy(42, link);
  std::vector<int> bursts;
  int run_length = 0;
  int lost = 0;
  constexpr int kPackets = 100'000;
  for (int i = 0; i < kPackets; ++i) {
    const Decision d = policy.decide(udp(kClientToServer, 100, i * kMs));
    if (d.dropped()) {
      EXPECT_EQ(d.drop()->cause, Cause::BurstLoss);
      EXPECT_NE(d.drop()->why.find("Gilbert-Elliott bad state"), std::string::npos) << d.drop()->why;
      ++run_length;
      ++lost;
    } else if (run_length > 0) {
      bursts.push_back(run_length);
      run_length = 0;
    }
  }
  ASSERT_GT(bursts.size(), 500u);
  double sum = 0;
  for (int b : bursts) sum += b;
  const double mean = sum / static_cast<double>(bursts.size());
  EXPECT_NEAR(mean, 100.0 / 25.0, 0.3);  // geometric, mean 1/r
  EXPECT_GE(*std::max_element(bursts.begin(), bursts.end()), 10);
  // Long-run loss p / (p + r) = 1/26.
  EXPECT_NEAR(static_cast<double>(lost) / kPackets, 1.0 / 26.0, 0.006);

  // The same loss rate drawn independently gives far shorter runs: bursts come from the model.
  LinkImpairment plain;
  plain.loss_percent = 100.0 / 26.0;
  ImpairmentPolicy independent(42, plain);
  int runs = 0, independent_lost = 0;
  bool previous = false;
  for (int i = 0; i < kPackets; ++i) {
    const bool dropped = independent.decide(udp(kClientToServer, 100, i * kMs)).dropped();
    independent_lost += dropped;
    runs += dropped && !previous;
    previous = dropped;
  }
  EXPECT_LT(static_cast<double>(independent_lost) / runs, 1.1);
}

// --- timing --------------------------------------------------------------------------------

void expect_bounded_and_monotonic(JitterShape shape, std::int64_t low, std::int64_t high) {
  LinkImpairment link;
  link.delay_ns = 50 * kMs;
  link.jitter_ns = 10 * kMs;
  link.jitter_shape = shape;
  ImpairmentPolicy policy(3, link);
  std::int64_t previous = 0;
  int kept_in_order = 0;
  std::int64_t smallest = std::numeric_limits<std::int64_t>::max(), largest = 0;
  for (int i = 0; i < 2000; ++i) {
    const std::int64_t now = i * kMs;  // packets 1 ms apart, jitter ±10 ms: would reorder
    const Decision d = policy.decide(udp(kClientToServer, 100, now));
    const std::int64_t at = departure(d);
    ASSERT_GE(at, now + low) << i;
    ASSERT_LE(at, now + high) << i;
    ASSERT_GE(at, previous) << "departure went back in time at packet " << i;
    EXPECT_TRUE(d.actions[0].has(Cause::Delay));
    EXPECT_EQ(verdict(d.actions[0], now), trace::Verdict::Delayed);
    kept_in_order += d.actions[0].why.find("kept in order") != std::string::npos;
    smallest = std::min(smallest, at - now);
    largest = std::max(largest, at - now);
    previous = at;
  }
  EXPECT_GT(kept_in_order, 0);            // jitter would have reordered them
  EXPECT_GT(largest - smallest, 5 * kMs);  // and it really varies
}

TEST(ImpairmentPolicy, UniformJitterStaysWithinDelayPlusMinusJitterAndNeverReorders) {
  expect_bounded_and_monotonic(JitterShape::Uniform, 40 * kMs, 60 * kMs);
}

TEST(ImpairmentPolicy, NormalJitterStaysWithinThreeSigmaAndNeverReorders) {
  expect_bounded_and_monotonic(JitterShape::Normal, 20 * kMs, 80 * kMs);
}

TEST(ImpairmentPolicy, ReorderHoldsPacketsBackSoLaterOnesOvertake) {
  LinkImpairment link;
  link.delay_ns = 5 * kMs;
  link.reorder_percent = 25;
  link.reorder_hold_ns = 20 * kMs;
  ImpairmentPolicy policy(11, link);
  std::vector<std::int64_t> at;
  std::vector<bool> held;
  for (int i = 0; i < 400; ++i) {
    const std::int64_t now = i * kMs;
    const Decision d = policy.decide(udp(kClientToServer, 100, now));
    const Action& a = *d.deliveries().front();
    held.push_back(a.has(Cause::Reorder));
    at.push_back(a.at_ns);
    EXPECT_EQ(a.at_ns, now + 5 * kMs + (held.back() ? 20 * kMs : 0)) << i;
  }
  int overtaken = 0;
  std::int64_t previous_in_order = 0;
  for (std::size_t i = 0; i < at.size(); ++i) {
    if (held[i]) {
      overtaken += i + 1 < at.size() && at[i + 1] < at[i];
    } else {
      EXPECT_GE(at[i], previous_in_order);
      previous_in_order = at[i];
    }
  }
  EXPECT_GT(overtaken, 50);
}

TEST(ImpairmentPolicy, DuplicateGivesTwoDeliveriesAtTheSameTime) {
  LinkImpairment link;
  link.duplicate_percent = 100;
  link.delay_ns = 2 * kMs;
  ImpairmentPolicy policy(7, link);
  const Decision d = policy.decide(tcp(kClientToServer, kAck, 10, 0));
  const auto deliveries = d.deliveries();
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0]->copy, 0u);
  EXPECT_EQ(deliveries[1]->copy, 1u);
  EXPECT_EQ(deliveries[0]->at_ns, 2 * kMs);
  EXPECT_EQ(deliveries[1]->at_ns, 2 * kMs);
  EXPECT_EQ(deliveries[1]->cause, Cause::Duplicate);
  EXPECT_EQ(verdict(*deliveries[1], 0), trace::Verdict::Duplicated);
  EXPECT_EQ(deliveries[1]->why.rfind("duplicate 100 %, seed 7", 0), 0u) << deliveries[1]->why;
}

TEST(ImpairmentPolicy, RateLimitSpacesPacketsBySizeOverRateAndDropsWhenTheQueueIsFull) {
  LinkImpairment link;
  link.rate_bytes_per_s = 1'000'000;  // 1000-byte packets take 1 ms each
  link.rate_queue_packets = 5;
  ImpairmentPolicy policy(7, link);
  for (int i = 0; i < 8; ++i) {
    PacketFacts p = udp(kClientToServer, 972, 0);
    ASSERT_EQ(p.size, 1000u);
    const Decision d = policy.decide(p);
    if (i < 5) {
      ASSERT_FALSE(d.dropped()) << i;
      EXPECT_EQ(departure(d), (i + 1) * kMs);
      EXPECT_EQ(d.actions[0].cause, Cause::RateLimit);
    } else {
      ASSERT_TRUE(d.dropped()) << i;
      EXPECT_EQ(d.drop()->cause, Cause::QueueFull);
      EXPECT_EQ(d.drop()->why, "rate limit queue full (5 packets waiting at 1000000 bytes/s)");
    }
  }
  // Once the first two have left, two places are free again; dropped packets used no tokens.
  const Decision later = policy.decide(udp(kClientToServer, 972, 2 * kMs));
  ASSERT_FALSE(later.dropped());
  EXPECT_EQ(departure(later), 6 * kMs);
  EXPECT_FALSE(policy.decide(udp(kClientToServer, 972, 2 * kMs)).dropped());
  EXPECT_TRUE(policy.decide(udp(kClientToServer, 972, 2 * kMs)).dropped());

  // An idle link refills its bucket: a burst of three leaves at once, then 1 ms apart.
  link.rate_burst_bytes = 3000;
  link.rate_queue_packets = 100;
  ImpairmentPolicy bursty(7, link);
  std::vector<std::int64_t> at;
  for (int i = 0; i < 6; ++i) at.push_back(departure(bursty.decide(udp(kClientToServer, 972, 0))));
  EXPECT_EQ(at, (std::vector<std::int64_t>{0, 0, 0, kMs, 2 * kMs, 3 * kMs}));
  // A long pause refills the bucket to its depth, not beyond.
  at.clear();
  for (int i = 0; i < 5; ++i) at.push_back(departure(bursty.decide(udp(kClientToServer, 972, 1000 * kMs))));
  EXPECT_EQ(at, (std::vector<std::int64_t>{1000 * kMs, 1000 * kMs, 1000 * kMs, 1001 * kMs, 1002 * kMs}));
}

TEST(ImpairmentPolicy, CorruptFlipsOneBitInThePayloadElseTheTransportHeader) {
  LinkImpairment link;
  link.corrupt_percent = 100;
  ImpairmentPolicy policy(5, link);
  for (int i = 0; i < 200; ++i) {
    const PacketFacts p = tcp(kClientToServer, kAck | kPsh, 100, i);
    const Decision d = policy.decide(p);
    const Action* c = d.corruption();
    ASSERT_NE(c, nullptr);
    EXPECT_GE(c->offset, 40u);
    EXPECT_LT(c->offset, 140u);
    EXPECT_EQ(std::popcount(c->xor_mask), 1);
    EXPECT_FALSE(c->fix_checksum);
    EXPECT_EQ(verdict(*c, p.now_ns), trace::Verdict::Corrupted);
    EXPECT_NE(c->why.find("payload"), std::string::npos);
    EXPECT_EQ(d.deliveries().size(), 1u);  // damaged, still delivered

    const Decision header = policy.decide(tcp(kClientToServer, kAck, 0, i));
    ASSERT_NE(header.corruption(), nullptr);
    EXPECT_GE(header.corruption()->offset, 20u);
    EXPECT_LT(header.corruption()->offset, 40u);
  }
  link.corrupt_fix_checksum = true;
  ImpairmentPolicy fixing(5, link);
  EXPECT_TRUE(fixing.decide(tcp(kClientToServer, kAck, 10, 0)).corruption()->fix_checksum);
}

TEST(ImpairmentPolicy, InvalidConfigIsRejectedWithTheFieldNamed) {
  LinkImpairment link;
  link.loss_percent = 120;
  try {
    ImpairmentPolicy policy(1, link);
    FAIL() << "accepted loss 120 %";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("loss_percent"), std::string::npos) << e.what();
  }
  LinkImpairment negative;
  negative.delay_ns = -1;
  ImpairmentPolicy policy(1);
  EXPECT_THROW(policy.set_link(kClientToServer, negative), std::invalid_argument);
  LinkImpairment crawl;
  crawl.rate_bytes_per_s = 10;
  EXPECT_THROW(policy.set_link(kClientToServer, crawl), std::invalid_argument);
  LinkImpairment no_queue;
  no_queue.rate_bytes_per_s = 1000;
  no_queue.rate_queue_packets = 0;
  EXPECT_THROW(policy.set_link(kClientToServer, no_queue), std::invalid_argument);
}

TEST(ImpairmentPolicy, EachDirectionHasItsOwnLink) {
  ImpairmentPolicy policy(1);
  LinkImpairment slow;
  slow.delay_ns = 100 * kMs;
  policy.set_link(kServerToClient, slow);
  EXPECT_EQ(departure(policy.decide(udp(kClientToServer, 10, 0))), 0);
  EXPECT_EQ(departure(policy.decide(udp(kServerToClient, 10, 0))), 100 * kMs);
}

// --- scripted faults -----------------------------------------------------------------------

ImpairmentPolicy scripted(std::string_view script) {
  const FaultParseResult parsed = parse_faults(script);
  EXPECT_TRUE(parsed.ok()) << parsed.error->to_string();
  return ImpairmentPolicy(7, {}, parsed.faults);
}

TEST(ScriptedFault, DropSynOneDropsOnlyTheFirstSynNeverTheSynAck) {
  ImpairmentPolicy policy = scripted("drop syn#1");
  const Decision syn = policy.decide(tcp(kClientToServer, kSyn, 0, 0));
  ASSERT_TRUE(syn.dropped());
  EXPECT_EQ(syn.drop()->cause, Cause::Scripted);
  EXPECT_EQ(syn.drop()->why, "scripted: drop syn#1");
  EXPECT_FALSE(policy.decide(tcp(kClientToServer, kSyn, 0, 1000 * kMs)).dropped());  // the retransmission
  EXPECT_FALSE(policy.decide(tcp(kServerToClient, kSyn | kAck, 0, 1001 * kMs)).dropped());
  EXPECT_FALSE(policy.decide(tcp(kClientToServer, kAck, 0, 1002 * kMs)).dropped());

  ImpairmentPolicy synack = scripted("drop synack#1");
  EXPECT_FALSE(synack.decide(tcp(kClientToServer, kSyn, 0, 0)).dropped());
  EXPECT_TRUE(synack.decide(tcp(kServerToClient, kSyn | kAck, 0, 1)).dropped());
  EXPECT_FALSE(synack.decide(tcp(kServerToClient, kSyn | kAck, 0, 2)).dropped());

  // ECN-capable SYNs carry ECE|CWR: still a SYN.
  ImpairmentPolicy ecn = scripted("drop syn#1");
  EXPECT_TRUE(ecn.decide(tcp(kClientToServer, kSyn | kEce | kCwr, 0, 0)).dropped());
}

TEST(ScriptedFault, DropEverySynDropsEachRetransmission) {
  ImpairmentPolicy policy = scripted("drop syn#*");
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(policy.decide(tcp(kClientToServer, kSyn, 0, i)).dropped());
  EXPECT_FALSE(policy.decide(tcp(kServerToClient, kSyn | kAck, 0, 9)).dropped());
}

TEST(ScriptedFault, DropDataThreeFromClientDropsExactlyTheThirdClientPayloadSegment) {
  ImpairmentPolicy policy = scripted("drop data#3 from client");
  struct Step {
    Direction dir;
    std::uint8_t flags;
    std::uint32_t payload;
    bool dropped;
  };
  const std::vector<Step> steps = {
      {kClientToServer, kSyn, 0, false},        {kServerToClient, kSyn | kAck, 0, false},
      {kClientToServer, kAck, 0, false},        {kClientToServer, kAck | kPsh, 100, false},  // data 1
      {kServerToClient, kAck | kPsh, 50, false},                                            // server data
      {kServerToClient, kAck | kPsh, 50, false}, {kServerToClient, kAck | kPsh, 50, false},
      {kClientToServer, kAck | kPsh, 100, false},                                           // data 2
      {kClientToServer, kAck, 0, false},                                                    // pure ACK
      {kClientToServer, kAck | kPsh, 100, true},                                            // data 3
      {kClientToServer, kAck | kPsh, 100, false},                                           // data 4
      {kClientToServer, kAck | kPsh, 100, false},  // the retransmitted data 3 counts as 5
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& s = steps[i];
    const Decision d = policy.decide(tcp(s.dir, s.flags, s.payload, static_cast<std::int64_t>(i)));
    EXPECT_EQ(d.dropped(), s.dropped) << "step " << i;
    if (d.dropped()) {
      EXPECT_EQ(d.drop()->why, "scripted: drop data#3 from client");
    }
  }
}

TEST(ScriptedFault, DupSynAckDeliversTwoCopies) {
  ImpairmentPolicy policy = scripted("dup synack#1");
  EXPECT_EQ(policy.decide(tcp(kClientToServer, kSyn, 0, 0)).deliveries().size(), 1u);
  const Decision d = policy.decide(tcp(kServerToClient, kSyn | kAck, 0, 1));
  const auto deliveries = d.deliveries();
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[1]->copy, 1u);
  EXPECT_TRUE(deliveries[1]->has(Cause::Scripted));
  EXPECT_EQ(deliveries[1]->why, "scripted: dup synack#1");
  EXPECT_EQ(policy.decide(tcp(kServerToClient, kSyn | kAck, 0, 2)).deliveries().size(), 1u);
}

TEST(ScriptedFault, DelayPacketFiveHoldsItAndLetsLaterPacketsOvertake) {
  ImpairmentPolicy policy = scripted("delay packet#5 200ms");
  std::vector<std::int64_t> at;
  for (int i = 0; i < 8; ++i) at.push_back(departure(policy.decide(udp(kClientToServer, 10, i * kMs))));
  EXPECT_EQ(at, (std::vector<std::int64_t>{0, kMs, 2 * kMs, 3 * kMs, 204 * kMs, 5 * kMs, 6 * kMs, 7 * kMs}));
}

TEST(ScriptedFault, CorruptWithFixsumAsksForTheChecksumToBeRecomputed) {
  ImpairmentPolicy policy = scripted("corrupt data#1 fixsum; corrupt data#2");
  const Decision first = policy.decide(tcp(kClientToServer, kAck, 100, 0));
  ASSERT_NE(first.corruption(), nullptr);
  EXPECT_TRUE(first.corruption()->fix_checksum);
  EXPECT_EQ(first.corruption()->why.rfind("scripted: corrupt data#1 fixsum: ", 0), 0u) << first.corruption()->why;
  const Decision second = policy.decide(tcp(kClientToServer, kAck, 100, 1));
  ASSERT_NE(second.corruption(), nullptr);
  EXPECT_FALSE(second.corruption()->fix_checksum);
  EXPECT_EQ(policy.decide(tcp(kClientToServer, kAck, 100, 2)).corruption(), nullptr);
}

TEST(ScriptedFault, ParsesTheTextFormIntoCanonicalRules) {
  const FaultParseResult r =
      parse_faults("drop syn#1; drop data#3 from client\n  dup  synack#1 ;delay packet#5 1.5s;"
                   "corrupt udp#* to server fixsum\n\n");
  ASSERT_TRUE(r.ok()) << r.error->to_string();
  ASSERT_EQ(r.faults.size(), 5u);
  EXPECT_EQ(r.faults[0].text, "drop syn#1");
  EXPECT_EQ(r.faults[1].text, "drop data#3 from client");
  EXPECT_EQ(r.faults[1].match.from, kClientHost);
  EXPECT_EQ(r.faults[2].text, "dup synack#1");
  EXPECT_EQ(r.faults[2].action, FaultAction::Duplicate);
  EXPECT_EQ(r.faults[3].delay_ns, 1'500'000'000);
  EXPECT_EQ(r.faults[3].text, "delay packet#5 1.5s");
  EXPECT_EQ(r.faults[4].occurrence, kEveryOccurrence);
  EXPECT_EQ(r.faults[4].match.to, kServerHost);
  EXPECT_TRUE(r.faults[4].fix_checksum);
  EXPECT_EQ(r.faults[4].text, "corrupt udp#* to server fixsum");
  // The canonical text parses back to the same rule.
  for (const ScriptedFault& f : r.faults) {
    const FaultParseResult again = parse_faults(f.text);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again.faults[0].text, f.text);
  }
  EXPECT_EQ(make_fault(FaultAction::Delay, PacketKind::Data, 2, kServerHost, std::nullopt, 250'000).text,
            "delay data#2 from server 250us");

  const std::string_view names[] = {"alice", "bob", "carol"};
  const FaultParseResult custom = parse_faults("drop data#1 from carol to bob", names);
  ASSERT_TRUE(custom.ok());
  EXPECT_EQ(custom.faults[0].match.from, 2);
  EXPECT_EQ(custom.faults[0].match.to, 1);
}

TEST(ScriptedFault, FormatDurationReadsBack) {
  EXPECT_EQ(format_duration(200 * kMs), "200ms");
  EXPECT_EQ(format_duration(1'500'000'000), "1.5s");
  EXPECT_EQ(format_duration(250'000), "250us");
  EXPECT_EQ(format_duration(1'234'567), "1.234567ms");
  EXPECT_EQ(format_duration(7), "7ns");
}

struct BadScript {
  std::string_view text;
  std::size_t position;
  std::string_view message_part;
};

class ScriptedFaultErrors : public ::testing::TestWithParam<BadScript> {};

TEST_P(ScriptedFaultErrors, NameTheProblemAndWhereItIs) {
  const BadScript& bad = GetParam();
  const FaultParseResult r = parse_faults(bad.text);
  ASSERT_FALSE(r.ok()) << bad.text;
  EXPECT_TRUE(r.faults.empty());
  EXPECT_EQ(r.error->position, bad.position) << r.error->to_string();
  EXPECT_NE(r.error->message.find(bad.message_part), std::string::npos) << r.error->to_string();
}

INSTANTIATE_TEST_SUITE_P(
    Parser, ScriptedFaultErrors,
    ::testing::Values(BadScript{"drp syn#1", 0, "unknown action 'drp'"},
                      BadScript{"drop sin#1", 5, "unknown packet kind 'sin'"},
                      BadScript{"drop syn", 8, "missing occurrence after 'syn'"},
                      BadScript{"drop syn#0", 9, "occurrence '0' must be a count from 1"},
                      BadScript{"drop syn#x", 9, "occurrence 'x'"},
                      BadScript{"drop", 4, "'drop' needs a packet to match"},
                      BadScript{"drop data#3 from clinet", 17, "unknown host 'clinet' (expected client or server)"},
                      BadScript{"drop data#3 from", 16, "'from' needs a host name"},
                      BadScript{"drop syn#1 from client from server", 23, "'from' given twice"},
                      BadScript{"drop syn#1 from client to client", 0, "same host"},
                      BadScript{"delay packet#5", 14, "delay needs a duration"},
                      BadScript{"delay packet#5 200", 15, "needs a unit"},
                      BadScript{"delay packet#5 200 ms", 15, "needs a unit"},
                      BadScript{"delay packet#5 2h", 15, "unknown time unit 'h'"},
                      BadScript{"delay packet#5 5000s", 15, "too long"},
                      BadScript{"drop syn#1 200ms", 11, "only applies to delay"},
                      BadScript{"drop syn#1 fixsum", 11, "'fixsum' only applies to corrupt"},
                      BadScript{"drop syn#1 please", 11, "unexpected 'please'"},
                      BadScript{"drop syn#1; dup ack", 19, "missing occurrence after 'ack'"}));

TEST(ScriptedFault, ErrorTextGivesAOneBasedColumn) {
  const FaultParseResult r = parse_faults("drop sin#1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->to_string(),
            "column 6: unknown packet kind 'sin' (expected syn, synack, ack, fin, rst, data, tcp, udp or packet)");
}

TEST(ScriptedFault, KindsMatchByFlagsUnderAMask) {
  const auto matches = [](PacketKind kind, const PacketFacts& f) { return FaultMatch::of(kind).matches(f); };
  const PacketFacts syn = tcp(kClientToServer, kSyn, 0, 0);
  const PacketFacts synack = tcp(kServerToClient, kSyn | kAck, 0, 0);
  const PacketFacts pure_ack = tcp(kClientToServer, kAck, 0, 0);
  const PacketFacts data = tcp(kClientToServer, kAck | kPsh, 10, 0);
  const PacketFacts fin = tcp(kClientToServer, kFin | kAck, 0, 0);
  const PacketFacts rst = tcp(kServerToClient, kRst | kAck, 0, 0);
  const PacketFacts datagram = udp(kClientToServer, 10, 0);
  EXPECT_TRUE(matches(PacketKind::Syn, syn));
  EXPECT_FALSE(matches(PacketKind::Syn, synack));
  EXPECT_TRUE(matches(PacketKind::SynAck, synack));
  EXPECT_FALSE(matches(PacketKind::SynAck, syn));
  EXPECT_TRUE(matches(PacketKind::Ack, pure_ack));
  EXPECT_FALSE(matches(PacketKind::Ack, data));
  EXPECT_FALSE(matches(PacketKind::Ack, fin));
  EXPECT_FALSE(matches(PacketKind::Ack, synack));
  EXPECT_TRUE(matches(PacketKind::Data, data));
  EXPECT_FALSE(matches(PacketKind::Data, pure_ack));
  EXPECT_FALSE(matches(PacketKind::Data, datagram));
  EXPECT_TRUE(matches(PacketKind::Fin, fin));
  EXPECT_TRUE(matches(PacketKind::Rst, rst));
  EXPECT_TRUE(matches(PacketKind::Udp, datagram));
  EXPECT_FALSE(matches(PacketKind::Tcp, datagram));
  EXPECT_TRUE(matches(PacketKind::Packet, datagram));
  EXPECT_TRUE(matches(PacketKind::Packet, syn));
}

}  // namespace
}  // namespace wirestep::wire
