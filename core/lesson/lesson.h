// What a lesson is: its description for the browser and a script of socket calls to run.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wirestep::lesson {

class LessonContext;

// What a lesson needs from the machine. Sockets is always there; the others come with the
// capture tiers of ARCHITECTURE §3.
enum class Capability : std::uint8_t { Sockets, VirtualWire, LoopbackCapture };
std::string_view to_string(Capability capability);

// What a user may change before a run (LessonParams), so a front end offers only these.
enum class Setting : std::uint8_t { Clients, Loss, Seed, Window };

struct LessonInfo {
  std::string id;        // "http-is-text": the CLI name and the narration file's stem
  std::string title;
  std::string summary;   // one sentence
  std::vector<std::string> objectives;
  std::vector<Capability> needs;
  std::string narration;  // file name under assets/lessons/
  std::vector<Setting> settings{};  // the LessonParams this lesson reads
  bool has(Setting setting) const;
};

class Lesson {
 public:
  virtual ~Lesson() = default;
  virtual LessonInfo info() const = 0;
  // Runs on its own thread; returns when done, throws net::Cancelled when stopped.
  virtual void run(LessonContext& context) = 0;
};

}  // namespace wirestep::lesson
