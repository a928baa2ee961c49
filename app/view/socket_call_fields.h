// The inspector's field tree for one trace event: the socket call, its arguments, result and bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "proto/field_tree.h"
#include "trace/trace.h"

namespace wirestep::view {

// Fields for trace[index]. Offsets and lengths refer to the event's payload bytes, so the
// "Payload" field and its line children link to the hex dump; the call's arguments cover no
// bytes (length 0).
proto::FieldTree event_fields(const trace::Trace& trace, std::size_t index);

// Adds a "Payload" field over all of bytes (and, for HTTP text, one child per line, CRLF
// included, then the body) under parent. Returns the Payload field's index.
int add_payload_fields(proto::FieldTree& tree, int parent, std::string_view bytes,
                       std::uint32_t real_size);

// The narration cue in force at trace[index]: the anchor of the last Note at or before it,
// or "" when none.
std::string narration_anchor_at(const trace::Trace& trace, std::size_t index);

// "ECONNREFUSED: Connection refused".
std::string errno_description(int err);

}  // namespace wirestep::view
