// The pcapng writer: block layout read independently, the wire's story in comments, and round trips through the reader.
#include "capture/pcapng_writer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "capture/pcap_reader.h"
#include "support/packet_builder.h"
#include "support/trace_builder.h"

namespace wirestep::capture {
namespace {

using trace::Verdict;

// ---- an independent little-endian pcapng walk, just enough to check what the writer made ----

std::uint32_t le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + 3])) << 24;
}
std::uint16_t le16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) | static_cast<unsigned char>(b[at + 1]) << 8);
}

struct Option {
  std::uint16_t code;
  std::string value;
};
struct Block {
  std::uint32_t type = 0;
  std::string body;  // between the leading length and the trailing one
  std::vector<Option> options;
};

std::vector<Option> options_at(const std::string& body, std::size_t at) {
  std::vector<Option> out;
  while (at + 4 <= body.size()) {
    const std::uint16_t code = le16(body, at);
    const std::uint16_t length = le16(body, at + 2);
    if (code == 0) break;
    out.push_back({code, body.substr(at + 4, length)});
    at += 4 + ((length + 3u) & ~3u);
  }
  return out;
}

std::vector<Block> walk(const std::string& file) {
  std::vector<Block> blocks;
  std::size_t at = 0;
  while (at < file.size()) {
    EXPECT_LE(at + 12, file.size());
    const std::uint32_t length = le32(file, at + 4);
    EXPECT_EQ(length % 4, 0u);
    EXPECT_EQ(le32(file, at + length - 4), length) << "trailing length at " << at;
    Block b{le32(file, at), file.substr(at + 8, length - 12), {}};
    if (b.type == 0x0A0D0D0A) b.options = options_at(b.body, 16);
    if (b.type == 1) b.options = options_at(b.body, 8);
    if (b.type == 6) b.options = options_at(b.body, 20 + ((le32(b.body, 12) + 3u) & ~3u));
    blocks.push_back(std::move(b));
    at += length;
  }
  return blocks;
}

std::vector<std::string> comments(const Block& b) {
  std::vector<std::string> out;
  for (const auto& o : b.options) {
    if (o.code == 1) out.push_back(o.value);
  }
  return out;
}

std::string text_of(const std::vector<std::uint8_t>& v) { return std::string(v.begin(), v.end()); }

// ---- a trace shaped like the wire's, every kind of fate in it ----

constexpr std::int64_t kEpoch = 1'700'000'000'000'000'000;

struct Scenario {
  testing::WireTraceBuilder b;
  std::vector<std::uint64_t> written;  // seqs expected in the file, in order
  std::vector<std::vector<std::uint8_t>> bytes;

  Scenario() {
    const testing::Ipv4Spec back{.src = {10, 77, 0, 2}, .dst = {10, 77, 0, 1}};
    const auto syn = testing::tcp_v4({.seq = 1, .flags = 0x02});
    const auto syn_ack = testing::tcp_v4({.src_port = 80, .dst_port = 41234, .seq = 9, .ack = 2, .flags = 0x12}, back);
    const auto ack = testing::tcp_v4({.seq = 2, .ack = 10, .flags = 0x10});
    const auto udp = testing::udp_v4(5000, 7, testing::text_bytes("x"));
    const auto noise = testing::udp_v6(5353, 5353, testing::text_bytes("?"));
    const auto data = testing::tcp_v4({.seq = 2, .ack = 10, .flags = 0x18, .payload = testing::text_bytes("GET")});

    b.note(0, "handshake");
    const auto held = b.packet(1'000'000, b.client, b.server, syn, Verdict::Held);
    const auto why_late = b.impairment(1'201'000'000, Verdict::Delayed, held, "delay 200 ms");
    keep(b.packet(1'401'000'000, b.client, b.server, syn, Verdict::Delayed, why_late), syn);
    keep(b.packet(1'500'000'000, b.server, b.client, syn_ack), syn_ack);
    b.call(1'500'100'000, b.client, trace::Call::Connect);
    const auto lost = b.packet(1'600'000'000, b.client, b.server, ack, Verdict::Dropped);
    keep(lost, ack);
    b.impairment(1'600'000'001, Verdict::Dropped, lost, "loss 30 %, seed 7");
    const auto why_two = b.impairment(1'650'000'000, Verdict::Duplicated, trace::kNoSeq, "duplicate 100 %, seed 1");
    keep(b.packet(1'650'000'000, b.client, b.server, udp, Verdict::Duplicated, why_two), udp);
    keep(b.packet(1'650'000'100, b.client, b.server, udp, Verdict::Duplicated, why_two), udp);
    keep(b.packet(1'660'000'000, b.client, trace::kNoLane, noise, Verdict::Dropped), noise);
    b.note(1'700'000'000, "request");
    keep(b.packet(1'800'000'000, b.client, b.server, data, Verdict::Held), data);  // never let go
  }
  void keep(std::uint64_t seq, const std::vector<std::uint8_t>& ip) {
    written.push_back(seq);
    bytes.push_back(ip);
  }
};

std::string write(const trace::Trace& trace, std::optional<std::int64_t> epoch = kEpoch,
                  PcapngWriteSummary* summary = nullptr) {
  std::ostringstream out;
  const auto s = write_pcapng(trace, out, epoch);
  if (summary != nullptr) *summary = s;
  return out.str();
}

TEST(PcapngWriter, WritesASectionOneInterfacePerSenderAndOnePacketBlockPerPacket) {
  Scenario s;
  PcapngWriteSummary summary;
  const std::string file = write(s.b.trace, kEpoch, &summary);
  const auto blocks = walk(file);
  ASSERT_EQ(blocks.size(), 1 + 2 + s.written.size());
  EXPECT_EQ(summary.packets, s.written.size());
  EXPECT_EQ(summary.interfaces, 2u);
  EXPECT_EQ(summary.epoch_unix_ns, kEpoch);

  // Section header: little-endian magic, version 1.0, the anchor and the application.
  ASSERT_EQ(blocks[0].type, 0x0A0D0D0Au);
  EXPECT_EQ(le32(blocks[0].body, 0), 0x1A2B3C4Du);
  EXPECT_EQ(le16(blocks[0].body, 4), 1);
  EXPECT_EQ(le16(blocks[0].body, 6), 0);
  const auto shb_comments = comments(blocks[0]);
  ASSERT_EQ(shb_comments.size(), 1u);
  EXPECT_NE(shb_comments[0].find("2023-11-14 22:13:20.000000000 UTC"), std::string::npos) << shb_comments[0];
  EXPECT_NE(shb_comments[0].find("unix_ns=1700000000000000000"), std::string::npos);
  ASSERT_EQ(blocks[0].options.size(), 2u);
  EXPECT_EQ(blocks[0].options[1].code, 4);
  EXPECT_EQ(blocks[0].options[1].value.rfind("WireStep ", 0), 0u);

  // Interfaces: the sending hosts by name, raw IP, nanoseconds.
  const char* names[] = {"client", "server"};
  for (int i = 0; i < 2; ++i) {
    const Block& idb = blocks[1 + static_cast<std::size_t>(i)];
    ASSERT_EQ(idb.type, 1u);
    EXPECT_EQ(le16(idb.body, 0), 101) << "LINKTYPE_RAW";
    bool named = false, nanos = false;
    for (const auto& o : idb.options) {
      named |= o.code == 2 && o.value == names[i];
      nanos |= o.code == 9 && o.value == std::string(1, '\x09');
    }
    EXPECT_TRUE(named) << names[i];
    EXPECT_TRUE(nanos);
  }

  // Packets: sender's interface, anchor + t_ns, the exact bytes.
  for (std::size_t i = 0; i < s.written.size(); ++i) {
    SCOPED_TRACE("packet " + std::to_string(i));
    const Block& epb = blocks[3 + i];
    const trace::Event& e = s.b.trace[s.written[i]];
    ASSERT_EQ(epb.type, 6u);
    EXPECT_EQ(le32(epb.body, 0), e.from == s.b.client ? 0u : 1u);
    const std::uint64_t stamp = std::uint64_t{le32(epb.body, 4)} << 32 | le32(epb.body, 8);
    EXPECT_EQ(stamp, static_cast<std::uint64_t>(kEpoch + e.t_ns));
    EXPECT_EQ(le32(epb.body, 12), s.bytes[i].size());
    EXPECT_EQ(le32(epb.body, 16), s.bytes[i].size());
    EXPECT_EQ(epb.body.substr(20, s.bytes[i].size()), text_of(s.bytes[i]));
  }
}

TEST(PcapngWriter, CommentsTellWhatTheWireDidHowLongItHeldAndTheNarration) {
  Scenario s;
  const auto blocks = walk(write(s.b.trace));
  using C = std::vector<std::string>;
  const std::vector<C> expected{
      {"delayed by the wire: delay 200 ms", "held 1.2 s for a step", "narration: handshake"},
      {"narration: handshake"},
      {"dropped by the wire: loss 30 %, seed 7", "narration: handshake"},
      {"duplicate made by the wire: duplicate 100 %, seed 1", "narration: handshake"},
      {"duplicate made by the wire: duplicate 100 %, seed 1", "narration: handshake"},
      {"dropped by the wire: no host on the wire has that address", "narration: handshake"},
      {"held by the wire for a step when the recording ended", "narration: request"},
  };
  ASSERT_EQ(blocks.size(), 3 + expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(comments(blocks[3 + i]), expected[i]) << "packet " << i;
}

TEST(PcapngWriter, AHeldPacketReleasedPlainlyOrDroppedCarriesItsWait) {
  testing::WireTraceBuilder b;
  const auto syn = testing::tcp_v4({.flags = 0x02});
  const auto h1 = b.packet(0, b.client, b.server, syn, Verdict::Held);
  b.packet(350'000'000, b.client, b.server, syn, Verdict::Delivered, h1);  // let go by a step
  const auto h2 = b.packet(400'000'000, b.client, b.server, syn, Verdict::Held);
  const auto drop = b.packet(2'400'000'000, b.client, b.server, syn, Verdict::Dropped, h2);
  b.impairment(2'400'000'000, Verdict::Dropped, drop, "scripted: drop syn#2");
  const auto blocks = walk(write(b.trace));
  ASSERT_EQ(blocks.size(), 2u + 2u);
  EXPECT_EQ(comments(blocks[2]), (std::vector<std::string>{"held 350 ms for a step"}));
  EXPECT_EQ(comments(blocks[3]),
            (std::vector<std::string>{"dropped by the wire: scripted: drop syn#2", "held 2.0 s for a step"}));
}

TEST(PcapngWriter, RoundTripKeepsPacketsTimesLanesVerdictsReasonsAndNarration) {
  Scenario s;
  const std::string file = write(s.b.trace);
  const auto result = read_capture(std::as_bytes(std::span(file.data(), file.size())));
  ASSERT_TRUE(result.ok()) << result.error->what();
  EXPECT_TRUE(result.written_by_wirestep);
  EXPECT_EQ(result.epoch_unix_ns, kEpoch);
  const trace::Trace& back = *result.trace;

  std::vector<const trace::Event*> packets;
  std::vector<std::string> notes;
  std::vector<std::string> reasons;
  for (std::size_t i = 0; i < back.size(); ++i) {
    if (back[i].kind == trace::EventKind::Packet) packets.push_back(&back[i]);
    if (back[i].kind == trace::EventKind::Note) notes.emplace_back(back[i].payload.text());
    if (back[i].kind == trace::EventKind::Impairment) reasons.emplace_back(back[i].payload.text());
    EXPECT_NE(back[i].kind, trace::EventKind::SocketCall) << "calls stay in the JSON trace";
  }
  ASSERT_EQ(packets.size(), s.written.size());
  for (std::size_t i = 0; i < packets.size(); ++i) {
    SCOPED_TRACE("packet " + std::to_string(i));
    const trace::Event& original = s.b.trace[s.written[i]];
    const trace::Event& got = *packets[i];
    EXPECT_EQ(got.t_ns, original.t_ns) << "the anchor makes times exact";
    EXPECT_EQ(got.verdict, original.verdict);
    EXPECT_EQ(back.lane_name(got.from), s.b.trace.lane_name(original.from));
    if (original.to == trace::kNoLane) {
      EXPECT_EQ(got.to, trace::kNoLane);
    } else {
      EXPECT_EQ(back.lane_name(got.to), s.b.trace.lane_name(original.to));
    }
    EXPECT_EQ(std::string(got.payload.text()), text_of(s.bytes[i]));
  }
  EXPECT_EQ(notes, (std::vector<std::string>{"handshake", "request"}));
  EXPECT_EQ(reasons, (std::vector<std::string>{"delay 200 ms", "loss 30 %, seed 7", "duplicate 100 %, seed 1",
                                               "duplicate 100 %, seed 1", "no host on the wire has that address"}));
  // The drop is explained the wire's way: the Impairment after it points at it.
  const trace::Event& drop = *packets[2];
  bool explained = false;
  for (std::size_t i = drop.seq + 1; i < back.size(); ++i) {
    explained |= back[i].kind == trace::EventKind::Impairment && back[i].link == drop.seq;
  }
  EXPECT_TRUE(explained);

  // Written again, the file says the same except how long packets waited (a hold is not a packet).
  const auto first = walk(file);
  const auto second = walk(write(back, result.epoch_unix_ns));
  ASSERT_EQ(second.size(), first.size());
  for (std::size_t i = 3; i < first.size(); ++i) {
    auto before = comments(first[i]);
    std::erase_if(before, [](const std::string& c) { return c.starts_with("held ") && c.ends_with(" for a step"); });
    EXPECT_EQ(comments(second[i]), before);
    // Interface, time, lengths and bytes: everything before the options.
    const std::size_t packet_part = 20 + le32(first[i].body, 12);
    EXPECT_EQ(second[i].body.substr(0, packet_part), first[i].body.substr(0, packet_part));
  }
}

TEST(PcapngWriter, WithoutAnEpochTheLastEventIsStampedAboutNow) {
  Scenario s;
  const auto now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  PcapngWriteSummary summary;
  write(s.b.trace, std::nullopt, &summary);
  const std::int64_t last = s.b.trace[s.b.trace.size() - 1].t_ns;
  EXPECT_GE(summary.epoch_unix_ns + last, now);
  EXPECT_LT(summary.epoch_unix_ns + last, now + 5'000'000'000);
}

TEST(PcapngWriter, AnEmptyTraceIsAValidFileWithNoPackets) {
  trace::Trace empty;
  const std::string file = write(empty);
  const auto blocks = walk(file);
  ASSERT_EQ(blocks.size(), 1u);
  const auto result = read_capture(std::as_bytes(std::span(file.data(), file.size())));
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.packets, 0u);
}

TEST(PcapngWriter, PayloadBytesTheTraceCutAreStillCountedInTheOriginalLength) {
  trace::Trace small(trace::TraceLimits{.max_events = 100, .max_payload_bytes = 50});
  const auto big = testing::tcp_v4({.flags = 0x18, .payload = std::vector<std::uint8_t>(100, 'x')});
  trace::Event e;
  e.kind = trace::EventKind::Packet;
  e.from = small.lane("client");
  e.to = small.lane("server");
  small.append_recorded(e, std::as_bytes(std::span(big.data(), big.size())));
  ASSERT_LT(small[0].payload.size, big.size());
  const auto blocks = walk(write(small));
  ASSERT_EQ(blocks.size(), 3u);
  EXPECT_EQ(le32(blocks[2].body, 12), small[0].payload.size);
  EXPECT_EQ(le32(blocks[2].body, 16), big.size());
}

TEST(PcapngWriter, SavingGoesThroughATemporaryFileAndLeavesNothingBehindOnFailure) {
  Scenario s;
  const auto dir = std::filesystem::temp_directory_path() / ("wirestep-pcapng-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "run.pcapng";
  {
    std::ofstream old(path);
    old << "an older file";
  }
  const auto summary = save_pcapng_file(s.b.trace, path, kEpoch);
  EXPECT_EQ(summary.packets, s.written.size());
  EXPECT_FALSE(std::filesystem::exists(dir / "run.pcapng.tmp"));
  const auto result = read_capture_file(path);
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result.packets, s.written.size());

  const auto nowhere = dir / "missing" / "run.pcapng";
  EXPECT_THROW(save_pcapng_file(s.b.trace, nowhere, kEpoch), std::system_error);
  EXPECT_FALSE(std::filesystem::exists(nowhere));
  // A path that is a folder: the temporary file is written, the rename fails and it is removed.
  const auto folder = dir / "folder.pcapng";
  std::filesystem::create_directories(folder / "inside");
  EXPECT_THROW(save_pcapng_file(s.b.trace, folder, kEpoch), std::exception);
  EXPECT_FALSE(std::filesystem::exists(dir / "folder.pcapng.tmp"));
  EXPECT_TRUE(std::filesystem::is_directory(folder));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wirestep::capture
