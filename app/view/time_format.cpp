// format_duration: pick the unit that keeps one to three digits before the point.
#include "view/time_format.h"

#include <fmt/format.h>

#include <cstdlib>

namespace wirestep::view {

std::string format_duration(std::int64_t ns) {
  const double magnitude = std::abs(static_cast<double>(ns));
  const char* sign = ns < 0 ? "-" : "";
  if (magnitude < 1e3) return fmt::format("{}{} ns", sign, magnitude);
  if (magnitude < 1e6) return fmt::format("{}{:.3g} µs", sign, magnitude / 1e3);
  if (magnitude < 1e9) return fmt::format("{}{:.3g} ms", sign, magnitude / 1e6);
  // A student who paused stepping for twenty minutes reads "20 min", not "1.2e+03 s".
  if (magnitude < 1e12) return fmt::format("{}{:.3g} s", sign, magnitude / 1e9);
  if (magnitude < 6e12) return fmt::format("{}{:.3g} min", sign, magnitude / 60e9);
  if (magnitude < 3.6e15) return fmt::format("{}{:.3g} h", sign, magnitude / 3600e9);
  return fmt::format("{}{:.0f} h", sign, magnitude / 3600e9);
}

}  // namespace wirestep::view
