// fate_comments / read_fate_comments: one phrase per verdict, so the reader can map them back.
#include "capture/wire_comments.h"

#include <fmt/format.h>

#include <charconv>
#include <ctime>

namespace wirestep::capture {
namespace {

struct Phrase {
  trace::Verdict verdict;
  std::string_view text;
};

// The phrase that starts a verdict comment; the reason, if any, follows after ": ".
constexpr Phrase kPhrases[] = {
    {trace::Verdict::Dropped, "dropped by the wire"},
    {trace::Verdict::Delayed, "delayed by the wire"},
    {trace::Verdict::Duplicated, "duplicate made by the wire"},
    {trace::Verdict::Corrupted, "corrupted by the wire"},
    {trace::Verdict::Held, "held by the wire for a step when the recording ended"},
    {trace::Verdict::Delivered, "delivered by the wire"},
};
constexpr std::string_view kNarration = "narration: ";
constexpr std::string_view kAnchorKey = "unix_ns=";

}  // namespace

std::string duration_text(std::int64_t ns) {
  if (ns >= 1'000'000'000) return fmt::format("{:.1f} s", static_cast<double>(ns) / 1e9);
  if (ns >= 1'000'000) return fmt::format("{} ms", ns / 1'000'000);
  return fmt::format("{} µs", ns / 1'000);
}

std::vector<std::string> fate_comments(const PacketFate& fate) {
  std::vector<std::string> out;
  const bool plain = fate.verdict == trace::Verdict::Delivered && fate.reason.empty();
  if (!plain) {
    for (const Phrase& phrase : kPhrases) {
      if (phrase.verdict != fate.verdict) continue;
      out.push_back(fate.reason.empty() ? std::string(phrase.text) : fmt::format("{}: {}", phrase.text, fate.reason));
    }
  }
  if (fate.held_ns >= 0) out.push_back(fmt::format("held {} for a step", duration_text(fate.held_ns)));
  if (!fate.narration.empty()) out.push_back(fmt::format("{}{}", kNarration, fate.narration));
  return out;
}

FateFromComments read_fate_comments(const std::vector<std::string>& comments) {
  FateFromComments out;
  for (const std::string& comment : comments) {
    const std::string_view text(comment);
    if (text.starts_with(kNarration)) {
      out.narration = std::string(text.substr(kNarration.size()));
      continue;
    }
    for (const Phrase& phrase : kPhrases) {
      if (!text.starts_with(phrase.text)) continue;
      const std::string_view rest = text.substr(phrase.text.size());
      if (!rest.empty() && !rest.starts_with(": ")) continue;  // another sentence that begins alike
      out.verdict = phrase.verdict;
      out.reason = rest.empty() ? "" : std::string(rest.substr(2));
      break;
    }
  }
  return out;
}

std::string anchor_comment(std::int64_t epoch_unix_ns) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_unix_ns / 1'000'000'000);
  const std::int64_t fraction = epoch_unix_ns % 1'000'000'000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char date[32] = {};
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &utc);
  return fmt::format(
      "Recorded by WireStep on its virtual wire. Time 0 of the trace is {}.{:09d} UTC ({}{}); each "
      "packet's timestamp is that plus the trace time of its arrival.",
      date, fraction < 0 ? 0 : fraction, kAnchorKey, epoch_unix_ns);
}

std::optional<std::int64_t> read_anchor_comment(std::string_view comment) {
  if (!comment.starts_with("Recorded by WireStep")) return std::nullopt;
  const auto at = comment.find(kAnchorKey);
  if (at == std::string_view::npos) return std::nullopt;
  const char* first = comment.data() + at + kAnchorKey.size();
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(first, comment.data() + comment.size(), value);
  if (error != std::errc{} || end == first) return std::nullopt;
  return value;
}

}  // namespace wirestep::capture
