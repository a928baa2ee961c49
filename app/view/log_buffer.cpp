// LogBuffer and its spdlog sink: the in-app console's store, safe to write from any thread.
#include "view/log_buffer.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace wirestep::view {

LogBuffer::LogBuffer(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void LogBuffer::push(LogLine line) {
  std::lock_guard lock(mutex_);
  line.number = ++total_;
  if (lines_.size() == capacity_) {
    lines_.pop_front();
    ++dropped_;
  }
  lines_.push_back(std::move(line));
}

void LogBuffer::clear() {
  std::lock_guard lock(mutex_);
  lines_.clear();
}

std::uint64_t LogBuffer::copy_since(std::uint64_t after, std::vector<LogLine>& out) const {
  std::lock_guard lock(mutex_);
  // Numbers are consecutive within the deque, so the first new line is found by arithmetic.
  if (!lines_.empty() && lines_.back().number > after) {
    const std::uint64_t first = lines_.front().number;
    const std::size_t skip = after >= first ? static_cast<std::size_t>(after - first + 1) : 0;
    out.insert(out.end(), lines_.begin() + static_cast<std::ptrdiff_t>(skip), lines_.end());
  }
  return total_;
}

std::vector<LogLine> LogBuffer::snapshot() const {
  std::lock_guard lock(mutex_);
  return {lines_.begin(), lines_.end()};
}

std::size_t LogBuffer::size() const {
  std::lock_guard lock(mutex_);
  return lines_.size();
}

std::uint64_t LogBuffer::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::uint64_t LogBuffer::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void LogBufferSink::sink_it_(const spdlog::details::log_msg& msg) {
  LogLine line;
  line.level = msg.level;
  line.logger.assign(msg.logger_name.data(), msg.logger_name.size());
  line.text.assign(msg.payload.data(), msg.payload.size());
  const auto since_epoch = msg.time.time_since_epoch();
  const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char stamp[16];
  std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min,
                local.tm_sec, static_cast<int>(millis));
  line.time = stamp;
  buffer_->push(std::move(line));
}

const std::shared_ptr<LogBuffer>& app_log_buffer() {
  static const auto buffer = std::make_shared<LogBuffer>();
  return buffer;
}

const std::shared_ptr<LogBufferSink>& app_log_sink() {
  static const auto sink = std::make_shared<LogBufferSink>(app_log_buffer());
  return sink;
}

void install_app_log_sink() {
  static std::once_flag once;
  std::call_once(once, [] {
    const auto& sink = app_log_sink();
    // A new default logger rather than editing the old one's sink list: another thread may be
    // logging through it, and a logger's sink vector is not guarded.
    auto stderr_sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto old_default = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>(old_default ? old_default->name() : std::string{},
                                                   spdlog::sinks_init_list{stderr_sink, sink});
    if (old_default) logger->set_level(old_default->level());
    spdlog::set_default_logger(logger);
    // Loggers registered before this point: at start-up nobody logs through them yet.
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& each) {
      auto& sinks = each->sinks();
      if (std::find(sinks.begin(), sinks.end(), sink) == sinks.end()) sinks.push_back(sink);
    });
  });
}

std::shared_ptr<spdlog::logger> module_logger(const std::string& name) {
  if (auto existing = spdlog::get(name)) return existing;
  const auto& sinks = spdlog::default_logger()->sinks();
  auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
  logger->set_level(spdlog::default_logger()->level());
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get(name);  // another thread registered it first
  }
  return logger;
}

}  // namespace wirestep::view
