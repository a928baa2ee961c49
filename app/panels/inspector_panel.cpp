// InspectorPanel: placeholder body until the panel is written; draws its name only.
#include "panels/inspector_panel.h"

#include <imgui.h>

namespace wirestep::panels {

void InspectorPanel::draw(const trace::Trace*, view::Selection&) { ImGui::TextDisabled("InspectorPanel"); }

}  // namespace wirestep::panels
