// wirestep: with no command, the classroom GUI; with a command, the headless tools.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "catalog.h"
#include "cli/dissect_command.h"
#include "cli/doctor_command.h"
#include "cli/exit_code.h"
#include "cli/lessons_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/view_command.h"
#include "wire/wire_probe.h"

#ifdef WIRESTEP_HAS_GUI
#include "gui/gui_main.h"
#include "gui/ladder_export.h"
#endif

namespace {

using namespace wirestep;

// --seed for the app and for `run`: digits only, so "-1" or "7x" never wrap into a huge seed.
CLI::Validator seed_check() {
  return CLI::Validator(
      [](std::string& text) {
        const bool digits = !text.empty() && text.size() <= 19 && text.find_first_not_of("0123456789") == std::string::npos;
        return digits ? std::string() : "expects a whole number from 0 to 999999999999999999, not '" + text + "'";
      },
      "SEED");
}

bool has_display() {
  const char* x11 = std::getenv("DISPLAY");
  const char* wayland = std::getenv("WAYLAND_DISPLAY");
  return (x11 != nullptr && *x11 != '\0') || (wayland != nullptr && *wayland != '\0');
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread exists (spdlog, GLFW, lessons): a user namespace can only be entered
  // by a single-threaded process, and it is what lets a non-root user build the wire.
  wire::enter_user_namespace_if_useful();
  const lesson::Catalog catalog = lessons::make_catalog();

  CLI::App app{"WireStep: see how networks really work. Every lesson runs real sockets on this\n"
               "machine and records every call and byte. Without a command, opens the app."};
  app.set_version_flag("--version", std::string("wirestep ") + WIRESTEP_VERSION);
  app.require_subcommand(0, 1);

#ifdef WIRESTEP_HAS_GUI
  gui::GuiOptions gui_options;
  app.add_option("--lesson", gui_options.lesson, "Open this lesson at start");
  app.add_flag("--autoplay", gui_options.autoplay, "Start the lesson playing at once");
  app.add_option("--speed", gui_options.speed, "Pace: 1 = one call every 0.4 s (the default), 2 = twice as fast, 0 = no pacing")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--frames", gui_options.frames, "Quit after this many frames (with --screenshot)");
  app.add_option("--screenshot", gui_options.screenshot, "Save a PNG of the window, then quit");
  app.add_flag("--no-checkpoints", gui_options.no_checkpoints,
               "Do not stop at the lessons' predict-then-reveal questions (they are recorded unanswered)");
  app.add_option("--ladder-png", gui_options.ladder_png, "With --frames: save a PNG of the timeline's ladder on the last frame");
  app.add_option("--open", gui_options.open_trace, "Open a saved trace (.json) or capture (.pcap, .pcapng)");
  app.add_flag("--presenter", gui_options.presenter, "Start in presenter mode (large, high contrast)");
  app.add_option("--select", gui_options.select, "Select event number N once it is recorded (for slides)");
  app.add_option("--tab", gui_options.tab, "Details tab to show first")
      ->check(CLI::IsMember({"inspector", "http", "tcp", "tcp-graph", "loss", "waits"}));
  app.add_flag("--log", gui_options.log, "Open the log console");
  app.add_option("--report", gui_options.report,
                 "On exit, write what the session ended with as JSON (for tests that drive the window)");
  app.add_flag("--step-packets", gui_options.step_packets,
               "Step one packet at a time on the virtual wire instead of one socket call");
  app.add_option("--spacing", gui_options.spacing,
                 "Timeline spacing: time (y follows the clock) or sequence (one row per event); also for view --svg")
      ->check(CLI::IsMember({"time", "sequence"}));
  // The lesson settings the browser also offers (clients, loss, seed, window), for scripted runs.
  app.add_option("--clients", gui_options.params.clients, "Concurrent clients for multi-client lessons")
      ->check(CLI::Range(1, 100));
  app.add_option("--seed", gui_options.params.seed, "Impairment seed: the same seed loses the same packets")
      ->check(seed_check());
  app.add_option("--loss", gui_options.params.loss_percent,
                 "Packet loss in percent for lossy lessons (absent: the lesson's default; 0: a perfect link)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--window", gui_options.params.window, "Sliding window of reliability-on-udp, in messages")
      ->check(CLI::Range(1, 64));
  app.add_option("--max-events", gui_options.max_events,
                 "Keep at most N events of a run; the rest are counted, not kept (default 8,000,000)")
      ->check(CLI::PositiveNumber);
#endif

  auto* lessons = app.add_subcommand("lessons", "List the lessons: id, title, summary, needs");

  cli::RunCommandOptions run_options;
  auto* run = app.add_subcommand("run", "Run a lesson headless and print its live timeline");
  run->add_option("lesson", run_options.lesson, "Lesson id (see `wirestep lessons`)")->required();
  run->add_flag("--step", run_options.step, "Wait for Enter before each socket call");
  run->add_option("--speed", run_options.speed,
                  "Pace: 1 = one call every 0.4 s, 2 = twice as fast, 0 = no pacing")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  run->add_option("--trace", run_options.trace_path, "Save the whole trace as JSON to this file");
  run->add_option("--pcap", run_options.pcap_path, "Save the packets as pcapng (for Wireshark) to this file");
  run->add_option("--tier", run_options.tier,
                  "Capture: auto (the virtual wire when this machine allows it), wire, sockets")
      ->check(CLI::IsMember({"auto", "wire", "sockets"}))
      ->capture_default_str();
  run->add_flag("--frames", run_options.frames,
                "With --step: Enter releases one packet on the virtual wire instead of one call");
  run->add_option("--clients", run_options.clients, "Concurrent clients for multi-client lessons")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  run->add_option("--browser", run_options.browser_seconds,
                  "Seconds the server of http-from-sockets keeps answering a browser after the lesson")
      ->check(CLI::Range(0, 3600));
  run->add_option("--seed", run_options.seed, "Impairment seed: the same seed loses the same packets")
      ->check(seed_check())
      ->capture_default_str();
  run->add_option("--loss", run_options.loss_percent,
                  "Packet loss in percent for lessons with a lossy link (absent: the lesson's default; 0: a perfect link)")
      ->check(CLI::Range(0.0, 100.0));
  run->add_option("--window", run_options.window, "Sliding window of reliability-on-udp, in messages")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();

  auto* doctor = app.add_subcommand(
      "doctor", "Show which capture tier this machine allows, why, and how to enable more");

  cli::ServeCommandOptions serve_options;
  auto* serve = cli::add_serve_command(app, serve_options);
  cli::DissectCommandOptions dissect_options;
  auto* dissect = cli::add_dissect_command(app, dissect_options);
  cli::ViewCommandOptions view_options;
  auto* view = cli::add_view_command(app, view_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";  // CLI11 2.1 prints it without a newline
    return cli::kExitOk;
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return cli::kExitUsage;
  }

  if (lessons->parsed()) return cli::lessons_command(catalog, std::cout);
  if (run->parsed()) return cli::run_command(catalog, run_options);
  if (serve->parsed()) return cli::serve_command(serve_options);
  if (doctor->parsed()) return cli::doctor_command(wire::probe_once());
  if (dissect->parsed()) return cli::dissect_command(dissect_options);
  if (view->parsed()) {
    if (const int code = cli::check_view_file(view_options); code != cli::kExitOk) return code;
#ifdef WIRESTEP_HAS_GUI
    if (!view_options.svg.empty()) {
      return gui::export_ladder_command(view_options.file, view_options.svg,
                                        view::parse_spacing(gui_options.spacing).value_or(view::Spacing::Time));
    }
    gui_options.open_trace = view_options.file;
#else
    std::cerr << "wirestep: this build has no app window; try `wirestep dissect " << view_options.file << "`\n";
    return cli::kExitFailure;
#endif
  }

#ifdef WIRESTEP_HAS_GUI
  if (!has_display()) {
    std::cerr << "wirestep: no display here (DISPLAY and WAYLAND_DISPLAY are unset), so the app "
                 "window cannot open.\n"
                 "Run a lesson in this terminal instead:\n"
                 "  wirestep lessons\n"
                 "  wirestep run http-is-text --step\n";
    return cli::kExitFailure;
  }
  return gui::gui_main(catalog, gui_options);
#else
  (void)has_display;
  std::cout << app.help();
  return cli::kExitOk;
#endif
}
