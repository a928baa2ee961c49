// Turns a parsed HTTP message into the inspector's FieldTree, offsets relative to the message.
#pragma once

#include "proto/field_tree.h"
#include "proto/http/http_message.h"
#include "proto/http/http_parser.h"

namespace wirestep::proto::http {

// Top-level fields: "Request line" (Method, Target, Version) or "Status line" (Version,
// Status code, Reason), "Headers" (one child per field, each with Name and Value), "Blank line",
// "Body" (chunked: one "Chunk" per chunk with Size line, Chunk size, Extension, Data, Data end),
// "Trailers", then one "Note" per tolerated deviation and, when given, the "Error".
// Offsets count from message.start_offset, so the tree indexes the message's own bytes.
// A partial message (HttpParser::current() after an error) yields the parts it has.
FieldTree to_field_tree(const HttpMessage& message, const ParseError* error = nullptr);

}  // namespace wirestep::proto::http
