// MappedMemory: mmap (optionally populated up front) and munmap.
#include "trace/mapped_memory.h"

#include <sys/mman.h>

#include <new>

namespace wirestep::trace {

MappedMemory::MappedMemory(std::size_t size, bool populate) : size_(size) {
  // MAP_POPULATE faults the whole block in at once, which the kernel does faster than one
  // fault per page. (Transparent huge pages were tried and measured slower on this kind of
  // machine: with defrag=madvise the kernel compacts memory inside the fault.)
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0);
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (data == MAP_FAILED) throw std::bad_alloc();
  data_ = static_cast<std::byte*>(data);
}

MappedMemory::~MappedMemory() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

}  // namespace wirestep::trace
