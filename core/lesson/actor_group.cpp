// ActorGroup: one thread per actor, first failure cancels the rest.
#include "lesson/actor_group.h"

#include "net/cancel_signal.h"

namespace wirestep::lesson {

ActorGroup::~ActorGroup() {
  if (!threads_.empty()) {
    context_.cancel();
    threads_.clear();  // jthread joins
  }
}

void ActorGroup::spawn(const std::string& lane, std::function<void(const net::Actor&)> body) {
  const net::Actor actor = context_.actor(lane);
  threads_.emplace_back([this, actor, body = std::move(body)] {
    try {
      body(actor);
    } catch (const net::Cancelled&) {
      // Cancelled actors just unwind; the lesson as a whole reports the cancellation. It may
      // have come from the stepper alone (the GUI cancels the gates first, the socket waits a
      // moment later): remembered, so join() never lets the lesson go on as if all was done.
      cancelled_.store(true);
    } catch (...) {
      {
        std::lock_guard lock(failure_mutex_);
        if (!failure_) failure_ = std::current_exception();
      }
      context_.cancel();
    }
  });
}

void ActorGroup::join() {
  threads_.clear();
  if (failure_) std::rethrow_exception(failure_);
  context_.throw_if_cancelled();
  if (cancelled_.load()) throw net::Cancelled();
}

}  // namespace wirestep::lesson
