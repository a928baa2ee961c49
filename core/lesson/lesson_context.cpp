// LessonContext: narration cues become Note events on the "lesson" lane.
#include "lesson/lesson_context.h"

#include <memory>
#include <stdexcept>

#include "wire/impairment_adapter.h"
#include "wire/scripted_fault.h"
#include "wire/virtual_wire.h"

namespace wirestep::lesson {

net::Actor LessonContext::actor(std::string_view name) {
  net::Actor actor{&trace_, trace_.lane(name), &stepper_, &cancel_};
  if (wire_ != nullptr) actor.sockets = wire_->host_for(name);
  return actor;
}

net::Endpoint LessonContext::address(std::string_view host, std::uint16_t wire_port) const {
  if (wire_ != nullptr) {
    if (wire::NetHost* found = wire_->host_for(host)) return found->endpoint(wire_port);
  }
  return net::Endpoint::loopback(AF_INET, 0);
}

net::SocketFactory* LessonContext::sockets_for(std::string_view host) const {
  return wire_ != nullptr ? wire_->host_for(host) : nullptr;
}

bool LessonContext::impair(std::string_view faults) {
  wire::LinkImpairment link;
  link.loss_percent = params_.loss_or(0);  // scripted lessons add random loss only when asked
  return impair(faults, link);
}

bool LessonContext::impair(std::string_view faults, const wire::LinkImpairment& link) {
  if (wire_ == nullptr) return false;
  auto parsed = wire::parse_faults(faults);
  if (!parsed.ok()) throw std::invalid_argument("fault script: " + parsed.error->to_string());
  auto policy = std::make_shared<wire::ImpairmentPolicy>(params_.seed, link, std::move(parsed.faults));
  wire_->set_policy(wire::make_wire_policy(std::move(policy)));
  return true;
}

void LessonContext::cue(std::string_view anchor) {
  trace::Event event;
  event.kind = trace::EventKind::Note;
  event.lane = trace_.lane("lesson");
  trace_.append(event, anchor);
}

void LessonContext::note(std::string_view lane, std::string_view text) {
  trace::Event event;
  event.kind = trace::EventKind::Note;
  event.lane = trace_.lane(lane);
  trace_.append(event, text);
}

void LessonContext::checkpoint(const Checkpoint& checkpoint) {
  throw_if_cancelled();
  std::optional<std::string> answer;
  if (asker_) answer = asker_(checkpoint);
  throw_if_cancelled();
  trace::Event event;
  event.kind = trace::EventKind::Note;
  event.lane = trace_.lane("lesson");
  trace_.append(event, encode_checkpoint(checkpoint, answer));
}

void LessonContext::reveal(std::string_view checkpoint_id, std::string_view truth) {
  trace::Event event;
  event.kind = trace::EventKind::Note;
  event.lane = trace_.lane("lesson");
  trace_.append(event, encode_reveal(checkpoint_id, truth));
}

}  // namespace wirestep::lesson
