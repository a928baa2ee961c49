// kernel_tcp_state: one exact-match inet_diag request over NETLINK_SOCK_DIAG.
#include "net/tcp_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "net/fd.h"
#include "net/socket_factory.h"

namespace wirestep::net {
namespace {

void copy_address(const Endpoint& endpoint, __be32 (&out)[4]) {
  std::memset(out, 0, sizeof out);
  if (endpoint.family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(endpoint.sockaddr_ptr());
    std::memcpy(out, &in->sin_addr, 4);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(endpoint.sockaddr_ptr());
    std::memcpy(out, &in6->sin6_addr, 16);
  }
}

}  // namespace

std::optional<std::uint8_t> kernel_tcp_state(const Endpoint& local, const Endpoint& peer,
                                             SocketFactory* sockets) {
  if (local.empty() || peer.empty() || local.family() != peer.family()) return std::nullopt;
  const int type = SOCK_DGRAM | SOCK_CLOEXEC;
  Fd fd(sockets != nullptr ? sockets->open_socket(AF_NETLINK, type, NETLINK_SOCK_DIAG)
                           : ::socket(AF_NETLINK, type, NETLINK_SOCK_DIAG));
  if (!fd) return std::nullopt;

  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST;  // one exact socket, not a dump
  message.request.sdiag_family = static_cast<std::uint8_t>(local.family());
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = ~0u;
  message.request.id.idiag_sport = htons(local.port());
  message.request.id.idiag_dport = htons(peer.port());
  copy_address(local, message.request.id.idiag_src);
  copy_address(peer, message.request.id.idiag_dst);
  message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
  message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd.get(), &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return std::nullopt;
  }
  alignas(nlmsghdr) std::array<char, 8192> reply{};
  const ssize_t got = ::recv(fd.get(), reply.data(), reply.size(), 0);
  if (got < static_cast<ssize_t>(sizeof(nlmsghdr))) return std::nullopt;
  const auto* header = reinterpret_cast<const nlmsghdr*>(reply.data());
  if (!NLMSG_OK(header, static_cast<unsigned>(got)) || header->nlmsg_type != SOCK_DIAG_BY_FAMILY) {
    return std::nullopt;  // NLMSG_ERROR: ENOENT when the kernel has no such connection
  }
  const auto* found = static_cast<const inet_diag_msg*>(NLMSG_DATA(header));
  return found->idiag_state;
}

}  // namespace wirestep::net
