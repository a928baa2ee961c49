// lesson_log: the named "lesson" logger, shared by every lesson.
#include "lesson/lesson_log.h"

#include <spdlog/spdlog.h>

namespace wirestep::lesson {

std::shared_ptr<spdlog::logger> lesson_log() {
  if (auto existing = spdlog::get("lesson")) return existing;
  const auto& sinks = spdlog::default_logger()->sinks();
  auto logger = std::make_shared<spdlog::logger>("lesson", sinks.begin(), sinks.end());
  logger->set_level(spdlog::default_logger()->level());
  try {
    spdlog::register_logger(logger);
  } catch (const spdlog::spdlog_ex&) {
    return spdlog::get("lesson");  // another lesson thread registered it first
  }
  return logger;
}

}  // namespace wirestep::lesson
