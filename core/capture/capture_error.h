// CaptureFormatError: a pcap or pcapng file that cannot be read (further), with where and why.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace wirestep::capture {

// Like trace::TraceFormatError, the message names the place and the problem:
// "offset 1234: block claims a length of 2147483648 bytes, but only 560 bytes are left".
class CaptureFormatError : public std::runtime_error {
 public:
  CaptureFormatError(std::uint64_t offset, const std::string& why)
      : std::runtime_error("offset " + std::to_string(offset) + ": " + why), offset_(offset), why_(why) {}

  // The byte offset in the file of the block or record that was wrong.
  std::uint64_t offset() const { return offset_; }
  const std::string& why() const { return why_; }

 private:
  std::uint64_t offset_;
  std::string why_;
};

}  // namespace wirestep::capture
