// libFuzzer target: any bytes as a TUN read (a VnetHeader, then a packet); the segmenter must
// never read or write outside them, and what it cuts must add up to what it was given.
//
// Input: the first 10 bytes are the header, the rest the packet. Checked: split() returns the
// number of packets it emitted and count() said; a segment that is cut gives packets that each
// start with the segment's own headers and carry at most gso_size bytes after them, whose
// payloads, put back together, are the segment's payload, between the segment's addresses and
// ports; a segment that is not cut is emitted as itself. ASan and UBSan catch the rest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "wire/offload_segmenter.h"

namespace {

using namespace wirestep::wire;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "offload_segmenter_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kVnetHeader) return 0;
  VnetHeader header;
  std::memcpy(&header, data, kVnetHeader);
  std::vector<std::byte> packet(size - kVnetHeader);
  if (!packet.empty()) std::memcpy(packet.data(), data + kVnetHeader, packet.size());
  const std::vector<std::byte> original = packet;

  const std::size_t expected = OffloadSegmenter::count(header, packet);
  OffloadSegmenter segmenter;
  std::vector<std::vector<std::byte>> out;
  const std::byte* first_data = nullptr;
  const std::size_t made = segmenter.split(header, packet, [&](std::span<std::byte> p) {
    if (first_data == nullptr) first_data = p.data();
    out.emplace_back(p.begin(), p.end());
  });
  check(made == out.size(), "split() returned a count other than what it emitted");
  check(made == expected, "split() and count() disagree");
  if (made == 1) {
    check(first_data == packet.data(), "a packet not cut must be emitted as itself");
    return 0;
  }
  check(packet == original, "cutting must leave the segment as the kernel gave it");
  // Headers: IPv4 IHL plus TCP data offset, as the segmenter read them.
  const std::size_t ip = (std::to_integer<unsigned>(original[0]) & 0x0F) * 4u;
  const std::size_t headers = ip + (std::to_integer<unsigned>(original[ip + 12]) >> 4) * 4u;
  std::vector<std::byte> payload;
  for (const auto& p : out) {
    check(p.size() > headers && p.size() <= headers + header.gso_size, "a packet larger than the MSS allows");
    check(std::memcmp(p.data() + 12, original.data() + 12, 8) == 0, "a packet with other addresses");
    check(std::memcmp(p.data() + ip, original.data() + ip, 4) == 0, "a packet with other ports");
    payload.insert(payload.end(), p.begin() + static_cast<std::ptrdiff_t>(headers), p.end());
  }
  check(payload.size() == original.size() - headers, "the packets' payloads do not add up");
  check(std::memcmp(payload.data(), original.data() + headers, payload.size()) == 0,
        "the packets' payloads are not the segment's, in order");
  return 0;
}
