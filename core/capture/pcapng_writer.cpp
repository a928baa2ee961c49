// write_pcapng(): little-endian pcapng blocks built in memory one at a time and streamed out.
#include "capture/pcapng_writer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <limits>
#include <map>
#include <string_view>
#include <system_error>
#include <vector>

#include "capture/capture_format.h"
#include "capture/packet_fates.h"
#include "capture/wire_comments.h"

namespace wirestep::capture {
namespace {

// One block's body. The writer always writes little-endian: the section header's byte-order
// magic tells readers so, and the same file comes out on any machine.
class Block {
 public:
  Block& u16(std::uint16_t v) { return le(v, 2); }
  Block& u32(std::uint32_t v) { return le(v, 4); }
  Block& u64(std::uint64_t v) { return le(v, 8); }
  Block& bytes(std::span<const std::byte> data) {
    body_.insert(body_.end(), data.begin(), data.end());
    return pad();
  }
  // Option values are at most 65535 bytes; longer text is cut (no WireStep comment comes near).
  Block& option(std::uint16_t code, std::string_view value) {
    value = value.substr(0, 0xFFFF);
    u16(code).u16(static_cast<std::uint16_t>(value.size()));
    return bytes(std::as_bytes(std::span(value.data(), value.size())));
  }
  Block& end_of_options() { return u16(kOptEnd).u16(0); }

  void write(std::ostream& out, std::uint32_t type) const {
    const auto total = static_cast<std::uint32_t>(body_.size() + kBlockOverhead);
    Block head;
    head.u32(type).u32(total);
    Block tail;
    tail.u32(total);
    out.write(reinterpret_cast<const char*>(head.body_.data()), static_cast<std::streamsize>(head.body_.size()));
    out.write(reinterpret_cast<const char*>(body_.data()), static_cast<std::streamsize>(body_.size()));
    out.write(reinterpret_cast<const char*>(tail.body_.data()), static_cast<std::streamsize>(tail.body_.size()));
  }

 private:
  Block& le(std::uint64_t v, int size) {
    for (int i = 0; i < size; ++i) body_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFF));
    return *this;
  }
  Block& pad() {
    while (body_.size() % 4 != 0) body_.push_back(std::byte{0});
    return *this;
  }
  std::vector<std::byte> body_;
};

constexpr std::uint8_t kNanosecondResolution = 9;  // if_tsresol: 10^-9 s per unit
constexpr std::string_view kNoSenderLane = "wire";

std::int64_t unix_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// epoch + t_ns, kept inside what a pcapng timestamp can say (unsigned, so not before 1970).
std::int64_t stamp_of(std::int64_t epoch, std::int64_t t_ns) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(epoch, t_ns, &out)) out = t_ns > 0 ? std::numeric_limits<std::int64_t>::max() : 0;
  return std::max<std::int64_t>(0, out);
}

}  // namespace

std::int64_t default_epoch_unix_ns(const trace::Trace& trace, std::size_t count) {
  count = std::min(count, trace.size());
  const std::int64_t duration = count > 0 ? trace[count - 1].t_ns : 0;
  return unix_now_ns() - duration;
}

PcapngWriteSummary write_pcapng(const trace::Trace& trace, std::ostream& out,
                                std::optional<std::int64_t> epoch_unix_ns) {
  const std::size_t count = trace.size();  // the published prefix, read once
  PcapngWriteSummary summary;
  summary.epoch_unix_ns = epoch_unix_ns ? *epoch_unix_ns : default_epoch_unix_ns(trace, count);
  const std::vector<PacketToWrite> packets = packets_to_write(trace, count);

  Block section;
  section.u32(kByteOrderMagic).u16(1).u16(0).u64(~std::uint64_t{0});  // version 1.0, length unknown
  section.option(kOptComment, anchor_comment(summary.epoch_unix_ns));
  section.option(kShbUserApplication, "WireStep " WIRESTEP_VERSION);
  section.end_of_options();
  section.write(out, kBlockSectionHeader);

  // Interfaces in order of each host's first packet; every interface block must come before
  // the first packet that names it, so they all go first.
  std::map<trace::LaneId, std::uint32_t> interface_of;
  for (const PacketToWrite& packet : packets) {
    const trace::LaneId from = trace[packet.index].from;
    if (interface_of.contains(from)) continue;
    const auto id = static_cast<std::uint32_t>(interface_of.size());
    interface_of.emplace(from, id);
    const std::string name(from == trace::kNoLane ? kNoSenderLane : trace.lane_name(from));
    Block interface;
    interface.u16(static_cast<std::uint16_t>(kLinkRaw)).u16(0).u32(0);  // snaplen 0: no limit
    interface.option(kIfName, name);
    interface.option(kIfDescription, fmt::format("IP packets host {} sent into WireStep's virtual wire", name));
    const std::byte resolution{kNanosecondResolution};
    interface.u16(kIfTsResol).u16(1).bytes(std::span(&resolution, 1));
    interface.end_of_options();
    interface.write(out, kBlockInterfaceDescription);
  }
  summary.interfaces = interface_of.size();

  for (const PacketToWrite& packet : packets) {
    const trace::Event& e = trace[packet.index];
    const std::int64_t stamp = stamp_of(summary.epoch_unix_ns, e.t_ns);
    const auto units = static_cast<std::uint64_t>(stamp);
    const auto bytes = e.payload.span();
    Block block;
    block.u32(interface_of.at(e.from))
        .u32(static_cast<std::uint32_t>(units >> 32))
        .u32(static_cast<std::uint32_t>(units & 0xFFFFFFFF))
        .u32(static_cast<std::uint32_t>(bytes.size()))
        // The trace may have kept fewer bytes than the packet had (its memory cap): say so.
        .u32(std::max<std::uint32_t>(e.payload_size, static_cast<std::uint32_t>(bytes.size())))
        .bytes(bytes);
    const auto comments = fate_comments(packet.fate);
    for (const std::string& comment : comments) block.option(kOptComment, comment);
    if (!comments.empty()) block.end_of_options();
    block.write(out, kBlockEnhancedPacket);
    ++summary.packets;
  }
  out.flush();
  return summary;
}

PcapngWriteSummary save_pcapng_file(const trace::Trace& trace, const std::filesystem::path& path,
                                    std::optional<std::int64_t> epoch_unix_ns) {
  const auto temp = std::filesystem::path(path.string() + ".tmp");
  try {
    PcapngWriteSummary summary;
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      if (!out) throw std::system_error(errno, std::generic_category(), "cannot write " + temp.string());
      summary = write_pcapng(trace, out, epoch_unix_ns);
      out.close();
      if (!out) throw std::system_error(errno ? errno : EIO, std::generic_category(), "cannot write " + temp.string());
    }
    std::filesystem::rename(temp, path);
    return summary;
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);  // nothing half-written stays behind
    throw;
  }
}

}  // namespace wirestep::capture
