#include "sevisflow/sevisxml/document.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sevisflow::sevisxml {

// Placeholder until the exchange-visitor writer lands.
absl::StatusOr<std::string> BuildEvDocument(const DocumentSpec& spec) {
  return absl::UnimplementedError(
      absl::StrCat("batch ", spec.batch_id, ": exchange-visitor documents are not written yet"));
}

}  // namespace sevisflow::sevisxml
