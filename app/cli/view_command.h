// `wirestep view FILE`: open a WireStep trace, pcap or pcapng file in the app.
#pragma once

#include <iostream>
#include <string>

namespace CLI {
class App;
}

namespace wirestep::cli {

struct ViewCommandOptions {
  std::string file;
  std::string svg;  // --svg OUT: write the ladder of the whole trace there instead of opening a window
};

// Declares the subcommand on app. App-wide flags (--screenshot, --presenter...) may follow the
// file: they fall through to the app.
CLI::App* add_view_command(CLI::App& app, ViewCommandOptions& options);

// Before a window opens: kExitOk when the file looks like a trace or capture; otherwise
// kExitFailure with the reason on err (the app would only show an error in an empty window).
int check_view_file(const ViewCommandOptions& options, std::ostream& err = std::cerr);

}  // namespace wirestep::cli
