// A real TCP conversation over 127.0.0.1 made with plain sockets, for tests that capture loopback.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "net/fd.h"
#include "net/sys_error.h"
#include "support/wire_queries.h"
#include "trace/trace.h"

namespace wirestep::testing {

inline sockaddr_in loopback_v4(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

inline net::Fd bound_socket(int type, std::uint16_t port) {
  net::Fd fd(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
  if (!fd) throw net::SysError("socket", errno);
  const sockaddr_in address = loopback_v4(port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    return net::Fd{};
  }
  return fd;
}

inline std::uint16_t local_port(const net::Fd& fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw net::SysError("getsockname", errno);
  }
  return ntohs(address.sin_port);
}

// A TCP listener on 127.0.0.1 with a port the kernel chose, plus a UDP socket on the same
// number: the capture filter is "tcp port N or udp port N", and holding both means no other
// test running in parallel can send anything that matches it.
struct LoopbackPort {
  net::Fd listener;
  net::Fd udp;
  std::uint16_t port = 0;
};

inline LoopbackPort reserve_loopback_port() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    LoopbackPort reserved;
    reserved.listener = bound_socket(SOCK_STREAM, 0);
    if (!reserved.listener) throw net::SysError("bind(127.0.0.1:0)", errno);
    reserved.port = local_port(reserved.listener);
    reserved.udp = bound_socket(SOCK_DGRAM, reserved.port);
    if (!reserved.udp) continue;  // that UDP port is someone else's: try another number
    if (::listen(reserved.listener.get(), 16) != 0) throw net::SysError("listen", errno);
    return reserved;
  }
  throw std::runtime_error("no port number free for both TCP and UDP on 127.0.0.1");
}

inline void send_all(const net::Fd& fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) throw net::SysError("send", errno);
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

// Reads until the peer's FIN.
inline std::string recv_to_end(const net::Fd& fd) {
  std::string out;
  std::vector<char> buffer(65536);
  for (;;) {
    const ssize_t got = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (got < 0) throw net::SysError("recv", errno);
    if (got == 0) return out;
    out.append(buffer.data(), static_cast<std::size_t>(got));
  }
}

// One complete conversation with the listener: connect, the client sends `request` and
// shuts down its side (FIN), the server reads it to the end, answers `reply` and closes
// (FIN), the client reads the reply and closes. The server side runs on its own thread so
// that any size fits through the socket buffers.
struct ExchangeResult {
  std::uint16_t client_port = 0;
  std::string server_got;
  std::string client_got;
};

inline ExchangeResult loopback_exchange(const LoopbackPort& server, std::string_view request,
                                        std::string_view reply) {
  ExchangeResult result;
  std::exception_ptr server_failure;
  std::jthread server_side([&] {
    try {
      net::Fd accepted(::accept4(server.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!accepted) throw net::SysError("accept", errno);
      result.server_got = recv_to_end(accepted);
      send_all(accepted, reply);
    } catch (...) {
      server_failure = std::current_exception();
    }
  });
  net::Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!client) throw net::SysError("socket", errno);
  const sockaddr_in address = loopback_v4(server.port);
  if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw net::SysError("connect", errno);
  }
  result.client_port = local_port(client);
  send_all(client, request);
  if (::shutdown(client.get(), SHUT_WR) != 0) throw net::SysError("shutdown", errno);
  result.client_got = recv_to_end(client);
  server_side.join();
  client.reset();
  if (server_failure) std::rethrow_exception(server_failure);
  return result;
}

// ---- reading the packets back ----

inline std::size_t ip_header_length(const trace::Event& packet) {
  return (std::to_integer<unsigned>(packet.payload.span()[0]) & 0x0F) * 4u;
}

// The TCP payload of an IPv4 packet ("" for a bare SYN, ACK or FIN).
inline std::string tcp_payload(const trace::Event& packet) {
  const auto bytes = packet.payload.span();
  if (bytes.size() < 20) return {};
  const std::size_t ip = ip_header_length(packet);
  if (bytes.size() < ip + 20) return {};
  const std::size_t tcp = (std::to_integer<unsigned>(bytes[ip + 12]) >> 4) * 4u;
  if (bytes.size() < ip + tcp) return {};
  return std::string(packet.payload.text().substr(ip + tcp));
}

// TCP packets of one connection (matched by the client's port), in trace order.
inline std::vector<const trace::Event*> tcp_packets_of(const trace::Trace& trace,
                                                       std::uint16_t client_port) {
  std::vector<const trace::Event*> out;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const auto& e = trace[i];
    if (e.kind != trace::EventKind::Packet || e.transport != trace::Transport::Tcp) continue;
    if (e.local.port == client_port || e.peer.port == client_port) out.push_back(&e);
  }
  return out;
}

// Whether a connection's packets show its whole teardown: a FIN from the client and the
// client's ACK of the server's FIN. Matched by sequence numbers, so a retransmitted FIN (a
// busy machine) does not confuse it.
inline bool teardown_complete(const std::vector<const trace::Event*>& packets, trace::LaneId client) {
  bool client_fin = false;
  bool have_server_fin = false;
  std::uint32_t server_fin_end = 0;
  for (const auto* p : packets) {
    const bool fin = (tcp_flags(*p) & kFin) != 0;
    if (p->from == client) {
      client_fin = client_fin || fin;
      if (have_server_fin && (tcp_flags(*p) & kAck) != 0 && tcp_ack(*p) == server_fin_end) return client_fin;
    } else if (fin) {
      server_fin_end = tcp_seq(*p) + static_cast<std::uint32_t>(tcp_payload(*p).size()) + 1;
      have_server_fin = true;
    }
  }
  return false;
}

// The bytes one side sent, put back in stream order by TCP sequence number: a retransmitted
// segment lands where it belongs instead of being counted twice. Gaps stay '\0'; `holes`
// says how many bytes no captured segment covered.
struct Stream {
  std::string bytes;
  std::size_t holes = 0;
};

inline Stream tcp_stream(const std::vector<const trace::Event*>& packets, trace::LaneId from) {
  Stream out;
  std::uint32_t first = 0;
  bool have_syn = false;
  std::vector<bool> covered;
  for (const auto* p : packets) {
    if (p->from != from) continue;
    const auto bytes = p->payload.span();
    const std::size_t ip = ip_header_length(*p);
    if (!have_syn && (std::to_integer<unsigned>(bytes[ip + 13]) & 0x02) != 0) {
      first = tcp_u32(*p, 4) + 1;  // the SYN takes one sequence number
      have_syn = true;
      continue;
    }
    const std::string data = tcp_payload(*p);
    if (!have_syn || data.empty()) continue;
    const std::size_t at = static_cast<std::uint32_t>(tcp_u32(*p, 4) - first);
    if (out.bytes.size() < at + data.size()) {
      out.bytes.resize(at + data.size(), '\0');
      covered.resize(at + data.size(), false);
    }
    out.bytes.replace(at, data.size(), data);
    std::fill(covered.begin() + static_cast<std::ptrdiff_t>(at),
              covered.begin() + static_cast<std::ptrdiff_t>(at + data.size()), true);
  }
  out.holes = static_cast<std::size_t>(std::count(covered.begin(), covered.end(), false));
  return out;
}

}  // namespace wirestep::testing
