// The list of lessons the app offers, in teaching order.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "lesson/lesson.h"

namespace wirestep::lesson {

class Catalog {
 public:
  void add(std::unique_ptr<Lesson> lesson) { lessons_.push_back(std::move(lesson)); }
  const std::vector<std::unique_ptr<Lesson>>& lessons() const { return lessons_; }
  // The lesson with this id, or nullptr.
  Lesson* find(std::string_view id) const;

 private:
  std::vector<std::unique_ptr<Lesson>> lessons_;
};

}  // namespace wirestep::lesson
