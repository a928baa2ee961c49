// png_check FILE [MIN_COLOURS]: exits 0 when the PNG decodes and is not blank (many distinct colours).
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <unordered_set>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: png_check FILE [MIN_COLOURS]\n");
    return 2;
  }
  const int min_colours = argc > 2 ? std::atoi(argv[2]) : 32;
  int width = 0, height = 0, channels = 0;
  std::unique_ptr<unsigned char, decltype(&stbi_image_free)> pixels(stbi_load(argv[1], &width, &height, &channels, 3),
                                                                    &stbi_image_free);
  if (!pixels) {
    std::fprintf(stderr, "png_check: %s: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  std::unordered_set<unsigned> colours;
  const unsigned char* p = pixels.get();
  for (long i = 0; i < static_cast<long>(width) * height; ++i, p += 3) {
    colours.insert(static_cast<unsigned>(p[0]) << 16 | static_cast<unsigned>(p[1]) << 8 | p[2]);
  }
  std::printf("png_check: %s %dx%d, %zu distinct colours (need %d)\n", argv[1], width, height, colours.size(),
              min_colours);
  if (width < 200 || height < 200) return 1;
  return static_cast<int>(colours.size()) >= min_colours ? 0 : 1;
}
