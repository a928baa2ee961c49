// A packet's narration comment comes from the lesson's cues, not from what an actor measured.
#include <gtest/gtest.h>

#include "capture/packet_fates.h"
#include "trace/trace.h"

namespace wirestep {
namespace {

TEST(PacketFatesNarration, OnlyTheLessonLanesNotesAreNarration) {
  trace::Trace trace;
  auto note = [&](std::string_view lane, std::string_view text) {
    trace::Event e;
    e.kind = trace::EventKind::Note;
    e.lane = trace.lane(lane);
    trace.append(e, text);
  };
  auto packet = [&] {
    trace::Event e;
    e.kind = trace::EventKind::Packet;
    e.lane = trace.lane("wire");
    e.from = trace.lane("client");
    e.to = trace.lane("server");
    trace.append(e, std::string_view("\x45\x00\x00\x14", 4));
  };
  note("lesson", "blast");
  packet();
  note("server", "sent 200, received 171: lost 35");
  packet();
  const auto packets = capture::packets_to_write(trace, trace.size());
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[0].fate.narration, "blast");
  EXPECT_EQ(packets[1].fate.narration, "blast") << "a measured note is not a narration cue";
}

}  // namespace
}  // namespace wirestep
