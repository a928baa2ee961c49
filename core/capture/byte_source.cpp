// MemorySource and FileSource: bounds-checked reads at an offset.
#include "capture/byte_source.h"

#include <cerrno>
#include <cstring>
#include <system_error>

namespace wirestep::capture {

bool MemorySource::read(std::uint64_t offset, std::span<std::byte> out) {
  if (offset > bytes_.size() || out.size() > bytes_.size() - offset) return false;
  if (!out.empty()) std::memcpy(out.data(), bytes_.data() + offset, out.size());
  return true;
}

FileSource::FileSource(const std::filesystem::path& path) : in_(path, std::ios::binary) {
  if (!in_) throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) throw std::system_error(error, "cannot read the size of " + path.string());
  size_ = size;
}

bool FileSource::read(std::uint64_t offset, std::span<std::byte> out) {
  if (offset > size_ || out.size() > size_ - offset) return false;
  if (out.empty()) return true;
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  in_.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  // A file that shrank while it was read ends short: reported like a cut-off file.
  return static_cast<std::size_t>(in_.gcount()) == out.size();
}

}  // namespace wirestep::capture
