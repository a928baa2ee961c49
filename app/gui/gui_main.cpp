// gui_main: the window shell: GLFW + OpenGL 3 + ImGui set-up, the idle-aware frame loop, screenshots, shutdown.
#include "gui/gui_main.h"

#include <GLFW/glfw3.h>
#include <nlohmann/json.hpp>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>  // MarkIniSettingsDirty

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "gui/app_state.h"
#include "gui/background_jobs.h"
#include "gui/fonts.h"
#include "gui/key_presses.h"
#include "gui/main_window.h"
#include "gui/screenshot.h"
#include "gui/theme.h"
#include "view/app_log.h"
#include "view/progress_store.h"

namespace wirestep::gui {
namespace {

constexpr double kFrameSeconds = 1.0 / 60.0;  // cap while something moves
constexpr double kIdleWakeSeconds = 0.5;      // idle: sleep in the window system this long
constexpr double kInputGraceSeconds = 0.5;    // keep drawing briefly after input (hover, fades)
constexpr float kDefaultFontSize = 18.0f;
constexpr float kPresenterFontSize = 26.0f;

double g_last_input = 0;
std::string g_glfw_error;

void note_input() { g_last_input = glfwGetTime(); }

// Our callbacks only note that the user did something; ImGui's backend chains to them.
void on_cursor(GLFWwindow*, double, double) { note_input(); }
void on_button(GLFWwindow*, int, int, int) { note_input(); }
void on_scroll(GLFWwindow*, double, double) { note_input(); }
void on_key(GLFWwindow*, int key, int, int action, int mods) {
  note_input();
  if (action == GLFW_PRESS || action == GLFW_REPEAT) record_key_press(key, mods, action == GLFW_REPEAT);
}
void on_char(GLFWwindow*, unsigned) { note_input(); }
void on_resize(GLFWwindow*, int, int) { note_input(); }

bool write_session_report(const std::string& path, AppState& state) {
  nlohmann::json report;
  report["source"] = state.source_label();
  report["events"] = state.trace() != nullptr ? state.trace()->size() : 0;
  report["visible"] = state.visible_limit();
  report["playing"] = state.playing();
  report["live"] = state.live();
  report["selected"] = state.selection.event ? static_cast<long long>(*state.selection.event) : -1LL;
  report["errors"] = state.errors();
  report["dropped_events"] = state.trace() != nullptr ? state.trace()->dropped_events() : 0;
  if (lesson::LessonRun* run = state.run()) {
    auto& stepper = run->stepper();
    report["lesson"] = run->info().id;
    report["released"] = stepper.released();
    report["pending_steps"] = stepper.pending_steps();
    report["frames_released"] = stepper.frames_released();
    report["granularity"] = stepper.granularity() == lesson::Granularity::Frames ? "packets" : "calls";
  }
  std::ofstream out(path);
  out << report.dump(2) << "\n";
  if (!out) {
    std::cerr << "wirestep: cannot write the report to " << path << "\n";
    return false;
  }
  return true;
}

struct GlfwSession {
  bool ok = false;
  GlfwSession() {
    glfwSetErrorCallback([](int code, const char* text) {
      g_glfw_error = text != nullptr ? text : "unknown";
      std::fprintf(stderr, "wirestep: GLFW error %d: %s\n", code, g_glfw_error.c_str());
    });
    ok = glfwInit() == GLFW_TRUE;
  }
  ~GlfwSession() {
    if (ok) glfwTerminate();
  }
};

struct WindowDeleter {
  void operator()(GLFWwindow* window) const { glfwDestroyWindow(window); }
};

struct ImGuiSession {
  ImGuiSession() {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
  }
  ~ImGuiSession() { ImGui::DestroyContext(); }
};

struct Fullscreen {
  bool on = false;
  int x = 0, y = 0, width = 0, height = 0;
  void toggle(GLFWwindow* window) {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    if (monitor == nullptr) return;
    if (!on) {
      glfwGetWindowPos(window, &x, &y);
      glfwGetWindowSize(window, &width, &height);
      const GLFWvidmode* mode = glfwGetVideoMode(monitor);
      if (mode == nullptr) return;
      glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
    } else {
      glfwSetWindowMonitor(window, nullptr, x, y, width, height, 0);
    }
    on = !on;
  }
};

}  // namespace

int gui_main(const lesson::Catalog& catalog, const GuiOptions& options) {
  // Bad flags are usage errors (exit 2), before any window opens.
  if (!options.lesson.empty() && catalog.find(options.lesson) == nullptr) {
    std::cerr << "wirestep: no lesson \"" << options.lesson << "\"; `wirestep lessons` lists them\n";
    return 2;
  }

  GlfwSession glfw;
  if (!glfw.ok) {
    std::cerr << "wirestep: cannot start the window system (GLFW): " << g_glfw_error << "\n";
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
  int width = 1600, height = 1000;
  if (GLFWmonitor* monitor = glfwGetPrimaryMonitor(); monitor != nullptr) {
    int wx = 0, wy = 0, ww = 0, wh = 0;
    glfwGetMonitorWorkarea(monitor, &wx, &wy, &ww, &wh);
    if (ww > 0 && wh > 0) {
      width = std::min(width, ww);
      height = std::min(height, wh);
    }
  }
  std::unique_ptr<GLFWwindow, WindowDeleter> window(glfwCreateWindow(width, height, "WireStep", nullptr, nullptr));
  if (!window) {
    std::cerr << "wirestep: cannot open a window with an OpenGL 3 context: " << g_glfw_error
              << "\n(Check the graphics driver; over SSH use `wirestep run LESSON` instead.)\n";
    return 1;
  }
  glfwMakeContextCurrent(window.get());
  glfwSwapInterval(1);
  glfwSetCursorPosCallback(window.get(), on_cursor);
  glfwSetMouseButtonCallback(window.get(), on_button);
  glfwSetScrollCallback(window.get(), on_scroll);
  glfwSetKeyCallback(window.get(), on_key);
  glfwSetCharCallback(window.get(), on_char);
  glfwSetFramebufferSizeCallback(window.get(), on_resize);

  float scale_x = 1, scale_y = 1;
  glfwGetWindowContentScale(window.get(), &scale_x, &scale_y);
  const float scale = std::clamp(std::max(scale_x, scale_y), 1.0f, 4.0f);

  // Declared before the ImGui context: DestroyContext() saves imgui.ini through this pointer.
  const auto state_dir = view::ProgressStore::default_dir();
  const std::string ini_path = (state_dir / "imgui.ini").string();
  ImGuiSession imgui;
  ImGuiIO& io = ImGui::GetIO();
  {
    std::error_code error;
    std::filesystem::create_directories(state_dir, error);
  }
  io.IniFilename = ini_path.c_str();

  view::ProgressStore progress(state_dir / "progress.json");
  progress.load();  // a few hundred bytes, before the first frame
  BackgroundJobs jobs;
  AppState state(catalog, progress, jobs);
  Fonts fonts;
  MainWindow main_window(state, fonts);
  main_window.set_content_scale(scale);
  main_window.register_settings();
  ImGui::LoadIniSettingsFromDisk(io.IniFilename);  // now, so saved sizes and theme apply to frame 1

  Layout& layout = main_window.layout();
  if (options.presenter) {
    layout.theme = ThemeKind::Presenter;
    layout.font_size = std::max(layout.font_size, kPresenterFontSize);
  }
  if (layout.font_size <= 0) layout.font_size = kDefaultFontSize;
  apply_theme(layout.theme, scale);
  fonts.configure(layout.font_size, scale);
  fonts.rebuild_if_needed();

  if (!ImGui_ImplGlfw_InitForOpenGL(window.get(), true) || !ImGui_ImplOpenGL3_Init("#version 130")) {
    std::cerr << "wirestep: could not set up Dear ImGui's OpenGL 3 renderer\n";
    return 1;
  }
  struct BackendGuard {
    ~BackendGuard() {
      ImGui_ImplOpenGL3_Shutdown();
      ImGui_ImplGlfw_Shutdown();
    }
  } backend_guard;

  if (!options.tab.empty()) main_window.request_tab(options.tab);
  if (options.log) main_window.set_log_open(true);
  if (!options.open_trace.empty()) state.open_trace_async(options.open_trace);
  if (options.step_packets) state.set_granularity(lesson::Granularity::Frames);
  if (options.speed >= 0) state.set_speed(options.speed);
  state.params() = options.params;
  // The flag wins over what imgui.ini remembered (and is remembered in turn).
  main_window.set_spacing(view::parse_spacing(options.spacing).value_or(layout.spacing));
  if (options.max_events > 0) {
    trace::TraceLimits limits;
    limits.max_events = options.max_events;
    state.set_trace_limits(limits);
  }
  // A scripted run (autoplay with a frame budget: screenshots, smoke tests) has nobody to answer.
  state.set_ask_checkpoints(!options.no_checkpoints && !(options.autoplay && options.frames > 0));
  if (!options.lesson.empty()) state.open_lesson(options.lesson, options.autoplay);
  view::app_log().info("GUI started (content scale {:.2f}, state in {})", scale, state_dir.string());

  const int frames = options.frames > 0 ? options.frames : (options.screenshot.empty() ? 0 : 120);
  Fullscreen fullscreen;
  int exit_code = 0;
  std::string title;
  for (int frame = 1; !glfwWindowShouldClose(window.get()) && !main_window.quit_requested(); ++frame) {
    const double frame_start = glfwGetTime();
    // The atlas may only change between frames.
    if (fonts.rebuild_if_needed()) {
      layout.font_size = fonts.size();
      ImGui::MarkIniSettingsDirty();
    }
    state.update();
    if (options.select >= 0 && !state.selection.event && state.trace() != nullptr &&
        state.trace()->size() > static_cast<std::size_t>(options.select)) {
      state.selection.event = static_cast<std::size_t>(options.select);
    }

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    main_window.draw();
    ImGui::Render();
    int fb_width = 0, fb_height = 0;
    glfwGetFramebufferSize(window.get(), &fb_width, &fb_height);
    glViewport(0, 0, fb_width, fb_height);
    const ImVec4 clear = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(clear.x, clear.y, clear.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    const bool last_frame = frames > 0 && frame >= frames;
    if (last_frame && !options.ladder_png.empty()) {
      main_window.request_ladder_png(options.ladder_png, 0);
      if (!main_window.save_ladder_png(fb_height, ImGui::GetIO().DisplayFramebufferScale.y)) exit_code = 1;
    } else if (main_window.ladder_png_pending()) {
      main_window.save_ladder_png(fb_height, ImGui::GetIO().DisplayFramebufferScale.y);
    }
    if (last_frame && !options.screenshot.empty()) {
      std::string error;
      if (!save_screenshot(options.screenshot, fb_width, fb_height, &error)) {
        std::cerr << "wirestep: screenshot failed: " << error << "\n";
        exit_code = 1;
      }
      // The smoke test's proof that the app did its job, not just that it opened.
      const auto& stats = main_window.timeline_stats();
      // Zero unless the Loss tab was drawn: what it counted. The same for the Waits tab's bars.
      const view::LinkCounts loss = main_window.loss_stats().total();
      const std::size_t events = state.trace() != nullptr ? state.trace()->size() : 0;
      std::cout << "self-check: events=" << events << " drawn=" << stats.drawn() << " lanes=" << stats.lanes
                << " folds=" << stats.folds << " arrows=" << stats.arrows << " packets=" << stats.packets
                << " dropped=" << stats.dropped
                << " loss_sent=" << loss.sent << " loss_lost=" << loss.lost()
                << " waits_bars=" << main_window.waits_bars()
                << " spacing=" << view::to_string(main_window.layout().spacing) << std::endl;
      if (stats.lanes > 0 && stats.drawn() == 0) {
        std::cerr << "wirestep: self-check failed: the lesson ran but the timeline drew nothing\n";
        exit_code = 1;
      }
      if (!options.lesson.empty() && options.autoplay && events == 0) {
        std::cerr << "wirestep: self-check failed: the lesson recorded no events\n";
        exit_code = 1;
      }
    }
    glfwSwapBuffers(window.get());
    if (frame == 1 && !options.report.empty()) std::cout << "ready" << std::endl;
    if (last_frame) break;

    if (main_window.take_fullscreen_request()) fullscreen.toggle(window.get());
    const std::string wanted = "WireStep — " + state.source_label();
    if (wanted != title) {
      title = wanted;
      glfwSetWindowTitle(window.get(), title.c_str());
    }

    // Idle throttling: sleep in the window system until input or the next wake-up. Live
    // traffic, a playing replay, file jobs or recent input keep the 60 fps cadence.
    const bool moving = state.animating() || frames > 0 || ImGui::IsAnyMouseDown() || main_window.ladder_png_pending() ||
                        glfwGetTime() - g_last_input < kInputGraceSeconds;
    const double elapsed = glfwGetTime() - frame_start;
    if (moving) {
      if (elapsed < kFrameSeconds) {
        glfwWaitEventsTimeout(kFrameSeconds - elapsed);
      } else {
        glfwPollEvents();
      }
    } else {
      glfwWaitEventsTimeout(kIdleWakeSeconds);
    }
  }
  if (io.IniFilename != nullptr) ImGui::SaveIniSettingsToDisk(io.IniFilename);
  if (!options.report.empty() && !write_session_report(options.report, state)) exit_code = 1;
  return exit_code;
}

}  // namespace wirestep::gui
