// The probe: try namespaces, TUN and pcap in a child process and report in plain words.
#include "wire/wire_probe.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>

#include <fmt/format.h>

#include "net/fd.h"

namespace wirestep::wire {
namespace {

std::atomic<bool> g_user_namespace{false};

// What the child found, written back through a pipe as plain bytes.
struct ChildReport {
  int unshare_err = 0;    // errno of unshare(CLONE_NEWNET), 0 = worked
  int tun_open_err = 0;   // errno of open(/dev/net/tun)
  int tun_set_err = 0;    // errno of TUNSETIFF
  int pcap_status = 0;    // pcap_activate() result on lo
  std::array<char, 256> pcap_error{};
};

ChildReport run_child_checks() {
  ChildReport report;
  report.unshare_err = ::unshare(CLONE_NEWNET) == 0 ? 0 : errno;
  const int tun = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (tun < 0) {
    report.tun_open_err = errno;
  } else if (report.unshare_err == 0) {
    ifreq request{};
    std::strncpy(request.ifr_name, "wsprobe0", IFNAMSIZ - 1);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    report.tun_set_err = ::ioctl(tun, TUNSETIFF, &request) == 0 ? 0 : errno;
    ::close(tun);
  } else {
    ::close(tun);
  }
  return report;
}

void check_pcap(ChildReport& report) {
  std::array<char, PCAP_ERRBUF_SIZE> error{};
  pcap_t* handle = pcap_create("lo", error.data());
  if (handle == nullptr) {
    report.pcap_status = PCAP_ERROR;
    std::snprintf(report.pcap_error.data(), report.pcap_error.size(), "%s", error.data());
    return;
  }
  report.pcap_status = pcap_activate(handle);
  if (report.pcap_status < 0) {
    std::snprintf(report.pcap_error.data(), report.pcap_error.size(), "%s", pcap_geterr(handle));
  }
  pcap_close(handle);
}

ChildReport probe_in_child() {
  std::array<int, 2> pipe_fds{};
  ChildReport report;
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
    report.unshare_err = errno;
    return report;
  }
  net::Fd read_end(pipe_fds[0]);
  net::Fd write_end(pipe_fds[1]);
  const pid_t child = ::fork();
  if (child < 0) {
    report.unshare_err = errno;
    return report;
  }
  if (child == 0) {
    // pcap first: it must look at the namespace the app really runs in, not the new one.
    ChildReport found;
    check_pcap(found);
    const ChildReport wire = run_child_checks();
    found.unshare_err = wire.unshare_err;
    found.tun_open_err = wire.tun_open_err;
    found.tun_set_err = wire.tun_set_err;
    [[maybe_unused]] auto written = ::write(write_end.get(), &found, sizeof found);
    ::_exit(0);
  }
  write_end.reset();
  std::size_t got = 0;
  auto* out = reinterpret_cast<char*>(&report);
  while (got < sizeof report) {
    const ssize_t n = ::read(read_end.get(), out + got, sizeof report - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (got < sizeof report) {
    report = ChildReport{};
    report.unshare_err = ECHILD;
  }
  return report;
}

std::string errno_text(int err) { return fmt::format("{} ({})", std::strerror(err), err); }

TierStatus virtual_wire_status(const ChildReport& report) {
  TierStatus status{Tier::VirtualWire, false, "", ""};
  const bool root = ::geteuid() == 0 && !g_user_namespace.load();
  if (report.unshare_err != 0) {
    status.reason = "cannot create a network namespace: unshare(CLONE_NEWNET) failed: " +
                    errno_text(report.unshare_err);
    status.enable = root ? "the machine forbids network namespaces (a container without "
                           "CAP_SYS_ADMIN?); run WireStep where it may create them"
                         : "run WireStep as root (sudo), or enable unprivileged user namespaces "
                           "(sysctl kernel.unprivileged_userns_clone=1) and make /dev/net/tun "
                           "usable (sudo chmod 0666 /dev/net/tun)";
  } else if (report.tun_open_err != 0) {
    status.reason = "cannot open /dev/net/tun: " + errno_text(report.tun_open_err);
    status.enable = report.tun_open_err == ENOENT
                        ? "load the tun module (sudo modprobe tun)"
                        : "run WireStep as root, or sudo chmod 0666 /dev/net/tun";
  } else if (report.tun_set_err != 0) {
    status.reason = "cannot create a TUN device: TUNSETIFF failed: " + errno_text(report.tun_set_err);
    status.enable = "run WireStep as root (sudo)";
  } else {
    status.available = true;
    status.reason = g_user_namespace.load()
                        ? "network namespaces and TUN devices work inside WireStep's user namespace"
                        : "network namespaces and TUN devices work";
  }
  return status;
}

TierStatus loopback_status(const ChildReport& report) {
  TierStatus status{Tier::LoopbackCapture, false, "", ""};
  if (report.pcap_status >= 0) {
    status.available = true;
    status.reason = "libpcap can capture on lo";
    return status;
  }
  status.reason = fmt::format("libpcap on lo: {} ({})", report.pcap_error.data(),
                              pcap_statustostr(report.pcap_status));
  status.enable = report.pcap_status == PCAP_ERROR_PERM_DENIED
                      ? "run as root, or give the binary CAP_NET_RAW "
                        "(sudo setcap cap_net_raw,cap_net_admin=eip PATH/TO/wirestep)"
                      : "check that the loopback interface exists";
  return status;
}

}  // namespace

std::string_view to_string(Tier tier) {
  switch (tier) {
    case Tier::VirtualWire: return "virtual wire";
    case Tier::VethWire: return "veth wire";
    case Tier::LoopbackCapture: return "loopback capture";
    case Tier::Sockets: return "socket calls";
  }
  return "?";
}

const TierStatus& ProbeResult::status(Tier tier) const {
  for (const auto& entry : tiers) {
    if (entry.tier == tier) return entry;
  }
  return tiers.back();
}

ProbeResult probe() {
  const ChildReport report = probe_in_child();
  ProbeResult result;
  result.user_namespace = g_user_namespace.load();
  result.tiers.push_back(virtual_wire_status(report));
  TierStatus veth{Tier::VethWire, false,
                  "not built into this version of WireStep (it uses TUN devices)", ""};
  veth.enable = result.tiers.front().available
                    ? "not needed: the virtual wire works on this machine"
                    : "enable the virtual wire instead: " + result.tiers.front().enable;
  result.tiers.push_back(veth);
  result.tiers.push_back(loopback_status(report));
  result.tiers.push_back({Tier::Sockets, true, "every socket call is recorded; no privileges needed", ""});
  for (const auto& status : result.tiers) {
    if (status.available) {
      result.best = status.tier;
      break;
    }
  }
  return result;
}

const ProbeResult& probe_once() {
  static const ProbeResult result = probe();
  return result;
}

bool enter_user_namespace_if_useful() {
  if (::geteuid() == 0) return false;
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return false;  // it would not help
  const uid_t uid = ::geteuid();
  const gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) return false;
  auto write_file = [](const char* path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out.flush());
  };
  // setgroups must be denied before an unprivileged process may write gid_map.
  const bool mapped = write_file("/proc/self/setgroups", "deny") &&
                      write_file("/proc/self/uid_map", fmt::format("0 {} 1", uid)) &&
                      write_file("/proc/self/gid_map", fmt::format("0 {} 1", gid));
  g_user_namespace.store(mapped);
  return mapped;
}

}  // namespace wirestep::wire
