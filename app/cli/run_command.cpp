// run_command: drives a LessonRun, prints each event as it lands, feeds Enter presses to the stepper.
#include "cli/run_command.h"

#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "capture/pcapng_writer.h"
#include "cli/event_line.h"
#include "cli/exit_code.h"
#include "cli/terminal_answers.h"
#include "lesson/checkpoint.h"
#include "lesson/lesson_run.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace_json.h"
#include "wire/wire_probe.h"

namespace wirestep::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

// Reads lines from input_fd; every line is one step. At end of input the steps already typed
// are used up and then the lesson plays on, so a piped or closed stdin never leaves a run
// waiting forever.
void read_steps(std::stop_token stop, int input_fd, lesson::Stepper& stepper, TerminalAnswers& answers) {
  std::string line;
  while (!stop.stop_requested()) {
    pollfd fd{input_fd, POLLIN, 0};
    const int ready = ::poll(&fd, 1, 100);
    if (ready <= 0) continue;
    char buffer[256];
    const auto n = ::read(input_fd, buffer, sizeof buffer);
    if (n <= 0) {
      answers.close();
      while (stepper.pending_steps() > 0 && !stepper.cancelled() && !stop.stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      stepper.play();
      return;
    }
    for (ssize_t i = 0; i < n; ++i) {
      if (buffer[i] != '\n') {
        line += buffer[i];
        continue;
      }
      if (!answers.offer_line(std::exchange(line, std::string()))) stepper.step();
    }
  }
}

}  // namespace

int run_command(const lesson::Catalog& catalog, const RunCommandOptions& options,
                std::ostream& out, std::ostream& err, int input_fd) {
  lesson::Lesson* chosen = catalog.find(options.lesson);
  if (chosen == nullptr) {
    err << "wirestep: no lesson called '" << options.lesson << "'. These exist:\n";
    for (const auto& entry : catalog.lessons()) err << "  " << entry->info().id << "\n";
    return kExitUsage;
  }
  // Fail before running, not after: a teacher recording a run should not lose it at the end.
  const std::pair<const std::string&, const char*> outputs[] = {{options.trace_path, "the trace"},
                                                                {options.pcap_path, "the packets"}};
  for (const auto& [path, what] : outputs) {
    if (path.empty()) continue;
    const auto parent = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(parent)) {
      err << "wirestep: cannot save " << what << " to " << path << ": folder " << parent.string()
          << " does not exist\n";
      return kExitUsage;
    }
  }

  // A browser on this machine can only reach loopback, not the wire's private namespaces.
  const bool for_browser = options.browser_seconds > 0;
  const bool wire_available = options.tier != "sockets" && !for_browser &&
                              wire::probe_once().status(wire::Tier::VirtualWire).available;
  if (for_browser && (options.tier == "wire" || options.frames)) {
    err << "wirestep: --browser serves on 127.0.0.1 for a browser on this machine, which cannot\n"
        << "  reach the virtual wire's hosts; drop --tier wire / --frames\n";
    return kExitUsage;
  }
  if (options.tier == "wire" && !wire_available) {
    const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
    err << "wirestep: the virtual wire is not available here: " << status.reason << "\n"
        << "  to enable it: " << status.enable << "\n"
        << "  or run with --tier sockets (see `wirestep doctor`)\n";
    return kExitFailure;
  }
  if (options.frames && !wire_available) {
    err << "wirestep: --frames steps packets on the virtual wire, which is not available here;\n"
        << "  see `wirestep doctor`, or step socket calls with --step alone\n";
    return kExitFailure;
  }

  lesson::RunOptions run_options;
  run_options.virtual_wire = wire_available;
  run_options.granularity = options.frames ? lesson::Granularity::Frames : lesson::Granularity::Calls;
  run_options.mode = options.step ? lesson::StepMode::Pause : lesson::StepMode::Play;
  run_options.speed = options.speed;
  run_options.params.clients = options.clients;
  run_options.params.browser_seconds = options.browser_seconds;
  run_options.params.seed = options.seed;
  run_options.params.loss_percent = options.loss_percent;
  run_options.params.window = options.window;
  // Only a person stepping is asked; a plain run records each checkpoint unanswered.
  TerminalAnswers answers;
  if (options.step) run_options.checkpoint_asker = [&answers](const lesson::Checkpoint& c) { return answers.ask(c); };

  g_interrupted.store(false);
  auto previous_handler = std::signal(SIGINT, on_interrupt);

  const auto info = chosen->info();
  out << "lesson " << info.id << ": " << info.title << "\n";
  out << "capture: " << (run_options.virtual_wire ? "virtual wire (every real packet)" : "socket calls")
      << "\n";
  if (options.step) {
    out << (options.frames ? "step mode: press Enter to let the next packet cross the wire\n"
                           : "step mode: press Enter to let the next socket call go\n");
  }
  out << "      time  lane      event\n" << std::flush;

  lesson::LessonRun run(*chosen, run_options);
  if (!run.wire_error().empty()) {
    out << "capture: the virtual wire could not start (" << run.wire_error()
        << "); recording socket calls only\n";
  }
  std::jthread stepper_input;
  if (options.step) {
    stepper_input = std::jthread(read_steps, input_fd, std::ref(run.stepper()), std::ref(answers));
  }

  const trace::Trace& trace = *run.trace();
  std::size_t printed = 0;
  proto::TcpFlowAnalyzer analyzer;  // relative seq/ack and what each packet means
  std::uint64_t prompted_at = ~std::uint64_t{0};
  lesson::CheckpointTracker checkpoints;
  std::size_t revealed = 0;  // checkpoints whose answer has been printed
  for (;;) {
    const bool finished = run.done();
    const std::size_t available = trace.size();
    analyzer.update(trace);
    for (; printed < available; ++printed) {
      out << event_line(trace, trace[printed], analyzer.at(printed)) << "\n";
    }
    if (const auto question = answers.take_new_question()) {
      out << "  predict: " << question->question << "\n";
      if (!question->choices.empty()) {
        out << "           choices:";
        for (const auto& choice : question->choices) out << " " << choice;
        out << "\n";
      }
      out << "           type your answer and Enter (- skips)\n";
    }
    checkpoints.update(trace);  // only the events since the last turn
    const auto& records = checkpoints.records();
    // Only once its answer's own line is on the screen: the reveal reads as its consequence.
    for (; revealed < records.size() && records[revealed].found && records[revealed].found->event < printed;
         ++revealed) {
      out << "  reveal:  " << lesson::reveal_text(records[revealed]) << "\n";
    }
    if (options.step) {
      const auto next = run.stepper().next();
      const auto released = run.stepper().released();
      if (options.frames) {
        const auto frames = run.stepper().frames_released();
        if (run.stepper().held_frames() > 0 && frames != prompted_at &&
            run.stepper().mode() == lesson::StepMode::Pause) {
          out << "            next: " << run.stepper().held_frames() << " packet(s) held on the wire  [Enter]\n";
          prompted_at = frames;
        }
      } else if (next && released != prompted_at && run.stepper().mode() == lesson::StepMode::Pause) {
        out << "            next: " << trace.lane_name(next->lane) << " "
            << trace::to_string(next->call) << "()  [Enter]\n";
        prompted_at = released;
      }
    }
    out << std::flush;
    if (finished) break;
    if (g_interrupted.load()) {
      answers.close();
      out << "interrupted: stopping the lesson\n";
      run.cancel();
      continue;
    }
    trace.wait_for_more(printed, std::chrono::milliseconds(50));
  }
  stepper_input = {};
  std::signal(SIGINT, previous_handler);

  int code = kExitOk;
  switch (run.state()) {
    case lesson::RunState::Finished:
      out << "finished: " << trace.size() << " events\n";
      break;
    case lesson::RunState::Cancelled:
      out << "cancelled after " << trace.size() << " events\n";
      code = kExitFailure;
      break;
    case lesson::RunState::Failed:
      err << "wirestep: lesson " << info.id << " failed: " << run.error() << "\n";
      code = kExitFailure;
      break;
    case lesson::RunState::Running:
      break;
  }
  if (trace.dropped_events() > 0 || trace.dropped_payload_bytes() > 0) {
    out << "note: the trace's memory cap dropped " << trace.dropped_events() << " events and "
        << trace.dropped_payload_bytes() << " payload bytes\n";
  }
  if (!options.trace_path.empty()) {
    // Saved whatever the outcome: what was recorded is never thrown away.
    try {
      trace::save_trace_file(trace, options.trace_path);
      out << "trace saved to " << options.trace_path << "\n";
    } catch (const std::exception& e) {
      err << "wirestep: could not save the trace: " << e.what() << "\n";
      code = kExitFailure;
    }
  }
  if (!options.pcap_path.empty()) {
    try {
      const auto saved = capture::save_pcapng_file(trace, options.pcap_path);
      out << "packets saved to " << options.pcap_path << " (" << saved.packets << " packets)\n";
      if (saved.packets == 0 && !run_options.virtual_wire) {
        out << "note: packets are recorded on the virtual wire only; this run recorded socket calls\n";
      }
    } catch (const std::exception& e) {
      err << "wirestep: could not save the packets: " << e.what() << "\n";
      code = kExitFailure;
    }
  }
  return code;
}

}  // namespace wirestep::cli
