// Catalog: finding a lesson by its id.
#include "lesson/catalog.h"

namespace wirestep::lesson {

Lesson* Catalog::find(std::string_view id) const {
  for (const auto& lesson : lessons_) {
    if (lesson->info().id == id) return lesson.get();
  }
  return nullptr;
}

}  // namespace wirestep::lesson
