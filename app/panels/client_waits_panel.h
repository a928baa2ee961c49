// Waits: per round of a multi-client lesson, a bar per client from connect() to its first byte
// (waiting) and on to the end of the page (being served), every round on one time scale.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lesson/client_waits.h"
#include "trace/trace.h"

namespace wirestep::panels {

class ClientWaitsPanel {
 public:
  // Reads the events before `limit` (the replay cursor); `generation` changes when another
  // trace is shown, which may live at the old one's address.
  void draw(const trace::Trace* trace, std::uint64_t generation, std::size_t limit);
  // Client bars drawn the last time the tab was shown (the self-check reports it).
  std::size_t bars_drawn() const { return bars_drawn_; }

 private:
  lesson::ClientWaits waits_;
  std::uint64_t generation_ = ~std::uint64_t{0};
  std::size_t bars_drawn_ = 0;
};

}  // namespace wirestep::panels
