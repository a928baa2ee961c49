// `wirestep run LESSON`: run a lesson headless and print its live timeline.
#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "lesson/catalog.h"

namespace wirestep::cli {

struct RunCommandOptions {
  std::string lesson;
  bool step = false;     // wait for Enter before each socket call
  double speed = 1.0;    // pacing; 0 runs as fast as the machine can
  std::string trace_path;  // save the whole trace as JSON here when done
  std::string pcap_path;   // save the packets as pcapng here when done
  int clients = 20;
  // "auto": the virtual wire when this machine allows it; "wire": insist on it; "sockets".
  std::string tier = "auto";
  bool frames = false;   // with --step: Enter releases one packet on the wire, not one call
  int browser_seconds = 0;  // http-from-sockets: keep its server up for a browser this long
  std::uint64_t seed = 7;   // impairment seed: the same seed loses the same packets
  std::optional<double> loss_percent;  // unset: each lossy lesson's own default
  int window = 8;           // reliability-on-udp: the sliding window
};

// Exit code: 0 finished, 1 failed or interrupted, 2 unknown lesson.
int run_command(const lesson::Catalog& catalog, const RunCommandOptions& options,
                std::ostream& out = std::cout, std::ostream& err = std::cerr, int input_fd = 0);

}  // namespace wirestep::cli
