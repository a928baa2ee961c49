// Times as people read them on an axis or in a tooltip: "850 ns", "12.5 µs", "3.2 ms", "1.25 s", "20 min".
#pragma once

#include <cstdint>
#include <string>

namespace wirestep::view {

std::string format_duration(std::int64_t ns);

}  // namespace wirestep::view
