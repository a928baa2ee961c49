// Saving a whole trace as JSON and loading it back, so a recorded run can be replayed in class.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "trace/trace.h"

namespace wirestep::trace {

// A file that is not a WireStep trace, with where and why: "events[12].kind: unknown 'Foo'".
class TraceFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int kTraceFormatVersion = 1;

nlohmann::json trace_to_json(const Trace& trace);
std::unique_ptr<Trace> trace_from_json(const nlohmann::json& json, TraceLimits limits = {});

// Writes atomically (temp file + rename) so a failed save never destroys an older file.
void save_trace_file(const Trace& trace, const std::filesystem::path& path);
std::unique_ptr<Trace> load_trace_file(const std::filesystem::path& path, TraceLimits limits = {});

}  // namespace wirestep::trace
