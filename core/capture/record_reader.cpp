// RecordReader: classic pcap records and pcapng blocks (SHB, IDB, EPB, SPB, OPB; others skipped).
#include "capture/record_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>

#include "capture/capture_format.h"

namespace wirestep::capture {
namespace {

__extension__ typedef __int128 Int128;  // ns = units × 10^9 / 2^n needs more than 64 bits

// libpcap refuses larger pcap records whatever the header's snaplen says (MAXIMUM_SNAPLEN).
constexpr std::uint32_t kMaxPcapRecord = 262144;
constexpr std::uint32_t kSectionHeaderMinimum = 28;   // type, length, BOM, version, section length, length
constexpr std::uint32_t kInterfaceBlockMinimum = 20;  // + link type, reserved, snaplen
constexpr std::uint32_t kPacketBlockMinimum = 32;     // EPB/OPB: + interface, time, two lengths
constexpr std::uint32_t kSimplePacketMinimum = 16;    // + original length
constexpr std::size_t kPacketDataAt = 28;

std::size_t pad4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

std::uint32_t le32(std::span<const std::byte> b) {
  return std::to_integer<std::uint32_t>(b[0]) | std::to_integer<std::uint32_t>(b[1]) << 8 |
         std::to_integer<std::uint32_t>(b[2]) << 16 | std::to_integer<std::uint32_t>(b[3]) << 24;
}

std::uint32_t be32(std::span<const std::byte> b) {
  return std::to_integer<std::uint32_t>(b[3]) | std::to_integer<std::uint32_t>(b[2]) << 8 |
         std::to_integer<std::uint32_t>(b[1]) << 16 | std::to_integer<std::uint32_t>(b[0]) << 24;
}

std::string hex(std::span<const std::byte> bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i > 0) out += ' ';
    out += fmt::format("{:02x}", std::to_integer<unsigned>(bytes[i]));
  }
  return out;
}

// "2147483648 bytes (2.0 GiB)": the raw number for a hex editor, the size for a human.
std::string size_text(std::uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{} bytes ({:.1f} {})", bytes, value, units[unit]);
}

// Named for the person reading the error; unknown types by number, as a hex editor shows them.
std::string block_name(std::uint32_t type) {
  switch (type) {
    case kBlockSectionHeader:
      return "section header block";
    case kBlockInterfaceDescription:
      return "interface description block";
    case kBlockObsoletePacket:
      return "obsolete packet block";
    case kBlockSimplePacket:
      return "simple packet block";
    case kBlockEnhancedPacket:
      return "enhanced packet block";
    default:
      return fmt::format("block of type 0x{:08x}", type);
  }
}

std::int64_t saturate(Int128 value) {
  constexpr auto lo = std::numeric_limits<std::int64_t>::min();
  constexpr auto hi = std::numeric_limits<std::int64_t>::max();
  return value < lo ? lo : value > hi ? hi : static_cast<std::int64_t>(value);
}

// if_tsresol: bit 7 clear = 10^-n seconds per unit, set = 2^-n; if_tsoffset in seconds.
std::int64_t units_to_unix_ns(std::uint64_t units, std::uint8_t tsresol, std::int64_t offset_s) {
  Int128 ns = 0;
  const unsigned n = tsresol & 0x7F;
  if ((tsresol & 0x80) != 0) {
    ns = (Int128{units} * 1'000'000'000) >> n;  // < 2^94 before the shift: never overflows
  } else if (n <= 9) {
    Int128 scale = 1;
    for (unsigned i = n; i < 9; ++i) scale *= 10;
    ns = Int128{units} * scale;
  } else if (n - 9 < 20) {  // 10^20 exceeds any 64-bit count: finer units round to 0 ns
    Int128 scale = 1;
    for (unsigned i = 9; i < n; ++i) scale *= 10;
    ns = Int128{units} / scale;
  }
  return saturate(ns + Int128{offset_s} * 1'000'000'000);
}

}  // namespace

bool looks_like_capture(std::span<const std::byte> first) {
  if (first.size() < 4) return false;
  const std::uint32_t little = le32(first);
  const std::uint32_t big = be32(first);
  for (const std::uint32_t magic : {kPcapMagicMicros, kPcapMagicNanos}) {
    if (little == magic || big == magic) return true;
  }
  return little == kBlockSectionHeader;
}

RecordReader::RecordReader(ByteSource& source) : source_(source) { open(); }

bool RecordReader::fail(std::uint64_t offset, std::string why) {
  if (!error_) error_.emplace(offset, why);
  done_ = true;
  return false;
}

std::uint16_t RecordReader::u16(std::size_t at) const {
  if (at + 2 > block_.size()) return 0;
  const auto a = std::to_integer<std::uint16_t>(block_[at]);
  const auto b = std::to_integer<std::uint16_t>(block_[at + 1]);
  return static_cast<std::uint16_t>(big_endian_ ? (a << 8 | b) : (b << 8 | a));
}

std::uint32_t RecordReader::u32(std::size_t at) const {
  if (at + 4 > block_.size()) return 0;
  const std::span<const std::byte> bytes(block_.data() + at, 4);
  return big_endian_ ? be32(bytes) : le32(bytes);
}

void RecordReader::open() {
  const std::uint64_t size = source_.size();
  if (size == 0) {
    fail(0, "the file is empty");
    return;
  }
  std::array<std::byte, 4> magic{};
  if (size < magic.size() || !source_.read(0, magic)) {
    fail(0, fmt::format("only {} bytes: too short for a pcap or pcapng file", size));
    return;
  }
  if (le32(magic) == kBlockSectionHeader) {
    format_ = CaptureFormat::Pcapng;
    return;  // the section header is read as the first block
  }
  const std::uint32_t little = le32(magic);
  const std::uint32_t big = be32(magic);
  if (little == kPcapMagicMicros || little == kPcapMagicNanos) {
    big_endian_ = false;
    nanos_ = little == kPcapMagicNanos;
  } else if (big == kPcapMagicMicros || big == kPcapMagicNanos) {
    big_endian_ = true;
    nanos_ = big == kPcapMagicNanos;
  } else {
    fail(0, fmt::format("not a pcap or pcapng file (it starts with {})", hex(magic)));
    return;
  }
  format_ = CaptureFormat::Pcap;
  if (size < kPcapFileHeaderSize) {
    fail(0, fmt::format("the pcap file header is cut short: the file ends after {} of its {} bytes", size,
                        kPcapFileHeaderSize));
    return;
  }
  block_.resize(kPcapFileHeaderSize);
  if (!source_.read(0, block_)) {
    fail(0, "the pcap file header could not be read");
    return;
  }
  const std::uint16_t major = u16(4);
  if (major != 2) {
    fail(4, fmt::format("pcap version {}.{}: WireStep reads version 2", major, u16(6)));
    return;
  }
  // The link type's upper bits may carry FCS information (pcap-savefile(5)); the type is below.
  interfaces_.push_back(CaptureInterface{u32(20) & 0xFFFF, u32(16), "", 0});
  clocks_.push_back(Clock{static_cast<std::uint8_t>(nanos_ ? 9 : 6), 0});
  position_ = kPcapFileHeaderSize;
}

const CaptureRecord* RecordReader::next() {
  if (done_) return nullptr;
  const bool got = format_ == CaptureFormat::Pcap ? next_pcap() : next_pcapng();
  return got ? &record_ : nullptr;
}

bool RecordReader::next_pcap() {
  const std::uint64_t size = source_.size();
  if (position_ >= size) {
    done_ = true;
    return false;
  }
  const std::uint64_t left = size - position_;
  if (left < kPcapRecordHeaderSize) {
    return fail(position_, fmt::format("packet record header cut short: the file ends after {} of its {} bytes", left,
                                       kPcapRecordHeaderSize));
  }
  block_.resize(kPcapRecordHeaderSize);
  if (!source_.read(position_, block_)) return fail(position_, "packet record header could not be read");
  const std::uint32_t seconds = u32(0);
  const std::uint32_t fraction = u32(4);
  const std::uint32_t captured = u32(8);
  const std::uint32_t original = u32(12);
  const std::uint64_t room = left - kPcapRecordHeaderSize;
  if (captured > room) {
    return fail(position_, fmt::format("packet record claims {} captured, but only {} are left in the file",
                                       size_text(captured), size_text(room)));
  }
  const std::uint32_t snaplen = interfaces_.front().snaplen;
  if (captured > std::max(snaplen, kMaxPcapRecord)) {
    return fail(position_, fmt::format("packet record claims {} captured, more than the file's snapshot "
                                       "length ({}) allows",
                                       size_text(captured), snaplen));
  }
  block_.resize(captured);
  if (!source_.read(position_ + kPcapRecordHeaderSize, block_)) {
    return fail(position_, "packet record could not be read");
  }
  record_.offset = position_;
  record_.interface = 0;
  record_.unix_ns = saturate(Int128{seconds} * 1'000'000'000 + Int128{fraction} * (nanos_ ? 1 : 1000));
  record_.original_length = std::max(original, captured);
  record_.frame = block_;
  record_.comments.clear();
  position_ += kPcapRecordHeaderSize + captured;
  return true;
}

bool RecordReader::next_pcapng() {
  for (;;) {
    const std::uint64_t size = source_.size();
    if (position_ >= size) {
      done_ = true;
      return false;
    }
    const std::uint64_t offset = position_;
    const std::uint64_t left = size - offset;
    if (left < kBlockOverhead) {
      return fail(offset, fmt::format("block cut short: the file ends after {} of the {} bytes every block has", left,
                                      kBlockOverhead));
    }
    std::array<std::byte, 4> type_bytes{};
    if (!source_.read(offset, type_bytes)) return fail(offset, "block header could not be read");
    // The section header type reads the same in both byte orders; its body says which order follows.
    if (le32(type_bytes) == kBlockSectionHeader) {
      if (!section_header(offset)) return false;
      continue;
    }
    const std::uint32_t type = big_endian_ ? be32(type_bytes) : le32(type_bytes);
    if (!read_block(offset, type)) return false;
    position_ = offset + block_.size();
    if (type == kBlockInterfaceDescription) {
      if (!interface_block(offset)) return false;
    } else if (type == kBlockEnhancedPacket || type == kBlockObsoletePacket || type == kBlockSimplePacket) {
      return packet_block(offset, type);
    }
    // Anything else (name resolution, statistics, decryption secrets, custom) is skipped by length.
  }
}

// Reads the block at offset into block_ after checking its length against the file.
bool RecordReader::read_block(std::uint64_t offset, std::uint32_t type) {
  const std::uint64_t left = source_.size() - offset;
  std::array<std::byte, 4> length_bytes{};
  if (!source_.read(offset + 4, length_bytes)) return fail(offset, "block length could not be read");
  const std::uint32_t length = big_endian_ ? be32(length_bytes) : le32(length_bytes);
  const std::uint32_t minimum = type == kBlockSectionHeader ? kSectionHeaderMinimum : kBlockOverhead;
  const std::string name = block_name(type);
  if (length < minimum) {
    return fail(offset,
                fmt::format("{} claims a length of {} bytes, less than the {} it needs", name, length, minimum));
  }
  if (length % 4 != 0) {
    return fail(offset, fmt::format("{} claims a length of {} bytes, not a multiple of 4", name, length));
  }
  if (length > left) {
    return fail(offset, fmt::format("{} claims a length of {}, but only {} are left in the file", name,
                                    size_text(length), size_text(left)));
  }
  block_.resize(length);
  if (!source_.read(offset, block_)) return fail(offset, fmt::format("{} could not be read", name));
  const std::uint32_t trailing = u32(length - 4);
  if (trailing != length) {
    return fail(offset, fmt::format("{} ends with length {}, but starts with length {}", name, trailing, length));
  }
  return true;
}

bool RecordReader::section_header(std::uint64_t offset) {
  std::array<std::byte, 4> order{};
  if (!source_.read(offset + 8, order)) return fail(offset, "section header cut short before its byte-order magic");
  if (le32(order) == kByteOrderMagic) {
    big_endian_ = false;
  } else if (be32(order) == kByteOrderMagic) {
    big_endian_ = true;
  } else {
    return fail(offset, fmt::format("section header without the byte-order magic 1a2b3c4d (found {})", hex(order)));
  }
  if (!read_block(offset, kBlockSectionHeader)) return false;
  const std::uint16_t major = u16(12);
  if (major != 1) return fail(offset, fmt::format("pcapng version {}.{}: WireStep reads version 1", major, u16(14)));
  if (offset > 0) ++section_;  // a later section: its interfaces are numbered afresh
  section_first_interface_ = interfaces_.size();
  position_ = offset + block_.size();
  return options(offset, 24, kBlockSectionHeader, nullptr);
}

bool RecordReader::interface_block(std::uint64_t offset) {
  if (block_.size() < kInterfaceBlockMinimum) {
    return fail(offset, fmt::format("interface description block of {} bytes is shorter than the {} it needs",
                                    block_.size(), kInterfaceBlockMinimum));
  }
  CaptureInterface interface { u16(8), u32(12), "", section_ };
  clocks_.push_back(Clock{});
  if (!options(offset, 16, kBlockInterfaceDescription, &interface)) return false;
  interfaces_.push_back(std::move(interface));
  return true;
}

bool RecordReader::packet_block(std::uint64_t offset, std::uint32_t type) {
  const std::size_t in_section = interfaces_.size() - section_first_interface_;
  const char* name = type == kBlockSimplePacket     ? "simple packet block"
                     : type == kBlockObsoletePacket ? "obsolete packet block"
                                                    : "enhanced packet block";
  const std::uint32_t minimum = type == kBlockSimplePacket ? kSimplePacketMinimum : kPacketBlockMinimum;
  if (block_.size() < minimum) {
    return fail(offset, fmt::format("{} of {} bytes is shorter than the {} it needs", name, block_.size(), minimum));
  }
  record_.comments.clear();
  record_.offset = offset;
  std::size_t data_at = 0;
  std::uint32_t captured = 0;
  std::uint32_t original = 0;
  std::uint32_t local_interface = 0;
  if (type == kBlockSimplePacket) {
    // No interface, time or captured length: interface 0, the previous packet's time, and as
    // many bytes as the packet had, the snapshot length allowed and the block holds.
    data_at = 12;
    original = u32(8);
    captured = std::min<std::uint32_t>(original, static_cast<std::uint32_t>(block_.size() - kSimplePacketMinimum));
    if (in_section > 0) {
      const std::uint32_t snaplen = interfaces_[section_first_interface_].snaplen;
      if (snaplen != 0) captured = std::min(captured, snaplen);
    }
  } else {
    local_interface = type == kBlockObsoletePacket ? u16(8) : u32(8);
    data_at = kPacketDataAt;
    captured = u32(20);
    original = u32(24);
    const std::size_t room = block_.size() - kPacketBlockMinimum;
    if (captured > room) {
      return fail(offset, fmt::format("{} claims {} captured, but the block holds only {}", name, size_text(captured),
                                      size_text(room)));
    }
  }
  if (local_interface >= in_section) {
    return fail(offset, fmt::format("{} names interface {}, but its section describes {} interface(s)", name,
                                    local_interface, in_section));
  }
  record_.interface = static_cast<std::uint32_t>(section_first_interface_ + local_interface);
  const Clock& clock = clocks_[record_.interface];
  if (type != kBlockSimplePacket) {
    const std::uint64_t units = std::uint64_t{u32(12)} << 32 | u32(16);
    record_.unix_ns = units_to_unix_ns(units, clock.tsresol, clock.offset_s);
  }
  record_.original_length = std::max(original, captured);
  record_.frame = std::span<const std::byte>(block_).subspan(data_at, captured);
  if (type != kBlockSimplePacket) {
    const std::size_t options_at = std::min(data_at + pad4(captured), block_.size() - 4);
    if (!options(offset, options_at, type, nullptr)) return false;
  }
  return true;
}

bool RecordReader::options(std::uint64_t block_offset, std::size_t at, std::uint32_t type,
                           CaptureInterface* interface) {
  const std::size_t end = block_.size() - 4;  // the trailing length
  while (at + 4 <= end) {
    const std::uint16_t code = u16(at);
    const std::uint16_t length = u16(at + 2);
    if (code == kOptEnd) break;
    const std::size_t value = at + 4;
    if (length > end - value) {
      return fail(block_offset, fmt::format("option {} at byte {} of the block claims {} bytes, past the block's end",
                                            code, at, length));
    }
    const std::string_view text(reinterpret_cast<const char*>(block_.data() + value), length);
    if (code == kOptComment) {
      if (type == kBlockSectionHeader) section_comments_.emplace_back(text);
      if (type == kBlockEnhancedPacket || type == kBlockObsoletePacket) record_.comments.emplace_back(text);
    } else if (type == kBlockSectionHeader && code == kShbUserApplication) {
      applications_.emplace_back(text);
    } else if (interface != nullptr && code == kIfName) {
      interface->name = std::string(text);
    } else if (interface != nullptr && code == kIfTsResol && length == 1) {
      clocks_.back().tsresol = std::to_integer<std::uint8_t>(block_[value]);
    } else if (interface != nullptr && code == kIfTsOffset && length == 8) {
      const std::uint64_t first = u32(value);
      const std::uint64_t second = u32(value + 4);
      clocks_.back().offset_s = static_cast<std::int64_t>(big_endian_ ? first << 32 | second : second << 32 | first);
    }
    at = value + pad4(length);
  }
  return true;
}

}  // namespace wirestep::capture
