// FieldTree: pre-order storage and the byte-to-field lookup the hex view uses.
#include "proto/field_tree.h"

#include <stdexcept>

namespace wirestep::proto {

int FieldTree::add(int parent, std::string name, std::string value, std::uint32_t offset,
                   std::uint32_t length, FieldSeverity severity) {
  if (parent >= static_cast<int>(fields_.size())) {
    throw std::out_of_range("FieldTree::add: parent index past the end");
  }
  Field field;
  field.name = std::move(name);
  field.value = std::move(value);
  field.offset = offset;
  field.length = length;
  field.parent = parent;
  field.depth = parent < 0 ? 0 : fields_[parent].depth + 1;
  field.severity = severity;
  fields_.push_back(std::move(field));
  return static_cast<int>(fields_.size()) - 1;
}

std::vector<int> FieldTree::children(int parent) const {
  std::vector<int> out;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].parent == parent) out.push_back(static_cast<int>(i));
  }
  return out;
}

int FieldTree::field_at(std::uint32_t offset) const {
  int best = -1;
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    const Field& f = fields_[i];
    if (f.length == 0 || offset < f.offset || offset - f.offset >= f.length) continue;
    if (best < 0 || f.depth >= fields_[best].depth) best = static_cast<int>(i);
  }
  return best;
}

int FieldTree::find(const std::string& name) const {
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace wirestep::proto
