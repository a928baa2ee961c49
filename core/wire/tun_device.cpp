// TUN creation and interface set-up through ioctls, in the order the kernel accepts them.
#include "wire/tun_device.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "net/sys_error.h"

namespace wirestep::wire {
namespace {

ifreq request_for(const std::string& name) {
  ifreq request{};
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  return request;
}

void set_sockaddr(sockaddr& out, in_addr address) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_addr = address;
  std::memcpy(&out, &in, sizeof in);
}

void control(int fd, unsigned long op, ifreq& request, const char* what) {
  if (::ioctl(fd, op, &request) < 0) throw net::SysError(what, errno);
}

void set_flags_up(int control_fd, const std::string& name) {
  ifreq request = request_for(name);
  control(control_fd, SIOCGIFFLAGS, request, "SIOCGIFFLAGS");
  request.ifr_flags |= IFF_UP | IFF_RUNNING;
  control(control_fd, SIOCSIFFLAGS, request, "SIOCSIFFLAGS");
}

net::Fd control_socket() {
  net::Fd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd) throw net::SysError("socket(AF_INET) for interface set-up", errno);
  return fd;
}

void write_sysctl(const char* path, std::string_view value) {
  net::Fd fd(::open(path, O_WRONLY | O_CLOEXEC));
  if (!fd) return;  // no IPv6 in this kernel: nothing to silence
  if (::write(fd.get(), value.data(), value.size()) < 0) {
    throw net::SysError(std::string("write ") + path, errno);
  }
}

}  // namespace

net::Fd create_tun(const TunConfig& config) {
  net::Fd tun(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!tun) throw net::SysError("open(/dev/net/tun)", errno);
  ifreq request = request_for(config.name);
  request.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_VNET_HDR;
  control(tun.get(), TUNSETIFF, request, "TUNSETIFF");
  // Checksums and TCP segmentation left to the wire, as to a network card (OffloadSegmenter
  // says why). A kernel that refuses still frames every packet with a header, all zero.
  if (config.offload) {
    [[maybe_unused]] const int offloaded = ::ioctl(tun.get(), TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4);
  }

  net::Fd control_fd = control_socket();
  // The address first: the kernel refuses a netmask for an interface without one.
  request = request_for(config.name);
  set_sockaddr(request.ifr_addr, config.address);
  control(control_fd.get(), SIOCSIFADDR, request, "SIOCSIFADDR");

  request = request_for(config.name);
  in_addr mask{};
  mask.s_addr = config.prefix == 0 ? 0 : htonl(~std::uint32_t{0} << (32 - config.prefix));
  set_sockaddr(request.ifr_netmask, mask);
  control(control_fd.get(), SIOCSIFNETMASK, request, "SIOCSIFNETMASK");

  request = request_for(config.name);
  request.ifr_mtu = config.mtu;
  control(control_fd.get(), SIOCSIFMTU, request, "SIOCSIFMTU");

  set_flags_up(control_fd.get(), config.name);
  return tun;
}

void bring_loopback_up() {
  net::Fd control_fd = control_socket();
  set_flags_up(control_fd.get(), "lo");
}

void disable_ipv6() {
  // /proc/sys/net shows the namespace of the thread that opens it.
  write_sysctl("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
  write_sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
}

}  // namespace wirestep::wire
