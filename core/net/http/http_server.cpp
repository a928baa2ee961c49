// The server factory by mode name, and the fd limit every server raises.
#include "net/http/http_server.h"

#include <sys/resource.h>

#include <array>

#include "net/http/blocking_server.h"
#include "net/http/evented_server.h"
#include "net/http/threaded_server.h"

namespace wirestep::net::http {
namespace {

constexpr std::array<std::string_view, 3> kModes = {"blocking", "threaded", "evented"};

}  // namespace

std::span<const std::string_view> server_modes() { return kModes; }

std::unique_ptr<HttpServer> make_server(std::string_view mode, const ServerOptions& options) {
  if (mode == "blocking") return std::make_unique<BlockingServer>(options);
  if (mode == "threaded") return std::make_unique<ThreadedServer>(options);
  if (mode == "evented") return std::make_unique<EventedServer>(options);
  return nullptr;
}

std::size_t raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);  // best effort: a lower limit still serves, just fewer
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

}  // namespace wirestep::net::http
