// view_command: the subcommand's declaration and the check made before the app opens the file.
#include "cli/view_command.h"

#include <CLI/CLI.hpp>

#include "capture/trace_file.h"
#include "cli/exit_code.h"

namespace wirestep::cli {

CLI::App* add_view_command(CLI::App& app, ViewCommandOptions& options) {
  auto* view = app.add_subcommand("view", "Open a trace (.json) or a capture (.pcap, .pcapng) in the app");
  view->add_option("file", options.file, "The file to open")->required();
  view->add_option("--svg", options.svg, "Write the whole trace's ladder diagram as SVG to this file and exit (no display needed)");
  view->fallthrough();
  return view;
}

int check_view_file(const ViewCommandOptions& options, std::ostream& err) {
  try {
    if (capture::trace_file_kind(options.file) != capture::TraceFileKind::Unknown) return kExitOk;
    err << "wirestep: " << options.file << " is not a WireStep trace (.json), pcap or pcapng file\n";
  } catch (const std::exception& e) {
    err << "wirestep: " << e.what() << "\n";
  }
  return kExitFailure;
}

}  // namespace wirestep::cli
