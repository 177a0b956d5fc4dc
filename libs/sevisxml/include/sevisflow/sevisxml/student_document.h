#pragma once
// Former name of the F/M document API; see document.h.
#include "sevisflow/sevisxml/document.h"

namespace sevisflow::sevisxml {
using StudentRecord = DocumentRecord;
using StudentBatch = DocumentSpec;
}  // namespace sevisflow::sevisxml
