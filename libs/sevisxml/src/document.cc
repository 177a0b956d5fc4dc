#include "sevisflow/sevisxml/document.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sevisflow::sevisxml {

bool IsCreateEvent(sevisflow::v1::EventType event) {
  return event == sevisflow::v1::EVENT_TYPE_CREATE_STUDENT ||
         event == sevisflow::v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR;
}

absl::StatusOr<std::string> BuildDocument(const DocumentSpec& spec) {
  for (const DocumentRecord& record : spec.records) {
    if (record.alert == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("record ", record.request_id, " has no alert"));
    }
    if (record.alert->visa_family() != spec.family) {
      return absl::InvalidArgumentError(absl::StrCat(
          "alert ", record.alert->alert_id(), " is of visa family ",
          sevisflow::v1::VisaFamily_Name(record.alert->visa_family()), ", the document of ",
          sevisflow::v1::VisaFamily_Name(spec.family)));
    }
  }
  switch (spec.family) {
    case sevisflow::v1::VISA_FAMILY_FM:
      return BuildStudentDocument(spec);
    case sevisflow::v1::VISA_FAMILY_J:
      return BuildEvDocument(spec);
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("batch ", spec.batch_id, ": visa family is not set"));
  }
}

}  // namespace sevisflow::sevisxml
