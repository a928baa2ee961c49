// save_screenshot: glReadPixels rows come bottom-up; PNG rows go top-down, so flip while copying.
#include "gui/screenshot.h"

#include <GL/gl.h>
#include <stb_image_write.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace wirestep::gui {

bool save_screenshot(const std::filesystem::path& path, int width, int height, std::string* error) {
  return save_screenshot_region(path, height, 0, 0, width, height, error);
}

bool save_screenshot_region(const std::filesystem::path& path, int fb_height, int x, int y, int width, int height,
                            std::string* error) {
  if (width <= 0 || height <= 0) {
    if (error != nullptr) *error = "the window has no size";
    return false;
  }
  const std::size_t row = static_cast<std::size_t>(width) * 4;
  std::vector<unsigned char> pixels(row * static_cast<std::size_t>(height));
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(x, fb_height - y - height, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  if (const GLenum gl_error = glGetError(); gl_error != GL_NO_ERROR) {
    if (error != nullptr) *error = "glReadPixels failed (GL error " + std::to_string(gl_error) + ")";
    return false;
  }
  std::vector<unsigned char> flipped(pixels.size());
  for (int y = 0; y < height; ++y) {
    std::memcpy(&flipped[static_cast<std::size_t>(y) * row], &pixels[static_cast<std::size_t>(height - 1 - y) * row], row);
  }
  // The window is opaque: force alpha so viewers do not show a see-through image.
  for (std::size_t i = 3; i < flipped.size(); i += 4) flipped[i] = 255;
  if (stbi_write_png(path.c_str(), width, height, 4, flipped.data(), static_cast<int>(row)) == 0) {
    if (error != nullptr) *error = "could not write " + path.string() + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace wirestep::gui
