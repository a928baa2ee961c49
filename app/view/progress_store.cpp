// ProgressStore: a forgiving JSON file; progress is a convenience and must never stop a lesson.
#include "view/progress_store.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "view/app_log.h"

namespace wirestep::view {

namespace fs = std::filesystem;

namespace {
constexpr int kProgressVersion = 1;

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}
}  // namespace

fs::path ProgressStore::default_dir() {
  if (auto dir = env("WIRESTEP_STATE_DIR"); !dir.empty()) return dir;
  if (auto dir = env("XDG_STATE_HOME"); !dir.empty()) return fs::path(dir) / "wirestep";
  if (auto home = env("HOME"); !home.empty()) return fs::path(home) / ".local" / "state" / "wirestep";
  return fs::current_path() / ".wirestep-state";
}

ProgressStore::ProgressStore(fs::path file) : path_(std::move(file)) {}

void ProgressStore::load() {
  lessons_.clear();
  warning_.clear();
  std::error_code error;
  if (!fs::exists(path_, error)) return;
  try {
    std::ifstream in(path_);
    if (!in) throw std::runtime_error("cannot open the file");
    const auto json = nlohmann::json::parse(in);
    if (!json.is_object() || !json.contains("lessons") || !json["lessons"].is_object()) {
      throw std::runtime_error("no \"lessons\" object");
    }
    for (const auto& [id, value] : json["lessons"].items()) {
      if (!value.is_object()) continue;
      Entry entry;
      entry.completed = value.value("completed", false);
      entry.completed_at = value.value("completed_at", std::int64_t{0});
      if (value.contains("checkpoints") && value["checkpoints"].is_array()) {
        for (const auto& anchor : value["checkpoints"]) {
          if (anchor.is_string()) entry.checkpoints.insert(anchor.get<std::string>());
        }
      }
      lessons_[id] = std::move(entry);
    }
  } catch (const std::exception& e) {
    lessons_.clear();
    warning_ = "progress file " + path_.string() + " is unreadable (" + e.what() + "); starting fresh";
    app_log().warn("{}", warning_);
  }
}

std::string ProgressStore::to_json_text() const {
  nlohmann::json lessons = nlohmann::json::object();
  for (const auto& [id, entry] : lessons_) {
    lessons[id] = {{"completed", entry.completed},
                   {"completed_at", entry.completed_at},
                   {"checkpoints", std::vector<std::string>(entry.checkpoints.begin(), entry.checkpoints.end())}};
  }
  return nlohmann::json{{"version", kProgressVersion}, {"lessons", lessons}}.dump(2) + "\n";
}

bool ProgressStore::write_text(const fs::path& path, const std::string& text, std::string* error) {
  try {
    fs::create_directories(path.parent_path());
    const fs::path temp = path.string() + ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      out << text;
      out.flush();
      if (!out) throw std::runtime_error("write failed");
    }
    fs::rename(temp, path);
    return true;
  } catch (const std::exception& e) {
    if (error != nullptr) *error = e.what();
    return false;
  }
}

bool ProgressStore::save() {
  std::string error;
  if (write_text(path_, to_json_text(), &error)) return true;
  warning_ = "could not save progress to " + path_.string() + ": " + error;
  app_log().warn("{}", warning_);
  return false;
}

bool ProgressStore::completed(std::string_view lesson) const {
  auto it = lessons_.find(lesson);
  return it != lessons_.end() && it->second.completed;
}

void ProgressStore::mark_completed(std::string_view lesson) {
  auto& entry = lessons_[std::string(lesson)];
  entry.completed = true;
  entry.completed_at = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
}

void ProgressStore::mark_checkpoint(std::string_view lesson, std::string_view anchor) {
  lessons_[std::string(lesson)].checkpoints.insert(std::string(anchor));
}

std::size_t ProgressStore::checkpoints(std::string_view lesson) const {
  auto it = lessons_.find(lesson);
  return it == lessons_.end() ? 0 : it->second.checkpoints.size();
}

void ProgressStore::reset(std::string_view lesson) {
  if (auto it = lessons_.find(lesson); it != lessons_.end()) lessons_.erase(it);
}

void ProgressStore::reset_all() { lessons_.clear(); }

}  // namespace wirestep::view
