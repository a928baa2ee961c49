# Finds WireStep's Debian-packaged dependencies and gives each an imported target.
# Nothing here is third-party source: every library comes from a Debian package, and a
# missing one stops the configure step with the exact apt package to install.

function(wirestep_missing what package)
  message(FATAL_ERROR
    "WireStep needs ${what}, which was not found.\n"
    "Install it with:  sudo apt-get install ${package}\n"
    "(or run ./build.sh, which installs every dependency)")
endfunction()

find_package(Threads REQUIRED)

find_package(spdlog CONFIG QUIET)
if(NOT TARGET spdlog::spdlog)
  wirestep_missing("spdlog" "libspdlog-dev")
endif()

find_package(nlohmann_json CONFIG QUIET)
if(NOT TARGET nlohmann_json::nlohmann_json)
  wirestep_missing("nlohmann-json" "nlohmann-json3-dev")
endif()

find_package(CLI11 CONFIG QUIET)
if(NOT TARGET CLI11::CLI11)
  wirestep_missing("CLI11" "libcli11-dev")
endif()

find_package(PkgConfig QUIET)
if(NOT PkgConfig_FOUND)
  wirestep_missing("pkg-config" "pkg-config")
endif()

pkg_check_modules(WS_PCAP QUIET IMPORTED_TARGET libpcap)
if(NOT WS_PCAP_FOUND)
  wirestep_missing("libpcap" "libpcap-dev")
endif()
add_library(wirestep::pcap ALIAS PkgConfig::WS_PCAP)

if(WIRESTEP_GUI)
  find_package(glfw3 CONFIG QUIET)
  if(NOT TARGET glfw)
    wirestep_missing("GLFW 3" "libglfw3-dev")
  endif()
  find_package(OpenGL QUIET)
  if(NOT TARGET OpenGL::GL)
    wirestep_missing("OpenGL" "libgl-dev")
  endif()
  # Debian's libimgui.a already holds the glfw and opengl3 backends.
  find_path(WS_IMGUI_INCLUDE imgui.h PATHS /usr/include/imgui NO_DEFAULT_PATH)
  find_library(WS_IMGUI_LIB NAMES libimgui.a imgui)
  if(NOT WS_IMGUI_INCLUDE OR NOT WS_IMGUI_LIB)
    wirestep_missing("Dear ImGui 1.86" "libimgui-dev")
  endif()
  find_path(WS_STB_INCLUDE stb_image_write.h PATHS /usr/include/stb NO_DEFAULT_PATH)
  find_library(WS_STB_LIB NAMES stb)
  if(NOT WS_STB_INCLUDE OR NOT WS_STB_LIB)
    wirestep_missing("stb (PNG screenshots)" "libstb-dev")
  endif()
  find_package(md4c CONFIG QUIET)
  if(NOT TARGET md4c::md4c)
    wirestep_missing("md4c (Markdown narration)" "libmd4c-dev")
  endif()
  add_library(wirestep::imgui INTERFACE IMPORTED)
  target_include_directories(wirestep::imgui INTERFACE ${WS_IMGUI_INCLUDE} ${WS_IMGUI_INCLUDE}/backends)
  target_link_libraries(wirestep::imgui INTERFACE ${WS_IMGUI_LIB} glfw OpenGL::GL ${CMAKE_DL_LIBS} m)
  add_library(wirestep::stb INTERFACE IMPORTED)
  target_include_directories(wirestep::stb INTERFACE ${WS_STB_INCLUDE})
  target_link_libraries(wirestep::stb INTERFACE ${WS_STB_LIB})
endif()

if(WIRESTEP_TESTS)
  find_package(GTest CONFIG QUIET)
  if(NOT TARGET GTest::gtest)
    find_package(GTest QUIET)
  endif()
  if(NOT TARGET GTest::gtest OR NOT TARGET GTest::gmock)
    wirestep_missing("GoogleTest and GoogleMock" "libgtest-dev libgmock-dev")
  endif()
endif()

if(WIRESTEP_BENCH)
  find_package(benchmark CONFIG QUIET)
  if(NOT TARGET benchmark::benchmark)
    wirestep_missing("Google Benchmark" "libbenchmark-dev")
  endif()
endif()

# spdlog in Debian builds on the packaged fmt; WireStep formats text with it too (g++ 12 has
# no <format>).
find_package(fmt CONFIG QUIET)
if(NOT TARGET fmt::fmt)
  wirestep_missing("fmt" "libfmt-dev")
endif()
