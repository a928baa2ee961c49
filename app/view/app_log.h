// The "app" module's spdlog logger (ARCHITECTURE §7: one named logger per module).
#pragma once

#include <spdlog/logger.h>

namespace wirestep::view {

// Created on first use with the default logger's sinks, so it reaches stderr and the console.
spdlog::logger& app_log();

}  // namespace wirestep::view
