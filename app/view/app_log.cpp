// app_log: get or create the "app" logger.
#include "view/app_log.h"

#include <spdlog/spdlog.h>

namespace wirestep::view {

spdlog::logger& app_log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("app")) return existing;
    auto created = spdlog::default_logger()->clone("app");
    spdlog::register_logger(created);
    return created;
  }();
  return *logger;
}

}  // namespace wirestep::view
