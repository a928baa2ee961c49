// MappedMemory: mmap, madvise(MADV_HUGEPAGE), munmap.
#include "trace/mapped_memory.h"

#include <sys/mman.h>

#include <new>

namespace wirestep::trace {

MappedMemory::MappedMemory(std::size_t size) : size_(size) {
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) throw std::bad_alloc();
  ::madvise(data, size, MADV_HUGEPAGE);  // a hint: fine if the kernel says no
  data_ = static_cast<std::byte*>(data);
}

MappedMemory::~MappedMemory() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace wirestep::trace
