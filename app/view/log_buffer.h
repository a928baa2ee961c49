// The in-app log: a bounded, thread-safe ring of formatted lines fed by an spdlog sink.
#pragma once

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace wirestep::view {

struct LogLine {
  std::uint64_t number = 0;  // 1, 2, 3... in arrival order; never reused, even after clear()
  spdlog::level::level_enum level = spdlog::level::info;
  std::string logger;        // "wire", "app", "" for the default logger
  std::string time;          // "12:34:56.789"
  std::string text;          // the message alone
};

// Keeps the newest `capacity` lines. Writers (any thread) never wait for a reader longer than
// one copy; readers fetch only the lines they have not seen.
class LogBuffer {
 public:
  static constexpr std::size_t kDefaultCapacity = 5000;

  explicit LogBuffer(std::size_t capacity = kDefaultCapacity);

  void push(LogLine line);  // stamps line.number
  void clear();

  // Appends to `out` every kept line whose number is > after; returns the newest number.
  std::uint64_t copy_since(std::uint64_t after, std::vector<LogLine>& out) const;
  std::vector<LogLine> snapshot() const;
  std::size_t size() const;
  std::size_t capacity() const { return capacity_; }
  std::uint64_t total() const;    // lines ever pushed
  std::uint64_t dropped() const;  // lines pushed out by newer ones (not by clear())

 private:
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<LogLine> lines_;
  std::uint64_t total_ = 0;
  std::uint64_t dropped_ = 0;
};

// The spdlog side: formats the time and hands each message to a LogBuffer.
class LogBufferSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LogBufferSink(std::shared_ptr<LogBuffer> buffer) : buffer_(std::move(buffer)) {}
  const std::shared_ptr<LogBuffer>& buffer() const { return buffer_; }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}

 private:
  std::shared_ptr<LogBuffer> buffer_;
};

// The process-wide console buffer and its sink (created on first use).
const std::shared_ptr<LogBuffer>& app_log_buffer();
const std::shared_ptr<LogBufferSink>& app_log_sink();

// Makes the default logger write to stderr and to the console, and adds the console sink to
// every logger already registered. Idempotent. Loggers made later should come from
// module_logger() so they share the same sinks (spdlog has no hook for "logger registered").
void install_app_log_sink();

// The named logger ("wire", "http", "lesson", "app"), created with the default logger's sinks
// when it does not exist yet.
std::shared_ptr<spdlog::logger> module_logger(const std::string& name);

}  // namespace wirestep::view
