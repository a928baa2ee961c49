// dissect_tcp_options(): the TCP options area as one row per option (RFC 9293, 7323, 2018).
#pragma once

#include <cstddef>

#include "proto/packet/layer_writer.h"

namespace wirestep::proto {

// Adds an "Options" row under tcp covering [start, end) of the TCP header (relative to the
// header), one child per option. A malformed length becomes an Error row and ends the parse:
// after a wrong length there is no telling where the next option begins. Bytes missing from
// the capture end the parse silently; the TCP dissector reports the truncation once.
void dissect_tcp_options(LayerWriter& w, int tcp, std::size_t start, std::size_t end);

}  // namespace wirestep::proto
