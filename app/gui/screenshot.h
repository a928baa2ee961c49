// Screenshots: the current framebuffer as a PNG (for --screenshot, the smoke tests and the docs).
#pragma once

#include <filesystem>
#include <string>

namespace wirestep::gui {

// Reads the back buffer of the current GL context (call after rendering, before swapping) and
// writes it to path. False with *error set when reading or writing fails.
bool save_screenshot(const std::filesystem::path& path, int width, int height, std::string* error);

}  // namespace wirestep::gui
