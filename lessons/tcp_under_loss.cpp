// tcp-under-loss: 512 KiB through a wire that drops and delays; every byte arrives, in order.
#include "tcp_under_loss.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "lesson/actor_group.h"
#include "lesson/counter.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/tcp_metrics_sampler.h"
#include "net/traced_socket.h"
#include "tcp_loss_watch.h"
#include "trace/tcp_metrics.h"
#include "transfer_pattern.h"

namespace wirestep::lessons {
namespace {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

constexpr std::size_t kSendChunk = 16 * 1024;
// A call that waits this long without a byte moving means the transfer is stuck, not slow. Long,
// because a user stepping packets one at a time (frames) holds the transfer as long as they like.
constexpr std::chrono::milliseconds kStallTimeout{120'000};

std::span<std::byte> writable(std::vector<char>& buffer) {
  return std::as_writable_bytes(std::span(buffer.data(), buffer.size()));
}

// The last metrics the sender's kernel reported, if any.
std::optional<trace::TcpMetrics> last_metrics(const trace::Trace& trace, trace::LaneId lane) {
  for (std::size_t i = trace.size(); i-- > 0;) {
    if (trace[i].lane == lane) {
      if (auto metrics = trace::tcp_metrics_of(trace[i])) return metrics;
    }
  }
  return std::nullopt;
}

std::uint32_t max_cwnd(const trace::Trace& trace, trace::LaneId lane) {
  std::uint32_t most = 0;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].lane != lane) continue;
    if (const auto metrics = trace::tcp_metrics_of(trace[i])) most = std::max(most, metrics->snd_cwnd);
  }
  return most;
}

}  // namespace

lesson::LessonInfo TcpUnderLoss::info() const {
  return {
      .id = "tcp-under-loss",
      .title = "TCP under loss",
      .summary =
          "512 KiB over a wire that drops 4 % of packets and delays each by 10 ms: duplicate "
          "ACKs, fast retransmits and timeouts repair every loss, and every byte arrives in order.",
      .objectives = {"See the wire drop real segments and the sender's kernel send the same bytes again",
                     "See duplicate ACKs ask for a missing segment, and a fast retransmit answer them",
                     "See a retransmission timeout fire and back off when the repair itself is lost",
                     "Watch cwnd and ssthresh fall at each loss and grow back, and the RTT the sender measures",
                     "Check that the application still received every byte, in order (hash compared)"},
      .needs = {lesson::Capability::Sockets, lesson::Capability::VirtualWire},
      .narration = "tcp-under-loss.md",
      .settings = {lesson::Setting::Loss, lesson::Setting::Seed},
  };
}

void TcpUnderLoss::run(lesson::LessonContext& context) {
  const double loss = context.params().loss_or(kDefaultLossPercent);
  wire::LinkImpairment link;
  link.loss_percent = loss;
  link.delay_ns = kOneWayDelayNs;  // a 20 ms round trip: slow enough to see each repair take time
  const bool on_wire = context.impair("", link);
  context.cue(on_wire ? "impaired" : "no-wire");
  context.checkpoint(lesson::ask_fact(
      "intact", lesson::AnswerKind::YesNo,
      on_wire ? fmt::format("The wire drops about {:g} % of the packets, ACKs included, and goes dark for half a "
                            "second. Will the server's application still receive all {} bytes, every one in order?",
                            loss, kTransferBytes)
              : fmt::format("Will the server's application receive all {} bytes, every one in order?",
                            kTransferBytes)));

  const TransferPattern pattern(context.params().seed);
  trace::Trace& trace = context.trace();
  lesson::Handoff<Endpoint> address;
  lesson::Counter finished;
  lesson::Counter reading;  // the server has accepted and reads: the client may start
  std::atomic<std::int64_t> started_ns{0};
  std::atomic<std::int64_t> ended_ns{0};
  lesson::ActorGroup actors(context);

  actors.spawn("server", [&](const net::Actor& me) {
    TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
    listener.bind(context.address("server", 80));
    listener.listen();
    address.put(listener.local_endpoint());
    TracedSocket connection = listener.accept();
    listener.close();
    if (!connection) throw std::runtime_error("accept() failed: no connection came");
    connection.set_timeout(kStallTimeout);
    // Hundreds of recv() calls: they run at the machine's pace, not one per step.
    connection.set_gate(nullptr);
    reading.add();
    std::vector<char> buffer(64 * 1024);
    StreamHash hash;
    std::uint64_t received = 0;
    std::int64_t mismatch = -1;
    for (;;) {
      const std::int64_t got = connection.recv_into(writable(buffer));
      if (got <= 0) break;
      const std::span<const char> bytes(buffer.data(), static_cast<std::size_t>(got));
      if (mismatch < 0) mismatch = pattern.first_mismatch(received, bytes);
      hash.add(bytes);
      received += static_cast<std::uint64_t>(got);
    }
    ended_ns = trace.now_ns();
    connection.set_gate(me.gate);
    if (!connection.eof()) {
      throw std::runtime_error(fmt::format("the transfer stalled after {} bytes: recv() gave up", received));
    }
    StreamHash expected;
    std::vector<char> block(64 * 1024);
    for (std::uint64_t at = 0; at < kTransferBytes; at += block.size()) {
      const std::size_t n = std::min<std::size_t>(block.size(), kTransferBytes - at);
      pattern.fill(at, std::span(block.data(), n));
      expected.add(std::span<const char>(block.data(), n));
    }
    if (received != kTransferBytes || mismatch >= 0 || hash.value() != expected.value()) {
      const std::string why =
          fmt::format("received {} of {} bytes, first wrong byte at {}, hash {:#018x} (expected {:#018x})", received,
                      kTransferBytes, mismatch, hash.value(), expected.value());
      context.note("server", why);
      context.reveal("intact", "no");
      throw std::runtime_error("TCP did not deliver the stream intact: " + why);
    }
    context.note("server",
                 fmt::format("all {} bytes arrived in order, hash matches (FNV-1a {:#018x})", received, hash.value()));
    context.reveal("intact", "yes");
    connection.close();
    finished.add();
  });

  actors.spawn("client", [&](const net::Actor& me) {
    const Endpoint server = address.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
    // CUBIC (Linux's default) halves its window on loss and keeps ssthresh; a machine set to BBR
    // would tell another story, so the lesson asks for it (Reno where CUBIC is missing).
    if (!socket.set_congestion_control("cubic")) socket.set_congestion_control("reno");
    if (!socket.connect(server)) throw std::runtime_error("connect() failed");
    // The kernel's figures for this connection, after each send() and every 2 ms while one
    // blocks: a timeout happens while the sender waits inside send().
    net::TcpMetricsSampler sampler(socket.record_metrics());
    socket.set_timeout(kStallTimeout);
    socket.set_gate(nullptr);
    // Not before the server reads: bytes waiting for a stepped accept() would measure the step.
    reading.wait_for(1, context.cancel_signal());
    context.cue("transfer");
    started_ns = trace.now_ns();
    std::vector<char> chunk(kSendChunk);
    for (std::uint64_t at = 0; at < kTransferBytes; at += chunk.size()) {
      pattern.fill(at, chunk);
      if (!socket.send_all(std::string_view(chunk.data(), chunk.size()))) {
        throw std::runtime_error(fmt::format("send() failed after {} bytes", at));
      }
    }
    socket.set_gate(me.gate);
    socket.shutdown(SHUT_WR);  // FIN: everything is written
    socket.recv(1024);         // the server's FIN: it has read it all
    socket.close();
    finished.add();
  });

  // While the actors work, this thread reads the packets as the wire records them and moves
  // the narration to the first duplicate ACK, fast retransmit and timeout when they happen.
  TcpLossWatch watch;
  bool blackout_done = false;
  std::int64_t dark_until = -1;  // while the wire is dark: when it comes back
  bool cued_duplicate = false;
  bool cued_fast = false;
  bool cued_timeout = false;
  while (finished.value() < 2 && !context.cancelled()) {
    const std::size_t size = trace.size();
    if (watch.update(trace)) {
      const TcpLossTally& t = watch.tally();
      const auto cue_once = [&](bool& done, bool happened, std::string_view anchor) {
        if (done || !happened) return;
        context.cue(anchor);
        done = true;
      };
      cue_once(cued_duplicate, t.duplicate_acks > 0, "duplicate-acks");
      cue_once(cued_fast, t.fast_retransmissions > 0, "fast-retransmit");
      cue_once(cued_timeout, t.timeouts > 0, "timeout");
    }
    // Halfway, the cable goes dark for a moment: no ACK can come back, only the timer helps.
    const std::int64_t now = trace.now_ns();
    if (on_wire && !blackout_done && watch.tally().bytes_acked >= kTransferBytes / 2) {
      context.impair("drop packet#*", link);
      context.cue("blackout");
      dark_until = now + kBlackoutNs;
      blackout_done = true;
    }
    if (dark_until >= 0 && now >= dark_until) {
      context.impair("", link);
      context.cue("restored");
      dark_until = -1;
    }
    const std::int64_t wait_ns =
        dark_until >= 0 ? std::clamp<std::int64_t>(dark_until - now, 0, 20'000'000) : 20'000'000;
    trace.wait_for_more(size, std::chrono::milliseconds(wait_ns / 1'000'000));
  }
  if (dark_until >= 0) context.impair("", link);
  actors.join();
  watch.update(trace);

  const TcpLossTally& t = watch.tally();
  const trace::LaneId client = trace.lane("client");
  const auto metrics = last_metrics(trace, client);
  const double seconds = static_cast<double>(ended_ns - started_ns) / 1e9;
  const std::string rate = fmt::format("{} bytes in {:.3f} s ({:.0f} KB/s)", kTransferBytes, seconds,
                                       seconds > 0 ? kTransferBytes / seconds / 1000 : 0.0);
  if (on_wire) {
    context.note("wire", fmt::format("the wire dropped {} TCP packets (loss {} %, seed {}, {} ms each way, "
                                     "and everything for {} ms halfway)",
                                     t.dropped, loss, context.params().seed, kOneWayDelayNs / 1'000'000,
                                     kBlackoutNs / 1'000'000));
    context.note("client",
                 fmt::format("{} data segments sent, {} of them retransmissions ({} repair a drop); {} duplicate "
                             "ACKs, {} fast retransmits, {} timeouts (backed off up to {} in a row)",
                             t.data_segments, t.retransmissions, t.repairs, t.duplicate_acks, t.fast_retransmissions,
                             t.timeouts, t.max_backoff));
  } else {
    const std::uint32_t resent = metrics ? metrics->total_retrans : 0;
    // On a busy machine a probe timer can fire before loopback's ACK is processed: resent, not lost.
    context.note("client", fmt::format("socket tier: nothing sits between the two kernels, so no packet could be "
                                       "dropped; the kernel retransmitted {} segments{}, cwnd grew to {} segments",
                                       resent, resent > 0 ? " (a timer fired before an ACK was read: not loss)" : "",
                                       max_cwnd(trace, client)));
  }
  context.note("client", rate);
  context.cue("done");
}

}  // namespace wirestep::lessons
