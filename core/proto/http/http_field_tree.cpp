// Builds the HTTP FieldTree: each parsed part becomes a field pointing at its bytes.
#include "proto/http/http_field_tree.h"

#include <algorithm>
#include <limits>
#include <string>

namespace wirestep::proto::http {

namespace {

constexpr std::uint64_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();

// Tree rows are one line each: control bytes would break the row, so they are shown escaped.
std::string printable(std::string_view s, std::size_t max_chars = 120) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

std::string bytes_text(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

class Builder {
 public:
  explicit Builder(const HttpMessage& m) : start_(m.start_offset), notes_(m.notes) {}

  bool bare_lf_at(std::uint64_t offset) const {
    return std::any_of(notes_.begin(), notes_.end(), [&](const ParseNote& n) {
      return n.kind == NoteKind::BareLf && n.range.offset == offset;
    });
  }

  int add(int parent, std::string name, std::string value, ByteRange range,
          FieldSeverity severity = FieldSeverity::Normal) {
    return tree_.add(parent, std::move(name), std::move(value), rel(range.offset), length(range),
                     severity);
  }

  void add_field_line(int parent, const HeaderField& h) {
    const FieldSeverity severity = h.bare_lf ? FieldSeverity::Note : FieldSeverity::Normal;
    const int row = add(parent, printable(h.name), printable(h.value), h.line, severity);
    add(row, "Name", printable(h.name), h.name_range);
    add(row, "Value", printable(h.value), h.value_range);
  }

  void add_blank_line(int parent, std::string name, ByteRange range) {
    const bool bare = range.length == 1;
    add(parent, std::move(name), bare ? "LF (bare, tolerated)" : "CRLF", range,
        bare ? FieldSeverity::Note : FieldSeverity::Normal);
  }

  FieldTree take() { return std::move(tree_); }
  std::uint32_t rel(std::uint64_t offset) const {
    return static_cast<std::uint32_t>(std::min(offset < start_ ? 0 : offset - start_, kMaxU32));
  }

 private:
  std::uint32_t length(ByteRange r) const {
    return static_cast<std::uint32_t>(std::min(r.length, kMaxU32));
  }

  std::uint64_t start_;
  const std::vector<ParseNote>& notes_;
  FieldTree tree_;
};

std::string version_text(const HttpMessage& m) {
  return "HTTP/" + std::to_string(m.version.major) + "." + std::to_string(m.version.minor);
}

std::string hex_text(std::uint64_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kHex[n & 0xf]);
    n >>= 4;
  } while (n != 0);
  return "0x" + out;
}

// Only the parts parsed so far: a partial message must not show defaults as if they were sent.
std::string start_line_text(const HttpMessage& m) {
  std::string out;
  if (m.is_request()) {
    out = m.method;
    if (!m.target_range.empty()) out += " " + m.target;
    if (!m.version_range.empty()) out += " " + version_text(m);
    return out;
  }
  if (!m.version_range.empty()) out = version_text(m);
  if (!m.status_range.empty()) out += " " + std::to_string(m.status_code) + " " + m.reason;
  return out;
}

void add_start_line(Builder& b, const HttpMessage& m) {
  if (m.start_line.empty()) return;
  if (m.is_request()) {
    const int line = b.add(-1, "Request line", printable(start_line_text(m)), m.start_line);
    if (!m.method_range.empty()) b.add(line, "Method", printable(m.method), m.method_range);
    if (!m.target_range.empty()) {
      const int target = b.add(line, "Target", printable(m.target), m.target_range);
      // The form only counts once the whole line was understood (the version comes later).
      if (!m.version_range.empty()) {
        b.add(target, "Target form", std::string(to_string(m.target_form)),
              ByteRange{m.target_range.offset, 0});
      }
    }
    if (!m.version_range.empty()) b.add(line, "Version", version_text(m), m.version_range);
    return;
  }
  const int line = b.add(-1, "Status line", printable(start_line_text(m)), m.start_line);
  if (!m.version_range.empty()) b.add(line, "Version", version_text(m), m.version_range);
  if (!m.status_range.empty()) {
    b.add(line, "Status code", std::to_string(m.status_code), m.status_range);
    b.add(line, "Reason", printable(m.reason), m.reason_range);
  }
}

void add_headers(Builder& b, const HttpMessage& m) {
  if (m.headers.empty()) return;
  const std::uint64_t first = m.headers.front().line.offset;
  const ByteRange all{first, m.headers.back().line.end() - first};
  const int group =
      b.add(-1, "Headers",
            std::to_string(m.headers.size()) + (m.headers.size() == 1 ? " field" : " fields"), all);
  for (const HeaderField& h : m.headers) b.add_field_line(group, h);
}

void add_chunk(Builder& b, int parent, const Chunk& c) {
  const std::uint64_t end = c.last()              ? c.line.end()
                            : !c.data_end.empty() ? c.data_end.end()
                                                  : c.data.end();
  const int row = b.add(parent, c.last() ? "Last chunk" : "Chunk", bytes_text(c.size),
                        ByteRange{c.line.offset, end - c.line.offset});
  const int line =
      b.add(row, "Size line", "", c.line,
            b.bare_lf_at(c.line.end() - 1) ? FieldSeverity::Note : FieldSeverity::Normal);
  // The size is hex on the wire; spelling out the decimal value is the point of the lesson.
  b.add(line, "Chunk size", hex_text(c.size) + " = " + bytes_text(c.size), c.size_range);
  for (const ChunkExtension& e : c.extensions) {
    std::string value = printable(e.name);
    if (!e.value.empty() || e.quoted) value += "=" + printable(e.value);
    b.add(line, "Extension", value, e.range);
  }
  if (!c.last()) {
    b.add(row, "Data", bytes_text(c.data.length), c.data);
    if (!c.data_end.empty()) b.add_blank_line(row, "Data end", c.data_end);
  }
}

void add_body(Builder& b, const HttpMessage& m) {
  if (m.framing == BodyFraming::None) return;
  std::string value = bytes_text(m.body.size()) + " (" + std::string(to_string(m.framing));
  if (m.framing == BodyFraming::Chunked) {
    value += ", " + std::to_string(m.chunks.size()) + (m.chunks.size() == 1 ? " chunk" : " chunks");
  }
  value += ")";
  const int body = b.add(-1, "Body", value, m.body_range);
  for (const Chunk& c : m.chunks) add_chunk(b, body, c);
  if (m.framing != BodyFraming::Chunked) return;
  if (m.trailer_section.empty() && m.trailers.empty()) return;
  const int trailers = b.add(
      -1, "Trailers",
      m.trailers.empty()
          ? "none"
          : std::to_string(m.trailers.size()) + (m.trailers.size() == 1 ? " field" : " fields"),
      m.trailer_section);
  for (const HeaderField& h : m.trailers) b.add_field_line(trailers, h);
  if (!m.trailer_blank_line.empty()) b.add_blank_line(trailers, "Blank line", m.trailer_blank_line);
}

}  // namespace

FieldTree to_field_tree(const HttpMessage& message, const ParseError* error) {
  Builder b(message);
  add_start_line(b, message);
  add_headers(b, message);
  if (!message.blank_line.empty()) b.add_blank_line(-1, "Blank line", message.blank_line);
  add_body(b, message);
  for (const ParseNote& n : message.notes) {
    b.add(-1, "Note", n.text, n.range, FieldSeverity::Note);
  }
  if (error != nullptr) {
    const std::string status = std::to_string(error->status);
    const std::string_view text = status_text(error->status);
    b.add(-1, "Error",
          status + (text.empty() ? "" : " " + std::string(text)) + ": " + error->reason,
          ByteRange{error->offset, 1}, FieldSeverity::Error);
  }
  return b.take();
}

}  // namespace wirestep::proto::http
