// Screenshots: the current framebuffer as a PNG (for --screenshot, the smoke tests and the docs).
#pragma once

#include <filesystem>
#include <string>

namespace wirestep::gui {

// Reads the back buffer of the current GL context (call after rendering, before swapping) and
// writes it to path. False with *error set when reading or writing fails.
bool save_screenshot(const std::filesystem::path& path, int width, int height, std::string* error);

// The same for the rectangle (x, y, width, height) of a framebuffer fb_height pixels high, with
// y measured from the top as ImGui does (File > Export ladder as PNG: the timeline only).
bool save_screenshot_region(const std::filesystem::path& path, int fb_height, int x, int y, int width, int height,
                            std::string* error);

}  // namespace wirestep::gui
