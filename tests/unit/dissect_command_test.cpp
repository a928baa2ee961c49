// `wirestep dissect` and `wirestep view`'s file check: field trees as text and JSON, damaged and wrong files.
#include "cli/dissect_command.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/exit_code.h"
#include "cli/view_command.h"
#include "support/capture_builder.h"
#include "support/packet_builder.h"
#include "support/trace_builder.h"
#include "trace/trace_json.h"

namespace wirestep::cli {
namespace {

struct TempFile {
  std::filesystem::path path;
  TempFile(const char* name, const std::vector<std::uint8_t>& bytes)
      : path(std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-" + name)) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ~TempFile() { std::filesystem::remove(path); }
};

std::vector<std::uint8_t> two_packets() {
  const auto syn = testing::tcp_v4({.seq = 7, .flags = 0x02});
  const auto reply = testing::tcp_v4({.src_port = 80, .dst_port = 41234, .seq = 1, .ack = 8, .flags = 0x12},
                                     {.src = {10, 77, 0, 2}, .dst = {10, 77, 0, 1}});
  return testing::pcap_file(
      false, false, 1,
      {{100, 0, testing::ethernet_frame(0x0800, syn), 0}, {100, 250'000, testing::ethernet_frame(0x0800, reply), 0}});
}

struct Ran {
  int code;
  std::string out;
  std::string err;
};

Ran dissect(const std::filesystem::path& path, bool json = false) {
  std::ostringstream out, err;
  const int code = dissect_command({path.string(), json}, out, err);
  return {code, out.str(), err.str()};
}

TEST(DissectCommand, PrintsEachPacketsFieldTreeIndentedByDepth) {
  TempFile file("two.pcap", two_packets());
  const Ran r = dissect(file.path);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("pcap: 2 packets"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nPacket 1  0.000000 s  client -> server  40 bytes  TCP 10.77.0.1:41234 → 10.77.0.2:80 [SYN]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\nPacket 2  0.250000 s  server -> client  40 bytes  TCP"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  Internet Protocol Version 4: 10.77.0.1 → 10.77.0.2\n    Version: 4\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n    Source address: 10.77.0.1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n  Transmission Control Protocol: 41234 → 80 [SYN] seq=7 len=0\n    Source port: 41234\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[SYN, ACK]"), std::string::npos) << r.out;
}

TEST(DissectCommand, JsonGivesNameValueOffsetLengthAndChildren) {
  TempFile file("two-json.pcap", two_packets());
  const Ran r = dissect(file.path, true);
  ASSERT_EQ(r.code, kExitOk) << r.err;
  const auto root = nlohmann::json::parse(r.out);
  ASSERT_EQ(root["packets"].size(), 2u);
  const auto& first = root["packets"][0];
  EXPECT_EQ(first["number"], 1);
  EXPECT_EQ(first["from"], "client");
  EXPECT_EQ(first["to"], "server");
  EXPECT_EQ(first["verdict"], "delivered");
  EXPECT_EQ(first["length"], 40);
  EXPECT_EQ(root["packets"][1]["t_ns"], 250'000'000);
  const auto& ip = first["fields"][0];
  EXPECT_EQ(ip["name"], "Internet Protocol Version 4");
  EXPECT_EQ(ip["offset"], 0);
  EXPECT_EQ(ip["length"], 20);
  bool found = false;
  for (const auto& child : ip["children"]) {
    if (child["name"] != "Source address") continue;
    found = true;
    EXPECT_EQ(child["value"], "10.77.0.1");
    EXPECT_EQ(child["offset"], 12);
    EXPECT_EQ(child["length"], 4);
    EXPECT_TRUE(child["children"].is_array());
  }
  EXPECT_TRUE(found) << ip.dump(2);
  EXPECT_EQ(first["fields"][1]["name"], "Transmission Control Protocol");
  EXPECT_FALSE(root.contains("error"));
}

TEST(DissectCommand, ADamagedFileShowsWhatCameBeforeAndFailsWithTheOffset) {
  auto bytes = two_packets();
  bytes.resize(bytes.size() - 5);  // the second record is cut short
  TempFile file("cut.pcap", bytes);
  const Ran r = dissect(file.path);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_NE(r.out.find("Packet 1 "), std::string::npos) << "nothing already read is lost";
  EXPECT_EQ(r.out.find("Packet 2 "), std::string::npos);
  const std::size_t second = 24 + 16 + 54;
  EXPECT_NE(r.err.find("offset " + std::to_string(second) + ": packet record claims 54 bytes captured"),
            std::string::npos)
      << r.err;

  const Ran j = dissect(file.path, true);
  EXPECT_EQ(j.code, kExitFailure);
  const auto root = nlohmann::json::parse(j.out);
  EXPECT_EQ(root["packets"].size(), 1u);
  EXPECT_NE(root["error"].get<std::string>().find("offset 94"), std::string::npos);
}

TEST(DissectCommand, NotACaptureOrAMissingFileFailsWithAReason) {
  TempFile junk("junk.pcap", testing::text_bytes("hello, not a capture"));
  Ran r = dissect(junk.path);
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_NE(r.err.find("offset 0: not a pcap or pcapng file (it starts with 68 65 6c 6c)"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");

  r = dissect("/nonexistent/wirestep.pcap");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_NE(r.err.find("cannot open /nonexistent/wirestep.pcap"), std::string::npos) << r.err;
}

TEST(DissectCommand, ReadsAWireStepJsonTraceToo) {
  testing::WireTraceBuilder b;
  b.packet(5, b.client, b.server, testing::udp_v4(5000, 7, testing::text_bytes("hi")));
  const auto path = std::filesystem::temp_directory_path() / (std::to_string(::getpid()) + "-trace.json");
  trace::save_trace_file(b.trace, path);
  const Ran r = dissect(path);
  std::filesystem::remove(path);
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("User Datagram Protocol"), std::string::npos) << r.out;
}

TEST(DissectCommand, WithoutAFileItIsAUsageError) {
  CLI::App app;
  DissectCommandOptions options;
  add_dissect_command(app, options);
  EXPECT_THROW(app.parse("dissect", false), CLI::RequiredError);  // main() exits 2 on any ParseError
  CLI::App ok;
  add_dissect_command(ok, options);
  ok.parse("dissect --json x.pcap", false);
  EXPECT_EQ(options.file, "x.pcap");
  EXPECT_TRUE(options.json);
}

TEST(ViewCommand, AcceptsCapturesAndTracesAndRefusesOtherFiles) {
  TempFile capture("view.bin", two_packets());  // by content, whatever the name
  std::ostringstream err;
  EXPECT_EQ(check_view_file({capture.path.string(), ""}, err), kExitOk);
  TempFile text("view.txt", testing::text_bytes("hello"));
  EXPECT_EQ(check_view_file({text.path.string(), ""}, err), kExitFailure);
  EXPECT_NE(err.str().find("is not a WireStep trace (.json), pcap or pcapng file"), std::string::npos);
  EXPECT_EQ(check_view_file({"/nonexistent/x.pcapng", ""}, err), kExitFailure);
  EXPECT_NE(err.str().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace wirestep::cli
