// Locating and reading asset files.
#include "lesson/assets.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#ifndef WIRESTEP_SOURCE_ASSETS
#define WIRESTEP_SOURCE_ASSETS "assets"
#endif

namespace wirestep::lesson {

std::filesystem::path assets_dir() {
  if (const char* env = std::getenv("WIRESTEP_ASSETS"); env != nullptr && *env != '\0') return env;
  std::filesystem::path built_from = WIRESTEP_SOURCE_ASSETS;
  std::error_code ec;
  if (std::filesystem::is_directory(built_from, ec)) return built_from;
  return "assets";
}

std::string read_narration(const std::string& file) {
  std::ifstream in(assets_dir() / "lessons" / file, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace wirestep::lesson
