// Name tables for the packet dissectors and the one-line packet descriptions.
#include "proto/packet/protocol_names.h"

namespace wirestep::proto {

std::string_view ip_protocol_name(std::uint8_t protocol) {
  switch (protocol) {
    case 0: return "IPv6 hop-by-hop options";
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPv4 (encapsulated)";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6 (encapsulated)";
    case 43: return "IPv6 routing header";
    case 44: return "IPv6 fragment header";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 59: return "No next header";
    case 60: return "IPv6 destination options";
    case 132: return "SCTP";
    default: return "";
  }
}

std::string_view icmp_type_name(std::uint8_t type) {
  switch (type) {
    case 0: return "Echo reply";
    case 3: return "Destination unreachable";
    case 4: return "Source quench";
    case 5: return "Redirect";
    case 8: return "Echo request";
    case 9: return "Router advertisement";
    case 10: return "Router solicitation";
    case 11: return "Time exceeded";
    case 12: return "Parameter problem";
    case 13: return "Timestamp request";
    case 14: return "Timestamp reply";
    default: return "";
  }
}

std::string_view icmp_code_name(std::uint8_t type, std::uint8_t code) {
  if (type == 3) {
    switch (code) {
      case 0: return "Network unreachable";
      case 1: return "Host unreachable";
      case 2: return "Protocol unreachable";
      case 3: return "Port unreachable";
      case 4: return "Fragmentation needed and DF set";
      case 5: return "Source route failed";
      case 6: return "Destination network unknown";
      case 7: return "Destination host unknown";
      case 9: return "Network administratively prohibited";
      case 10: return "Host administratively prohibited";
      case 13: return "Communication administratively prohibited";
      default: return "";
    }
  }
  if (type == 5) {
    switch (code) {
      case 0: return "Redirect for network";
      case 1: return "Redirect for host";
      case 2: return "Redirect for TOS and network";
      case 3: return "Redirect for TOS and host";
      default: return "";
    }
  }
  if (type == 11) {
    switch (code) {
      case 0: return "TTL exceeded in transit";
      case 1: return "Fragment reassembly time exceeded";
      default: return "";
    }
  }
  if (type == 12) {
    switch (code) {
      case 0: return "Pointer indicates the error";
      case 1: return "Missing a required option";
      case 2: return "Bad length";
      default: return "";
    }
  }
  return "";
}

bool icmp_is_error(std::uint8_t type) {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

std::string_view icmpv6_type_name(std::uint8_t type) {
  switch (type) {
    case 1: return "Destination unreachable";
    case 2: return "Packet too big";
    case 3: return "Time exceeded";
    case 4: return "Parameter problem";
    case 128: return "Echo request";
    case 129: return "Echo reply";
    case 133: return "Router solicitation";
    case 134: return "Router advertisement";
    case 135: return "Neighbor solicitation";
    case 136: return "Neighbor advertisement";
    case 137: return "Redirect";
    case 143: return "Multicast listener report v2";
    default: return "";
  }
}

std::string_view icmpv6_code_name(std::uint8_t type, std::uint8_t code) {
  if (type == 1) {
    switch (code) {
      case 0: return "No route to destination";
      case 1: return "Administratively prohibited";
      case 2: return "Beyond scope of source address";
      case 3: return "Address unreachable";
      case 4: return "Port unreachable";
      case 5: return "Source address failed ingress/egress policy";
      case 6: return "Reject route to destination";
      default: return "";
    }
  }
  if (type == 3) {
    switch (code) {
      case 0: return "Hop limit exceeded in transit";
      case 1: return "Fragment reassembly time exceeded";
      default: return "";
    }
  }
  if (type == 4) {
    switch (code) {
      case 0: return "Erroneous header field";
      case 1: return "Unrecognized next header";
      case 2: return "Unrecognized IPv6 option";
      default: return "";
    }
  }
  return "";
}

bool icmpv6_is_error(std::uint8_t type) { return type < 128; }

std::string_view tcp_option_name(std::uint8_t kind) {
  switch (kind) {
    case 0: return "End of option list";
    case 1: return "No-operation";
    case 2: return "Maximum segment size";
    case 3: return "Window scale";
    case 4: return "SACK permitted";
    case 5: return "SACK";
    case 8: return "Timestamps";
    case 28: return "User timeout";
    case 29: return "TCP authentication option";
    case 30: return "Multipath TCP";
    case 34: return "TCP Fast Open cookie";
    default: return "";
  }
}

}  // namespace wirestep::proto
