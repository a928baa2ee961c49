// dissect_command: loads the file, dissects each Packet event, prints a tree per packet.
#include "cli/dissect_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <vector>

#include "capture/trace_file.h"
#include "cli/exit_code.h"
#include "proto/packet/packet_dissector.h"
#include "proto/packet/packet_summary.h"

namespace wirestep::cli {
namespace {

// Keys in the order a reader expects (name, value, offset, length, children), not sorted.
using json = nlohmann::ordered_json;

// Children of every field in one pass (FieldTree::children scans the whole tree each call).
std::vector<std::vector<int>> child_lists(const proto::FieldTree& tree) {
  std::vector<std::vector<int>> children(tree.size() + 1);  // the last entry: top level
  for (std::size_t i = 0; i < tree.size(); ++i) {
    const int parent = tree[i].parent;
    children[parent < 0 ? tree.size() : static_cast<std::size_t>(parent)].push_back(static_cast<int>(i));
  }
  return children;
}

json field_json(const proto::FieldTree& tree, const std::vector<std::vector<int>>& children, int index) {
  const proto::Field& f = tree[static_cast<std::size_t>(index)];
  json j{{"name", f.name}, {"value", f.value}, {"offset", f.offset}, {"length", f.length}};
  if (f.severity != proto::FieldSeverity::Normal) {
    constexpr const char* kSeverity[] = {"normal", "note", "warning", "error"};
    j["severity"] = kSeverity[static_cast<int>(f.severity)];
  }
  json kids = json::array();
  for (const int child : children[static_cast<std::size_t>(index)]) kids.push_back(field_json(tree, children, child));
  j["children"] = std::move(kids);
  return j;
}

std::string lane_text(const trace::Trace& trace, trace::LaneId lane) {
  return lane == trace::kNoLane ? "(nobody)" : std::string(trace.lane_name(lane));
}

}  // namespace

CLI::App* add_dissect_command(CLI::App& app, DissectCommandOptions& options) {
  auto* dissect =
      app.add_subcommand("dissect", "Print every packet of a .pcap, .pcapng or WireStep trace file as its field tree");
  dissect->add_option("file", options.file, "The file to read")->required();
  dissect->add_flag("--json", options.json, "Print JSON: name, value, offset, length and children per field");
  return dissect;
}

int dissect_command(const DissectCommandOptions& options, std::ostream& out, std::ostream& err) {
  const capture::LoadedTrace loaded = capture::load_trace_file_any(options.file);
  if (loaded.trace == nullptr) {
    err << "wirestep: cannot dissect " << options.file << ": " << loaded.error << "\n";
    return kExitFailure;
  }
  const trace::Trace& trace = *loaded.trace;
  json packets = json::array();
  std::size_t number = 0;
  if (!options.json) out << options.file << ": " << loaded.summary << "\n";
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const trace::Event& e = trace[i];
    if (e.kind != trace::EventKind::Packet) continue;
    ++number;
    const proto::FieldTree tree = proto::dissect_packet(e.payload.span());
    const auto children = child_lists(tree);
    if (options.json) {
      json fields = json::array();
      for (const int top : children.back()) fields.push_back(field_json(tree, children, top));
      packets.push_back(json{{"number", number},
                             {"t_ns", e.t_ns},
                             {"from", lane_text(trace, e.from)},
                             {"to", lane_text(trace, e.to)},
                             {"verdict", trace::to_string(e.verdict)},
                             {"length", std::max<std::uint32_t>(e.payload_size, e.payload.size)},
                             {"captured", e.payload.size},
                             {"fields", std::move(fields)}});
      continue;
    }
    std::string header = fmt::format("\nPacket {}  {:.6f} s  {} -> {}  ", number, e.t_ns / 1e9,
                                     lane_text(trace, e.from), lane_text(trace, e.to));
    header += e.payload_truncated() ? fmt::format("{} of {} bytes captured", e.payload.size, e.payload_size)
                                    : fmt::format("{} bytes", e.payload.size);
    if (e.verdict != trace::Verdict::Delivered) header += fmt::format("  {}", trace::to_string(e.verdict));
    out << header << "  " << proto::describe(proto::summarize(e.payload.span())) << "\n";
    for (const proto::Field& f : tree.fields()) {
      out << std::string(static_cast<std::size_t>(2 * (f.depth + 1)), ' ') << f.name;
      if (!f.value.empty()) out << ": " << f.value;
      out << "\n";
    }
  }
  if (options.json) {
    json root{{"file", options.file}, {"summary", loaded.summary}, {"packets", std::move(packets)}};
    if (!loaded.error.empty()) root["error"] = loaded.error;
    out << root.dump(2) << "\n";
  }
  out << std::flush;
  if (!loaded.error.empty()) {
    err << "wirestep: " << options.file << " is damaged; the packets before the damage were printed: " << loaded.error
        << "\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace wirestep::cli
