// Narration: the lesson's Markdown rendered, with the last cued paragraph highlighted and in view.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "trace/trace.h"
#include "view/markdown_doc.h"
#include "view/selection.h"

namespace wirestep::panels {

class NarrationPanel {
 public:
  // hidden(id): whether the blocks explaining checkpoint `id` must wait (a live run whose
  // checkpoint has not been revealed yet); they are drawn as one short line instead.
  using HiddenAnswer = std::function<bool(std::string_view checkpoint_id)>;
  void draw(const std::string& markdown, std::string_view active_anchor, const HiddenAnswer& hidden = {});

 private:
  std::string text_;        // the Markdown doc_ was parsed from: parse once per text
  bool parsed_ = false;
  view::MarkdownDoc doc_;
  std::string anchor_;      // the anchor last scrolled to
  bool scroll_pending_ = false;
};

}  // namespace wirestep::panels
