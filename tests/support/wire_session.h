// A virtual wire with a client and a server host for tests that need real kernel packets.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "lesson/stepper.h"
#include "net/actor.h"
#include "net/traced_socket.h"
#include "support/wait.h"
#include "trace/trace.h"
#include "wire/virtual_wire.h"
#include "wire/wire_probe.h"

namespace wirestep::testing {

// The wire needs root (or a user namespace with /dev/net/tun); elsewhere the test is skipped
// with the probe's reason. CI runs as root.
#define WIRESTEP_SKIP_WITHOUT_WIRE()                                              \
  do {                                                                           \
    const auto& status = ::wirestep::wire::probe_once().status(                  \
        ::wirestep::wire::Tier::VirtualWire);                                    \
    if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason; \
  } while (0)

// Every blocking socket call in these tests gives up after this long, so a broken wire fails
// the test instead of hanging it.
inline constexpr std::chrono::milliseconds kWireCallTimeout{10'000};

struct WireSession {
  trace::Trace trace;
  lesson::Stepper stepper{lesson::StepMode::Play};
  std::unique_ptr<wire::VirtualWire> wire;

  WireSession() { wire = std::make_unique<wire::VirtualWire>(trace, &stepper); }
  ~WireSession() { wire.reset(); }  // the wire thread stops before the trace goes

  net::Actor actor(const char* host) {
    return net::Actor{&trace, trace.lane(host), &stepper, nullptr, wire->host_for(host)};
  }
  net::Endpoint server_at(std::uint16_t port = 80) { return wire->host_for("server")->endpoint(port); }
};

// Serves one connection on host "server": reads until `request_done` says the bytes so far
// are a whole request, sends `reply`, then waits for the client to close. Runs on its own
// thread; every call is bounded by kWireCallTimeout.
class OneShotServer {
 public:
  OneShotServer(WireSession& session, std::string reply,
                std::function<bool(const std::string&)> request_done)
      : thread_([this, &session, reply = std::move(reply), done = std::move(request_done)] {
          run(session, reply, done);
        }) {
    listening_ok_ = wait_until([this] { return listening_.load(); }, kWireCallTimeout);
  }
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
  }
  bool listening() const { return listening_ok_; }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  const std::string& received() const { return received_; }

 private:
  void run(WireSession& session, const std::string& reply,
           const std::function<bool(const std::string&)>& done) {
    auto listener = net::TracedSocket::open(session.actor("server"), net::Protocol::Tcp);
    listener.set_timeout(kWireCallTimeout);
    listener.bind(session.server_at());
    listener.listen();
    listening_ = true;
    auto connection = listener.accept();
    if (!connection) return;
    connection.set_timeout(kWireCallTimeout);
    while (!done(received_)) {
      const std::string got = connection.recv(65536);
      if (got.empty()) break;
      received_ += got;
    }
    connection.send_all(reply);
    while (!connection.recv(65536).empty()) {
    }
    connection.close();
    listener.close();
  }

  std::atomic<bool> listening_{false};
  bool listening_ok_ = false;
  std::string received_;
  std::jthread thread_;
};

}  // namespace wirestep::testing
