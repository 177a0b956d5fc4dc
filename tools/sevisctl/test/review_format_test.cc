#include "review_format.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>

namespace sevisflow::sevisctl {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

v1::ReviewAlert Terminate() {
  v1::ReviewAlert review;
  review.set_state(v1::ALERT_STATE_FAILED);
  review.set_updated_at("2026-09-06T10:00:00Z");
  review.set_updated_by("system");
  v1::Alert* alert = review.mutable_alert();
  alert->set_alert_id("a0000000000000000001");
  alert->set_org_id("ABC214F12345000");
  alert->set_person_id("SIS000123");
  alert->set_visa_family(v1::VISA_FAMILY_FM);
  alert->set_event_type(v1::EVENT_TYPE_STATUS_TERMINATE);
  alert->set_sevis_id("N0001234567");
  alert->set_detected_at("2026-09-05T00:00:00Z");
  alert->mutable_status()->set_reason("OTHER");
  v1::FieldChange* change = alert->add_changes();
  change->set_field("status");
  change->set_sevis_value("ACTIVE");
  change->set_sis_value("WITHDRAWN");
  v1::ValidationIssue* issue = alert->add_issues();
  issue->set_code("MISSING_DATE");
  issue->set_field("status.effective_date");
  issue->set_message("the effective date is required");
  v1::ValidationIssue* xsd = review.add_review_issues();
  xsd->set_code("XSD_INVALID");
  xsd->set_field("/SEVISBatchCreateUpdateStudent/UpdateStudent/Student[1]/Status");
  xsd->set_message("element Reason not expected");
  return review;
}

TEST(FormatTableTest, PadsColumnsAndDashesEmptyCells) {
  EXPECT_EQ(FormatTable({"A", "LONGER"}, {{"wide-cell", ""}, {"x", "y"}}),
            "A          LONGER\n"
            "wide-cell  -\n"
            "x          y\n");
  EXPECT_EQ(FormatTable({"ONLY"}, {}), "ONLY\n");
}

TEST(FormatTest, EnumNamesWithoutPrefix) {
  EXPECT_EQ(StateName(v1::ALERT_STATE_SUPERSEDED), "SUPERSEDED");
  EXPECT_EQ(FamilyName(v1::VISA_FAMILY_J), "J");
}

TEST(FormatAlertListTest, OneRowPerAlertAndACount) {
  v1::ListAlertsResponse response;
  *response.add_alerts() = Terminate();
  v1::ReviewAlert* open = response.add_alerts();
  open->set_state(v1::ALERT_STATE_OPEN);
  open->mutable_alert()->set_alert_id("a2");
  open->mutable_alert()->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  open->mutable_alert()->set_person_id("SIS000124");
  const std::string text = FormatAlertList(response);
  EXPECT_THAT(text, StartsWith("ALERT                 STATE   EVENT             PERSON     "
                               "SUBJECT  DETECTED              ISSUES\n"));
  EXPECT_THAT(text, HasSubstr("a0000000000000000001  FAILED  STATUS_TERMINATE  SIS000123  -    "
                              "    2026-09-05T00:00:00Z  2\n"));
  EXPECT_THAT(text, HasSubstr("a2                    OPEN    CREATE_STUDENT    SIS000124  -"));
  EXPECT_THAT(text, HasSubstr("\n2 alerts\n"));
}

TEST(FormatAlertDetailTest, DataChangesIssuesAndReviewIssues) {
  const std::string text = FormatAlertDetail(Terminate());
  EXPECT_THAT(text, StartsWith("alert: a0000000000000000001\nstate: FAILED\n"
                               "event: STATUS_TERMINATE (Status - Terminate"));
  EXPECT_THAT(text, HasSubstr("sevis_id: N0001234567\n"));
  EXPECT_THAT(text, HasSubstr("updated: 2026-09-06T10:00:00Z by system\n"));
  EXPECT_THAT(text, HasSubstr("data (status):\n  {\n   \"reason\": \"OTHER\"\n  }\n"));
  EXPECT_THAT(text, HasSubstr("changes:\n  FIELD   SEVIS   SIS\n  status  ACTIVE  WITHDRAWN\n"));
  EXPECT_THAT(text, HasSubstr("issues:\n  CODE          FIELD                  MESSAGE\n"
                              "  MISSING_DATE  status.effective_date  the effective date is "
                              "required\n"));
  EXPECT_THAT(text, HasSubstr("review issues:\n  CODE         FIELD"));
  EXPECT_THAT(text, HasSubstr("XSD_INVALID  /SEVISBatchCreateUpdateStudent/UpdateStudent/"
                              "Student[1]/Status  element Reason not expected\n"));
  EXPECT_THAT(text, Not(HasSubstr("manual")));
}

TEST(FormatAlertDetailTest, NoDataAndManual) {
  v1::ReviewAlert review;
  review.set_state(v1::ALERT_STATE_OPEN);
  review.mutable_alert()->set_alert_id("m1");
  review.mutable_alert()->set_manual(true);
  review.mutable_alert()->set_event_type(v1::EVENT_TYPE_EV_REPRINT);
  const std::string text = FormatAlertDetail(review);
  EXPECT_THAT(text, HasSubstr("manual: yes\n"));
  EXPECT_THAT(text, HasSubstr("data: none\n"));
  EXPECT_THAT(text, Not(HasSubstr("changes:")));
  EXPECT_THAT(text, Not(HasSubstr("issues:")));
}

TEST(FormatChangedTest, CountsAndRefusals) {
  v1::SelectAlertsResponse response;
  response.set_changed(2);
  response.add_refused("a3");
  response.add_refused_reasons("alert is BATCHED");
  response.add_refused("a4");
  EXPECT_EQ(FormatChanged(response.changed(), "selected", response.refused(),
                          response.refused_reasons()),
            "2 selected\nrefused a3: alert is BATCHED\nrefused a4\n");
}

TEST(FormatCloseBatchTest, BatchesRecordsAndReturned) {
  v1::CloseBatchResponse response;
  response.add_batch_ids("SF000000000007");
  response.set_records(12);
  EXPECT_EQ(FormatCloseBatch(response), "batch SF000000000007\n1 batch, 12 records\n");
  response.add_batch_ids("SF000000000008");
  response.set_returned_to_review(3);
  EXPECT_THAT(FormatCloseBatch(response),
              HasSubstr("2 batches, 12 records, 3 returned to review"));
}

TEST(FormatBatchListTest, Columns) {
  v1::ListBatchesResponse response;
  v1::BatchSummary* batch = response.add_batches();
  batch->set_batch_id("SF000000000007");
  batch->set_visa_family(v1::VISA_FAMILY_FM);
  batch->set_state("BUILT");
  batch->set_records(12);
  batch->set_created_at("2026-09-06T10:00:00Z");
  batch->set_user_id("dso0000001");
  batch->set_closed_by("jdoe");
  EXPECT_EQ(FormatBatchList(response),
            "BATCH           FAMILY  STATE  RECORDS  CREATED               USER        "
            "CLOSED_BY\n"
            "SF000000000007  FM      BUILT  12       2026-09-06T10:00:00Z  dso0000001  jdoe\n");
}

TEST(FormatAuditTest, RowsAndCount) {
  v1::QueryAuditResponse response;
  v1::AuditEntry* entry = response.add_entries();
  entry->set_at("2026-09-06T10:00:00Z");
  entry->set_actor("jdoe");
  entry->set_action("REJECT");
  entry->set_alert_id("a1");
  entry->set_event_type(v1::EVENT_TYPE_STATUS_TERMINATE);
  entry->set_detail("duplicate");
  const std::string text = FormatAudit(response);
  EXPECT_THAT(text, StartsWith("AT                    ACTOR  ACTION  PERSON  ALERT  BATCH  "
                               "EVENT             DETAIL\n"));
  EXPECT_THAT(text, HasSubstr("2026-09-06T10:00:00Z  jdoe   REJECT  -       a1     -      "
                              "STATUS_TERMINATE  duplicate\n"));
  EXPECT_THAT(text, HasSubstr("\n1 entry\n"));
}

TEST(FormatWhoAmITest, OrgsSortedWithUserIds) {
  v1::WhoAmIResponse response;
  response.set_dso("jdoe");
  response.add_org_ids("XYZ214F00000000");
  response.add_org_ids("ABC214F12345000");
  (*response.mutable_sevis_user_ids())["ABC214F12345000"] = "dso0000001";
  EXPECT_EQ(FormatWhoAmI(response),
            "dso: jdoe\n"
            "ORG              SEVIS_USER_ID\n"
            "ABC214F12345000  dso0000001\n"
            "XYZ214F00000000  -\n");
}

TEST(FormatSupplementalTest, StampsThenValuesAsJson) {
  v1::SupplementalData data;
  data.set_org_id("ABC214F12345000");
  data.set_person_id("SIS000123");
  data.set_admission_number("12345678901");
  data.set_version(3);
  data.set_updated_by("jdoe");
  data.set_updated_at("2026-09-06T10:00:00Z");
  const std::string text = FormatSupplemental(data);
  EXPECT_THAT(text, StartsWith("supplemental data of SIS000123 at ABC214F12345000: version 3, "
                               "updated 2026-09-06T10:00:00Z by jdoe\n"));
  EXPECT_THAT(text, HasSubstr("\"admission_number\": \"12345678901\""));
  EXPECT_THAT(text, Not(HasSubstr("\"version\"")));
}

TEST(ToJsonTest, SnakeCaseFieldNamesThatParseBack) {
  const v1::ReviewAlert review = Terminate();
  const std::string json = ToJson(review);
  EXPECT_THAT(json, AllOf(HasSubstr("\"review_issues\""), HasSubstr("\"ALERT_STATE_FAILED\"")));
  v1::ReviewAlert parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), review.SerializeAsString());
}

}  // namespace
}  // namespace sevisflow::sevisctl
