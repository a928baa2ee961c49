// Inspector: the selected event as a field tree linked both ways to a hex/ASCII dump.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "panels/hex_view.h"
#include "proto/field_tree.h"
#include "proto/packet/tcp_flow_analyzer.h"
#include "trace/trace.h"
#include "view/selection.h"

namespace wirestep::panels {

class InspectorPanel {
 public:
  // analyzer: the trace's TCP analysis, for what a packet means and its relative numbers (optional).
  void draw(const trace::Trace* trace, view::Selection& selection, const proto::TcpFlowAnalyzer* analyzer = nullptr);

 private:
  void draw_tree(view::Selection& selection);

  // The tree is rebuilt only when the event (or the trace behind it) changes.
  const trace::Trace* trace_ = nullptr;
  std::size_t event_ = ~std::size_t{0};
  std::size_t trace_size_ = 0;
  std::size_t analysed_ = 0;   // the analyzer's progress when the tree was built
  int hovered_field_ = -1;     // the row under the pointer this frame: its bytes light up
  proto::FieldTree tree_;
  int last_field_ = -1;        // selection.field as this panel left it last frame
  bool reveal_field_ = false;  // open the selected field's parents and scroll to it (set by a hex click)
  HexView hex_;
};

}  // namespace wirestep::panels
