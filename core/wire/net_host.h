// One lesson host on the virtual wire: its own network namespace, a TUN into it, its sockets.
#pragma once

#include <netinet/in.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "net/endpoint.h"
#include "net/fd.h"
#include "net/socket_factory.h"
#include "wire/tun_device.h"

namespace wirestep::wire {

// A namespace belongs to a thread, not to the process (unshare in a multi-threaded program
// moves only the caller), and setns back and forth is refused inside a user namespace. So a
// host is a thread that enters a fresh namespace once and stays: it builds the TUN there and
// creates every socket the host's actors ask for. Sockets and the TUN keep the namespace
// alive after the thread ends; when the last of them closes the kernel frees it, even if
// the program crashed.
class NetHost final : public net::SocketFactory {
 public:
  // Throws net::SysError when the namespace or the TUN cannot be made (no privileges).
  NetHost(std::string name, const TunConfig& tun);
  ~NetHost() override;
  NetHost(const NetHost&) = delete;
  NetHost& operator=(const NetHost&) = delete;

  const std::string& name() const { return name_; }
  in_addr address() const { return address_; }
  // This host's address with a port: what a server here binds, what a client dials.
  net::Endpoint endpoint(std::uint16_t port) const;
  // The far end of this host's TUN (the wire thread reads and writes it). Once.
  net::Fd take_tun();

  int open_socket(int domain, int type, int protocol) override;

 private:
  // Runs job on the host's thread and waits for it; what job throws is rethrown here.
  void run_inside(const std::function<void()>& job);
  void serve(const TunConfig& tun);

  std::string name_;
  in_addr address_{};
  net::Fd tun_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  bool ready_ = false;
  bool stopping_ = false;
  std::exception_ptr setup_error_;
  std::jthread thread_;
};

}  // namespace wirestep::wire
