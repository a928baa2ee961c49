// Asks the kernel (sock_diag) for the state of a TCP connection by its addresses.
#pragma once

#include <cstdint>
#include <optional>

#include "net/endpoint.h"

namespace wirestep::net {

class SocketFactory;

// The kernel's state for the connection local ↔ peer, or nullopt when it has none. Unlike
// TCP_INFO on the socket, this also finds connections the socket has already handed over
// to the kernel: after the active close a socket reads CLOSE while the connection itself
// still waits in TIME_WAIT. The netlink socket is made by `sockets` (null: this process's
// network), so the question is asked in the namespace where the connection lives.
std::optional<std::uint8_t> kernel_tcp_state(const Endpoint& local, const Endpoint& peer,
                                             SocketFactory* sockets = nullptr);

}  // namespace wirestep::net
