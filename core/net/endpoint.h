// An IPv4 or IPv6 socket address that lessons, servers and the trace can all use.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "trace/event.h"

namespace wirestep::net {

class Endpoint {
 public:
  Endpoint() = default;
  // "127.0.0.1:8080", "[::1]:80", "127.0.0.1" (port 0), "::1"; nullopt when not an address.
  static std::optional<Endpoint> parse(std::string_view text);
  // 127.0.0.1 or ::1 with the given port.
  static Endpoint loopback(int family, std::uint16_t port = 0);
  static Endpoint from_sockaddr(const sockaddr* address, socklen_t length);

  int family() const { return storage_.ss_family; }
  std::uint16_t port() const;
  void set_port(std::uint16_t port);
  bool is_loopback() const;
  bool empty() const { return length_ == 0; }

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t length() const { return length_; }
  // Inline: every recorded call converts its two endpoints.
  trace::Address to_address() const {
    trace::Address out;
    if (family() == AF_INET) {
      const auto* v4 = reinterpret_cast<const sockaddr_in*>(&storage_);
      out.family = 4;
      std::memcpy(out.ip.data(), &v4->sin_addr, 4);
      out.port = ntohs(v4->sin_port);
    } else if (family() == AF_INET6) {
      const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&storage_);
      out.family = 6;
      std::memcpy(out.ip.data(), &v6->sin6_addr, 16);
      out.port = ntohs(v6->sin6_port);
    }
    return out;
  }
  std::string to_string() const { return to_address().to_string(); }
  std::string host() const;  // "127.0.0.1" or "::1", no port or brackets

 private:
  sockaddr_storage storage_{};
  socklen_t length_ = 0;
};

}  // namespace wirestep::net
