// CheckpointPanel: asks with an input that fits the question's kind, reveals once the real call is in the trace.
#include "panels/checkpoint_panel.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <fmt/format.h>

#include "gui/theme.h"

namespace wirestep::panels {

void CheckpointPanel::draw(view::CheckpointPrompt* prompt, const trace::Trace* trace,
                           const std::vector<lesson::CheckpointRecord>& checkpoints, view::Selection& selection,
                           bool enter) {
  if (trace != trace_) {
    trace_ = trace;
    revealed_ = 0;
    reveal_.reset();
  }
  update_reveal(checkpoints);
  const auto question = prompt != nullptr ? prompt->waiting() : std::nullopt;
  if (!question && !reveal_) return;

  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + viewport->WorkSize.x / 2, viewport->WorkPos.y + viewport->WorkSize.y * 0.3f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 30, 0), ImGuiCond_Appearing);
  if (!ImGui::Begin("Predict, then see", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  if (question) {
    ask(*prompt, *question, enter);
  } else if (reveal_) {
    const bool correct = reveal_->answer && reveal_->correct;
    const ImU32 colour = correct ? gui::palette().ok_text : reveal_->answer ? gui::palette().error : gui::palette().muted_text;
    ImGui::TextWrapped("%s", reveal_->checkpoint.question.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, colour);
    ImGui::TextWrapped("%s", lesson::reveal_text(*reveal_).c_str());
    ImGui::PopStyleColor();
    if (ImGui::Button("Show the call in the timeline")) {
      selection.event = reveal_->found->event;
      selection.field = -1;
    }
    ImGui::SameLine();
    if (ImGui::Button("Close")) reveal_.reset();
  }
  ImGui::End();
}

void CheckpointPanel::ask(view::CheckpointPrompt& prompt, const lesson::Checkpoint& question, bool enter) {
  if (question.id != question_id_) {
    question_id_ = question.id;
    typed_.clear();
    problem_.clear();
  }
  ImGui::TextWrapped("%s", question.question.c_str());
  ImGui::Spacing();
  std::optional<std::string> chosen;
  switch (question.kind) {
    case lesson::AnswerKind::YesNo:
      if (ImGui::Button("Yes")) chosen = "yes";
      ImGui::SameLine();
      if (ImGui::Button("No")) chosen = "no";
      break;
    case lesson::AnswerKind::Choice:
      for (const auto& choice : question.choices) {
        if (ImGui::Button(choice.c_str())) chosen = choice;
        ImGui::SameLine();
      }
      ImGui::NewLine();
      break;
    case lesson::AnswerKind::Number: {
      if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      const bool entered = ImGui::InputText("##answer", &typed_, ImGuiInputTextFlags_EnterReturnsTrue) || enter;
      ImGui::SameLine();
      if (ImGui::Button("Answer") || entered) {
        problem_ = view::answer_problem(question, typed_);
        if (problem_.empty()) chosen = typed_;
      }
      break;
    }
  }
  if (!problem_.empty()) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(gui::palette().error), "%s", problem_.c_str());
  if (ImGui::Button("Skip")) prompt.skip();
  ImGui::SameLine();
  ImGui::TextDisabled("The lesson waits here; what really happens will tell.");
  if (chosen) prompt.answer(*chosen);
}

void CheckpointPanel::update_reveal(const std::vector<lesson::CheckpointRecord>& records) {
  for (; revealed_ < records.size() && records[revealed_].found; ++revealed_) {
    // Unanswered checkpoints of a run nobody was asked in are not popped up.
    if (records[revealed_].answer) reveal_ = records[revealed_];
  }
}

}  // namespace wirestep::panels
