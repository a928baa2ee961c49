// libFuzzer target: any bytes as a pcap or pcapng file are read without harm and survive a write and re-read.
//
// Checks: a trace always comes back; an error names an offset inside the file and says where
// in its message; every Packet event's bytes are an IP packet of the claimed size at most; and
// writing the packets as pcapng and reading that back gives the same packets, bytes, times and
// verdicts (the writer and the reader agree on every file the reader accepts).
//
// Needs wirestep_core (tests/fuzz/CMakeLists.txt links it), built with the fuzz preset.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "capture/pcap_reader.h"
#include "capture/pcapng_writer.h"

namespace {

using namespace wirestep;

[[noreturn]] void die(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "pcap_reader_fuzz: %s %s\n", what, detail.c_str());
  std::abort();
}

void check(bool ok, const char* what, const std::string& detail = {}) {
  if (!ok) die(what, detail);
}

// Small caps: an input may claim anything, and the trace must stay bounded whatever it claims.
constexpr trace::TraceLimits kLimits{.max_events = 20'000, .max_payload_bytes = 8u << 20, .keep_payload = true};

std::vector<const trace::Event*> packets(const trace::Trace& trace) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (trace[i].kind == trace::EventKind::Packet) out.push_back(&trace[i]);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // An exact-size copy, so AddressSanitizer sees any read one byte past the end.
  std::vector<std::byte> file(size);
  for (std::size_t i = 0; i < size; ++i) file[i] = std::byte{data[i]};

  const capture::CaptureReadResult first = capture::read_capture(file, kLimits);
  check(first.trace != nullptr, "no trace");
  if (first.error) {
    check(first.error->offset() <= size, "error offset beyond the file:", first.error->what());
    check(std::string(first.error->what()).rfind("offset ", 0) == 0, "error without its offset:", first.error->what());
  }
  const auto read = packets(*first.trace);
  if (first.trace->dropped_events() == 0) check(read.size() == first.packets, "packet count disagrees");
  for (const trace::Event* p : read) {
    check(p->payload.size <= p->payload_size || p->payload_size == 0, "payload longer than the packet");
    check(p->payload.size <= size, "payload longer than the file");
    check(p->payload.size == 0 || (std::to_integer<unsigned>(p->payload.data[0]) >> 4 == 4 ||
                                   std::to_integer<unsigned>(p->payload.data[0]) >> 4 == 6),
          "a packet that is not IPv4 or IPv6");
  }
  if (first.trace->dropped_events() > 0 || first.trace->dropped_payload_bytes() > 0) return 0;

  std::ostringstream out;
  capture::write_pcapng(*first.trace, out, first.epoch_unix_ns);
  const std::string written = out.str();
  const capture::CaptureReadResult second =
      capture::read_capture(std::as_bytes(std::span(written.data(), written.size())), kLimits);
  check(second.ok(), "our own file does not read back:", second.error ? second.error->what() : "");
  const auto again = packets(*second.trace);
  check(again.size() == read.size(), "the round trip changed the packet count");
  // Times come back exactly while anchor + t_ns is a time pcapng can hold (1970 onwards, 64 bits).
  const auto stamp_fits = [&](std::int64_t t_ns) {
    std::int64_t stamp = 0;
    return !__builtin_add_overflow(first.epoch_unix_ns, t_ns, &stamp) && stamp >= 0;
  };
  for (std::size_t i = 0; i < read.size(); ++i) {
    check(again[i]->payload.text() == read[i]->payload.text(), "the round trip changed a packet's bytes");
    check(again[i]->payload_size == read[i]->payload_size, "the round trip changed a packet's length");
    // A Held packet written alone is a packet left on the wire; everything else keeps its verdict.
    check(again[i]->verdict == read[i]->verdict, "the round trip changed a verdict");
    if (first.epoch_unix_ns >= 0 && stamp_fits(read[i]->t_ns)) {
      check(again[i]->t_ns == read[i]->t_ns, "the round trip changed a time");
    }
  }
  return 0;
}
