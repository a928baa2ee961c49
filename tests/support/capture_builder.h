// Builds pcap and pcapng files byte by byte, in either byte order, for reader tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wirestep::testing {

// Shares no code with core/capture on purpose: the reader is checked against an independent
// reading of the formats (pcap-savefile(5), draft-ietf-opsawg-pcapng), not against itself.
class CaptureBytes {
 public:
  explicit CaptureBytes(bool big_endian = false) : big_(big_endian) {}

  CaptureBytes& u8(std::uint32_t v) {
    bytes_.push_back(static_cast<std::uint8_t>(v));
    return *this;
  }
  CaptureBytes& u16(std::uint32_t v) { return number(v, 2); }
  CaptureBytes& u32(std::uint32_t v) { return number(v, 4); }
  CaptureBytes& u64(std::uint64_t v) { return number(v, 8); }
  CaptureBytes& raw(const std::vector<std::uint8_t>& v) {
    bytes_.insert(bytes_.end(), v.begin(), v.end());
    return *this;
  }
  CaptureBytes& pad4() {
    while (bytes_.size() % 4 != 0) bytes_.push_back(0);
    return *this;
  }
  CaptureBytes& option(std::uint16_t code, std::string_view value) {
    u16(code).u16(static_cast<std::uint32_t>(value.size()));
    bytes_.insert(bytes_.end(), value.begin(), value.end());
    return pad4();
  }
  CaptureBytes& end_options() { return u16(0).u16(0); }
  bool big_endian() const { return big_; }
  std::size_t size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  CaptureBytes& number(std::uint64_t v, int size) {
    for (int i = 0; i < size; ++i) {
      const int shift = 8 * (big_ ? size - 1 - i : i);
      bytes_.push_back(static_cast<std::uint8_t>(v >> shift));
    }
    return *this;
  }
  bool big_;
  std::vector<std::uint8_t> bytes_;
};

// ---- classic pcap ----

struct PcapRecord {
  std::uint32_t seconds = 0;
  std::uint32_t fraction = 0;  // µs or ns, as the file's magic says
  std::vector<std::uint8_t> frame;
  std::uint32_t original_length = 0;  // 0: the frame's size
};

inline std::vector<std::uint8_t> pcap_file(bool big_endian, bool nanos, std::uint32_t link_type,
                                           const std::vector<PcapRecord>& records, std::uint32_t snaplen = 65535) {
  CaptureBytes w(big_endian);
  w.u32(nanos ? 0xA1B23C4D : 0xA1B2C3D4).u16(2).u16(4).u32(0).u32(0).u32(snaplen).u32(link_type);
  for (const auto& r : records) {
    const auto captured = static_cast<std::uint32_t>(r.frame.size());
    w.u32(r.seconds).u32(r.fraction).u32(captured).u32(r.original_length ? r.original_length : captured).raw(r.frame);
  }
  return w.bytes();
}

// ---- pcapng blocks, each built whole: type, length, body, length ----

inline std::vector<std::uint8_t> pcapng_block(bool big_endian, std::uint32_t type, const CaptureBytes& body) {
  CaptureBytes w(big_endian);
  const auto total = static_cast<std::uint32_t>(body.size() + 12);
  w.u32(type).u32(total).raw(body.bytes()).u32(total);
  return w.bytes();
}

// A Section Header Block; options such as {1, "comment"} or {4, "app"}.
inline std::vector<std::uint8_t> pcapng_shb(bool big_endian,
                                            const std::vector<std::pair<std::uint16_t, std::string>>& options = {}) {
  CaptureBytes body(big_endian);
  body.u32(0x1A2B3C4D).u16(1).u16(0).u64(~std::uint64_t{0});
  for (const auto& [code, value] : options) body.option(code, value);
  if (!options.empty()) body.end_options();
  return pcapng_block(big_endian, 0x0A0D0D0A, body);
}

struct IdbSpec {
  std::uint16_t link_type = 101;
  std::uint32_t snaplen = 0;
  std::string name{};
  int tsresol = -1;  // -1: option absent (microseconds)
  bool has_tsoffset = false;
  std::int64_t tsoffset = 0;
};

inline std::vector<std::uint8_t> pcapng_idb(bool big_endian, const IdbSpec& spec) {
  CaptureBytes body(big_endian);
  body.u16(spec.link_type).u16(0).u32(spec.snaplen);
  bool any = false;
  if (!spec.name.empty()) {
    body.option(2, spec.name);
    any = true;
  }
  if (spec.tsresol >= 0) {
    body.u16(9).u16(1).u8(static_cast<std::uint32_t>(spec.tsresol)).pad4();
    any = true;
  }
  if (spec.has_tsoffset) {
    body.u16(14).u16(8).u64(static_cast<std::uint64_t>(spec.tsoffset));
    any = true;
  }
  if (any) body.end_options();
  return pcapng_block(big_endian, 1, body);
}

inline std::vector<std::uint8_t> pcapng_epb(bool big_endian, std::uint32_t interface, std::uint64_t units,
                                            const std::vector<std::uint8_t>& frame,
                                            const std::vector<std::string>& comments = {},
                                            std::uint32_t original_length = 0) {
  CaptureBytes body(big_endian);
  body.u32(interface).u32(static_cast<std::uint32_t>(units >> 32)).u32(static_cast<std::uint32_t>(units));
  body.u32(static_cast<std::uint32_t>(frame.size()))
      .u32(original_length ? original_length : static_cast<std::uint32_t>(frame.size()))
      .raw(frame)
      .pad4();
  for (const auto& c : comments) body.option(1, c);
  if (!comments.empty()) body.end_options();
  return pcapng_block(big_endian, 6, body);
}

// The obsolete Packet Block (type 2): a 16-bit interface id and a drop count before the time.
inline std::vector<std::uint8_t> pcapng_opb(bool big_endian, std::uint16_t interface, std::uint64_t units,
                                            const std::vector<std::uint8_t>& frame) {
  CaptureBytes body(big_endian);
  body.u16(interface).u16(0).u32(static_cast<std::uint32_t>(units >> 32)).u32(static_cast<std::uint32_t>(units));
  body.u32(static_cast<std::uint32_t>(frame.size())).u32(static_cast<std::uint32_t>(frame.size())).raw(frame).pad4();
  return pcapng_block(big_endian, 2, body);
}

inline std::vector<std::uint8_t> pcapng_spb(bool big_endian, const std::vector<std::uint8_t>& frame,
                                            std::uint32_t original_length = 0) {
  CaptureBytes body(big_endian);
  body.u32(original_length ? original_length : static_cast<std::uint32_t>(frame.size())).raw(frame).pad4();
  return pcapng_block(big_endian, 3, body);
}

inline std::vector<std::uint8_t> concat(std::initializer_list<std::vector<std::uint8_t>> parts) {
  std::vector<std::uint8_t> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// ---- link-layer frames around an IP packet ----

inline std::vector<std::uint8_t> ethernet_frame(std::uint16_t ethertype, const std::vector<std::uint8_t>& payload,
                                                const std::vector<std::uint16_t>& vlan_tpids = {}) {
  CaptureBytes w(true);
  w.raw({0x02, 0, 0, 0, 0, 0x02}).raw({0x02, 0, 0, 0, 0, 0x01});
  for (std::size_t i = 0; i < vlan_tpids.size(); ++i) w.u16(vlan_tpids[i]).u16(100 + static_cast<std::uint32_t>(i));
  w.u16(ethertype).raw(payload);
  return w.bytes();
}

inline std::vector<std::uint8_t> sll_frame(std::uint16_t ethertype, const std::vector<std::uint8_t>& payload) {
  CaptureBytes w(true);
  w.u16(0).u16(772).u16(6).raw({0, 0, 0, 0, 0, 0, 0, 0}).u16(ethertype).raw(payload);
  return w.bytes();
}

inline std::vector<std::uint8_t> sll2_frame(std::uint16_t ethertype, const std::vector<std::uint8_t>& payload) {
  CaptureBytes w(true);
  w.u16(ethertype).u16(0).u32(1).u16(772).u8(0).u8(6).raw({0, 0, 0, 0, 0, 0, 0, 0}).raw(payload);
  return w.bytes();
}

// BSD loopback: the address family as a 4-byte number in the given byte order.
inline std::vector<std::uint8_t> loopback_frame(std::uint32_t family, bool big_endian,
                                                const std::vector<std::uint8_t>& payload) {
  CaptureBytes w(big_endian);
  w.u32(family).raw(payload);
  return w.bytes();
}

}  // namespace wirestep::testing
