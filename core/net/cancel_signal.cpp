// CancelSignal: an eventfd that stays readable once cancelled.
#include "net/cancel_signal.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "net/sys_error.h"

namespace wirestep::net {

CancelSignal::CancelSignal() : event_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!event_) throw SysError("eventfd", errno);
}

void CancelSignal::cancel() {
  if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
  const std::uint64_t one = 1;
  // Never read back: the counter stays non-zero, so every later poll sees it too.
  [[maybe_unused]] const auto written = ::write(event_.get(), &one, sizeof one);
}

}  // namespace wirestep::net
