// `wirestep dissect FILE`: every packet of a pcap, pcapng or trace file as its field tree, text or JSON.
#pragma once

#include <iostream>
#include <string>

namespace CLI {
class App;
}

namespace wirestep::cli {

struct DissectCommandOptions {
  std::string file;
  bool json = false;
};

// Declares the subcommand and its flags on app; main() only checks ->parsed().
CLI::App* add_dissect_command(CLI::App& app, DissectCommandOptions& options);

// Text: per packet a header line, then its fields indented by depth ("  Internet Protocol
// Version 4" / "    Source: 10.77.0.1"). JSON: {"file", "summary", "packets": [{"number",
// "t_ns", "from", "to", "verdict", "length", "captured", "fields": [{"name", "value",
// "offset", "length", "children"}]}], "error"?}. Exit code: 0 ok; 1 when the file cannot be
// read or is damaged (the packets before the damage are still printed, the error goes to err
// with the byte offset).
int dissect_command(const DissectCommandOptions& options, std::ostream& out = std::cout, std::ostream& err = std::cerr);

}  // namespace wirestep::cli
