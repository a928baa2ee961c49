// tcp-vs-udp-side-by-side: the same 400 timed messages over TCP and over UDP at once, same loss.
#include "tcp_vs_udp_side_by_side.h"

#include <fmt/format.h>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "lesson/actor_group.h"
#include "lesson/counter.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/tcp_metrics_sampler.h"
#include "net/traced_socket.h"
#include "proto/packet/packet_summary.h"
#include "transfer_pattern.h"

namespace wirestep::lessons {
namespace {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;
using Lesson = TcpVsUdpSideBySide;

// Long: a user stepping packets one at a time (frames) holds a stream as long as they like.
constexpr std::chrono::milliseconds kStallTimeout{120'000};
constexpr std::uint32_t kProgressEvery = 100;

// A message: its number and the moment the application produced it (trace clock), then filler.
// Both streams carry the same messages, so latency is measured the same way on both.
std::string make_message(const TransferPattern& pattern, std::uint32_t number, std::int64_t produced_ns) {
  std::string message(Lesson::kMessageBytes, '\0');
  pattern.fill(std::uint64_t{number} * Lesson::kMessageBytes, std::span(message.data(), message.size()));
  std::memcpy(message.data(), &number, sizeof number);
  std::memcpy(message.data() + 8, &produced_ns, sizeof produced_ns);
  return message;
}

struct Arrival {
  std::uint32_t number = 0;
  std::int64_t produced_ns = 0;
};

Arrival read_header(const char* message) {
  Arrival out;
  std::memcpy(&out.number, message, sizeof out.number);
  std::memcpy(&out.produced_ns, message + 8, sizeof out.produced_ns);
  return out;
}

// What one receiver saw: each message's latency, in arrival order.
struct StreamReport {
  std::vector<std::uint32_t> numbers;
  std::vector<std::int64_t> latencies_ns;
  std::int64_t last_arrival_ns = 0;
  bool in_order = true;

  void add(const Arrival& a, std::int64_t now) {
    if (!numbers.empty() && a.number <= numbers.back()) in_order = false;
    numbers.push_back(a.number);
    latencies_ns.push_back(now - a.produced_ns);
    last_arrival_ns = now;
  }
  double percentile_ms(double p) const {
    if (latencies_ns.empty()) return 0;
    std::vector<std::int64_t> sorted = latencies_ns;
    std::sort(sorted.begin(), sorted.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
    return static_cast<double>(sorted[at]) / 1e6;
  }
  std::string latency_text() const {
    return fmt::format("latency median {:.1f} ms, 95 % {:.1f} ms, max {:.1f} ms", percentile_ms(0.5),
                       percentile_ms(0.95), percentile_ms(1.0));
  }
  std::vector<std::uint32_t> missing() const {
    std::vector<bool> seen(Lesson::kMessages, false);
    for (auto n : numbers) {
      if (n < seen.size()) seen[n] = true;
    }
    std::vector<std::uint32_t> out;
    for (std::uint32_t n = 0; n < seen.size(); ++n) {
      if (!seen[n]) out.push_back(n);
    }
    return out;
  }
};

// Waits until trace time `t_ns`, or returns at once when the lesson is cancelled (then the next
// socket call throws). A paced stream keeps its own clock: TCP's timers do not wait for steps.
void wait_until_ns(const trace::Trace& trace, const net::CancelSignal& cancel, std::int64_t t_ns) {
  for (std::int64_t now = trace.now_ns(); now < t_ns && !cancel.cancelled(); now = trace.now_ns()) {
    const std::int64_t left = t_ns - now;
    const timespec wait{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    pollfd fd{cancel.fd(), POLLIN, 0};
    ::ppoll(&fd, 1, &wait, nullptr);
  }
}

std::string goodput_text(const StreamReport& report, std::int64_t started_ns) {
  const double seconds = static_cast<double>(report.last_arrival_ns - started_ns) / 1e9;
  const double bytes = static_cast<double>(report.numbers.size() * Lesson::kMessageBytes);
  return fmt::format("in {:.2f} s, goodput {:.0f} KB/s", seconds, seconds > 0 ? bytes / seconds / 1000 : 0.0);
}

std::string list_numbers(const std::vector<std::uint32_t>& numbers) {
  std::string out;
  for (std::size_t i = 0; i < numbers.size() && i < 12; ++i) out += (i == 0 ? "#" : ", #") + std::to_string(numbers[i]);
  if (numbers.size() > 12) out += ", ...";
  return out;
}

}  // namespace

lesson::LessonInfo TcpVsUdpSideBySide::info() const {
  return {
      .id = "tcp-vs-udp-side-by-side",
      .title = "TCP and UDP side by side under loss",
      .summary =
          "400 timed messages over TCP and the same 400 over UDP, at the same time, through one wire "
          "that drops 4 % and delays 10 ms: UDP loses messages, TCP loses time.",
      .objectives = {"Send the same paced stream over a TCP connection and as UDP datagrams, at once",
                     "See the same seeded loss hit both: datagrams vanish, segments are sent again",
                     "Compare what arrived: UDP has gaps, TCP has every message in order",
                     "Compare when it arrived: UDP's latency stays at the wire's delay, TCP's grows with each repair",
                     "Choose: a late message or a missing one — which would your application rather have?"},
      .needs = {lesson::Capability::Sockets, lesson::Capability::VirtualWire},
      .narration = "tcp-vs-udp-side-by-side.md",
      .settings = {lesson::Setting::Loss, lesson::Setting::Seed},
  };
}

void TcpVsUdpSideBySide::run(lesson::LessonContext& context) {
  const double loss = context.params().loss_or(kDefaultLossPercent);
  wire::LinkImpairment link;
  link.loss_percent = loss;
  link.delay_ns = kOneWayDelayNs;
  const bool on_wire = context.impair("", link);
  context.cue(on_wire ? "impaired" : "no-wire");
  context.checkpoint(lesson::ask_fact("who-loses", lesson::AnswerKind::Choice,
                                      fmt::format("Both streams cross the same wire{}. Which of them will lose "
                                                  "messages on the way to the receiving application?",
                                                  on_wire ? fmt::format(", which drops about {:g} % of the packets", loss)
                                                          : std::string()),
                                      {"TCP", "UDP", "both", "neither"}));

  const TransferPattern pattern(context.params().seed);
  trace::Trace& trace = context.trace();
  lesson::Handoff<Endpoint> tcp_address;
  lesson::Handoff<Endpoint> udp_address;
  // Both receivers reading and both senders ready (the TCP one connected): the two streams
  // start together, a moment later. Before that, the stepper paces the set-up calls one by one.
  lesson::Counter ready;
  std::once_flag start_once;
  std::int64_t started_ns = 0;
  const auto start_together = [&] {
    ready.add();
    ready.wait_for(4, context.cancel_signal());
    std::call_once(start_once, [&] { started_ns = trace.now_ns() + 5'000'000; });
    return started_ns;
  };
  std::atomic<bool> udp_sent_all{false};
  StreamReport tcp_report;
  StreamReport udp_report;
  lesson::ActorGroup actors(context);

  actors.spawn("server#tcp", [&](const net::Actor& me) {
    TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
    listener.bind(context.address("server", 80));
    listener.listen();
    tcp_address.put(listener.local_endpoint());
    TracedSocket connection = listener.accept();
    listener.close();
    if (!connection) throw std::runtime_error("accept() failed: no connection came");
    connection.set_timeout(kStallTimeout);
    connection.set_gate(nullptr);
    ready.add();
    std::string stream;
    for (;;) {
      const std::string got = connection.recv(65536);
      if (got.empty()) break;
      stream += got;
      std::size_t used = 0;
      for (; stream.size() - used >= kMessageBytes; used += kMessageBytes) {
        tcp_report.add(read_header(stream.data() + used), trace.now_ns());
        if (tcp_report.numbers.size() % kProgressEvery == 0) {
          context.note("server#tcp", fmt::format("TCP: {} of {} messages so far, {}", tcp_report.numbers.size(),
                                                 kMessages, tcp_report.latency_text()));
        }
      }
      stream.erase(0, used);
    }
    connection.set_gate(me.gate);
    if (!connection.eof()) throw std::runtime_error("the TCP stream stalled: recv() gave up");
    connection.close();
  });

  actors.spawn("server#udp", [&](const net::Actor& me) {
    TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
    socket.bind(context.address("server", 9000));
    udp_address.put(socket.local_endpoint());
    socket.set_timeout(kStallTimeout);
    socket.set_gate(nullptr);
    ready.add();
    for (bool first = true;; first = false) {
      const auto datagram = socket.recv_from(2048);
      // The stream never says "that was all" (that datagram could be lost too): the receiver
      // stops once the sender is done and nothing more has come for 200 ms, many round trips.
      if (first) socket.set_timeout(std::chrono::milliseconds(200));
      if (!datagram) {
        if (udp_sent_all) break;
        if (first) throw std::runtime_error("no datagram came at all");
        continue;
      }
      if (datagram->data.size() < 16) continue;
      udp_report.add(read_header(datagram->data.data()), trace.now_ns());
      if (udp_report.numbers.size() % kProgressEvery == 0) {
        context.note("server#udp",
                     fmt::format("UDP: {} datagrams so far, {}", udp_report.numbers.size(), udp_report.latency_text()));
      }
    }
    socket.set_gate(me.gate);
    socket.close();
  });

  actors.spawn("client#tcp", [&](const net::Actor& me) {
    const Endpoint server = tcp_address.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
    if (!socket.set_congestion_control("cubic")) socket.set_congestion_control("reno");
    if (!socket.connect(server)) throw std::runtime_error("connect() failed");
    net::TcpMetricsSampler sampler(socket.record_metrics());
    socket.set_timeout(kStallTimeout);
    socket.set_gate(nullptr);
    const std::int64_t start = start_together();
    for (std::uint32_t n = 0; n < kMessages; ++n) {
      const std::int64_t due = start + n * kIntervalNs;
      wait_until_ns(trace, context.cancel_signal(), due);
      // Stamped when the application made it: time spent waiting in a full send() counts.
      if (!socket.send_all(make_message(pattern, n, due))) throw std::runtime_error("TCP send() failed");
    }
    socket.set_gate(me.gate);
    socket.shutdown(SHUT_WR);
    socket.recv(1024);  // the server's FIN: it has read everything
    socket.close();
  });

  actors.spawn("client#udp", [&](const net::Actor& me) {
    const Endpoint server = udp_address.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
    socket.set_gate(nullptr);
    const std::int64_t start = start_together();
    context.cue("streams");
    for (std::uint32_t n = 0; n < kMessages; ++n) {
      const std::int64_t due = start + n * kIntervalNs;
      wait_until_ns(trace, context.cancel_signal(), due);
      socket.send_to(make_message(pattern, n, due), server);
    }
    udp_sent_all = true;
    socket.set_gate(me.gate);
    socket.close();
  });

  actors.join();
  context.cue("compare");

  std::size_t tcp_drops = 0;
  std::size_t udp_drops = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::Packet || e.verdict != trace::Verdict::Dropped) continue;
    (e.transport == trace::Transport::Udp ? udp_drops : tcp_drops) += 1;
  }
  const auto udp_missing = udp_report.missing();
  const auto tcp_missing = tcp_report.missing();
  const bool tcp_lost = !tcp_missing.empty();
  const bool udp_lost = !udp_missing.empty();
  context.reveal("who-loses", tcp_lost && udp_lost ? "both" : tcp_lost ? "TCP" : udp_lost ? "UDP" : "neither");
  context.note("server#udp",
               fmt::format("UDP: {} of {} datagrams arrived, {} lost{}; {}; {}", udp_report.numbers.size(), kMessages,
                           udp_missing.size(), udp_missing.empty() ? "" : " (" + list_numbers(udp_missing) + ")",
                           goodput_text(udp_report, started_ns), udp_report.latency_text()));
  context.note("server#tcp",
               fmt::format("TCP: {} of {} messages arrived{}, {} lost; {}; {}", tcp_report.numbers.size(), kMessages,
                           tcp_report.in_order ? " in order" : " OUT OF ORDER", tcp_missing.size(),
                           goodput_text(tcp_report, started_ns), tcp_report.latency_text()));
  if (on_wire) {
    context.note("wire", fmt::format("the same wire for both (loss {} %, seed {}, {} ms each way) dropped {} TCP "
                                     "packets and {} UDP datagrams: UDP paid in data, TCP paid in time",
                                     loss, context.params().seed, kOneWayDelayNs / 1'000'000, tcp_drops, udp_drops));
  } else {
    context.note("wire", "socket tier: no wire between the hosts, so nothing was lost and both streams arrived whole");
  }
  if (!tcp_missing.empty() || !tcp_report.in_order) {
    throw std::runtime_error("TCP did not deliver every message in order");
  }
  context.cue("done");
}

}  // namespace wirestep::lessons
