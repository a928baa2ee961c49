// `wirestep doctor`: which capture tier this machine gives, why, and how to get the next.
#pragma once

#include <iostream>

#include "wire/wire_probe.h"

namespace wirestep::cli {

// Prints every tier with its reason and what would enable it. Exit 0 always: a machine with
// only the socket tier is a supported machine, not an error.
int doctor_command(const wire::ProbeResult& result, std::ostream& out = std::cout);

}  // namespace wirestep::cli
