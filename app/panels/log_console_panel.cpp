// LogConsolePanel: placeholder body until the panel is written; draws its name only.
#include "panels/log_console_panel.h"

#include <imgui.h>

namespace wirestep::panels {

void LogConsolePanel::draw() { ImGui::TextDisabled("LogConsolePanel"); }

void LogConsolePanel::install_sink() {}

}  // namespace wirestep::panels
