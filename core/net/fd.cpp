// Fd: closing is the only thing an Fd does on its own.
#include "net/fd.h"

#include <unistd.h>

namespace wirestep::net {

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

}  // namespace wirestep::net
