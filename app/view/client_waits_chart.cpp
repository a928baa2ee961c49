// layout_waits: offsets from each round's first connect, divided by the longest round's span.
#include "view/client_waits_chart.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "view/tcp_graph_series.h"
#include "view/time_format.h"

namespace wirestep::view {
namespace {

// A round with no client connected yet has no origin; 0 keeps it out of the span.
std::int64_t origin_of(const lesson::ClientRound& round) {
  std::int64_t origin = round.end_ns;
  for (const auto& c : round.clients) {
    if (c.connected_ns) {
      origin = std::min(origin, *c.connected_ns);
    } else if (c.done_ns) {
      origin = std::min(origin, *c.done_ns);  // a connect() that failed
    }
  }
  return origin;
}

std::string title_of(const lesson::ClientRound& round, std::size_t number) {
  if (round.name.empty()) return "Clients";
  return fmt::format("Round {}: {} server", number, round.name);
}

std::string caption_of(const lesson::ClientRound& round) {
  const std::string open =
      fmt::format("at most {} connection{} open at once", round.most_open, round.most_open == 1 ? "" : "s");
  const std::size_t answered = round.answered();
  if (answered == 0) return fmt::format("no first byte yet · {}", open);
  const std::string progress =
      answered < round.clients.size() ? fmt::format(" ({} of {} so far)", answered, round.clients.size()) : "";
  const auto fastest = *round.fastest()->waited_ns();
  const auto slowest = *round.slowest()->waited_ns();
  if (answered == 1 || fastest == slowest) {
    return fmt::format("first byte after {}{} · {}", format_duration(fastest), progress, open);
  }
  return fmt::format("first byte after {} to {}{} · {}", format_duration(fastest), format_duration(slowest), progress,
                     open);
}

}  // namespace

WaitsChart layout_waits(const std::vector<lesson::ClientRound>& rounds) {
  WaitsChart chart;
  std::vector<std::int64_t> origins(rounds.size(), 0);
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    if (rounds[r].clients.empty()) continue;
    origins[r] = origin_of(rounds[r]);
    chart.span_ns = std::max(chart.span_ns, rounds[r].end_ns - origins[r]);
  }
  // Never zero: a round whose calls all took the same nanosecond still draws.
  chart.span_ns = std::max<std::int64_t>(chart.span_ns, 1000);
  const auto at = [&](std::int64_t t, std::int64_t origin) {
    return std::clamp(static_cast<float>(static_cast<double>(t - origin) / static_cast<double>(chart.span_ns)), 0.0f,
                      1.0f);
  };

  std::size_t named = 0;  // counted as the narration counts them, shown or not
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    const lesson::ClientRound& round = rounds[r];
    if (!round.name.empty()) ++named;
    if (round.clients.empty()) continue;
    RoundChart out;
    out.round = r;
    out.title = title_of(round, named);
    out.caption = caption_of(round);
    out.origin_ns = origins[r];
    for (std::size_t i = 0; i < round.clients.size(); ++i) {
      const lesson::ClientWait& c = round.clients[i];
      WaitBar bar;
      bar.client = i;
      bar.number = c.number;
      bar.answered = c.first_byte_ns.has_value();
      bar.finished = c.done_ns.has_value();
      bar.failed = c.failed;
      const std::int64_t start = c.connected_ns.value_or(c.done_ns.value_or(round.end_ns));
      // Not answered: waiting until it gave up (done) or, still waiting, until now.
      const std::int64_t first = c.first_byte_ns.value_or(c.done_ns.value_or(round.end_ns));
      const std::int64_t done = c.done_ns.value_or(round.end_ns);
      bar.connected = at(start, out.origin_ns);
      bar.first_byte = std::max(bar.connected, at(first, out.origin_ns));
      bar.done = std::max(bar.first_byte, at(done, out.origin_ns));
      out.bars.push_back(bar);
    }
    const auto order = [&](const WaitBar& bar) {
      const lesson::ClientWait& c = round.clients[bar.client];
      const std::int64_t waiting_since = c.connected_ns.value_or(c.done_ns.value_or(round.end_ns));
      return std::tuple(!bar.answered, c.first_byte_ns.value_or(waiting_since), bar.number);
    };
    std::sort(out.bars.begin(), out.bars.end(),
              [&](const WaitBar& a, const WaitBar& b) { return order(a) < order(b); });
    chart.rounds.push_back(std::move(out));
  }

  const double span_s = static_cast<double>(chart.span_ns) / 1e9;
  for (const double v : nice_ticks(0.0, span_s, 5)) {
    chart.ticks.push_back({static_cast<float>(v / span_s),
                           v == 0 ? std::string("0") : format_duration(static_cast<std::int64_t>(v * 1e9))});
  }
  return chart;
}

std::string wait_tooltip(const lesson::ClientRound& round, const lesson::ClientWait& client, std::int64_t origin_ns) {
  // "0" is where the axis starts: the round's first connect.
  const auto since = [&](std::int64_t t) {
    return t == origin_ns ? std::string("0") : "+" + format_duration(t - origin_ns);
  };
  std::string text = fmt::format("client#{}{}", client.number, round.name.empty() ? "" : ", " + round.name + " server");
  if (!client.connected_ns) {
    return text + (client.failed ? "\nits connect() failed" : "\nnot connected yet");
  }
  text += fmt::format("\nconnected at {}", since(*client.connected_ns));
  if (const auto waited = client.waited_ns()) {
    text += fmt::format("\nfirst byte at {}: waited {}", since(*client.first_byte_ns), format_duration(*waited));
  } else if (client.done_ns) {
    text += fmt::format("\nno answer: {} at {}", client.failed ? "the connection failed" : "the stream ended",
                        since(*client.done_ns));
    return text;
  } else {
    text += fmt::format("\nstill waiting for its first byte ({} so far)",
                        format_duration(round.end_ns - *client.connected_ns));
    return text;
  }
  if (const auto served = client.served_ns()) {
    text += fmt::format("\ndone at {}: served in {}", since(*client.done_ns), format_duration(*served));
    if (client.failed) text += " (the connection failed)";
  } else {
    text += "\nstill being served";
  }
  return text;
}

}  // namespace wirestep::view
