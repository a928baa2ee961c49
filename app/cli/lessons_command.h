// `wirestep lessons`: the catalogue as text.
#pragma once

#include <ostream>

#include "lesson/catalog.h"

namespace wirestep::cli {

int lessons_command(const lesson::Catalog& catalog, std::ostream& out);

}  // namespace wirestep::cli
