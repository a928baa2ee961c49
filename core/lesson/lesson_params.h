// The knobs a user can turn before a lesson runs.
#pragma once

#include <cstdint>
#include <optional>

namespace wirestep::lesson {

struct LessonParams {
  int clients = 20;          // concurrent clients for multi-client lessons
  std::uint64_t seed = 7;    // impairment RNG seed: the same seed gives the same losses
  // Packet loss for lessons that impair a link; unset: each lesson's own default. 0 is a real
  // choice (a perfect link to compare against), not "the default".
  std::optional<double> loss_percent;
  // http-from-sockets: after its own client, its server keeps answering (a browser) for this
  // many seconds. 0, the default, stops it at once so that tests and CI finish.
  int browser_seconds = 0;
  // reliability-on-udp: how many messages the sliding window keeps in flight (1..64).
  int window = 8;

  double loss_or(double lesson_default) const { return loss_percent.value_or(lesson_default); }
};

}  // namespace wirestep::lesson
