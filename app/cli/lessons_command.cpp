// lessons_command: id, title, summary and needs of every lesson.
#include "cli/lessons_command.h"

#include "cli/exit_code.h"

namespace wirestep::cli {

int lessons_command(const lesson::Catalog& catalog, std::ostream& out) {
  for (const auto& entry : catalog.lessons()) {
    const auto info = entry->info();
    std::string needs;
    for (const auto need : info.needs) {
      if (!needs.empty()) needs += ", ";
      needs += lesson::to_string(need);
    }
    out << info.id << "\n"
        << "    " << info.title << "\n"
        << "    " << info.summary << "\n"
        << "    needs: " << needs << "\n\n";
  }
  out << "Run one with:  wirestep run LESSON   (add --step to go one socket call at a time)\n";
  return kExitOk;
}

}  // namespace wirestep::cli
