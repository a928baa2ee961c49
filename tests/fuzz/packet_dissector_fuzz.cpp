// libFuzzer target: any bytes as an IP packet; dissect, summarize and fix must never misbehave.
//
// Checks the invariants the hex view and the wire rely on: every field lies inside the buffer,
// parents come before their children with consistent depths, a valid summary's payload is
// inside the buffer, and after fix_checksums() succeeds none of the packet's own checksums
// reads "incorrect" (the fixer and the verifier agree on what a correct checksum is) and a
// second fix changes nothing.
//
// Needs these core sources besides itself: core/proto/field_tree.cpp, core/trace/event.cpp
// (Address::to_string) and core/proto/packet/*.cpp; links fmt. For example:
//   clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I core \
//     tests/fuzz/packet_dissector_fuzz.cpp core/proto/packet/*.cpp core/proto/field_tree.cpp \
//     core/trace/event.cpp -lfmt -o packet_dissector_fuzz
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "proto/field_tree.h"
#include "proto/packet/checksum.h"
#include "proto/packet/packet_dissector.h"
#include "proto/packet/packet_summary.h"

namespace {

using namespace wirestep::proto;

[[noreturn]] void die(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "packet_dissector_fuzz: %s %s\n", what, detail.c_str());
  std::abort();
}

void check(bool ok, const char* what, const std::string& detail = {}) {
  if (!ok) die(what, detail);
}

void check_tree(const FieldTree& tree, std::size_t size) {
  for (std::size_t i = 0; i < tree.size(); ++i) {
    const Field& f = tree[i];
    check(std::uint64_t{f.offset} + f.length <= size, "field outside the buffer:", f.name);
    check(f.parent >= -1 && f.parent < static_cast<int>(i), "bad parent index:", f.name);
    const int depth = f.parent < 0 ? 0 : tree[static_cast<std::size_t>(f.parent)].depth + 1;
    check(f.depth == depth, "inconsistent depth:", f.name);
    check(!f.name.empty(), "field without a name");
  }
}

void check_summary(const PacketSummary& s, std::size_t size) {
  (void)describe(s);
  (void)describe(s, RelativeSeq{0x12345678u, 0x9abcdef0u});
  if (!s.valid) {
    check(s.reason != nullptr && s.reason[0] != '\0', "invalid summary without a reason");
    return;
  }
  check(s.ip_version == 4 || s.ip_version == 6, "valid summary without an IP version");
  check(std::uint64_t{s.payload_offset} + s.payload_length <= size, "payload outside the buffer");
  if (s.transport == wirestep::trace::Transport::Tcp && s.fragment_offset == 0) {
    check(s.tcp_header_length >= 20, "valid TCP summary with a short header");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy, so AddressSanitizer sees any read one byte past the end.
  std::vector<std::byte> packet(size);
  for (std::size_t i = 0; i < size; ++i) packet[i] = std::byte{data[i]};

  check_tree(dissect_packet(packet), packet.size());
  check_summary(summarize(packet), packet.size());

  std::vector<std::byte> fixed = packet;
  if (fix_checksums(fixed)) {
    const FieldTree tree = dissect_packet(fixed);
    check_tree(tree, fixed.size());
    for (const Field& f : tree.fields()) {
      // Depth 1 is the packet's own headers; deeper ones are quoted inside an ICMP error and
      // stay as received (fixing them would falsify what the router reported).
      if (f.depth != 1) continue;
      check(f.value.find("incorrect") == std::string::npos,
            "a checksum is incorrect after fix_checksums:", f.name + " " + f.value);
    }
    std::vector<std::byte> again = fixed;
    check(fix_checksums(again), "fix_checksums succeeded once but not twice");
    check(again == fixed, "fix_checksums is not idempotent");
    check(summarize(fixed).ip_version == summarize(packet).ip_version, "fix changed the version");
  }
  return 0;
}
