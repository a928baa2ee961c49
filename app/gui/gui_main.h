// Entry point of the classroom GUI (GLFW + Dear ImGui + OpenGL 3).
#pragma once

#include <string>

#include "lesson/catalog.h"
#include "lesson/lesson_params.h"

namespace wirestep::gui {

struct GuiOptions {
  std::string lesson;       // open this lesson at start
  bool autoplay = false;    // start it playing at once
  double speed = -1;        // the stepper's pace (1 = a call per 0.4 s, 0 = unpaced); negative: the app's default
  bool no_checkpoints = false;  // record predict-then-reveal questions unanswered instead of asking
  int frames = 0;           // quit after this many frames (0 = run until closed)
  std::string screenshot;   // save a PNG of the last frame to this path, then quit
  std::string ladder_png;   // save the timeline of the last frame as a PNG here (File > Export ladder as PNG)
  std::string open_trace;   // open a saved JSON trace at start
  bool presenter = false;   // presenter mode: large fonts, high contrast
  long select = -1;         // select this event (by index) once it exists: for slides and checks
  std::string tab;          // details tab to show first: inspector, http, tcp, tcp-graph, loss or waits
  bool log = false;         // open the log console
  bool step_packets = false;  // one Step releases one packet on the virtual wire, not one call
  std::string spacing;        // the timeline's spacing, "time" or "sequence"; empty: as last time
  // Write what the session ended with (events, stepper, selection, source) as JSON here on
  // exit, and print "ready" once the first frame is on screen: how the input tests, which
  // drive the real window with synthetic keys, see what the keys did.
  std::string report;
  // Keep at most this many events per run (0: the trace's own default cap), to see how the
  // app behaves when a trace is full without recording millions of events first.
  std::size_t max_events = 0;
  lesson::LessonParams params;  // clients, loss, seed, window of the runs it starts
};

// Returns the process exit code (0 ok, 1 failure such as no OpenGL context).
int gui_main(const lesson::Catalog& catalog, const GuiOptions& options);

}  // namespace wirestep::gui
