// udp-fire-and-forget: sendto() never learns what happened; only the receiver can count the gaps.
#include "udp_fire_and_forget.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "impaired_udp_link.h"
#include "lesson/actor_group.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/traced_socket.h"
#include "paced_timeout.h"

namespace wirestep::lessons {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

namespace {

// How long the receiver waits for one more datagram once the sender is done: far longer than
// the link's reorder hold (10 ms), so a late datagram is still counted.
constexpr std::chrono::milliseconds kQuiet{300};

// "0007/200 len 40 ......": the number, the count, and the datagram's own length, padded to it.
// Lengths differ from datagram to datagram so the receiver can check that each recvfrom()
// returned exactly one whole datagram.
std::string datagram_text(int number) {
  const std::size_t length = 24 + static_cast<std::size_t>(number % 5) * 8;
  std::string text = fmt::format("{:04d}/{} len {} ", number, UdpFireAndForget::kDatagrams, length);
  text.resize(length, '.');
  return text;
}

// The number and the length the datagram claims, or -1 when it is not one of ours.
std::pair<int, std::size_t> parse_datagram(const std::string& text) {
  int number = -1;
  int count = 0;
  std::size_t length = 0;
  if (std::sscanf(text.c_str(), "%d/%d len %zu", &number, &count, &length) != 3) return {-1, 0};
  if (number < 0 || number >= UdpFireAndForget::kDatagrams) return {-1, 0};
  return {number, length};
}

// What the receiver saw, counted as a person would from the numbers.
struct ReceiverCounts {
  int received = 0;    // recvfrom() calls that returned a datagram
  int unique = 0;      // distinct numbers
  int duplicated = 0;  // a number seen again
  int reordered = 0;   // first seen after a higher number
  int whole = 0;       // datagrams whose length was the one they claim
  std::vector<int> missing;
};

std::string ranges(const std::vector<int>& numbers, std::size_t limit = 12) {
  std::string out;
  for (std::size_t i = 0; i < numbers.size() && i < limit; ++i) out += (i > 0 ? ", " : "") + std::to_string(numbers[i]);
  if (numbers.size() > limit) out += fmt::format(" … ({} more)", numbers.size() - limit);
  return out;
}

}  // namespace

lesson::LessonInfo UdpFireAndForget::info() const {
  return {
      .id = "udp-fire-and-forget",
      .title = "UDP: fire and forget",
      .summary =
          "A sender blasts 200 numbered datagrams through a lossy link; only the receiver, "
          "counting, finds the gaps, the duplicates and the ones that came late.",
      .objectives = {"See sendto() succeed for every datagram, lost or not: UDP never reports a loss",
                     "Count lost, duplicated and reordered datagrams from their numbers alone",
                     "See each recvfrom() return exactly one whole datagram, whatever its size",
                     "Check the receiver's counts against what the link decided (seeded: the same "
                     "seed loses the same datagrams)"},
      .needs = {lesson::Capability::Sockets},
      .narration = "udp-fire-and-forget.md",
      .settings = {lesson::Setting::Loss, lesson::Setting::Seed},
  };
}

void UdpFireAndForget::run(lesson::LessonContext& context) {
  const auto& params = context.params();
  wire::LinkImpairment link;
  link.loss_percent = params.loss_or(kDefaultLossPercent);
  link.duplicate_percent = kDuplicatePercent;
  link.reorder_percent = kReorderPercent;
  ImpairedUdpLink path(context, link);
  context.cue("setup");
  context.note(path.lane(), fmt::format("{}: loss {:g} %, duplicate {:g} %, reorder {:g} % (held back {} ms), seed {}",
                                        path.on_wire() ? "virtual wire" : "user-space relay on 127.0.0.1",
                                        link.loss_percent, link.duplicate_percent, link.reorder_percent,
                                        link.reorder_hold_ns / 1'000'000, params.seed));

  lesson::Handoff<Endpoint> receiver_address;
  lesson::Handoff<Endpoint> target;
  std::atomic<bool> sender_done{false};
  // Set once the paced first datagrams are out: from then on both sides run at the machine's
  // pace (a blast at one call per step would take minutes and measure the pace, not UDP).
  std::atomic<bool> blasting{false};
  ReceiverCounts counts;
  lesson::ActorGroup actors(context);
  actors.spawn("server", [&](const net::Actor& me) {
    TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
    socket.bind(context.address("server", 9000));
    receiver_address.put(socket.local_endpoint());
    // Paced, the sender's next datagram is a few call slots away: do not call that quiet.
    socket.set_timeout(paced_timeout(context, kQuiet, 4));
    std::vector<int> times_seen(kDatagrams, 0);
    int highest = -1;
    bool told_first = false;
    bool paced = true;
    // Bounded: every datagram at most a few times over, plus the quiet waits while pacing.
    for (int reads = 0; reads < 20 * kDatagrams; ++reads) {
      if (paced && blasting.load()) {
        socket.set_gate(nullptr);
        socket.set_timeout(kQuiet);
        paced = false;
      }
      auto datagram = socket.recv_from(2048);
      if (!datagram) {
        if (sender_done.load()) break;  // quiet after the last send: nothing more is coming
        continue;
      }
      if (!told_first) {
        context.cue(path.on_wire() ? "one-recvfrom-one-datagram" : "one-recvfrom-one-datagram-relay");
        told_first = true;
      }
      const auto [number, length] = parse_datagram(datagram->data);
      if (number < 0) continue;
      ++counts.received;
      counts.whole += length == datagram->data.size() ? 1 : 0;
      if (++times_seen[number] > 1) {
        ++counts.duplicated;
        continue;
      }
      ++counts.unique;
      if (number < highest) ++counts.reordered;
      highest = std::max(highest, number);
    }
    socket.close();
    for (int i = 0; i < kDatagrams; ++i) {
      if (times_seen[i] == 0) counts.missing.push_back(i);
    }
  });
  actors.spawn("client", [&](const net::Actor& me) {
    const Endpoint to = target.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
    // Asked before "blast" is cued: that paragraph gives the first answer away. The second is
    // answered by the wire's (or the relay's) verdict on datagram 0.
    context.checkpoint(lesson::ask_result(
        "sendto-says", "client", trace::Call::SendTo,
        fmt::format("The link loses about {:g} % of the datagrams. Datagram 0 holds {} bytes: what will the "
                    "client's sendto() return for it?",
                    link.loss_percent, datagram_text(0).size())));
    context.checkpoint(lesson::ask_arrives("first-arrives", "client", trace::Transport::Udp,
                                           "And will datagram 0 reach the server?"));
    context.cue("blast");
    int accepted = 0;
    for (int i = 0; i < kDatagrams; ++i) {
      if (i == kPacedDatagrams) {
        socket.set_gate(nullptr);
        blasting.store(true);
        context.cue("blast-rest");
      }
      if (socket.send_to(datagram_text(i), to) > 0) ++accepted;
    }
    sender_done.store(true);
    context.note("client", fmt::format("sent {} datagrams; sendto() said yes to {} of them", kDatagrams, accepted));
    socket.close();
  });
  try {
    target.put(path.route_to(receiver_address.take(context.cancel_signal())));
  } catch (const net::Cancelled&) {
    actors.join();  // an actor failed first: report its failure, not the cancellation
    throw;
  }
  actors.join();

  context.cue("count");
  const int lost = kDatagrams - counts.unique;
  context.note("server", fmt::format("sent {}, received {}: lost {}, duplicated {}, reordered {}", kDatagrams,
                                     counts.received, lost, counts.duplicated, counts.reordered));
  if (!counts.missing.empty()) context.note("server", "missing: " + ranges(counts.missing));
  context.note("server", fmt::format("datagram boundaries kept: {} of {} recvfrom() calls returned exactly one whole "
                                     "datagram of the length it was sent with",
                                     counts.whole, counts.received));
  const LinkTally tally = path.tally("client");
  const bool agrees = static_cast<std::uint64_t>(lost) == tally.dropped &&
                      static_cast<std::uint64_t>(counts.duplicated) == tally.duplicated;
  context.note(path.lane(), fmt::format("{} dropped {}, duplicated {}, held back {} — {}", path.name(), tally.dropped,
                                        tally.duplicated, tally.held_back,
                                        agrees ? "exactly the gaps and copies the receiver counted"
                                               : "not what the receiver counted: the kernel lost some too"));
  context.cue("done");
}

}  // namespace wirestep::lessons
