// pcapng files as tshark sees them (hand-built and real wire traces); tshark's and dumpcap's files read back.
// Skipped with the reason when tshark is not installed (apt-get install tshark).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "capture/pcap_reader.h"
#include "capture/pcapng_writer.h"
#include "lesson/stepper.h"
#include "net/actor.h"
#include "net/traced_socket.h"
#include "support/packet_builder.h"
#include "support/trace_builder.h"
#include "support/wait.h"
#include "support/wire_queries.h"
#include "wire/virtual_wire.h"
#include "wire/wire_probe.h"

namespace wirestep::capture {
namespace {

using trace::Verdict;

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

#define SKIP_WITHOUT_TSHARK()                                                               \
  do {                                                                                      \
    if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (apt-get install tshark)"; \
  } while (0)

struct Output {
  int status = -1;
  std::string text;
};

// Runs a shell command and collects its stdout (tshark's "running as root" warning goes to stderr).
Output run(const std::string& command) {
  Output out;
  FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.text.append(buffer, n);
  const int status = ::pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

std::vector<std::vector<std::string>> rows(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
      fields.push_back(line.substr(start, tab - start));
    }
    fields.push_back(line.substr(start));
    out.push_back(std::move(fields));
  }
  return out;
}

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("wirestep-tshark-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const char* name) const { return (path / name).string(); }
};

std::string fields_command(const std::string& file) {
  return "tshark -r " + file + " -T fields -e frame.number -e tcp.flags -e frame.comment";
}

// SYN (held 1.2 s, then let go), SYN-ACK, a dropped ACK, a UDP datagram and a packet still held.
void hand_built(testing::WireTraceBuilder& b) {
  const testing::Ipv4Spec back{.src = {10, 77, 0, 2}, .dst = {10, 77, 0, 1}};
  const auto syn = testing::tcp_v4({.seq = 1, .flags = 0x02});
  b.note(0, "handshake");
  const auto held = b.packet(1'000'000, b.client, b.server, syn, Verdict::Held);
  b.packet(1'201'000'000, b.client, b.server, syn, Verdict::Delivered, held);
  b.packet(1'300'000'000, b.server, b.client,
           testing::tcp_v4({.src_port = 80, .dst_port = 41234, .seq = 9, .ack = 2, .flags = 0x12}, back));
  const auto lost = b.packet(1'400'000'000, b.client, b.server, testing::tcp_v4({.seq = 2, .ack = 10, .flags = 0x10}),
                             Verdict::Dropped);
  b.impairment(1'400'000'000, Verdict::Dropped, lost, "loss 30 %, seed 7");
  b.packet(1'500'000'000, b.client, b.server, testing::udp_v4(5000, 7, testing::text_bytes("x")));
  b.packet(1'600'000'000, b.client, b.server, testing::tcp_v4({.seq = 2, .ack = 10, .flags = 0x18}), Verdict::Held);
}

TEST(PcapngTshark, OpensAHandBuiltTraceWithFlagsAndComments) {
  SKIP_WITHOUT_TSHARK();
  TempDir dir;
  testing::WireTraceBuilder b;
  hand_built(b);
  const auto file = dir.file("hand.pcapng");
  ASSERT_EQ(save_pcapng_file(b.trace, file).packets, 5u);

  const Output out = run(fields_command(file));
  ASSERT_EQ(out.status, 0) << out.text;
  const auto got = rows(out.text);
  ASSERT_EQ(got.size(), 5u) << out.text;
  const char* flags[] = {"0x0002", "0x0012", "0x0010", "", "0x0018"};
  for (std::size_t i = 0; i < got.size(); ++i) {
    SCOPED_TRACE(out.text);
    ASSERT_EQ(got[i].size(), 3u);
    EXPECT_EQ(got[i][0], std::to_string(i + 1));
    EXPECT_EQ(got[i][1], flags[i]);
    EXPECT_NE(got[i][2].find("narration: handshake"), std::string::npos);
  }
  EXPECT_NE(got[0][2].find("held 1.2 s for a step"), std::string::npos);
  EXPECT_NE(got[2][2].find("dropped by the wire: loss 30 %, seed 7"), std::string::npos);
  EXPECT_NE(got[4][2].find("held by the wire for a step when the recording ended"), std::string::npos);

  // The interfaces carry the hosts' names and tshark takes the clock as nanoseconds.
  const Output names = run("tshark -r " + file + " -T fields -e frame.interface_name -e frame.time_epoch");
  const auto named = rows(names.text);
  ASSERT_EQ(named.size(), 5u);
  EXPECT_EQ(named[0][0], "client");
  EXPECT_EQ(named[1][0], "server");
  const double first = std::stod(named[0][1]);
  const double second = std::stod(named[1][1]);
  EXPECT_NEAR(second - first, 0.099, 1e-6);
}

TEST(PcapngTshark, ItsRewrittenPcapAndPcapngReadBackTheSamePackets) {
  SKIP_WITHOUT_TSHARK();
  TempDir dir;
  testing::WireTraceBuilder b;
  hand_built(b);
  const auto ours = dir.file("ours.pcapng");
  save_pcapng_file(b.trace, ours, 1'700'000'000'000'000'000);
  const auto original = read_capture_file(ours);
  ASSERT_TRUE(original.ok());

  for (const char* format : {"pcapng", "pcap"}) {
    SCOPED_TRACE(format);
    const auto theirs = dir.file(format == std::string("pcap") ? "theirs.pcap" : "theirs.pcapng");
    ASSERT_EQ(run("tshark -r " + ours + " -F " + format + " -w " + theirs).status, 0);
    const auto back = read_capture_file(theirs);
    ASSERT_TRUE(back.ok()) << back.error->what();
    EXPECT_EQ(back.format, format == std::string("pcap") ? CaptureFormat::Pcap : CaptureFormat::Pcapng);
    ASSERT_EQ(back.packets, original.packets);
    std::vector<const trace::Event*> want, got;
    for (std::size_t i = 0; i < original.trace->size(); ++i) {
      if ((*original.trace)[i].kind == trace::EventKind::Packet) want.push_back(&(*original.trace)[i]);
    }
    for (std::size_t i = 0; i < back.trace->size(); ++i) {
      if ((*back.trace)[i].kind == trace::EventKind::Packet) got.push_back(&(*back.trace)[i]);
    }
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(got[i]->payload.text(), want[i]->payload.text());
      EXPECT_EQ(got[i]->t_ns - got[0]->t_ns, want[i]->t_ns - want[0]->t_ns);
      EXPECT_EQ(back.trace->lane_name(got[i]->from), original.trace->lane_name(want[i]->from));
    }
    // tshark's pcapng keeps packet comments, so the drop survives a trip through Wireshark.
    if (format == std::string("pcapng")) {
      EXPECT_EQ(got[2]->verdict, Verdict::Dropped);
    }
  }
}

// ---- a real exchange on the virtual wire ----

#define SKIP_WITHOUT_WIRE()                                                      \
  do {                                                                           \
    const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);     \
    if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason; \
  } while (0)

TEST(PcapngTshark, OpensARealVirtualWireTraceWithTheDroppedSynAndItsRetransmission) {
  SKIP_WITHOUT_TSHARK();
  SKIP_WITHOUT_WIRE();
  trace::Trace trace;
  lesson::Stepper stepper{lesson::StepMode::Play};
  wire::VirtualWire wire(trace, &stepper);
  int syns = 0;
  wire.set_policy([&](wire::WirePacketView& packet) {
    wire::WireVerdict verdict;
    trace::Event probe;
    probe.payload = trace::Bytes{packet.bytes.data(), static_cast<std::uint32_t>(packet.bytes.size())};
    if (testing::tcp_flags(probe) == testing::kSyn && syns++ == 0) {
      verdict.copies.clear();
      verdict.verdict = Verdict::Dropped;
      verdict.reason = "scripted: drop syn#1";
    }
    return verdict;
  });
  auto actor = [&](const char* host) {
    return net::Actor{&trace, trace.lane(host), &stepper, nullptr, wire.host_for(host)};
  };
  const net::Endpoint server_at = wire.host_for("server")->endpoint(80);
  std::atomic<bool> listening{false};
  std::jthread server([&] {
    auto listener = net::TracedSocket::open(actor("server"), net::Protocol::Tcp);
    listener.bind(server_at);
    listener.listen();
    listening = true;
    auto connection = listener.accept();
    connection.send_all(connection.recv(100));
    connection.recv(100);
    connection.close();
    listener.close();
  });
  ASSERT_TRUE(testing::wait_until([&] { return listening.load(); }));
  {
    auto client = net::TracedSocket::open(actor("client"), net::Protocol::Tcp);
    ASSERT_TRUE(client.connect(server_at));
    client.send_all("ping");
    EXPECT_EQ(client.recv(100), "ping");
    client.close();
  }
  server.join();
  ASSERT_TRUE(testing::wait_until([&] {
    const auto all = testing::packets(trace);
    return std::count_if(all.begin(), all.end(), [](auto* p) { return testing::tcp_flags(*p) & testing::kFin; }) >= 2 &&
           testing::tcp_flags(*all.back()) == testing::kAck;
  }));

  TempDir dir;
  const auto file = dir.file("wire.pcapng");
  const auto saved = save_pcapng_file(trace, file);
  const std::size_t expected = testing::packets(trace).size() + testing::packets(trace, Verdict::Dropped).size();
  EXPECT_EQ(saved.packets, expected);

  const Output out = run(fields_command(file));
  ASSERT_EQ(out.status, 0);
  const auto got = rows(out.text);
  ASSERT_EQ(got.size(), expected) << out.text;
  EXPECT_EQ(got[0][1], "0x0002");
  EXPECT_NE(got[0][2].find("dropped by the wire: scripted: drop syn#1"), std::string::npos) << out.text;
  EXPECT_EQ(got[1][1], "0x0002") << "the kernel sent the SYN again";
  EXPECT_EQ(got[1][2], "");
  EXPECT_EQ(got[2][1], "0x0012");
  EXPECT_EQ(got[3][1], "0x0010");
  // tshark finds nothing wrong in the file and sees one TCP conversation.
  const Output convs = run("tshark -r " + file + " -q -z conv,tcp");
  EXPECT_EQ(convs.status, 0);
  EXPECT_NE(convs.text.find("10.77.0.1:"), std::string::npos) << convs.text;
  EXPECT_NE(convs.text.find("10.77.0.2:80"), std::string::npos) << convs.text;
  // And our reader gives back the same packets with the drop.
  const auto back = read_capture_file(file);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.packets, expected);
  EXPECT_EQ(testing::packets(*back.trace, Verdict::Dropped).size(), 1u);
  EXPECT_EQ(testing::packets(*back.trace).size(), testing::packets(trace).size());
}

// ---- a file dumpcap (Wireshark's capture engine) wrote itself, from real loopback traffic ----

struct Socket {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// One TCP exchange on 127.0.0.1 while dumpcap captures it on `interface`: at least six packets
// (handshake, data, its ACK, a FIN). Returns dumpcap's file, or "" with why in *why.
std::string dumpcap_exchange(const TempDir& dir, const char* interface, std::uint16_t* port, std::string* why) {
  Socket listener;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listener.fd, 1) != 0 ||
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    *why = "cannot listen on 127.0.0.1";
    return "";
  }
  *port = ntohs(address.sin_port);
  const std::string file = dir.file(interface == std::string("lo") ? "dumpcap-lo.pcapng" : "dumpcap-any.pcapng");
  // Only this exchange: other tests on this machine use loopback too.
  const std::string command = "dumpcap -q -i " + std::string(interface) + " -f 'tcp port " + std::to_string(*port) +
                              "' -c 6 -a duration:20 -w " + file + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *why = "cannot start dumpcap";
    return "";
  }
  std::string said;
  char line[512];
  while (std::fgets(line, sizeof line, pipe) != nullptr) {
    said += line;
    // "Capturing on" comes before the capture really starts; "File:" after it has.
    if (said.find("File: ") != std::string::npos) break;
  }
  if (said.find("File: ") == std::string::npos) {
    ::pclose(pipe);
    *why = "dumpcap cannot capture here: " + said;
    return "";
  }
  {
    Socket client;
    ::connect(client.fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    Socket served;
    served.fd = ::accept(listener.fd, nullptr, nullptr);
    [[maybe_unused]] auto sent = ::send(client.fd, "hello", 5, 0);
    char buffer[16];
    [[maybe_unused]] auto got = ::recv(served.fd, buffer, sizeof buffer, 0);
  }                                                                     // both ends close: FINs
  while (std::fgets(line, sizeof line, pipe) != nullptr) said += line;  // until dumpcap has 6 and stops
  if (::pclose(pipe) != 0) {
    *why = "dumpcap failed: " + said;
    return "";
  }
  return file;
}

TEST(PcapngTshark, ReadsWhatDumpcapCapturedOnLoopbackAndOnAny) {
  if (std::system("command -v dumpcap >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "dumpcap is not installed (apt-get install tshark)";
  if (::geteuid() != 0) GTEST_SKIP() << "capturing on lo needs root (or CAP_NET_RAW for dumpcap)";
  TempDir dir;
  // lo: Ethernet frames with zero addresses; any: Linux cooked headers. Both end with an
  // interface statistics block the reader skips.
  for (const char* interface : {"lo", "any"}) {
    SCOPED_TRACE(interface);
    std::uint16_t port = 0;
    std::string why;
    const std::string file = dumpcap_exchange(dir, interface, &port, &why);
    if (file.empty()) GTEST_SKIP() << why;
    const auto result = read_capture_file(file);
    ASSERT_TRUE(result.ok()) << result.error->what();
    EXPECT_EQ(result.format, CaptureFormat::Pcapng);
    EXPECT_FALSE(result.written_by_wirestep);
    EXPECT_EQ(result.skipped_frames, 0u);
    const auto all = testing::packets(*result.trace);
    ASSERT_EQ(all.size(), 6u);
    const trace::Trace& t = *result.trace;
    // One host (127.0.0.1) on both ends: the SYN's sender port is the client.
    EXPECT_EQ(testing::tcp_flags(*all[0]), testing::kSyn);
    EXPECT_EQ(t.lane_name(all[0]->from), "client");
    EXPECT_EQ(t.lane_name(all[0]->to), "server");
    EXPECT_EQ(all[0]->peer.to_string(), "127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(testing::tcp_flags(*all[1]), testing::kSyn | testing::kAck);
    EXPECT_EQ(t.lane_name(all[1]->from), "server");
    EXPECT_EQ(all[0]->t_ns, 0);
    EXPECT_GE(all[5]->t_ns, all[1]->t_ns);
    for (const auto* p : all) EXPECT_EQ(p->flow, all[0]->flow);
  }
}

}  // namespace
}  // namespace wirestep::capture
