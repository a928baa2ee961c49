// HttpPanel: placeholder body until the panel is written; draws its name only.
#include "panels/http_panel.h"

#include <imgui.h>

namespace wirestep::panels {

void HttpPanel::draw(const trace::Trace*, view::Selection&) { ImGui::TextDisabled("HttpPanel"); }

}  // namespace wirestep::panels
