// tcp-handshake: the life of one TCP connection, from the first SYN to TIME_WAIT.
#include "tcp_handshake.h"

#include "lesson/actor_group.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/traced_socket.h"
#include "wire/packet_facts.h"

namespace wirestep::lessons {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

lesson::LessonInfo TcpHandshake::info() const {
  return {
      .id = "tcp-handshake",
      .title = "The TCP handshake and teardown",
      .summary = "One connection from start to end on real packets: SYN, SYN-ACK, ACK, data, "
                 "FIN and ACK in both directions, and the TIME_WAIT that follows.",
      .objectives = {"See connect() send a SYN and the server's kernel answer SYN-ACK before accept()",
                     "Read the initial sequence numbers and follow seq/ack arithmetic byte by byte",
                     "See the MSS, SACK, window scale and timestamp options the kernels agree on",
                     "See each side close its direction with a FIN that the other acknowledges",
                     "See the side that closed first wait in TIME_WAIT"},
      .needs = {lesson::Capability::Sockets, lesson::Capability::VirtualWire},
      .narration = "tcp-handshake.md",
  };
}

void TcpHandshake::run(lesson::LessonContext& context) {
  lesson::Handoff<Endpoint> address;
  lesson::ActorGroup actors(context);
  actors.spawn("server", [&](const net::Actor& me) {
    context.cue("listen");
    TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
    listener.bind(context.address("server", 80));
    listener.listen();
    address.put(listener.local_endpoint());
    TracedSocket connection = listener.accept();  // the handshake already happened in the kernel
    context.cue("data");
    context.checkpoint(lesson::ask_result("data", "server", trace::Call::Recv,
                                          "The client sends \"hello\\n\". How many bytes will the server's recv() return?"));
    connection.recv(1024);          // "hello\n"
    connection.send_all("hi!\n");
    connection.recv(1024);          // "": the client's FIN
    context.cue("server-close");
    connection.close();             // the server's FIN
    listener.close();
  });
  actors.spawn("client", [&](const net::Actor& me) {
    const Endpoint server = address.take(context.cancel_signal());
    TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
    // Asked before "handshake" is cued: that paragraph explains the answer. Only the wire's
    // packets can answer it; the socket tier never sees a SYN-ACK.
    if (context.wire() != nullptr) {
      context.checkpoint(lesson::ask_ack("syn-ack", "server", wire::tcp_flag::kSyn | wire::tcp_flag::kAck,
                                         "The client's SYN opens its byte stream at relative sequence number 0. "
                                         "Which acknowledgement number will the server's SYN-ACK carry?"));
    }
    context.cue("handshake");
    socket.connect(server);         // SYN → SYN-ACK → ACK
    socket.send_all("hello\n");
    socket.recv(1024);              // "hi!\n"
    context.cue("client-fin");
    socket.shutdown(SHUT_WR);       // FIN: "I have nothing more to send"
    socket.recv(1024);              // "": the server's FIN; this side now waits in TIME_WAIT
    context.cue("time-wait");
    socket.close();
  });
  actors.join();
  context.cue("done");
}

}  // namespace wirestep::lessons
