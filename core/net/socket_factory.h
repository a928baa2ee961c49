// Where a lesson's sockets are born: this process's own network, or a host's namespace.
#pragma once

namespace wirestep::net {

// A socket belongs for life to the network namespace it was created in, whichever thread
// uses it later. The virtual wire's hosts implement this by calling socket(2) on a thread
// that lives inside their namespace; everything else uses the process's own network.
class SocketFactory {
 public:
  virtual ~SocketFactory() = default;
  // socket(2)'s contract: a new fd, or -1 with errno set.
  virtual int open_socket(int domain, int type, int protocol) = 0;
};

}  // namespace wirestep::net
