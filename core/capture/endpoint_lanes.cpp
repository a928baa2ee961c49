// EndpointLanes: client/server by the first SYN, per host or (on loopback) per conversation.
#include "capture/endpoint_lanes.h"

#include <arpa/inet.h>
#include <sys/socket.h>

namespace wirestep::capture {
namespace {

std::string ip_text(const trace::Address& address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address.family == 0) return "unknown";
  inet_ntop(address.family == 6 ? AF_INET6 : AF_INET, address.ip.data(), text, sizeof text);
  return text;
}

}  // namespace

std::pair<EndpointLanes::Endpoint, EndpointLanes::Endpoint> EndpointLanes::conversation(const trace::Address& a,
                                                                                        const trace::Address& b) {
  Endpoint x{host_of(a), a.port};
  Endpoint y{host_of(b), b.port};
  return x < y ? std::pair{x, y} : std::pair{y, x};
}

void EndpointLanes::observe(const trace::Address& src, const trace::Address& dst, bool syn, const std::string* sender) {
  const Key from = host_of(src);
  hosts_.emplace(from, static_cast<std::uint32_t>(hosts_.size()));
  hosts_.emplace(host_of(dst), static_cast<std::uint32_t>(hosts_.size()));
  if (!first_source_) first_source_ = from;
  if (syn && !first_syn_source_) first_syn_source_ = from;
  if (sender != nullptr) named_.emplace(from, *sender);

  const auto key = conversation(src, dst);
  const Endpoint me{from, src.port};
  Opener& opener = opener_.try_emplace(key, Opener{me, false}).first->second;
  // A SYN names the opener even when the capture began mid-conversation.
  if (syn && !opener.by_syn) opener = Opener{me, true};
}

EndpointLanes::Lanes EndpointLanes::lanes_for(const trace::Address& src, const trace::Address& dst,
                                              const std::string* sender) const {
  if (sender != nullptr) {
    const auto to = named_.find(host_of(dst));
    return {*sender, to != named_.end() ? to->second : std::string()};
  }
  if (hosts_.size() > 2) return {ip_text(src), ip_text(dst)};
  if (hosts_.size() == 2) {
    const Key client = first_syn_source_ ? *first_syn_source_ : *first_source_;
    const bool from_client = host_of(src) == client;
    return from_client ? Lanes{"client", "server"} : Lanes{"server", "client"};
  }
  const auto opener = opener_.find(conversation(src, dst));
  const bool from_client = opener == opener_.end() || opener->second.endpoint == Endpoint{host_of(src), src.port};
  return from_client ? Lanes{"client", "server"} : Lanes{"server", "client"};
}

}  // namespace wirestep::capture
