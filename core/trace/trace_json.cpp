// JSON (de)serialisation of traces: lanes, every event's fields, payloads as base64.
#include "trace/trace_json.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>
#include <fstream>
#include <system_error>
#include <type_traits>

#include "trace/base64.h"
#include "trace/tcp_metrics.h"

namespace wirestep::trace {
namespace {

using nlohmann::json;

json address_to_json(const Address& address) {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(address.family == 6 ? AF_INET6 : AF_INET, address.ip.data(), text, sizeof text);
  return json{{"ip", text}, {"port", address.port}};
}

[[noreturn]] void fail(const std::string& where, const std::string& why) {
  throw TraceFormatError(where + ": " + why);
}

template <typename T>
T number(const json& object, const char* key, const std::string& where, T fallback = T{}) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_number()) fail(where + "." + key, "expected a number");
  return it->get<T>();
}

template <typename Enum>
Enum enum_field(const json& object, const char* key, const std::string& where, Enum fallback) {
  const auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (!it->is_string()) fail(where + "." + key, "expected a string");
  Enum out{};
  if (!parse(it->get<std::string>(), out)) fail(where + "." + key, "unknown value '" + it->get<std::string>() + "'");
  return out;
}

Address address_from_json(const json& object, const char* key, const std::string& where) {
  Address out;
  const auto it = object.find(key);
  if (it == object.end()) return out;
  const std::string here = where + "." + key;
  if (!it->is_object() || !it->contains("ip")) fail(here, "expected {\"ip\": ..., \"port\": ...}");
  const std::string ip = (*it)["ip"].is_string() ? (*it)["ip"].get<std::string>() : "";
  if (inet_pton(AF_INET, ip.c_str(), out.ip.data()) == 1) {
    out.family = 4;
  } else if (inet_pton(AF_INET6, ip.c_str(), out.ip.data()) == 1) {
    out.family = 6;
  } else {
    fail(here + ".ip", "not an IP address: '" + ip + "'");
  }
  out.port = number<std::uint16_t>(*it, "port", here);
  return out;
}

// Every field of TcpMetrics by its JSON name; f(name, field) for a const or a mutable one.
template <typename Metrics, typename F>
void for_each_metric(Metrics& m, F&& f) {
  f("bytes_sent", m.bytes_sent);
  f("bytes_acked", m.bytes_acked);
  f("bytes_retrans", m.bytes_retrans);
  f("delivery_rate", m.delivery_rate);
  f("cwnd", m.snd_cwnd);
  f("ssthresh", m.snd_ssthresh);
  f("mss", m.snd_mss);
  f("snd_wnd", m.snd_wnd);
  f("rtt_us", m.rtt_us);
  f("rttvar_us", m.rttvar_us);
  f("rto_us", m.rto_us);
  f("unacked", m.unacked);
  f("sacked", m.sacked);
  f("lost", m.lost);
  f("retrans", m.retrans);
  f("total_retrans", m.total_retrans);
  f("ca_state", m.ca_state);
  f("retransmits", m.retransmits);
  f("backoff", m.backoff);
}

json metrics_to_json(const TcpMetrics& metrics) {
  json out = json::object();
  for_each_metric(metrics, [&](const char* name, const auto& value) { out[name] = value; });
  return out;
}

TcpMetrics metrics_from_json(const json& object, const std::string& where) {
  if (!object.is_object()) fail(where, "expected an object of TCP metrics");
  TcpMetrics out;
  for_each_metric(out, [&](const char* name, auto& value) {
    value = number<std::remove_reference_t<decltype(value)>>(object, name, where);
  });
  return out;
}

}  // namespace

json trace_to_json(const Trace& trace) {
  json lanes = json::array();
  for (std::size_t i = 0; i < trace.lane_count(); ++i) {
    lanes.push_back(std::string(trace.lane_name(static_cast<LaneId>(i))));
  }
  json events = json::array();
  const std::size_t count = trace.size();
  for (std::size_t i = 0; i < count; ++i) {
    const Event& e = trace[i];
    json j{{"seq", e.seq}, {"t_ns", e.t_ns}, {"kind", to_string(e.kind)}};
    if (e.lane != kNoLane) j["lane"] = e.lane;
    if (e.dur_ns != 0) j["dur_ns"] = e.dur_ns;
    if (e.call != Call::None) j["call"] = to_string(e.call);
    if (e.transport != Transport::None) j["transport"] = to_string(e.transport);
    if (e.fd != -1) j["fd"] = e.fd;
    if (e.result != 0) j["result"] = e.result;
    if (e.err != 0) j["err"] = e.err;
    if (e.requested != 0) j["requested"] = e.requested;
    if (e.stream_offset != 0) j["stream_offset"] = e.stream_offset;
    if (!e.local.empty()) j["local"] = address_to_json(e.local);
    if (!e.peer.empty()) j["peer"] = address_to_json(e.peer);
    if (e.from != kNoLane) j["from"] = e.from;
    if (e.to != kNoLane) j["to"] = e.to;
    if (e.kind == EventKind::Packet || e.kind == EventKind::Impairment) j["verdict"] = to_string(e.verdict);
    if (e.flow != kNoFlow) j["flow"] = e.flow;
    if (e.link != kNoSeq) j["link"] = e.link;
    if (e.cut_count != 0) j["cut"] = {{"index", e.cut_index}, {"count", e.cut_count}};
    if (e.kind == EventKind::TcpState) {
      j["old_state"] = tcp_state_name(e.old_state);
      j["new_state"] = tcp_state_name(e.new_state);
      j["old_state_id"] = e.old_state;
      j["new_state_id"] = e.new_state;
    }
    if (const auto metrics = tcp_metrics_of(e)) {
      j["metrics"] = metrics_to_json(*metrics);  // named fields, not the in-memory bytes
    } else if (e.payload_size != 0) {
      j["payload_size"] = e.payload_size;
      j["payload"] = base64_encode(e.payload.span());
    }
    events.push_back(std::move(j));
  }
  return json{{"format", "wirestep-trace"},
              {"version", kTraceFormatVersion},
              {"lanes", std::move(lanes)},
              {"dropped_events", trace.dropped_events()},
              {"dropped_payload_bytes", trace.dropped_payload_bytes()},
              {"events", std::move(events)}};
}

std::unique_ptr<Trace> trace_from_json(const json& root, TraceLimits limits) {
  if (!root.is_object() || root.value("format", "") != "wirestep-trace") {
    fail("(top)", "not a WireStep trace (no \"format\": \"wirestep-trace\")");
  }
  const int version = number<int>(root, "version", "(top)");
  if (version != kTraceFormatVersion) {
    fail("version", "this WireStep reads version " + std::to_string(kTraceFormatVersion) +
                        ", the file is version " + std::to_string(version));
  }
  auto trace = std::make_unique<Trace>(limits);
  const auto& lanes = root.contains("lanes") ? root["lanes"] : json::array();
  if (!lanes.is_array()) fail("lanes", "expected an array");
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    if (!lanes[i].is_string()) fail("lanes[" + std::to_string(i) + "]", "expected a string");
    trace->lane(lanes[i].get<std::string>());
  }
  const auto lane_ok = [&](LaneId id) { return id == kNoLane || id < lanes.size(); };
  if (!root.contains("events") || !root["events"].is_array()) fail("events", "expected an array");
  const auto& events = root["events"];
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string where = "events[" + std::to_string(i) + "]";
    const json& j = events[i];
    if (!j.is_object()) fail(where, "expected an object");
    Event e;
    e.t_ns = number<std::int64_t>(j, "t_ns", where);
    e.dur_ns = number<std::int64_t>(j, "dur_ns", where);
    e.lane = number<LaneId>(j, "lane", where, kNoLane);
    e.kind = enum_field(j, "kind", where, EventKind::Note);
    e.call = enum_field(j, "call", where, Call::None);
    e.transport = enum_field(j, "transport", where, Transport::None);
    e.fd = number<std::int32_t>(j, "fd", where, -1);
    e.result = number<std::int64_t>(j, "result", where);
    e.err = number<std::int32_t>(j, "err", where);
    e.requested = number<std::uint32_t>(j, "requested", where);
    e.stream_offset = number<std::uint64_t>(j, "stream_offset", where);
    e.local = address_from_json(j, "local", where);
    e.peer = address_from_json(j, "peer", where);
    e.from = number<LaneId>(j, "from", where, kNoLane);
    e.to = number<LaneId>(j, "to", where, kNoLane);
    e.verdict = enum_field(j, "verdict", where, Verdict::Delivered);
    e.flow = number<FlowId>(j, "flow", where);
    e.link = number<std::uint64_t>(j, "link", where, kNoSeq);
    if (j.contains("cut")) {
      e.cut_index = number<std::uint16_t>(j["cut"], "index", where + ".cut");
      e.cut_count = number<std::uint16_t>(j["cut"], "count", where + ".cut");
      if (e.cut_index >= e.cut_count) fail(where, "cut.index must be below cut.count");
    }
    e.old_state = number<std::uint8_t>(j, "old_state_id", where);
    e.new_state = number<std::uint8_t>(j, "new_state_id", where);
    if (!lane_ok(e.lane) || !lane_ok(e.from) || !lane_ok(e.to)) fail(where, "lane id out of range");
    std::vector<std::byte> payload;
    if (e.kind == EventKind::TcpMetrics && j.contains("metrics")) {
      const TcpMetrics metrics = metrics_from_json(j["metrics"], where + ".metrics");
      const auto bytes = metrics_bytes(metrics);
      payload.assign(bytes.begin(), bytes.end());
    } else if (j.contains("payload")) {
      if (!j["payload"].is_string()) fail(where + ".payload", "expected a base64 string");
      auto decoded = base64_decode(j["payload"].get<std::string>());
      if (!decoded) fail(where + ".payload", "not valid base64");
      payload = std::move(*decoded);
    }
    const auto real_size = number<std::uint32_t>(j, "payload_size", where,
                                                 static_cast<std::uint32_t>(payload.size()));
    if (real_size < payload.size()) fail(where + ".payload_size", "smaller than the payload");
    e.payload_size = real_size;
    trace->append_recorded(e, payload);  // past the cap the trace counts what it did not keep
  }
  return trace;
}

void save_trace_file(const Trace& trace, const std::filesystem::path& path) {
  const auto temp = std::filesystem::path(path.string() + ".tmp");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::system_error(errno, std::generic_category(), "cannot write " + temp.string());
    out << trace_to_json(trace).dump() << '\n';
    out.flush();
    if (!out) throw std::system_error(errno, std::generic_category(), "cannot write " + temp.string());
  }
  std::filesystem::rename(temp, path);
}

std::unique_ptr<Trace> load_trace_file(const std::filesystem::path& path, TraceLimits limits) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), "cannot open " + path.string());
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    throw TraceFormatError(path.string() + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  }
  try {
    return trace_from_json(root, limits);
  } catch (const TraceFormatError& e) {
    throw TraceFormatError(path.string() + ": " + e.what());
  } catch (const json::exception& e) {
    throw TraceFormatError(path.string() + ": " + e.what());
  }
}

}  // namespace wirestep::trace
