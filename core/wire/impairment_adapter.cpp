// impairment_adapter: from a policy's Decision to what the wire thread does with the bytes.
#include "wire/impairment_adapter.h"

#include "proto/packet/checksum.h"
#include "proto/packet/packet_summary.h"

namespace wirestep::wire {

PacketFacts packet_facts(const WirePacketView& packet) {
  const proto::PacketSummary summary = proto::summarize(packet.bytes);
  PacketFacts facts;
  facts.direction = {static_cast<HostIndex>(packet.from_host), static_cast<HostIndex>(packet.to_host)};
  facts.transport = summary.transport;
  facts.tcp_flags = summary.tcp_flags;
  facts.payload_length = summary.payload_length;
  facts.size = static_cast<std::uint32_t>(packet.bytes.size());
  facts.now_ns = packet.now_ns;
  if (summary.transport != trace::Transport::None) {
    const std::uint32_t transport_header =
        summary.transport == trace::Transport::Tcp ? summary.tcp_header_length : 8u;
    if (summary.payload_offset >= transport_header) {
      facts.ip_header_length = static_cast<std::uint16_t>(summary.payload_offset - transport_header);
    }
  }
  return facts;
}

WirePolicy make_wire_policy(std::shared_ptr<ImpairmentPolicy> policy) {
  return [policy = std::move(policy)](WirePacketView& packet) {
    const PacketFacts facts = packet_facts(packet);
    const Decision decision = policy->decide(facts);
    WireVerdict verdict;
    if (const Action* drop = decision.drop()) {
      verdict.copies.clear();
      verdict.verdict = trace::Verdict::Dropped;
      verdict.reason = drop->why;
      return verdict;
    }
    std::string reasons;
    auto add_reason = [&](const std::string& why) {
      if (why.empty() || reasons.find(why) != std::string::npos) return;
      if (!reasons.empty()) reasons += "; ";
      reasons += why;
    };
    if (const Action* corrupt = decision.corruption()) {
      if (corrupt->offset < packet.bytes.size()) {
        packet.bytes[corrupt->offset] ^= std::byte{corrupt->xor_mask};
        if (corrupt->fix_checksum) proto::fix_checksums(packet.bytes);
      }
      verdict.verdict = trace::Verdict::Corrupted;
      add_reason(corrupt->why);
    }
    const auto deliveries = decision.deliveries();
    verdict.copies.clear();
    for (const Action* delivery : deliveries) {
      verdict.copies.push_back({std::max<std::int64_t>(0, delivery->at_ns - facts.now_ns)});
      if (delivery->cause != Cause::None) add_reason(delivery->why);
    }
    if (verdict.verdict != trace::Verdict::Corrupted) {
      if (deliveries.size() > 1) {
        verdict.verdict = trace::Verdict::Duplicated;
      } else if (!verdict.copies.empty() && verdict.copies.front().delay_ns > 0) {
        verdict.verdict = trace::Verdict::Delayed;
      }
    }
    verdict.reason = reasons;
    return verdict;
  };
}

}  // namespace wirestep::wire
