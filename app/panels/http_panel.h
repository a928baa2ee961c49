// HTTP view: raw request/response text with CR, LF and the blank line made visible, beside the parsed view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "proto/http/http_over_tcp.h"
#include "trace/trace.h"
#include "view/http_stream_parse.h"
#include "view/http_text_view.h"
#include "view/selection.h"

namespace wirestep::panels {

class HttpPanel {
 public:
  void draw(const trace::Trace* trace, view::Selection& selection);

 private:
  // What each direction shows. Both lays raw and parsed side by side when the panel is wide
  // enough and stacks them otherwise; Raw / Parsed give one of them the whole width.
  enum class Show : int { Both, Raw, Parsed };

  void draw_show_toggle();
  void draw_direction(const trace::Trace& trace, const view::StreamDirection& dir, const view::ParsedStream& parsed,
                      const char* title, view::Selection& selection);

  Show show_ = Show::Both;

  // Gathering walks the trace: redo it only when the flow or the trace changed.
  const trace::Trace* trace_ = nullptr;
  trace::FlowId flow_ = trace::kNoFlow;
  std::size_t trace_size_ = 0;
  view::FlowStreams streams_;
  view::ParsedStream parsed_request_;
  view::ParsedStream parsed_response_;
  bool from_packets_ = false;  // the flow's packets were captured: the streams are rebuilt from them
  // HTTP read from the wire's packets, fed incrementally (only new events each frame).
  proto::http::HttpOverTcp wire_;
  const trace::Trace* wire_trace_ = nullptr;
};

}  // namespace wirestep::panels
