// The loopback observer against tshark: both watch one real connection on lo and must see the same TCP packets.
// Skips (with the reason) when tshark is missing or this user may not capture. Bounded in time:
// tshark runs with an autostop, in its own process group, and is killed at teardown.
#include "wire/loopback_observer.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "support/loopback_exchange.h"
#include "support/wait.h"
#include "support/wire_queries.h"
#include "trace/trace.h"
#include "wire/wire_probe.h"

extern char** environ;

namespace wirestep {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// tshark's own autostop: the test is over long before; it only bounds a stray tshark.
constexpr int kTsharkSeconds = 60;

std::optional<std::string> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat info {};
    if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

// A program with its stdout and stderr on pipes, in a process group of its own (tshark
// starts dumpcap, and both must go). The destructor ends the group: SIGTERM, then SIGKILL.
class Child {
 public:
  Child(const std::string& program, std::vector<std::string> args) {
    std::array<int, 2> out{}, err{};
    if (::pipe2(out.data(), O_CLOEXEC) != 0 || ::pipe2(err.data(), O_CLOEXEC) != 0) {
      throw net::SysError("pipe2", errno);
    }
    out_.reset(out[0]);
    err_.reset(err[0]);
    net::Fd out_write(out[1]), err_write(err[1]);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    const int failed = ::posix_spawn(&pid_, program.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (failed != 0) throw net::SysError("posix_spawn(" + program + ")", failed);
  }
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Ends the child's group and reaps it; what it printed stays readable in out()/err().
  void stop() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    if (!reap_within(5s)) {
      ::kill(-pid_, SIGKILL);
      reap_within(5s);
    }
    pid_ = -1;
    pump_until([] { return false; }, 2s);  // the rest of what it wrote, up to the pipes' end
  }

  // Reads what is there (waiting up to `wait` for the first bytes) into out()/err().
  // Returns false once both pipes are closed.
  bool pump(std::chrono::milliseconds wait) {
    std::array<pollfd, 2> fds{{{out_.get(), POLLIN, 0}, {err_.get(), POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), static_cast<int>(wait.count())) <= 0) return out_ || err_;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      net::Fd& fd = i == 0 ? out_ : err_;
      std::array<char, 4096> buffer{};
      const ssize_t got = ::read(fd.get(), buffer.data(), buffer.size());
      if (got <= 0) {
        fd.reset();
      } else {
        (i == 0 ? out_text_ : err_text_).append(buffer.data(), static_cast<std::size_t>(got));
      }
    }
    return out_ || err_;
  }

  // Pumps until cond() holds, the child closes its pipes, or the deadline passes.
  template <typename Cond>
  bool pump_until(Cond cond, std::chrono::milliseconds deadline) {
    const auto until = Clock::now() + deadline;
    while (!cond()) {
      if (Clock::now() > until) return false;
      if (!pump(50ms) && !cond()) return false;
    }
    return true;
  }

  const std::string& out() const { return out_text_; }
  const std::string& err() const { return err_text_; }

 private:
  bool reap_within(std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
      int status = 0;
      const pid_t done = ::waitpid(pid_, &status, WNOHANG);
      if (done == pid_ || done < 0) return true;
      pump(20ms);  // keep its pipes drained so it can finish writing
    }
    return false;
  }

  pid_t pid_ = -1;
  net::Fd out_, err_;
  std::string out_text_, err_text_;
};

// What both sides are compared on: the TCP flags, the ports (the direction) and the length
// of the data, per packet, in order.
using PacketKey = std::tuple<unsigned, unsigned, unsigned, std::size_t>;

std::string to_text(const std::vector<PacketKey>& packets) {
  std::string out;
  for (const auto& [flags, from, to, length] : packets) {
    out += "\n  flags 0x" + fmt::format("{:03x}", flags) + "  " + std::to_string(from) + " -> " +
           std::to_string(to) + "  " + std::to_string(length) + " B";
  }
  return out;
}

// tshark -T fields -E separator=, -e tcp.flags -e tcp.srcport -e tcp.dstport -e tcp.len
std::vector<PacketKey> parse_tshark(const std::string& text) {
  std::vector<PacketKey> out;
  std::stringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    unsigned flags = 0, from = 0, to = 0;
    std::size_t length = 0;
    if (std::sscanf(line.c_str(), "%x,%u,%u,%zu", &flags, &from, &to, &length) == 4) {
      out.emplace_back(flags & 0xFF, from, to, length);
    }
  }
  return out;
}

TEST(LoopbackObserverVersusTshark, BothSeeTheSameTcpPacketsOfARealConnection) {
  const auto tshark = find_program("tshark");
  if (!tshark) GTEST_SKIP() << "tshark is not installed (apt-get install tshark)";
  const auto& capture = wire::probe_once().status(wire::Tier::LoopbackCapture);
  if (!capture.available) GTEST_SKIP() << "no loopback capture: " << capture.reason;

  trace::Trace trace;
  auto server = testing::reserve_loopback_port();
  wire::LoopbackObserver observer(trace, server.port);

  const std::string port = std::to_string(server.port);
  Child watcher(*tshark, {"-i", "lo", "-f", "tcp port " + port, "-a", "duration:" + std::to_string(kTsharkSeconds),
                         "-l", "-n", "-T", "fields", "-E", "separator=,", "-e", "tcp.flags", "-e",
                         "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.len"});
  // Traffic only once tshark says it captures: what comes before would be missing there.
  const bool ready = watcher.pump_until(
      [&] { return watcher.err().find("Capturing on") != std::string::npos; }, 30s);
  if (!ready) {
    watcher.stop();
    if (watcher.err().find("ermission") != std::string::npos) {
      GTEST_SKIP() << "tshark may not capture on lo here: " << watcher.err();
    }
    FAIL() << "tshark did not start capturing within 30 s; it said:\n" << watcher.err();
  }

  // tshark says "Capturing on" a little before its dumpcap really captures (tshark 4 says
  // "Capture started" later): a first connection proves it, or a few do; not compared.
  bool primed = false;
  for (int attempt = 0; attempt < 10 && !primed; ++attempt) {
    testing::loopback_exchange(server, "priming", "");
    primed = watcher.pump_until([&] { return !parse_tshark(watcher.out()).empty(); }, 2s);
  }
  ASSERT_TRUE(primed) << "tshark printed no packet of 10 priming connections; it said:\n" << watcher.err();

  const auto exchange = testing::loopback_exchange(
      server, "GET /compare HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  const auto client = trace.lane("client");
  std::vector<const trace::Event*> packets;
  ASSERT_TRUE(testing::wait_until([&] {
    packets = testing::tcp_packets_of(trace, exchange.client_port);
    return testing::teardown_complete(packets, client);
  })) << "the observer did not see the teardown: " << packets.size() << " packets";

  std::vector<PacketKey> observed;
  for (const auto* p : packets) {
    observed.emplace_back(testing::tcp_flags(*p), p->local.port, p->peer.port, testing::tcp_payload(*p).size());
  }
  // tshark prints a line per packet as it goes (-l): wait until it has as many as the
  // observer, then stop it so anything extra it saw would show up too.
  const std::uint16_t client_port = exchange.client_port;
  auto of_this_connection = [client_port](const std::vector<PacketKey>& all) {
    std::vector<PacketKey> out;
    for (const auto& key : all) {
      if (std::get<1>(key) == client_port || std::get<2>(key) == client_port) out.push_back(key);
    }
    return out;
  };
  watcher.pump_until([&] { return of_this_connection(parse_tshark(watcher.out())).size() >= observed.size(); }, 20s);
  watcher.stop();
  const auto seen_by_tshark = of_this_connection(parse_tshark(watcher.out()));

  EXPECT_EQ(observed, seen_by_tshark) << "observer:" << to_text(observed) << "\ntshark:" << to_text(seen_by_tshark)
                                      << "\ntshark stderr:\n" << watcher.err();
  // The comparison is only worth something if it covered the whole connection.
  ASSERT_GE(observed.size(), 8u);
  EXPECT_EQ(std::get<0>(observed[0]) & 0x17, 0x02u);  // SYN
  EXPECT_EQ(std::get<0>(observed[1]) & 0x17, 0x12u);  // SYN-ACK
  EXPECT_EQ(observer.stats().kernel_dropped, 0u);
}

}  // namespace
}  // namespace wirestep
