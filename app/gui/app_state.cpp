// AppState: one place decides what "play", "step" and "restart" mean for a live run and for a replay.
#include "gui/app_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "lesson/checkpoint.h"
#include "capture/pcapng_writer.h"
#include "gui/background_jobs.h"
#include "lesson/assets.h"
#include "trace/trace_json.h"
#include "view/app_log.h"

namespace wirestep::gui {

namespace {
constexpr std::chrono::milliseconds kBaseInterval{400};  // Stepper's pace at speed 1

template <class T>
bool ready(const std::future<T>& future) {
  return future.valid() && future.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}
}  // namespace

AppState::AppState(const lesson::Catalog& catalog, view::ProgressStore& progress, BackgroundJobs& jobs)
    : catalog_(catalog), progress_(progress), jobs_(jobs) {}

AppState::~AppState() { retire_run(); }

const lesson::Lesson* AppState::lesson() const { return lesson_id_.empty() ? nullptr : catalog_.find(lesson_id_); }

std::string AppState::source_label() const {
  if (const auto* l = lesson(); l != nullptr && run_ != nullptr) return "Lesson: " + run_->info().title;
  if (!trace_path_.empty()) return "Trace: " + trace_path_.string();
  return "No lesson open";
}

void AppState::retire_run() {
  if (prompt_ != nullptr) prompt_->close();  // an actor waiting for an answer must unwind too
  if (run_ == nullptr) return;
  // Ending a run waits for its actor threads to unwind: never on the GUI thread.
  std::shared_ptr<lesson::LessonRun> old(std::move(run_));
  old->stepper().cancel();
  jobs_.post([old]() mutable {
    old->cancel();
    old.reset();
  });
}

void AppState::show_trace(std::shared_ptr<trace::Trace> trace) {
  trace_ = std::move(trace);
  ++generation_;
  cursor_.reset();
  replay_playing_ = false;
  notes_.clear();
  notes_scanned_ = 0;
  checkpoints_.reset();
  active_anchor_.clear();
  selection = {};
  last_size_ = 0;
  // A new trace can live at the old one's address: start the analysis over explicitly.
  packets_ = proto::TcpFlowAnalyzer{};
}

bool AppState::open_lesson(std::string_view id, bool play) {
  lesson::Lesson* found = catalog_.find(id);
  if (found == nullptr) {
    add_error(fmt::format("There is no lesson \"{}\" (see the lesson list).", id));
    return false;
  }
  retire_run();
  lesson_id_ = std::string(id);
  trace_path_.clear();
  lesson::RunOptions options;
  options.mode = play ? lesson::StepMode::Play : lesson::StepMode::Pause;
  options.speed = speed_;
  options.virtual_wire = wire_status().available;
  options.granularity = options.virtual_wire ? granularity_ : lesson::Granularity::Calls;
  options.limits = trace_limits_;
  options.params = params_;
  prompt_ = std::make_shared<view::CheckpointPrompt>();
  if (ask_checkpoints_) {
    options.checkpoint_asker = [prompt = prompt_](const lesson::Checkpoint& c) { return prompt->ask(c); };
  }
  try {
    run_ = std::make_unique<lesson::LessonRun>(*found, options);
  } catch (const std::exception& e) {
    add_error(fmt::format("Could not start lesson {}: {}", id, e.what()));
    show_trace(nullptr);
    return false;
  }
  last_run_state_ = lesson::RunState::Running;
  show_trace(run_->trace());

  narration_.clear();
  auto promise = std::make_shared<std::promise<std::string>>();
  pending_narration_ = promise->get_future();
  jobs_.post([promise, file = run_->info().narration] { promise->set_value(lesson::read_narration(file)); });
  view::app_log().info("lesson {} started ({})", id, play ? "playing" : "paused");
  return true;
}

bool AppState::live() const { return run_ != nullptr && !run_->done(); }

bool AppState::playing() const {
  if (live()) return run_->stepper().mode() == lesson::StepMode::Play;
  return replay_playing_;
}

void AppState::play() {
  if (live()) {
    run_->stepper().play();
    return;
  }
  if (trace_ == nullptr) return;
  if (cursor_at_end()) cursor_ = 0;
  replay_playing_ = true;
  replay_next_ = std::chrono::steady_clock::now();
}

void AppState::pause() {
  if (live()) {
    run_->stepper().pause();
    return;
  }
  replay_playing_ = false;
}

void AppState::step() {
  if (live()) {
    auto& stepper = run_->stepper();
    if (stepper.mode() == lesson::StepMode::Play) stepper.pause();
    stepper.step();
    return;
  }
  if (trace_ == nullptr) return;
  replay_playing_ = false;
  cursor_ = next_call_limit(visible_limit());
}

void AppState::step_back() {
  if (live() || trace_ == nullptr) return;
  replay_playing_ = false;
  cursor_ = previous_call_limit(visible_limit());
}

void AppState::restart() {
  if (run_ != nullptr && !lesson_id_.empty()) {
    const bool was_playing = live() ? playing() : last_run_state_ == lesson::RunState::Finished;
    open_lesson(lesson_id_, was_playing);
    return;
  }
  if (trace_ != nullptr) {
    cursor_ = 0;
    replay_playing_ = false;
  }
}

void AppState::set_speed(double speed) {
  speed_ = speed > 0 ? speed : lesson::Stepper::kUnpaced;
  if (run_ != nullptr) run_->stepper().set_speed(speed_);
}

void AppState::set_granularity(lesson::Granularity granularity) {
  granularity_ = granularity;
  if (run_ != nullptr && run_->wire() != nullptr) run_->stepper().set_granularity(granularity);
}

const wire::TierStatus& AppState::wire_status() const {
  return wire::probe_once().status(wire::Tier::VirtualWire);
}

std::size_t AppState::held_packets() const {
  return live() ? run_->stepper().held_frames() : 0;
}

std::size_t AppState::visible_limit() const {
  if (trace_ == nullptr) return 0;
  const std::size_t size = trace_->size();
  return cursor_ ? std::min(*cursor_, size) : size;
}

bool AppState::cursor_at_end() const { return trace_ == nullptr || visible_limit() >= trace_->size(); }

void AppState::scrub_to(std::size_t limit) {
  if (trace_ == nullptr || live()) return;
  replay_playing_ = false;
  cursor_ = std::min(limit, trace_->size());
}

std::size_t AppState::next_call_limit(std::size_t from) const {
  const std::size_t size = trace_->size();
  for (std::size_t i = from; i < size; ++i) {
    if ((*trace_)[i].kind == trace::EventKind::SocketCall) return i + 1;
  }
  return size;
}

std::size_t AppState::previous_call_limit(std::size_t from) const {
  // The last call shown is at the end of what is visible; go to the one before it.
  std::size_t i = std::min(from, trace_->size());
  bool skipped_current = false;
  while (i > 0) {
    --i;
    if ((*trace_)[i].kind != trace::EventKind::SocketCall) continue;
    if (skipped_current) return i + 1;
    skipped_current = true;
  }
  return 0;
}

bool AppState::packet_next() const {
  return live() && run_->stepper().granularity() == lesson::Granularity::Frames && run_->stepper().held_frames() > 0;
}

std::optional<net::PendingCall> AppState::pending() const {
  if (!live()) return std::nullopt;
  return run_->stepper().next();
}

void AppState::open_trace_async(const std::filesystem::path& path) {
  if (pending_load_.valid()) {
    add_error("Still opening the previous file.");
    return;
  }
  auto promise = std::make_shared<std::promise<capture::LoadedTrace>>();
  pending_load_ = promise->get_future();
  pending_load_path_ = path;
  // load_trace_file_any reports bad files in its result; anything else still reaches the GUI.
  jobs_.post([promise, path] {
    try {
      promise->set_value(capture::load_trace_file_any(path));
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
}

void AppState::save_trace_async(const std::filesystem::path& path) {
  if (trace_ == nullptr) {
    add_error("Nothing to save yet: open a lesson or a trace first.");
    return;
  }
  ++saving_;
  jobs_.post([trace = trace_, path, outbox = outbox_] {
    std::string error;
    const std::size_t events = trace->size();
    try {
      trace::save_trace_file(*trace, path);
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(outbox->mutex);
    if (error.empty()) {
      outbox->notices.push_back(fmt::format("Saved {} events to {}", events, path.string()));
    } else {
      outbox->errors.push_back(fmt::format("Could not save the trace to {}: {}", path.string(), error));
    }
    ++outbox->finished;
  });
}

void AppState::save_pcapng_async(const std::filesystem::path& path) {
  if (trace_ == nullptr) {
    add_error("Nothing to save yet: open a lesson or a trace first.");
    return;
  }
  ++saving_;
  jobs_.post([trace = trace_, path, outbox = outbox_] {
    std::string error;
    capture::PcapngWriteSummary saved;
    try {
      saved = capture::save_pcapng_file(*trace, path);
    } catch (const std::exception& e) {
      error = e.what();
    }
    std::lock_guard lock(outbox->mutex);
    if (error.empty()) {
      outbox->notices.push_back(fmt::format("Saved {} packets to {}", saved.packets, path.string()));
    } else {
      outbox->errors.push_back(fmt::format("Could not save the packets to {}: {}", path.string(), error));
    }
    ++outbox->finished;
  });
}

void AppState::save_progress_async() {
  ++saving_;
  jobs_.post([path = progress_.path(), text = progress_.to_json_text(), outbox = outbox_] {
    std::string error;
    const bool ok = view::ProgressStore::write_text(path, text, &error);
    std::lock_guard lock(outbox->mutex);
    if (!ok) {
      view::app_log().warn("could not save progress to {}: {}", path.string(), error);
      outbox->errors.push_back(fmt::format("Could not save progress to {}: {}", path.string(), error));
    }
    ++outbox->finished;
  });
}

void AppState::add_error(std::string message) {
  view::app_log().warn("{}", message);
  errors_.push_back(std::move(message));
  if (errors_.size() > 8) errors_.erase(errors_.begin());
}

void AppState::index_notes() {
  const std::size_t size = trace_ != nullptr ? trace_->size() : 0;
  for (std::size_t i = notes_scanned_; i < size; ++i) {
    // Only the lesson's own notes are narration cues; an actor's note reports a measurement, and
    // a checkpoint note is a question, not an anchor.
    const trace::Event& e = (*trace_)[i];
    if (e.kind == trace::EventKind::Note && trace_->lane_name(e.lane) == "lesson" && !lesson::is_checkpoint_note(e)) {
      notes_.push_back(i);
    }
  }
  notes_scanned_ = size;
}

bool AppState::answer_waits(std::string_view checkpoint_id) const {
  if (!live()) return false;
  const auto& records = checkpoints_.records();
  return std::none_of(records.begin(), records.end(), [&](const lesson::CheckpointRecord& r) {
    return r.found && r.checkpoint.id == checkpoint_id;
  });
}

bool AppState::update() {
  bool changed = false;

  if (ready(pending_load_)) {
    changed = true;
    try {
      capture::LoadedTrace loaded = pending_load_.get();
      const bool opened = loaded.trace != nullptr;
      if (opened) {
        retire_run();
        lesson_id_.clear();
        narration_.clear();
        trace_path_ = pending_load_path_;
        show_trace(std::move(loaded.trace));
        notice_ = fmt::format("Opened {} ({} events; {})", trace_path_.string(), trace_->size(), loaded.summary);
      }
      if (!loaded.error.empty()) {
        const std::string path = pending_load_path_.string();
        add_error(opened ? fmt::format("{} is damaged; showing what was read before it: {}", path, loaded.error)
                         : fmt::format("Could not open {}: {}", path, loaded.error));
      }
    } catch (const std::exception& e) {
      add_error(fmt::format("Could not open {}: {}", pending_load_path_.string(), e.what()));
    }
  }
  if (ready(pending_narration_)) {
    narration_ = pending_narration_.get();
    changed = true;
  }
  {
    std::lock_guard lock(outbox_->mutex);
    for (auto& error : outbox_->errors) add_error(std::move(error));
    outbox_->errors.clear();
    if (!outbox_->notices.empty()) notice_ = outbox_->notices.back();
    outbox_->notices.clear();
    saving_ -= outbox_->finished;
    if (outbox_->finished > 0) changed = true;
    outbox_->finished = 0;
  }

  if (run_ != nullptr) {
    const auto state = run_->state();
    if (state != last_run_state_) {
      last_run_state_ = state;
      changed = true;
      if (state == lesson::RunState::Finished) {
        progress_.mark_completed(lesson_id_);
        save_progress_async();
        notice_ = "Lesson finished: step back or drag on the time axis to replay it.";
        view::app_log().info("lesson {} finished", lesson_id_);
      } else if (state == lesson::RunState::Failed) {
        add_error("The lesson failed: " + run_->error());
      }
    }
  }

  const std::size_t size = trace_ != nullptr ? trace_->size() : 0;
  if (size != last_size_) {
    last_size_ = size;
    index_notes();
    checkpoints_.update(*trace_);  // only the new events: O(new events)
    packets_.update(*trace_);  // only the new events: O(new packets)
    changed = true;
  }

  if (replay_playing_ && trace_ != nullptr) {
    changed = true;
    const auto now = std::chrono::steady_clock::now();
    if (speed_ == lesson::Stepper::kUnpaced) {
      cursor_.reset();
      replay_playing_ = false;
    } else if (now >= replay_next_) {
      cursor_ = next_call_limit(visible_limit());
      replay_next_ = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(kBaseInterval / speed_);
      if (cursor_at_end()) replay_playing_ = false;
    }
  }

  // The live cue: the last narration note at or before what is shown.
  const std::size_t limit = visible_limit();
  auto after = std::lower_bound(notes_.begin(), notes_.end(), limit);
  std::string anchor;
  if (after != notes_.begin()) anchor = std::string((*trace_)[*std::prev(after)].payload.text());
  if (anchor != active_anchor_) {
    active_anchor_ = std::move(anchor);
    changed = true;
    if (live() && !active_anchor_.empty() && !lesson_id_.empty()) {
      progress_.mark_checkpoint(lesson_id_, active_anchor_);
    }
  }
  return changed;
}

bool AppState::animating() const {
  return live() || replay_playing_ || file_busy() || pending_narration_.valid() || !jobs_.idle();
}

}  // namespace wirestep::gui
