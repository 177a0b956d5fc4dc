#include "apply.h"

#include <gtest/gtest.h>

namespace sevisflow::importer {
namespace {

v1::BatchRecord CreateRecord(const std::string& request_id, const std::string& person,
                             const std::string& last_name) {
  v1::BatchRecord r;
  r.set_request_id(request_id);
  r.set_alert_id(request_id);
  r.set_person_id(person);
  r.set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  v1::Alert* a = r.mutable_alert();
  a->set_alert_id(request_id);
  a->set_org_id("ABC214F12345000");
  a->set_person_id(person);
  a->set_visa_family(v1::VISA_FAMILY_FM);
  a->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  auto* d = a->mutable_create_student();
  d->set_visa_type("01");
  d->set_last_name(last_name);
  d->set_first_name("Ann");
  d->set_middle_name("B");
  d->set_birth_date("2001-02-03");
  d->set_level_of_education("04");
  d->set_program_start_date("2026-08-20");
  d->set_program_end_date("2030-05-15");
  d->set_gender("F");
  d->set_email("p@example.edu");
  d->set_phone("2175550100");
  d->set_primary_major("11.0701");
  d->set_tuition(30000);
  d->mutable_us_address()->set_city("Springfield");
  return r;
}

v1::BatchResult Result() {
  v1::BatchResult result;
  result.set_batch_id("SF000000000007");
  result.set_org_id("ABC214F12345000");
  *result.add_records() = CreateRecord("aaaaaaaaaaaaaaaaaaaa", "P1", "Zed");
  *result.add_records() = CreateRecord("bbbbbbbbbbbbbbbbbbbb", "P2", "Young");
  return result;
}

sevisxml::TransactionLog Log() {
  sevisxml::TransactionLog log;
  log.batch_id = "SF000000000007";
  log.org_id = "ABC214F12345000";
  log.process = sevisxml::LogStage{"S0020", "2026-03-01T10:00:00.000Z"};
  sevisxml::LogRecord ok;
  ok.request_id = "aaaaaaaaaaaaaaaaaaaa";
  ok.sevis_id = "N0000000042";
  ok.success = true;
  ok.process_date = "2026-03-01T10:00:01.000Z";
  sevisxml::LogRecord bad;
  bad.request_id = "bbbbbbbbbbbbbbbbbbbb";
  bad.success = false;
  bad.error_code = "S1004";
  bad.error_message = "Student already exists";
  sevisxml::LogRecord stray;
  stray.request_id = "cccccccccccccccccccc";
  stray.success = true;
  stray.sevis_id = "N0000000043";
  log.records = {ok, bad, stray};
  return log;
}

TEST(PlanImport, AcceptedCreateBecomesInitialMasterRecord) {
  ImportPlan plan = PlanImport(Log(), Result());
  ASSERT_EQ(plan.master_records.size(), 1u);
  const v1::MasterRecord& m = plan.master_records[0];
  EXPECT_EQ(m.org_id(), "ABC214F12345000");
  EXPECT_EQ(m.person_id(), "P1");
  EXPECT_EQ(m.sevis_id(), "N0000000042");
  EXPECT_EQ(m.sevis_status(), v1::SEVIS_STATUS_INITIAL);
  EXPECT_EQ(m.visa_family(), v1::VISA_FAMILY_FM);
  EXPECT_EQ(m.visa_type(), "01");
  EXPECT_EQ(m.last_name(), "Zed");
  EXPECT_EQ(m.first_name(), "Ann");
  EXPECT_EQ(m.middle_name(), "B");
  EXPECT_EQ(m.birth_date(), "2001-02-03");
  EXPECT_EQ(m.level_of_education(), "04");
  EXPECT_EQ(m.program_start_date(), "2026-08-20");
  EXPECT_EQ(m.program_end_date(), "2030-05-15");
  // Everything the update rules compare is kept, so an accepted create raises no update event.
  EXPECT_EQ(m.original_program_end_date(), "2030-05-15");
  EXPECT_EQ(m.gender(), "F");
  EXPECT_EQ(m.email(), "p@example.edu");
  EXPECT_EQ(m.phone(), "2175550100");
  EXPECT_EQ(m.primary_major(), "11.0701");
  EXPECT_EQ(m.tuition(), 30000);
  EXPECT_EQ(m.us_address().city(), "Springfield");
  ASSERT_EQ(m.programs_size(), 1);
  EXPECT_EQ(m.programs(0).status(), "INITIAL");
  EXPECT_EQ(m.programs(0).level_of_education(), "04");
  EXPECT_EQ(m.effective_date(), "2026-03-01");
  EXPECT_EQ(m.last_batch_id(), "SF000000000007");
  EXPECT_EQ(m.last_request_id(), "aaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(m.updated_at(), "2026-03-01T10:00:01.000Z");
}

TEST(PlanImport, EveryMappedRecordGetsAnOutcome) {
  ImportPlan plan = PlanImport(Log(), Result());
  ASSERT_EQ(plan.outcomes.size(), 2u);
  EXPECT_TRUE(plan.outcomes[0].accepted());
  EXPECT_EQ(plan.outcomes[0].sevis_id(), "N0000000042");
  EXPECT_EQ(plan.outcomes[0].alert_id(), "aaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(plan.outcomes[0].person_id(), "P1");
  EXPECT_EQ(plan.outcomes[0].batch_id(), "SF000000000007");
  EXPECT_FALSE(plan.outcomes[1].accepted());
  EXPECT_EQ(plan.outcomes[1].error_code(), "S1004");
  EXPECT_EQ(plan.outcomes[1].error_message(), "Student already exists");
  EXPECT_EQ(plan.outcomes[1].person_id(), "P2");
  // No ProcessDate on the record: the Process timestamp is used.
  EXPECT_EQ(plan.outcomes[1].processed_at(), "2026-03-01T10:00:00.000Z");
  ASSERT_EQ(plan.unmatched_request_ids.size(), 1u);
  EXPECT_EQ(plan.unmatched_request_ids[0], "cccccccccccccccccccc");
}

TEST(PlanImport, IsDeterministic) {
  ImportPlan a = PlanImport(Log(), Result());
  ImportPlan b = PlanImport(Log(), Result());
  ASSERT_EQ(a.master_records.size(), b.master_records.size());
  EXPECT_EQ(a.master_records[0].SerializeAsString(), b.master_records[0].SerializeAsString());
  EXPECT_EQ(a.outcomes[1].SerializeAsString(), b.outcomes[1].SerializeAsString());
}

TEST(PlanImport, AcceptedNonCreateIsNotAppliedYet) {
  v1::BatchResult result = Result();
  result.mutable_records(0)->set_event_type(v1::EVENT_TYPE_UNSPECIFIED);
  result.mutable_records(0)->mutable_alert()->clear_create_student();
  ImportPlan plan = PlanImport(Log(), result);
  EXPECT_TRUE(plan.master_records.empty());
  ASSERT_EQ(plan.unapplied_alert_ids.size(), 1u);
  EXPECT_EQ(plan.outcomes.size(), 2u);
}

TEST(PdfFilings, MatchedBySevisIdInTheName) {
  ImportPlan plan = PlanImport(Log(), Result());
  auto filings = PlanPdfFilings({"sevis_transaction_log.xml", "N0000000042_SF000000000007.pdf",
                                 "N0000000099_SF000000000007.pdf", "notes.txt"},
                                plan, "SF000000000007");
  ASSERT_EQ(filings.size(), 1u);
  EXPECT_EQ(filings[0].entry_name, "N0000000042_SF000000000007.pdf");
  EXPECT_EQ(filings[0].relative_path,
            "ABC214F12345000/persons/P1/SF000000000007_N0000000042.pdf");
}

TEST(PdfFilings, UnsafePersonIdIsNeverAPath) {
  v1::BatchResult result = Result();
  result.mutable_records(0)->set_person_id("../../etc");
  ImportPlan plan = PlanImport(Log(), result);
  EXPECT_TRUE(PlanPdfFilings({"x_N0000000042.pdf"}, plan, "SF000000000007").empty());
}

TEST(Keys, MasterKeyAndSafeComponents) {
  EXPECT_EQ(MasterKey("ABC214F12345000", "P1"), "ABC214F12345000/P1");
  EXPECT_TRUE(IsSafePathComponent("P-1-12345"));
  EXPECT_FALSE(IsSafePathComponent(".."));
  EXPECT_FALSE(IsSafePathComponent("a/b"));
  EXPECT_FALSE(IsSafePathComponent(""));
}

}  // namespace
}  // namespace sevisflow::importer
