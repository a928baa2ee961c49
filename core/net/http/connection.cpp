// Connection: recv → parser → responses → send, with backpressure and a lingering close.
#include "net/http/connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace wirestep::net::http {

using trace::Call;

Connection::Connection(EventLoop& loop, Fd fd, const HttpHandler& handler,
                       const CallRecorder& recorder, const RecordedSocket& socket, Owner& owner)
    : loop_(&loop),
      fd_(std::move(fd)),
      channel_(loop, fd_.get()),
      exchange_(handler, /*keep_alive=*/true),
      recorder_(&recorder),
      socket_(socket),
      owner_(&owner) {
  channel_.on_readable([this] { handle_read(); });
  channel_.on_writable([this] { handle_write(); });
}

Connection::~Connection() {
  channel_.remove();
}

void Connection::start() { channel_.enable_reading(); }

void Connection::handle_read() {
  if (state_ == State::Closed) return;
  const std::span<std::byte> buffer = loop_->read_buffer();
  const auto start = recorder_->start();
  const ssize_t got = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
  const int err = got < 0 ? errno : 0;
  if (got < 0 && (err == EAGAIN || err == EWOULDBLOCK || err == EINTR)) return;  // spurious
  recorder_->record(socket_, Call::Recv, start, got, err, static_cast<std::uint32_t>(buffer.size()),
                    got > 0 ? buffer.first(static_cast<std::size_t>(got)) : std::span<const std::byte>{});
  if (got < 0) {
    close_now();  // reset by the peer: nobody left to answer
    return;
  }
  if (state_ == State::Lingering) {
    if (got == 0) close_now();  // the client has read our answer and closed: done
    return;                     // otherwise discard: we are only waiting for its FIN
  }
  if (got == 0) {
    exchange_.on_end_of_stream(output_);
  } else {
    const bool was_started = exchange_.request_started();
    const std::uint64_t before = exchange_.answered();
    exchange_.on_bytes(std::string_view(reinterpret_cast<const char*>(buffer.data()),
                                        static_cast<std::size_t>(got)),
                       output_);
    // The deadline restarts when a request begins or completes, never on every byte: a
    // client trickling one byte per second cannot keep a connection forever.
    if (exchange_.answered() != before || (!was_started && exchange_.request_started())) {
      owner_->touch(*this);
    }
  }
  if (!flush()) return;
  if (exchange_.closing()) {
    // Nothing more will be answered: stop reading (the bytes stay in the kernel) until the
    // output is gone, then linger or close.
    if (channel_.reading()) channel_.disable_reading();
    finish_if_done();
  } else if (output_.size() - output_sent_ > kHighWater) {
    channel_.disable_reading();  // resumed when the output drains
  }
}

void Connection::handle_write() {
  if (state_ == State::Closed) return;
  if (!flush()) return;
  finish_if_done();
}

bool Connection::flush() {
  while (output_sent_ < output_.size()) {
    const auto start = recorder_->start();
    const std::size_t want = output_.size() - output_sent_;
    const ssize_t sent = ::send(fd_.get(), output_.data() + output_sent_, want, MSG_NOSIGNAL);
    const int err = sent < 0 ? errno : 0;
    if (sent < 0 && err == EINTR) continue;
    recorder_->record(socket_, Call::Send, start, sent, err, static_cast<std::uint32_t>(want),
                      sent > 0 ? std::as_bytes(std::span(output_.data() + output_sent_,
                                                         static_cast<std::size_t>(sent)))
                               : std::span<const std::byte>{});
    if (sent < 0) {
      if (err == EAGAIN || err == EWOULDBLOCK) {
        channel_.enable_writing();
        return true;
      }
      close_now();
      return false;
    }
    output_sent_ += static_cast<std::size_t>(sent);
  }
  output_.clear();
  output_sent_ = 0;
  // One 1 MiB echo should not pin 1 MiB to an idle keep-alive connection for good.
  if (output_.capacity() > 64 * 1024) output_.shrink_to_fit();
  if (channel_.writing()) channel_.disable_writing();
  if (!exchange_.closing() && !channel_.reading() && state_ == State::Open) {
    channel_.enable_reading();  // backpressure released
  }
  return true;
}

void Connection::finish_if_done() {
  if (state_ != State::Open || !exchange_.closing() || output_sent_ < output_.size()) return;
  if (exchange_.rejected()) {
    begin_linger();
  } else {
    close_now();
  }
}

void Connection::begin_linger() {
  const auto start = recorder_->start();
  const int result = ::shutdown(fd_.get(), SHUT_WR);
  recorder_->record(socket_, Call::Shutdown, start, result, result < 0 ? errno : 0, SHUT_WR);
  if (result < 0) {
    close_now();
    return;
  }
  state_ = State::Lingering;
  channel_.enable_reading();
  owner_->touch(*this);  // the lingering close is bounded by the same deadline
}

void Connection::time_out() {
  if (state_ != State::Open) {
    close_now();
    return;
  }
  if (exchange_.closing() || output_sent_ < output_.size()) {
    close_now();  // the client is not reading what we owe it: give up
    return;
  }
  if (!exchange_.on_timeout(output_)) {
    close_now();  // idle between requests: close without a word, as HTTP/1.1 allows
    return;
  }
  if (!flush()) return;
  if (output_sent_ < output_.size()) {
    owner_->touch(*this);  // one more deadline to deliver the 408
    return;
  }
  finish_if_done();
}

void Connection::close_now() {
  if (state_ == State::Closed) return;
  state_ = State::Closed;
  channel_.remove();
  const auto start = recorder_->start();
  const int fd = fd_.release();
  const int result = ::close(fd);
  recorder_->record(socket_, Call::Close, start, result, result < 0 ? errno : 0);
  owner_->closed(*this);
}

}  // namespace wirestep::net::http
