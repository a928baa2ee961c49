// The exception for a system call that failed when the program did not expect it to.
#pragma once

#include <string>
#include <system_error>

namespace wirestep::net {

// Carries the call's name and errno: "bind(127.0.0.1:8080): Address already in use".
class SysError : public std::system_error {
 public:
  SysError(const std::string& call, int err) : std::system_error(err, std::generic_category(), call) {}
  int err() const { return code().value(); }
};

}  // namespace wirestep::net
