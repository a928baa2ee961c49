// Which lessons this user has completed (and the cues reached), kept in a small JSON file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>

namespace wirestep::view {

class ProgressStore {
 public:
  // $WIRESTEP_STATE_DIR, else $XDG_STATE_HOME/wirestep, else ~/.local/state/wirestep.
  static std::filesystem::path default_dir();

  explicit ProgressStore(std::filesystem::path file);

  // Reads the file. Missing: nothing completed yet. Unreadable or corrupt: start fresh with a
  // logged warning (warning() tells the UI); never throws.
  void load();
  // Writes atomically (temp file + rename). False, with warning() set, when it could not.
  bool save();

  bool completed(std::string_view lesson) const;
  void mark_completed(std::string_view lesson);
  // A narration cue the user has reached in this lesson.
  void mark_checkpoint(std::string_view lesson, std::string_view anchor);
  std::size_t checkpoints(std::string_view lesson) const;
  void reset(std::string_view lesson);
  void reset_all();

  const std::filesystem::path& path() const { return path_; }
  const std::string& warning() const { return warning_; }
  // The file's JSON text for what is held now (save() writes this).
  std::string to_json_text() const;
  // Writes text to path atomically; false with *error set on failure. Lets a caller take the
  // text on one thread and write it on another.
  static bool write_text(const std::filesystem::path& path, const std::string& text, std::string* error);

 private:
  struct Entry {
    bool completed = false;
    std::int64_t completed_at = 0;  // seconds since the Unix epoch
    std::set<std::string, std::less<>> checkpoints;
  };

  std::filesystem::path path_;
  std::map<std::string, Entry, std::less<>> lessons_;
  std::string warning_;
};

}  // namespace wirestep::view
