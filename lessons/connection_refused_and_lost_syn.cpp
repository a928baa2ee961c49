// connection-refused-and-lost-syn: two ways a connect() goes wrong, on real packets.
#include "connection_refused_and_lost_syn.h"

#include "lesson/actor_group.h"
#include "lesson/handoff.h"
#include "lesson/lesson_context.h"
#include "net/traced_socket.h"

namespace wirestep::lessons {

using net::Endpoint;
using net::Protocol;
using net::TracedSocket;

lesson::LessonInfo ConnectionRefusedAndLostSyn::info() const {
  return {
      .id = "connection-refused-and-lost-syn",
      .title = "Connection refused, and a lost SYN",
      .summary = "connect() to a port nobody listens on is refused at once by an RST; when the "
                 "first SYN is lost, the kernel sends it again about a second later.",
      .objectives = {"See a closed port answer a SYN with RST, and connect() fail with ECONNREFUSED",
                     "See the wire drop the first SYN and nothing come back",
                     "See the client's kernel retransmit the same SYN about one second later",
                     "See connect() take that whole second, though the program did nothing different"},
      .needs = {lesson::Capability::Sockets, lesson::Capability::VirtualWire},
      .narration = "connection-refused-and-lost-syn.md",
  };
}

void ConnectionRefusedAndLostSyn::run(lesson::LessonContext& context) {
  // ---- A port nobody listens on ----
  {
    lesson::Handoff<Endpoint> closed_port;
    lesson::ActorGroup actors(context);
    actors.spawn("server", [&](const net::Actor& me) {
      // Bind a port, then close it again: now nobody listens there.
      TracedSocket probe = TracedSocket::open(me, Protocol::Tcp);
      probe.bind(context.address("server", 81));
      closed_port.put(probe.local_endpoint());
      probe.close();
    });
    actors.spawn("client", [&](const net::Actor& me) {
      const Endpoint server = closed_port.take(context.cancel_signal());
      context.cue("refused");
      TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
      context.checkpoint(lesson::ask_errno("refused", "client", trace::Call::Connect,
                                           "Nobody listens on this port. What error will connect() report?",
                                           {"none", "ECONNREFUSED", "ETIMEDOUT", "EHOSTUNREACH"}));
      socket.connect(server);  // SYN → RST: ECONNREFUSED
      socket.close();
    });
    actors.join();
  }

  // ---- The first SYN lost on the way ----
  const bool on_wire = context.impair("drop syn#1");
  context.cue(on_wire ? "lost-syn" : "lost-syn-needs-wire");
  {
    lesson::Handoff<Endpoint> address;
    lesson::ActorGroup actors(context);
    actors.spawn("server", [&](const net::Actor& me) {
      TracedSocket listener = TracedSocket::open(me, Protocol::Tcp);
      listener.bind(context.address("server", 80));
      listener.listen();
      address.put(listener.local_endpoint());
      TracedSocket connection = listener.accept();
      connection.recv(1024);  // the client closes: end of stream
      connection.close();
      listener.close();
    });
    actors.spawn("client", [&](const net::Actor& me) {
      const Endpoint server = address.take(context.cancel_signal());
      TracedSocket socket = TracedSocket::open(me, Protocol::Tcp);
      socket.connect(server);  // the first SYN vanishes; the kernel's timer sends it again
      context.cue("retransmitted");
      socket.close();
    });
    actors.join();
  }
  context.cue("done");
}

}  // namespace wirestep::lessons
