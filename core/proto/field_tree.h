// A dissected message as a tree of named fields, each pointing at the bytes it came from.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wirestep::proto {

enum class FieldSeverity : std::uint8_t { Normal, Note, Warning, Error };

struct Field {
  std::string name;   // "Request line", "Host", "Flags"
  std::string value;  // shown beside the name; may be empty for groups
  std::uint32_t offset = 0;  // first byte in the dissected buffer
  std::uint32_t length = 0;  // bytes covered; 0 for a field that covers no bytes
  int parent = -1;           // index of the parent field, -1 for a top-level field
  int depth = 0;
  FieldSeverity severity = FieldSeverity::Normal;
};

// Fields are kept in pre-order (a parent before its children), so a tree view can draw them
// in one pass and hex bytes map back to the deepest field that covers them.
class FieldTree {
 public:
  int add(int parent, std::string name, std::string value, std::uint32_t offset,
          std::uint32_t length, FieldSeverity severity = FieldSeverity::Normal);

  const std::vector<Field>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }
  const Field& operator[](std::size_t index) const { return fields_[index]; }
  Field& operator[](std::size_t index) { return fields_[index]; }

  // Children of parent (-1 for the top level), in order.
  std::vector<int> children(int parent) const;
  // The deepest field whose bytes contain offset, or -1.
  int field_at(std::uint32_t offset) const;
  // The first field with this name (depth-first), or -1.
  int find(const std::string& name) const;

 private:
  std::vector<Field> fields_;
};

}  // namespace wirestep::proto
