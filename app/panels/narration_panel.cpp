// NarrationPanel: placeholder body until the panel is written; draws its name only.
#include "panels/narration_panel.h"

#include <imgui.h>

namespace wirestep::panels {

void NarrationPanel::draw(const std::string&, std::string_view) { ImGui::TextDisabled("NarrationPanel"); }

}  // namespace wirestep::panels
