// Where WireStep's own files (lesson narration, themes) are found at run time.
#pragma once

#include <filesystem>
#include <string>

namespace wirestep::lesson {

// $WIRESTEP_ASSETS if set, else the assets/ folder of the source tree this binary was built
// from (the README's commands run from there), else ./assets.
std::filesystem::path assets_dir();
// The text of assets/lessons/<file>, or "" when it is missing.
std::string read_narration(const std::string& file);

}  // namespace wirestep::lesson
