// The three HTTP server modes over real loopback sockets: every route and rule, per mode.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "support/http_client.h"
#include "support/trace_queries.h"
#include "support/wait.h"

#include "net/http/blocking_server.h"
#include "net/http/http_server.h"
#include "net/sys_error.h"
#include "trace/trace.h"

namespace wirestep::net::http {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestClient;

// A server of one mode on 127.0.0.1:0, running on its own thread until the test ends.
class RunningServer {
 public:
  RunningServer(std::string_view mode, ServerOptions options) : server_(make_server(mode, options)) {
    thread_ = std::jthread([this] { server_->run(); });
  }
  ~RunningServer() { stop(); }
  HttpServer& operator*() { return *server_; }
  HttpServer* operator->() { return server_.get(); }
  Endpoint endpoint() const { return server_->local_endpoint(); }
  // Stops and waits for run() to return, so the trace is complete.
  void stop() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::unique_ptr<HttpServer> server_;
  std::jthread thread_;
};

std::string header(const proto::http::HttpResponse& response, std::string_view name) {
  const auto* field = response.find_header(name);
  return field != nullptr ? field->value : std::string("<none>");
}

class HttpServerModes : public ::testing::TestWithParam<std::string> {
 protected:
  bool keeps_alive() const { return GetParam() != "blocking"; }

  RunningServer& start(std::chrono::milliseconds idle = 10s, trace::Trace* trace = nullptr) {
    ServerOptions options;
    options.idle_timeout = idle;
    options.trace = trace;
    server_ = std::make_unique<RunningServer>(GetParam(), options);
    return *server_;
  }

  // One request on a fresh connection; the response (or nullopt).
  std::optional<proto::http::HttpResponse> ask(std::string_view method, std::string_view bytes) {
    client_ = std::make_unique<HttpTestClient>(server_->endpoint());
    EXPECT_TRUE(client_->connected());
    client_->expect(method);
    EXPECT_TRUE(client_->send(bytes));
    return client_->response();
  }

  std::string host() const { return "Host: " + server_->endpoint().to_string() + "\r\n"; }

  trace::Trace trace_;  // declared first: it outlives the server that records into it
  std::unique_ptr<RunningServer> server_;
  std::unique_ptr<HttpTestClient> client_;
};

TEST_P(HttpServerModes, GetRootServesThePageNamingTheMode) {
  start();
  const auto response = ask("GET", "GET / HTTP/1.1\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(header(*response, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(header(*response, "Server"), "wirestep");
  EXPECT_EQ(header(*response, "Content-Length"), std::to_string(response->body.size()));
  EXPECT_EQ(response->find_header("Date"), nullptr);
  EXPECT_NE(response->body.find("<strong>" + GetParam() + "</strong>"), std::string::npos);
  EXPECT_EQ(keeps_alive(), response->find_header("Connection") == nullptr);
}

TEST_P(HttpServerModes, HeadHasTheHeadersButNoBody) {
  start();
  auto get = ask("GET", "GET / HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
  ASSERT_TRUE(get);
  const auto head = ask("HEAD", "HEAD / HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status_code, 200);
  EXPECT_EQ(header(*head, "Content-Length"), std::to_string(get->body.size()));
  EXPECT_TRUE(head->body.empty());
  ASSERT_TRUE(client_->closed_by_server());
  // Not one byte after the blank line: the raw stream ends with it.
  EXPECT_TRUE(client_->raw().ends_with("\r\n\r\n")) << client_->raw();
}

TEST_P(HttpServerModes, EchoReturnsAContentLengthBody) {
  start();
  const auto response = ask("POST", "POST /echo HTTP/1.1\r\n" + host() +
                                        "Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(response->body, "hello world");
  EXPECT_EQ(header(*response, "Content-Type"), "text/plain");
}

TEST_P(HttpServerModes, EchoReturnsAChunkedBodyWithContentLength) {
  start();
  const auto response = ask("POST", "POST /echo HTTP/1.1\r\n" + host() +
                                        "Transfer-Encoding: chunked\r\n\r\n"
                                        "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(response->body, "hello world");
  EXPECT_EQ(header(*response, "Content-Length"), "11");
  EXPECT_EQ(response->find_header("Transfer-Encoding"), nullptr);
}

TEST_P(HttpServerModes, UnknownPathIs404) {
  start();
  const auto response = ask("GET", "GET /nothing-here?x=1 HTTP/1.1\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 404);
  EXPECT_EQ(response->body, "404 Not Found: no page at /nothing-here\n");
  EXPECT_EQ(header(*response, "Content-Type"), "text/plain; charset=utf-8");
}

TEST_P(HttpServerModes, KnownMethodOnTheWrongRouteIs405WithAllow) {
  start();
  auto response = ask("PUT", "PUT / HTTP/1.1\r\n" + host() + "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 405);
  EXPECT_EQ(header(*response, "Allow"), "GET, HEAD");
  response = ask("GET", "GET /echo HTTP/1.1\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 405);
  EXPECT_EQ(header(*response, "Allow"), "POST");
}

TEST_P(HttpServerModes, UnknownMethodIs501) {
  start();
  const auto response = ask("BREW", "BREW /pot HTTP/1.1\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 501);
  EXPECT_FALSE(response->body.empty());
}

TEST_P(HttpServerModes, MalformedRequestIs400AndTheConnectionCloses) {
  start();
  const auto response = ask("GET", "GET  / HTTP/1.1\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 400);
  EXPECT_EQ(header(*response, "Connection"), "close");
  EXPECT_NE(response->body.find("400 Bad Request: "), std::string::npos);
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, UnsupportedVersionIs505) {
  start();
  const auto response = ask("GET", "GET / HTTP/2.0\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 505);
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, HeaderSectionOver8KiBIs431) {
  start();
  const std::string big(9000, 'a');
  const auto response = ask("GET", "GET / HTTP/1.1\r\n" + host() + "X-Big: " + big + "\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 431);
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, DeclaredBodyOver1MiBIs413) {
  start();
  const auto response =
      ask("POST", "POST /echo HTTP/1.1\r\n" + host() + "Content-Length: 2000000\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 413);
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, EchoOfExactly1MiBWorks) {
  start();
  const std::string body(1024 * 1024, 'z');
  const auto response = ask("POST", "POST /echo HTTP/1.1\r\n" + host() + "Content-Length: " +
                                        std::to_string(body.size()) + "\r\n\r\n" + body);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(response->body.size(), body.size());
}

TEST_P(HttpServerModes, Http10WithoutKeepAliveCloses) {
  start();
  const auto response = ask("GET", "GET / HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(header(*response, "Connection"), "close");
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, Http10WithKeepAliveStaysOpenWhereSupported) {
  start();
  const auto first = ask("GET", "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status_code, 200);
  if (!keeps_alive()) {
    // The blocking server answers one request per connection, whatever the client asks.
    EXPECT_EQ(header(*first, "Connection"), "close");
    EXPECT_TRUE(client_->closed_by_server());
    return;
  }
  EXPECT_EQ(header(*first, "Connection"), "keep-alive");
  client_->expect("GET");
  ASSERT_TRUE(client_->send("GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  const auto second = client_->response();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status_code, 404);
}

TEST_P(HttpServerModes, ConnectionCloseClosesAfterTheResponse) {
  start();
  const auto response = ask("GET", "GET / HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(header(*response, "Connection"), "close");
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, ThreePipelinedRequestsAreAnsweredInOrderInOneWrite) {
  trace::Trace& trace = trace_;
  start(10s, &trace);
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  for (const char* method : {"GET", "POST", "GET"}) client_->expect(method);
  ASSERT_TRUE(client_->send("GET / HTTP/1.1\r\n" + host() + "\r\n" +
                            "POST /echo HTTP/1.1\r\n" + host() + "Content-Length: 3\r\n\r\nabc" +
                            "GET /missing HTTP/1.1\r\n" + host() + "\r\n"));
  const auto first = client_->response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status_code, 200);
  if (!keeps_alive()) {
    // One request per connection: the rest are never answered.
    EXPECT_TRUE(client_->closed_by_server());
    EXPECT_FALSE(client_->response());
    return;
  }
  const auto second = client_->response();
  const auto third = client_->response();
  ASSERT_TRUE(second && third);
  EXPECT_EQ(second->body, "abc");
  EXPECT_EQ(third->status_code, 404);
  client_->close();
  server_->stop();
  // The server answered all three with a single send() call.
  std::vector<std::string> sends;
  for (const auto* e : testing::calls_of(trace, "server")) {
    if (e->call == trace::Call::Send) sends.emplace_back(e->payload.text());
  }
  ASSERT_EQ(sends.size(), 1u);
  EXPECT_EQ(std::count(sends[0].begin(), sends[0].end(), '\n') > 0, true);
  EXPECT_EQ(client_->raw(), sends[0]);
}

TEST_P(HttpServerModes, ARequestDeliveredOneByteAtATimeIsAnswered) {
  start();
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  client_->expect("POST");
  const std::string request = "POST /echo HTTP/1.1\r\n" + host() + "Content-Length: 4\r\n\r\nping";
  for (const char c : request) ASSERT_TRUE(client_->send(std::string_view(&c, 1)));
  const auto response = client_->response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(response->body, "ping");
}

TEST_P(HttpServerModes, ASlowClientGets408AndIsClosed) {
  start(300ms);
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  client_->expect("GET");
  ASSERT_TRUE(client_->send("GET / HTTP/1.1\r\nHo"));
  const auto response = client_->response(5s);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 408);
  EXPECT_TRUE(client_->closed_by_server(5s));
}

TEST_P(HttpServerModes, ATricklingClientCannotExtendItsDeadline) {
  start(400ms);
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  client_->expect("GET");
  // A byte every 50 ms resets no timer: the request as a whole must arrive in time.
  const auto started = std::chrono::steady_clock::now();
  const std::string slow = "GET / HTTP/1.1\r\nX-Slow: ";
  std::size_t i = 0;
  while (!client_->closed_by_server(50ms) && std::chrono::steady_clock::now() - started < 5s) {
    client_->send(std::string_view(&slow[i % slow.size()], 1));
    ++i;
  }
  EXPECT_TRUE(client_->eof());
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
  EXPECT_NE(client_->raw().find("HTTP/1.1 408 Request Timeout"), std::string::npos) << client_->raw();
}

TEST_P(HttpServerModes, AnIdleConnectionIsClosedWithoutAResponse) {
  start(300ms);
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  EXPECT_TRUE(client_->closed_by_server(5s));
  EXPECT_EQ(client_->raw(), "");
}

TEST_P(HttpServerModes, AHalfSentRequestThenEndOfStreamIs400) {
  start();
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  client_->expect("GET");
  ASSERT_TRUE(client_->send("GET / HTTP/1.1\r\nHost: x\r\n"));
  ::shutdown(client_->fd(), SHUT_WR);
  const auto response = client_->response();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 400);
  EXPECT_TRUE(client_->closed_by_server());
}

TEST_P(HttpServerModes, KeepAliveServesManyRequestsOnOneConnection) {
  if (!keeps_alive()) GTEST_SKIP() << "the blocking server closes after every request";
  start();
  client_ = std::make_unique<HttpTestClient>(server_->endpoint());
  for (int i = 0; i < 20; ++i) {
    client_->expect("POST");
    const std::string body = "n=" + std::to_string(i);
    ASSERT_TRUE(client_->send("POST /echo HTTP/1.1\r\n" + host() + "Content-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body));
    const auto response = client_->response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, body);
  }
}

TEST_P(HttpServerModes, StopEndsRunWithClientsStillConnected) {
  start();
  const auto response = ask("GET", "GET / HTTP/1.1\r\n" + host() + "\r\n");
  ASSERT_TRUE(response);
  HttpTestClient idle(server_->endpoint());  // the blocking server sits in its recv()
  ASSERT_TRUE(idle.connected());
  const auto before = std::chrono::steady_clock::now();
  server_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_TRUE(client_->closed_by_server(2s));
  EXPECT_TRUE(idle.closed_by_server(2s));
}

INSTANTIATE_TEST_SUITE_P(AllModes, HttpServerModes,
                         ::testing::Values("blocking", "threaded", "evented"),
                         [](const auto& info) { return info.param; });

// ---- behaviour that differs between modes ----

// Client A connects and says nothing; client B sends a full request.
struct TwoClients {
  explicit TwoClients(const Endpoint& server) : a(server), b(server) {}
  HttpTestClient a;
  HttpTestClient b;
};

TEST(HttpServerConcurrency, BlockingModeServesOneClientAtATime) {
  ServerOptions options;
  RunningServer server("blocking", options);
  TwoClients clients(server.endpoint());
  // A connected first, so it is accepted first (the backlog is a queue) and the server now
  // sits in A's recv(): B's request is not read.
  clients.b.expect("GET");
  ASSERT_TRUE(clients.b.send("GET / HTTP/1.1\r\nHost: b\r\n\r\n"));
  EXPECT_TRUE(clients.b.silent_for(300ms)) << "B was answered while A held the server";
  // A sends its request and is answered and closed; only then does the server reach B.
  clients.a.expect("GET");
  ASSERT_TRUE(clients.a.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  const auto a = clients.a.response();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status_code, 200);
  const auto b = clients.b.response();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status_code, 200);
}

class ConcurrentModes : public ::testing::TestWithParam<std::string> {};

TEST_P(ConcurrentModes, AnswersASecondClientWhileTheFirstIsIdle) {
  ServerOptions options;
  RunningServer server(GetParam(), options);
  TwoClients clients(server.endpoint());
  clients.b.expect("GET");
  ASSERT_TRUE(clients.b.send("GET / HTTP/1.1\r\nHost: b\r\n\r\n"));
  const auto b = clients.b.response(5s);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status_code, 200);
  EXPECT_FALSE(clients.a.eof());
}

INSTANTIATE_TEST_SUITE_P(ThreadedAndEvented, ConcurrentModes, ::testing::Values("threaded", "evented"),
                         [](const auto& info) { return info.param; });

TEST(HttpServerThreaded, ConnectionsPastTheCapWaitInTheBacklog) {
  ServerOptions options;
  options.max_threads = 1;
  RunningServer server("threaded", options);
  TwoClients clients(server.endpoint());  // A takes the only thread
  // Make sure A holds the thread before B connects: A is answered on its keep-alive thread.
  clients.a.expect("GET");
  ASSERT_TRUE(clients.a.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
  ASSERT_TRUE(clients.a.response());
  clients.b.expect("GET");
  ASSERT_TRUE(clients.b.send("GET / HTTP/1.1\r\nHost: b\r\n\r\n"));
  EXPECT_TRUE(clients.b.silent_for(300ms));
  clients.a.close();  // frees the thread: B is accepted and answered
  const auto b = clients.b.response(5s);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status_code, 200);
}

// ---- the trace ----

TEST(HttpServerTrace, BlockingServerRecordsTheSeedsCallsInOrder) {
  trace::Trace trace;
  ServerOptions options;
  options.trace = &trace;
  RunningServer server("blocking", options);
  {
    HttpTestClient client(server.endpoint());
    client.expect("GET");
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    ASSERT_TRUE(client.response());
    ASSERT_TRUE(client.closed_by_server());
  }
  server.stop();
  const auto names = testing::call_names(testing::calls_of(trace, "server"));
  const std::vector<std::string> expected = {"socket", "bind", "listen", "accept", "recv", "send", "close"};
  // In order (a subsequence: the accept loop's next accept() follows, cancelled by stop()).
  auto it = names.begin();
  for (const auto& call : expected) {
    it = std::find(it, names.end(), call);
    ASSERT_NE(it, names.end()) << "missing " << call;
    ++it;
  }
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 7), expected);
  const auto calls = testing::calls_of(trace, "server");
  EXPECT_NE(testing::payload_of(calls, trace::Call::Recv).find("GET / HTTP/1.1"), std::string::npos);
  EXPECT_NE(testing::payload_of(calls, trace::Call::Send).find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST(HttpServerTrace, EventedServerRecordsAcceptRecvSendClose) {
  trace::Trace trace;
  ServerOptions options;
  options.trace = &trace;
  RunningServer server("evented", options);
  {
    HttpTestClient client(server.endpoint());
    client.expect("GET");
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    ASSERT_TRUE(client.response());
    ASSERT_TRUE(client.closed_by_server());
  }
  server.stop();
  const auto calls = testing::calls_of(trace, "server");
  std::vector<std::string> names;
  for (const auto* e : calls) {
    if (!(e->call == trace::Call::Accept && e->result < 0)) names.emplace_back(trace::to_string(e->call));
  }
  // The last close is the listener's, when run() ends.
  const std::vector<std::string> expected = {"socket", "bind", "listen", "accept",
                                             "recv",   "send", "close",  "close"};
  EXPECT_EQ(names, expected);
  // The accepted connection's calls share one flow and carry both addresses.
  const trace::Event* accept = nullptr;
  for (const auto* e : calls) {
    if (e->call == trace::Call::Accept && e->result >= 0) accept = e;
  }
  ASSERT_NE(accept, nullptr);
  for (const auto* e : calls) {
    if (e->call == trace::Call::Recv || e->call == trace::Call::Send) {
      EXPECT_EQ(e->flow, accept->flow);
      EXPECT_EQ(e->peer, accept->peer);
      EXPECT_EQ(e->local.port, server.endpoint().port());
    }
  }
}

TEST(HttpServerTrace, LanePerConnectionPutsEachClientOnItsOwnLane) {
  trace::Trace trace;
  ServerOptions options;
  options.trace = &trace;
  options.lane_per_connection = true;
  RunningServer server("evented", options);
  for (int i = 0; i < 2; ++i) {
    HttpTestClient client(server.endpoint());
    client.expect("GET");
    ASSERT_TRUE(client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    ASSERT_TRUE(client.response());
    ASSERT_TRUE(client.closed_by_server());
  }
  server.stop();
  EXPECT_EQ(testing::call_names(testing::calls_of(trace, "client#1")),
            (std::vector<std::string>{"recv", "send", "close"}));
  EXPECT_EQ(testing::call_names(testing::calls_of(trace, "client#2")),
            (std::vector<std::string>{"recv", "send", "close"}));
}

// ---- the lesson's listing ----

TEST(BlockingServerSource, EveryListedLineIsInTheSourceExactlyOnceInCallOrder) {
  std::ifstream file{std::string(BlockingServer::source_file())};
  if (!file) GTEST_SKIP() << "source not available at " << BlockingServer::source_file();
  std::stringstream text;
  text << file.rdbuf();
  const std::string source = text.str();
  std::size_t after_table = source.find("BlockingServer::source_lines()");
  ASSERT_NE(after_table, std::string::npos);
  std::size_t previous = after_table;
  for (const auto& line : BlockingServer::source_lines()) {
    // Once in the table (quoted) and once in the code below it.
    const auto in_code = source.find(std::string(line.cpp), after_table);
    ASSERT_NE(in_code, std::string::npos) << line.cpp;
    EXPECT_EQ(source.find(std::string(line.cpp), in_code + 1), std::string::npos) << line.cpp;
    EXPECT_GT(in_code, previous) << line.call << " is listed out of order";
    previous = in_code;
    EXPECT_FALSE(line.python.empty());
  }
  EXPECT_EQ(BlockingServer::source_lines().size(), 7u);
}

TEST(HttpServerFactory, KnowsTheThreeModesAndRejectsOthers) {
  EXPECT_EQ(server_modes().size(), 3u);
  EXPECT_EQ(make_server("fast", ServerOptions{}), nullptr);
}

TEST(HttpServerFactory, APortInUseThrowsAddressInUse) {
  RunningServer first("evented", ServerOptions{});
  ServerOptions options;
  options.bind = first.endpoint();
  for (const auto mode : server_modes()) {
    try {
      make_server(mode, options);
      ADD_FAILURE() << mode << " listened on a port in use";
    } catch (const SysError& e) {
      EXPECT_EQ(e.err(), EADDRINUSE) << mode;
    }
  }
}

}  // namespace
}  // namespace wirestep::net::http
