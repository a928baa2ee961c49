// Plugs an ImpairmentPolicy into the virtual wire: packet bytes in, the wire's verdict out.
#pragma once

#include <memory>

#include "wire/impairment_policy.h"
#include "wire/virtual_wire.h"

namespace wirestep::wire {

// The facts the policy decides on, read from the packet's headers.
PacketFacts packet_facts(const WirePacketView& packet);

// A WirePolicy that asks `policy` about every packet and carries out its decision: drops,
// delays, duplicates, and corrupts the bytes in place (recomputing checksums when the policy
// says so). The policy is shared so a lesson or the GUI can keep a handle on it; only the wire
// thread calls it.
WirePolicy make_wire_policy(std::shared_ptr<ImpairmentPolicy> policy);

}  // namespace wirestep::wire
