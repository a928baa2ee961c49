// The GUI session: the lesson being run (or the trace loaded), the replay cursor, selection, narration and messages.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/trace_file.h"
#include "lesson/catalog.h"
#include "lesson/lesson_run.h"
#include "net/actor.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"
#include "view/progress_store.h"
#include "view/checkpoint_prompt.h"
#include "view/selection.h"
#include "wire/wire_probe.h"

namespace wirestep::gui {

class BackgroundJobs;

// The whole UI reads this; only the GUI thread touches it. A live lesson is driven through its
// Stepper; a loaded trace or a finished run is "replayed" by moving a cursor over its events.
class AppState {
 public:
  static constexpr double kDefaultSpeed = 1.0;  // one call per 0.4 s

  AppState(const lesson::Catalog& catalog, view::ProgressStore& progress, BackgroundJobs& jobs);
  ~AppState();
  AppState(const AppState&) = delete;
  AppState& operator=(const AppState&) = delete;

  const lesson::Catalog& catalog() const { return catalog_; }
  view::ProgressStore& progress() { return progress_; }

  // ---- what is on display ----
  // Starts a new run of this lesson, playing or paused at its first call. False if unknown.
  bool open_lesson(std::string_view id, bool play);
  const std::string& lesson_id() const { return lesson_id_; }
  const lesson::Lesson* lesson() const;
  lesson::LessonRun* run() { return run_.get(); }
  const lesson::LessonRun* run() const { return run_.get(); }
  const trace::Trace* trace() const { return trace_.get(); }
  // Changes whenever a different trace is shown, so views can drop what they built for the old one.
  std::uint64_t trace_generation() const { return generation_; }
  std::string source_label() const;  // "lesson: HTTP is just text", "trace: /tmp/x.json"

  // ---- driving ----
  bool live() const;            // a lesson run is still running
  bool replaying() const { return !live() && trace_ != nullptr; }
  bool playing() const;
  void play();
  void pause();
  void toggle_play() { playing() ? pause() : play(); }
  void step();
  void step_back();
  // Live: a new run of the lesson. Replay of a loaded trace: rewind the cursor to the start.
  void restart();
  double speed() const { return speed_; }  // Stepper speed; Stepper::kUnpaced for none
  void set_speed(double speed);
  // What one Step releases. Frames needs the virtual wire; new runs use it whenever the
  // machine allows (see wire_status()).
  lesson::Granularity granularity() const { return granularity_; }
  void set_granularity(lesson::Granularity granularity);
  // The knobs of runs started from now on (clients, loss, seed, window): the lesson browser
  // shows those the highlighted lesson reads.
  lesson::LessonParams& params() { return params_; }
  // Memory caps of the traces of runs started from now on (past them events are counted, not kept).
  void set_trace_limits(const trace::TraceLimits& limits) { trace_limits_ = limits; }
  bool wire_active() const { return run_ != nullptr && run_->wire() != nullptr; }
  // Why the virtual wire is or is not available here, and how to enable it.
  const wire::TierStatus& wire_status() const;
  std::size_t held_packets() const;

  // Events [0, visible_limit()) are shown: all of them live, up to the cursor in replay.
  std::size_t visible_limit() const;
  bool cursor_at_end() const;
  // Scrub: show events [0, limit) (the timeline turns where the pointer is into a count).
  void scrub_to(std::size_t limit);
  std::optional<net::PendingCall> pending() const;
  // Stepping frames with a packet held: the next Step releases the oldest held packet.
  bool packet_next() const;
  // The trace's TCP conversations: relative seq/ack, retransmissions and what caused them,
  // duplicate ACKs. Fed by update() with each frame's new events.
  const proto::TcpFlowAnalyzer& packets() const { return packets_; }

  view::Selection selection;
  // The lesson's predict-then-reveal question waiting for the user (null without a run).
  view::CheckpointPrompt* checkpoint_prompt() { return prompt_.get(); }
  // Scripted runs (--autoplay for screenshots and tests) are never asked: nobody answers them.
  void set_ask_checkpoints(bool ask) { ask_checkpoints_ = ask; }

  // ---- narration ----
  const std::string& narration() const { return narration_; }
  std::string_view active_anchor() const { return active_anchor_; }
  // Whether the narration that explains checkpoint `id` must wait: a live run has not yet
  // revealed that checkpoint's answer (a finished run or a loaded trace hides nothing).
  bool answer_waits(std::string_view checkpoint_id) const;
  // Every checkpoint of the trace on display with its reveal, read incrementally each frame.
  const std::vector<lesson::CheckpointRecord>& checkpoints() const { return checkpoints_.records(); }

  // ---- files (done on the background thread) ----
  // A WireStep trace (.json) or a capture (.pcap, .pcapng), told apart by content or extension.
  // A damaged capture still opens with the packets before the damage, and the error is shown.
  void open_trace_async(const std::filesystem::path& path);
  void save_trace_async(const std::filesystem::path& path);
  // The trace's packets as pcapng, for Wireshark.
  void save_pcapng_async(const std::filesystem::path& path);
  bool file_busy() const { return pending_load_.valid() || saving_ > 0; }
  // Progress is written in the background too.
  void save_progress_async();

  // ---- messages shown in the UI ----
  const std::vector<std::string>& errors() const { return errors_; }
  void add_error(std::string message);
  void clear_errors() { errors_.clear(); }
  const std::string& notice() const { return notice_; }  // the last success ("saved to ...")

  // Once per frame on the GUI thread: notices new events, a finished run, a loaded file, the
  // replay clock. True when anything changed that the screen should show.
  bool update();
  // Whether frames should keep coming even without input (something is moving).
  bool animating() const;

 private:
  void show_trace(std::shared_ptr<trace::Trace> trace);
  void retire_run();
  void index_notes();
  std::size_t next_call_limit(std::size_t from) const;
  std::size_t previous_call_limit(std::size_t from) const;

  const lesson::Catalog& catalog_;
  view::ProgressStore& progress_;
  BackgroundJobs& jobs_;

  std::string lesson_id_;
  std::unique_ptr<lesson::LessonRun> run_;
  std::shared_ptr<view::CheckpointPrompt> prompt_;  // shared with the run's asker, which may outlive a retired run
  bool ask_checkpoints_ = true;
  lesson::LessonParams params_;
  std::shared_ptr<trace::Trace> trace_;
  std::filesystem::path trace_path_;  // when the trace came from a file
  std::uint64_t generation_ = 0;
  lesson::RunState last_run_state_ = lesson::RunState::Running;
  std::size_t last_size_ = 0;

  double speed_ = kDefaultSpeed;
  lesson::Granularity granularity_ = lesson::Granularity::Calls;
  trace::TraceLimits trace_limits_;
  std::optional<std::size_t> cursor_;  // replay: events shown; nullopt = all
  bool replay_playing_ = false;
  std::chrono::steady_clock::time_point replay_next_{};

  proto::TcpFlowAnalyzer packets_;
  std::vector<std::size_t> notes_;  // indices of Note events, in order
  std::size_t notes_scanned_ = 0;
  std::string narration_;
  std::future<std::string> pending_narration_;
  std::string active_anchor_;
  lesson::CheckpointTracker checkpoints_;  // the trace's questions and, once they exist, their answers

  std::future<capture::LoadedTrace> pending_load_;
  std::filesystem::path pending_load_path_;
  // What background saves report back; drained by update() on the GUI thread.
  struct Outbox {
    std::mutex mutex;
    std::vector<std::string> errors;
    std::vector<std::string> notices;
    int finished = 0;
  };
  std::shared_ptr<Outbox> outbox_ = std::make_shared<Outbox>();
  int saving_ = 0;

  std::vector<std::string> errors_;
  std::string notice_;
};

}  // namespace wirestep::gui
