// ByteSource: the bytes of a capture file, from memory or from disk, read at checked offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>

namespace wirestep::capture {

// The reader asks for each block by offset and length after checking the length against
// size(), so a corrupt length can never make it allocate more than the file holds.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Fills out with the bytes at offset; false when they are not all there.
  virtual bool read(std::uint64_t offset, std::span<std::byte> out) = 0;
};

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::span<const std::byte> bytes) : bytes_(bytes) {}
  std::uint64_t size() const override { return bytes_.size(); }
  bool read(std::uint64_t offset, std::span<std::byte> out) override;

 private:
  std::span<const std::byte> bytes_;
};

// Reads through a buffered stream: a capture can be larger than is wise to hold twice.
class FileSource final : public ByteSource {
 public:
  // Throws std::system_error when the file cannot be opened.
  explicit FileSource(const std::filesystem::path& path);
  std::uint64_t size() const override { return size_; }
  bool read(std::uint64_t offset, std::span<std::byte> out) override;

 private:
  std::ifstream in_;
  std::uint64_t size_ = 0;
};

}  // namespace wirestep::capture
