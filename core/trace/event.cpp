// Names of the event model's enums, shared by the CLI, the JSON format and the GUI.
#include "trace/event.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <iterator>

namespace wirestep::trace {
namespace {

constexpr std::string_view kKindNames[] = {"SocketCall", "Packet", "Impairment", "TcpState", "Note", "TcpMetrics"};
constexpr std::string_view kCallNames[] = {"none",     "socket", "bind", "listen",
                                           "accept",   "connect", "send", "recv",
                                           "sendto",   "recvfrom", "shutdown", "close"};
constexpr std::string_view kVerdictNames[] = {"delivered", "dropped", "delayed",
                                              "duplicated", "held",   "corrupted"};
constexpr std::string_view kTransportNames[] = {"none", "tcp", "udp"};
// Indexed by Linux's tcpi_state (include/net/tcp_states.h).
constexpr std::string_view kTcpStates[] = {"?",          "ESTABLISHED", "SYN_SENT",  "SYN_RECV",
                                           "FIN_WAIT1",  "FIN_WAIT2",   "TIME_WAIT", "CLOSE",
                                           "CLOSE_WAIT", "LAST_ACK",    "LISTEN",    "CLOSING"};

template <typename Enum, std::size_t N>
std::string_view name_of(Enum value, const std::string_view (&names)[N]) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : std::string_view{"?"};
}

template <typename Enum, std::size_t N>
bool parse_name(std::string_view text, Enum& out, const std::string_view (&names)[N]) {
  const auto* found = std::find(std::begin(names), std::end(names), text);
  if (found == std::end(names)) return false;
  out = static_cast<Enum>(found - std::begin(names));
  return true;
}

}  // namespace

std::string Address::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family == 4) {
    inet_ntop(AF_INET, ip.data(), text, sizeof text);
    return std::string(text) + ":" + std::to_string(port);
  }
  if (family == 6) {
    inet_ntop(AF_INET6, ip.data(), text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(port);
  }
  return {};
}

std::string_view to_string(EventKind kind) { return name_of(kind, kKindNames); }
std::string_view to_string(Call call) { return name_of(call, kCallNames); }
std::string_view to_string(Verdict verdict) { return name_of(verdict, kVerdictNames); }
std::string_view to_string(Transport transport) { return name_of(transport, kTransportNames); }
std::string_view tcp_state_name(std::uint8_t state) { return name_of(state, kTcpStates); }

bool parse(std::string_view text, EventKind& out) { return parse_name(text, out, kKindNames); }
bool parse(std::string_view text, Call& out) { return parse_name(text, out, kCallNames); }
bool parse(std::string_view text, Verdict& out) { return parse_name(text, out, kVerdictNames); }
bool parse(std::string_view text, Transport& out) { return parse_name(text, out, kTransportNames); }

}  // namespace wirestep::trace
