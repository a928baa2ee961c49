// doctor_command: the probe's findings in words a student can act on.
#include "cli/doctor_command.h"

#include "cli/exit_code.h"

namespace wirestep::cli {

int doctor_command(const wire::ProbeResult& result, std::ostream& out) {
  out << "WireStep capture tiers on this machine (best first):\n\n";
  for (const auto& status : result.tiers) {
    out << "  [" << (status.available ? "yes" : " no") << "] " << wire::to_string(status.tier) << "\n"
        << "        " << status.reason << "\n";
    if (!status.enable.empty()) out << "        to enable: " << status.enable << "\n";
  }
  out << "\nLessons will use: " << wire::to_string(result.best) << "\n";
  if (result.best == wire::Tier::VirtualWire) {
    out << "Every real IP packet of a lesson passes through WireStep and can be stepped and dropped.\n";
  } else {
    out << "Lessons record every socket call; packets the kernel sends are shown as inferred.\n";
  }
  if (result.user_namespace) out << "(running inside WireStep's own user namespace)\n";
  return kExitOk;
}

}  // namespace wirestep::cli
