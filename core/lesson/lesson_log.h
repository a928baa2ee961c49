// The "lesson" module's logger: what a lesson tells the user outside its narration.
#pragma once

#include <memory>

#include <spdlog/logger.h>

namespace wirestep::lesson {

// Created on first use with the default logger's sinks, so a line reaches the terminal of
// `wirestep run` and, in the app, the log console (which installs itself on the default logger).
std::shared_ptr<spdlog::logger> lesson_log();

}  // namespace wirestep::lesson
