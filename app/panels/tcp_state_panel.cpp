// TcpStatePanel: placeholder body until the panel is written; draws its name only.
#include "panels/tcp_state_panel.h"

#include <imgui.h>

namespace wirestep::panels {

void TcpStatePanel::draw(const trace::Trace*, const view::Selection&) { ImGui::TextDisabled("TcpStatePanel"); }

}  // namespace wirestep::panels
