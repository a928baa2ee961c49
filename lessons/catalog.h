// Every lesson WireStep offers, in teaching order.
#pragma once

#include "lesson/catalog.h"

namespace wirestep::lessons {

// Listed by hand: self-registering statics would be dropped by the linker from a static library.
lesson::Catalog make_catalog();

}  // namespace wirestep::lessons
