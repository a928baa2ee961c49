// One accepted client in the event loop: non-blocking socket, parser, output buffer, deadline.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "net/call_recorder.h"
#include "net/fd.h"
#include "net/http/channel.h"
#include "net/http/event_loop.h"
#include "net/http/http_handler.h"

namespace wirestep::net::http {

// Reads go straight from the loop's scratch buffer into the HttpParser, which keeps the
// partial request itself, so the parser is the input buffer. Responses collect in an output
// buffer and are sent at once; what the kernel does not take waits for EPOLLOUT. Pipelined
// requests are answered in order, in one send when they arrived in one read. While the
// output holds more than kHighWater bytes (a client that sends but does not read), the
// connection stops reading: memory per connection stays bounded.
class Connection {
 public:
  using Clock = EventLoop::Clock;

  // What a connection tells the server that owns it.
  class Owner {
   public:
    virtual ~Owner() = default;
    // Restart the deadline: a request began or was answered, or the lingering close began.
    virtual void touch(Connection& connection) = 0;
    // The fd is closed; destroy the connection after the current batch of events.
    virtual void closed(Connection& connection) = 0;
  };

  static constexpr std::size_t kHighWater = 1024 * 1024;

  Connection(EventLoop& loop, Fd fd, const HttpHandler& handler, const CallRecorder& recorder,
             const RecordedSocket& socket, Owner& owner);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start();
  // The deadline passed: 408 if a request had started, then close.
  void time_out();
  // Closes at once (server shutting down).
  void close() { close_now(); }

  bool closed() const { return state_ == State::Closed; }
  int fd() const { return socket_.fd; }

  // The owner's bookkeeping: when this connection times out, and where it sits in the
  // owner's deadline-ordered list.
  Clock::time_point deadline{};
  std::list<std::unique_ptr<Connection>>::iterator position{};

 private:
  enum class State : std::uint8_t { Open, Lingering, Closed };

  void handle_read();
  void handle_write();
  // Sends what the output holds; false when the connection closed on an error.
  bool flush();
  // After output drained on a closing exchange: linger (rejected) or close.
  void finish_if_done();
  void begin_linger();
  void close_now();

  EventLoop* loop_;
  Fd fd_;
  Channel channel_;
  HttpExchange exchange_;
  const CallRecorder* recorder_;
  RecordedSocket socket_;
  Owner* owner_;
  State state_ = State::Open;
  std::string output_;
  std::size_t output_sent_ = 0;
};

}  // namespace wirestep::net::http
