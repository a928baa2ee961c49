// MemfdBlock: memfd_create + a shared mapping; pwrite to fill, munmap to free.
#include "trace/memfd_block.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

namespace wirestep::trace {

MemfdBlock::MemfdBlock(std::size_t size)
    : fd_(::memfd_create("wirestep-payload", MFD_CLOEXEC)), size_(size) {
  // ftruncate only sets the size: the file stays sparse until it is written.
  if (!fd_ || ::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) throw std::bad_alloc();
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_.get(), 0);
  if (data == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<std::byte*>(data);
}

MemfdBlock::~MemfdBlock() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

std::byte* MemfdBlock::write(std::size_t offset, std::span<const std::byte> bytes) {
  std::byte* destination = data_ + offset;
  std::size_t done = 0;
  while (fd_ && done < bytes.size()) {
    const ssize_t n = ::pwrite(fd_.get(), bytes.data() + done, bytes.size() - done,
                               static_cast<off_t>(offset + done));
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  // A refused write (or a sealed block) still stores the bytes: touching the shared mapping
  // gets the pages the slower way.
  if (done < bytes.size()) std::memcpy(destination + done, bytes.data() + done, bytes.size() - done);
  return destination;
}

}  // namespace wirestep::trace
