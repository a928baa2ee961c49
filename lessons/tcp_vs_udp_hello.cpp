// tcp-vs-udp-hello: "hello " + "world" sent twice — TCP merges the sends, UDP keeps them apart.
#include "tcp_vs_udp_hello.h"

#include <string>

#include "lesson/actor_group.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/traced_socket.h"

namespace wirestep::lessons {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

lesson::LessonInfo TcpVsUdpHello::info() const {
  return {
      .id = "tcp-vs-udp-hello",
      .title = "TCP vs UDP: hello twice",
      .summary = "The same two-part message over TCP (a connection and a byte stream) and over "
                 "UDP (no connection, one datagram per send).",
      .objectives = {"See connect() and accept() set up a TCP connection before any data",
                     "See two TCP sends arrive in one recv: a stream has no message boundaries",
                     "See UDP need no connection and keep each datagram whole",
                     "See a UDP datagram to a port nobody listens on 'succeed' for the sender"},
      .needs = {lesson::Capability::Sockets},
      .narration = "tcp-vs-udp-hello.md",
  };
}

void TcpVsUdpHello::run(lesson::LessonContext& context) {
  // ---- TCP: a connection, then a stream of bytes ----
  {
    lesson::Handoff<Endpoint> address;
    lesson::Handoff<bool> both_sent;
    lesson::ActorGroup actors(context);
    actors.spawn("server", [&](const net::Actor& me) {
      context.cue("tcp-setup");
      TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
      listener.bind(context.address("server", 7000));
      listener.listen();
      address.put(listener.local_endpoint());
      TracedSocket connection = listener.accept();
      // Wait until the client has made both sends and both have crossed to our receive queue
      // (a real wire takes a moment), so the one read below finds them together.
      both_sent.take(context.cancel_signal());
      connection.wait_until_queued(11);
      context.cue("tcp-one-recv");
      context.checkpoint(lesson::ask_result("tcp-one-recv", "server", trace::Call::Recv,
                                            "The client sent 6 bytes, then 5. How many bytes will this one recv() return?"));
      connection.recv(4096);  // "hello world": two sends, one read
      connection.recv(4096);  // "": the client closed, end of stream
      connection.close();
      listener.close();
    });
    actors.spawn("client", [&](const net::Actor& me) {
      const Endpoint server = address.take(context.cancel_signal());
      TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
      socket.connect(server);
      context.cue("tcp-two-sends");
      socket.send("hello ");
      socket.send("world");
      both_sent.put(true);
      socket.close();
    });
    actors.join();
  }

  // ---- UDP: no connection, each datagram on its own ----
  {
    lesson::Handoff<Endpoint> address;
    lesson::Handoff<Endpoint> closed_port;
    lesson::Handoff<bool> both_sent;
    lesson::ActorGroup actors(context);
    actors.spawn("server", [&](const net::Actor& me) {
      context.cue("udp-setup");
      TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
      socket.bind(context.address("server", 7000));
      address.put(socket.local_endpoint());
      // A port nobody listens on, for the client's last datagram: bound, then closed again.
      TracedSocket probe = TracedSocket::open(me, Protocol::Udp);
      probe.bind(context.address("server", 7001));
      closed_port.put(probe.local_endpoint());
      probe.close();
      both_sent.take(context.cancel_signal());
      context.cue("udp-two-recvs");
      socket.recv_from(4096);  // "hello " only, though 4096 bytes were offered
      socket.recv_from(4096);  // "world"
      socket.close();
    });
    actors.spawn("client", [&](const net::Actor& me) {
      const Endpoint server = address.take(context.cancel_signal());
      TracedSocket socket = TracedSocket::open(me, Protocol::Udp);
      context.cue("udp-no-connect");
      socket.send_to("hello ", server);
      socket.send_to("world", server);
      both_sent.put(true);

      context.cue("udp-nobody-home");
      socket.send_to("anyone?", closed_port.take(context.cancel_signal()));  // succeeds: UDP never asked if anyone was there
      socket.close();
    });
    actors.join();
  }
  context.cue("done");
}

}  // namespace wirestep::lessons
