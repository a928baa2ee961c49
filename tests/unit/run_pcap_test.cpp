// `wirestep run LESSON --pcap FILE`: the packets of a real run as pcapng, and a missing folder refused up front.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "capture/pcap_reader.h"
#include "catalog.h"
#include "cli/exit_code.h"
#include "cli/run_command.h"
#include "support/wire_queries.h"
#include "wire/wire_probe.h"

namespace wirestep::cli {
namespace {

const lesson::Catalog& catalog() {
  static const lesson::Catalog instance = lessons::make_catalog();
  return instance;
}

TEST(RunPcap, AMissingFolderIsRefusedBeforeTheLessonRuns) {
  RunCommandOptions options;
  options.lesson = "tcp-handshake";
  options.speed = 0;
  options.pcap_path = "/nonexistent/folder/run.pcapng";
  std::ostringstream out, err;
  EXPECT_EQ(run_command(catalog(), options, out, err), kExitUsage);
  EXPECT_NE(err.str().find("cannot save the packets to /nonexistent/folder/run.pcapng: folder /nonexistent/folder "
                           "does not exist"),
            std::string::npos)
      << err.str();
  EXPECT_EQ(out.str(), "") << "nothing ran";
}

TEST(RunPcap, WritesTheRunsPacketsWithTheHandshakeFirst) {
  const auto& status = wire::probe_once().status(wire::Tier::VirtualWire);
  if (!status.available) GTEST_SKIP() << "no virtual wire: " << status.reason;
  const auto path = std::filesystem::temp_directory_path() / ("wirestep-run-" + std::to_string(::getpid()) + ".pcapng");
  RunCommandOptions options;
  options.lesson = "tcp-handshake";
  options.speed = 0;
  options.pcap_path = path.string();
  std::ostringstream out, err;
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const int code = run_command(catalog(), options, out, err, pipe_fds[0]);
  ::close(pipe_fds[0]);
  ::close(pipe_fds[1]);
  ASSERT_EQ(code, kExitOk) << err.str();
  EXPECT_NE(out.str().find("packets saved to " + path.string()), std::string::npos) << out.str();
  const auto read = capture::read_capture_file(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(read.ok()) << read.error->what();
  const auto packets = testing::packets(*read.trace);
  ASSERT_GE(packets.size(), 3u);
  EXPECT_EQ(testing::tcp_flags(*packets[0]), testing::kSyn);
  EXPECT_EQ(read.trace->lane_name(packets[0]->from), "client");
  EXPECT_EQ(read.trace->lane_name(packets[0]->to), "server");
  EXPECT_EQ(testing::tcp_flags(*packets[1]), testing::kSyn | testing::kAck);
  bool narrated = false;
  for (std::size_t i = 0; i < read.trace->size(); ++i) narrated |= (*read.trace)[i].kind == trace::EventKind::Note;
  EXPECT_TRUE(narrated) << "the lesson's cues ride along in the packets' comments";
}

}  // namespace
}  // namespace wirestep::cli
