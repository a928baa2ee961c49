// reliability-on-udp: numbered messages, cumulative ACKs and a retransmission timer — the QUIC idea.
//
// The sender works in rounds: it sends everything its window allows from the first message not
// yet acknowledged (go-back-N), then waits for cumulative ACKs until all of them are acknowledged
// or its timer runs out. A round is therefore one round trip (or one timeout). Stop-and-wait is
// the same code with a window of 1. The receiver keeps only the next message it expects, drops
// anything else, and answers every datagram with "ACK n": everything before n has arrived.
#include "reliability_on_udp.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <stdexcept>
#include <string>
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

using Clock = std::chrono::steady_clock;

// How long the receiver waits between datagrams before it looks whether the sender is done.
constexpr std::chrono::milliseconds kReceiverSlice{20};
constexpr int kMaxReceiverReads = 20000;

std::string message_text(int index) { return fmt::format("message {} of {}", index + 1, ReliabilityOnUdp::kMessages); }

struct PhaseResult {
  int rounds = 0;
  int timeouts = 0;
  int resent = 0;  // datagrams sent again
  double seconds = 0;
  std::vector<std::string> delivered;  // what the receiver handed to its application, in order
};

PhaseResult run_phase(lesson::LessonContext& context, int window, const std::string& name) {
  wire::LinkImpairment link;
  const auto& params = context.params();
  link.loss_percent = params.loss_or(ReliabilityOnUdp::kDefaultLossPercent);
  // A fresh link per phase, seeded alike: both phases meet the same run of luck.
  ImpairedUdpLink path(context, link);

  PhaseResult result;
  lesson::Handoff<Endpoint> receiver_address;
  lesson::Handoff<Endpoint> target;
  std::atomic<bool> sender_done{false};
  lesson::ActorGroup actors(context);
  actors.spawn("server", [&](const net::Actor& me) {
    TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
    socket.bind(context.address("server", 9000));
    receiver_address.put(socket.local_endpoint());
    // Paced, a short slice would only fill the timeline with timeouts between the sender's calls.
    socket.set_timeout(paced_timeout(context, kReceiverSlice, 4));
    int expected = 0;
    // The sender says it is done in-process, as a close would: ACKs must keep coming until then,
    // since the sender may still be resending a message whose ACK was lost.
    for (int reads = 0; reads < kMaxReceiverReads; ++reads) {
      auto datagram = socket.recv_from(256);
      if (!datagram) {
        if (sender_done.load()) break;
        continue;
      }
      int seq = -1;
      int consumed = 0;
      if (std::sscanf(datagram->data.c_str(), "DATA %d %n", &seq, &consumed) < 1 || consumed == 0) continue;
      if (seq == expected) {
        result.delivered.push_back(datagram->data.substr(static_cast<std::size_t>(consumed)));
        ++expected;
      }  // anything else is a copy or came early: go-back-N drops it, the ACK says what is missing
      socket.send_to(fmt::format("ACK {}", expected), datagram->from);
    }
    socket.close();
  });
  actors.spawn("client", [&](const net::Actor& me) {
    const Endpoint to = target.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
    const auto start = Clock::now();
    int base = 0;      // the first message not yet acknowledged
    int sent_end = 0;  // one past the highest message ever sent
    while (base < ReliabilityOnUdp::kMessages) {
      if (result.rounds == ReliabilityOnUdp::kMaxRounds) {
        throw std::runtime_error(fmt::format("{}: gave up after {} rounds with {} of {} messages acknowledged", name,
                                             result.rounds, base, ReliabilityOnUdp::kMessages));
      }
      ++result.rounds;
      const int end = std::min(base + window, ReliabilityOnUdp::kMessages);
      for (int seq = base; seq < end; ++seq) {
        if (seq < sent_end) ++result.resent;
        socket.send_to(fmt::format("DATA {} {}", seq, message_text(seq)), to);
      }
      sent_end = std::max(sent_end, end);
      // Wait for the cumulative ACKs of this flight, or until the timer runs out.
      // Paced, a round trip of a flight is about four calls per message (send, the receiver's
      // recvfrom and ACK, the sender's recvfrom).
      const auto timer = paced_timeout(context, ReliabilityOnUdp::kTimer, 4 * (end - base) + 4);
      const auto deadline = Clock::now() + timer;
      while (base < end) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        socket.set_timeout(left);
        const auto ack = socket.recv_from(64);
        int next = -1;
        if (ack && std::sscanf(ack->data.c_str(), "ACK %d", &next) == 1) base = std::max(base, next);
      }
      if (base < end) {
        ++result.timeouts;
        context.note("client", fmt::format("{}: timer ran out after {} ms with message {} unacknowledged: "
                                           "retransmission of {}..{} comes next",
                                           name, timer.count(), base + 1, base + 1, end));
      }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    sender_done.store(true);
    socket.close();
  });
  try {
    target.put(path.route_to(receiver_address.take(context.cancel_signal())));
  } catch (const net::Cancelled&) {
    actors.join();  // an actor failed first: report its failure, not the cancellation
    throw;
  }
  actors.join();

  std::vector<std::string> expected;
  for (int i = 0; i < ReliabilityOnUdp::kMessages; ++i) expected.push_back(message_text(i));
  if (result.delivered != expected) {
    throw std::runtime_error(fmt::format("{}: the receiver delivered {} messages, not the {} sent, in order", name,
                                         result.delivered.size(), ReliabilityOnUdp::kMessages));
  }
  context.note("server", fmt::format("{}: all {} messages delivered exactly once and in order", name,
                                     ReliabilityOnUdp::kMessages));
  const LinkTally data = path.tally("client");
  const LinkTally acks = path.tally("server");
  context.note("client", fmt::format("{}: {} messages in {} round trips ({} timeouts, {} retransmissions), {:.2f} s; "
                                     "{} dropped {} data datagrams and {} ACKs",
                                     name, ReliabilityOnUdp::kMessages, result.rounds, result.timeouts, result.resent,
                                     result.seconds, path.name(), data.dropped, acks.dropped));
  return result;
}

}  // namespace

lesson::LessonInfo ReliabilityOnUdp::info() const {
  return {
      .id = "reliability-on-udp",
      .title = "Reliability built on UDP",
      .summary =
          "Numbered messages, acknowledgements and a retransmission timer make a lossy UDP link "
          "reliable: first stop-and-wait, then a sliding window that needs far fewer round trips.",
      .objectives = {"Build stop-and-wait: send one message, wait for its ACK, resend when the timer runs out",
                     "See a lost message and a lost ACK both end in a retransmission",
                     "Build a sliding window with cumulative ACKs (go-back-N) and count its round trips",
                     "See the receiver deliver every message exactly once and in order despite the loss",
                     "Change --window and --loss and see the number of round trips change"},
      .needs = {lesson::Capability::Sockets},
      .narration = "reliability-on-udp.md",
      .settings = {lesson::Setting::Window, lesson::Setting::Loss, lesson::Setting::Seed},
  };
}

void ReliabilityOnUdp::run(lesson::LessonContext& context) {
  const int window = std::clamp(context.params().window, 1, kMaxWindow);
  context.cue(context.wire() != nullptr ? "setup" : "setup-relay");
  context.cue("stop-and-wait");
  context.checkpoint(lesson::ask_fact(
      "window-fewer", lesson::AnswerKind::YesNo,
      fmt::format("Stop-and-wait goes first, then a window of {} message{} in flight. Will the window need fewer "
                  "round trips than stop-and-wait for the same {} messages?",
                  window, window == 1 ? "" : "s", kMessages)));
  const PhaseResult one = run_phase(context, 1, "stop-and-wait");
  context.cue("sliding-window");
  const PhaseResult many = run_phase(context, window, fmt::format("window {}", window));
  context.cue("compare");
  context.reveal("window-fewer", many.rounds < one.rounds ? "yes" : "no");
  context.note("client", fmt::format("round trips for {} messages: stop-and-wait {}, window {}: {} ({:.1f}x fewer)",
                                     kMessages, one.rounds, window, many.rounds,
                                     static_cast<double>(one.rounds) / std::max(1, many.rounds)));
  context.cue("done");
}

}  // namespace wirestep::lessons
