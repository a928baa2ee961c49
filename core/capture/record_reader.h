// RecordReader: walks the packet records of a classic pcap or a pcapng file, checking every length.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "capture/byte_source.h"
#include "capture/capture_error.h"

namespace wirestep::capture {

enum class CaptureFormat { Pcap, Pcapng };

// One capture interface: a pcapng Interface Description Block, or a classic pcap's header.
struct CaptureInterface {
  std::uint32_t link_type = 0;
  std::uint32_t snaplen = 0;  // 0 = no limit
  std::string name;           // if_name; empty when the file gives none
  std::uint64_t section = 0;  // which pcapng section it belongs to (0 for pcap)
};

// One packet as the file stores it. frame and comments stay valid until the next next().
struct CaptureRecord {
  std::uint64_t offset = 0;           // of its record or block in the file
  std::uint32_t interface = 0;        // index into RecordReader::interfaces()
  std::int64_t unix_ns = 0;           // capture time, nanoseconds since 1970 (UTC)
  std::uint32_t original_length = 0;  // on the wire; frame may be shorter (snaplen)
  std::span<const std::byte> frame;   // the captured bytes, link-layer header included
  std::vector<std::string> comments;  // pcapng opt_comment options, in file order
};

// Reads nothing it has not checked against the file's size first, so allocations stay within
// the file and a corrupt length becomes an error, not a crash. After an error next() returns
// nullopt for good; everything returned before it was fully checked.
class RecordReader {
 public:
  explicit RecordReader(ByteSource& source);

  // The next packet record; nullptr at the end of the file or at an error (see error()).
  const CaptureRecord* next();

  const std::optional<CaptureFormatError>& error() const { return error_; }
  CaptureFormat format() const { return format_; }
  const std::vector<CaptureInterface>& interfaces() const { return interfaces_; }
  // shb_comment and shb_userappl of every section read so far.
  const std::vector<std::string>& section_comments() const { return section_comments_; }
  const std::vector<std::string>& applications() const { return applications_; }

 private:
  void open();
  bool next_pcap();
  bool next_pcapng();
  bool read_block(std::uint64_t offset, std::uint32_t type);
  bool section_header(std::uint64_t offset);
  bool interface_block(std::uint64_t offset);
  bool packet_block(std::uint64_t offset, std::uint32_t type);
  bool options(std::uint64_t block_offset, std::size_t from, std::uint32_t type, CaptureInterface* interface);
  bool fail(std::uint64_t offset, std::string why);
  std::uint16_t u16(std::size_t at) const;
  std::uint32_t u32(std::size_t at) const;

  ByteSource& source_;
  CaptureFormat format_ = CaptureFormat::Pcap;
  std::optional<CaptureFormatError> error_;
  bool done_ = false;
  std::uint64_t position_ = 0;
  bool big_endian_ = false;  // of the current pcap file or pcapng section
  bool nanos_ = false;       // classic pcap: ns timestamps instead of µs

  std::vector<CaptureInterface> interfaces_;
  std::size_t section_first_interface_ = 0;  // pcapng interface ids count from here
  std::uint64_t section_ = 0;
  // Per interface: how its timestamps become nanoseconds.
  struct Clock {
    std::uint8_t tsresol = 6;   // if_tsresol: default microseconds
    std::int64_t offset_s = 0;  // if_tsoffset
  };
  std::vector<Clock> clocks_;
  std::vector<std::string> section_comments_;
  std::vector<std::string> applications_;

  std::vector<std::byte> block_;  // the current block's bytes
  CaptureRecord record_;
};

// Whether these first bytes start a pcap or pcapng file.
bool looks_like_capture(std::span<const std::byte> first_bytes);

}  // namespace wirestep::capture
