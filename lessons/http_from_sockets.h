// Lesson http-from-sockets: a web server built call by call, each call beside its Python line.
#pragma once

#include <span>

#include "lesson/lesson.h"
#include "net/http/blocking_server.h"

namespace wirestep::lessons {

class HttpFromSockets final : public lesson::Lesson {
 public:
  lesson::LessonInfo info() const override;
  void run(lesson::LessonContext& context) override;

  // The lesson's server is net::http::BlockingServer, so its listing is that server's: for each
  // server call (named as trace::to_string names it), the C++ line that made it and the
  // seed's Python line. Each call's narration cue is the call's name, so a code view can go
  // from a selected event or from the active cue to its row, and from the row to the line in
  // source_file().
  static std::span<const net::http::SourceLine> source_lines() {
    return net::http::BlockingServer::source_lines();
  }
  static std::string_view source_file() { return net::http::BlockingServer::source_file(); }
};

}  // namespace wirestep::lessons
