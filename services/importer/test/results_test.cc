// Transaction-log fidelity: sites of activity and checked addresses reach the master and the
// outcomes, record codes get their description, and batch-level result codes return every
// alert of the batch to review.
#include <gtest/gtest.h>

#include <string>

#include "apply.h"
#include "result_codes.h"

namespace sevisflow::importer {
namespace {

constexpr char kOrg[] = "P-1-12345";
constexpr char kBatch[] = "SF000000000042";

v1::BatchRecord Record(const std::string& request_id, const std::string& person,
                       v1::EventType event) {
  v1::BatchRecord r;
  r.set_request_id(request_id);
  r.set_alert_id("alert-" + request_id);
  r.set_person_id(person);
  r.set_event_type(event);
  r.mutable_alert()->set_alert_id("alert-" + request_id);
  r.mutable_alert()->set_event_type(event);
  return r;
}

v1::SiteOfActivityData Site(const std::string& id, const std::string& name,
                            const std::string& line1) {
  v1::SiteOfActivityData s;
  s.set_site_id(id);
  s.set_name(name);
  s.mutable_address()->set_line1(line1);
  s.mutable_address()->set_city("Boston");
  s.mutable_address()->set_state("MA");
  s.mutable_address()->set_postal_code("02115");
  return s;
}

v1::BatchRecord CreateEv(const std::string& request_id, const std::string& person) {
  v1::BatchRecord r = Record(request_id, person, v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  auto* d = r.mutable_alert()->mutable_create_exchange_visitor();
  d->set_last_name("Visitor");
  d->set_birth_date("1990-01-01");
  *d->add_sites() = Site("SIS-A", "Harbor Lab", "12 main street");
  *d->add_sites() = Site("SIS-B", "Field Station", "3 ocean road");
  return r;
}

sevisxml::LogAddress Corrected(const std::string& line1, const std::string& zip) {
  return sevisxml::LogAddress{line1, "", "BOSTON", "MA", zip};
}

sevisxml::LogRecord Accepted(const std::string& request_id, const std::string& sevis_id) {
  sevisxml::LogRecord r;
  r.request_id = request_id;
  r.sevis_id = sevis_id;
  r.success = true;
  r.process_date = "2026-03-01T10:00:01.000Z";
  return r;
}

sevisxml::LogRecord Rejected(const std::string& request_id, const std::string& code,
                             const std::string& message) {
  sevisxml::LogRecord r;
  r.request_id = request_id;
  r.success = false;
  r.error_code = code;
  r.error_message = message;
  r.process_date = "2026-03-01T10:00:02.000Z";
  return r;
}

sevisxml::LogSite LogSiteOf(const std::string& sevis_site_id, const std::string& name,
                            const sevisxml::LogAddress& corrected) {
  sevisxml::LogSite s;
  s.site_id = sevis_site_id;
  s.site_name = name;
  s.address.corrected = corrected;
  s.address.result = "S0000";
  s.address.message = "Override Suggested";
  return s;
}

struct Batch {
  v1::BatchResult result;
  sevisxml::TransactionLog log;
};

Batch NewBatch() {
  Batch b;
  b.result.set_batch_id(kBatch);
  b.result.set_org_id(kOrg);
  b.result.set_upload_result_code("S0000");
  b.result.set_download_result_code("S0000");
  b.result.set_fetched_at("2026-03-01T11:00:00Z");
  b.log.batch_id = kBatch;
  b.log.org_id = kOrg;
  b.log.status = true;
  b.log.upload = sevisxml::LogStage{"S0000", "2026-03-01T09:00:00.000Z"};
  b.log.process = sevisxml::LogStage{"S0000", "2026-03-01T10:00:00.000Z"};
  b.log.download_result_code = "S0000";
  return b;
}

std::string ResultCodesPath() {
  return std::string(SEVISFLOW_DEFAULT_XSD_DIR) + "/../result-codes.tsv";
}

TEST(LogSites, CreateEvSitesGetSevisSiteIdAndCorrectedAddressInMasterAndOutcome) {
  Batch b = NewBatch();
  *b.result.add_records() = CreateEv("r1", "P1");
  sevisxml::LogRecord lr = Accepted("r1", "N0000000042");
  // Listed in another order than sent and upper-cased: matched by name, not position.
  lr.sites.push_back(LogSiteOf("SOA0001", "FIELD STATION", Corrected("3 OCEAN RD", "02115-0003")));
  lr.sites.push_back(LogSiteOf("SOA0002", "HARBOR LAB", Corrected("12 MAIN ST", "02115-0012")));
  b.log.records.push_back(lr);

  ImportPlan plan = PlanImport(b.log, b.result);
  ASSERT_EQ(plan.master_records.size(), 1u);
  const v1::MasterRecord& m = plan.master_records[0];
  ASSERT_EQ(m.sites_size(), 2);
  EXPECT_EQ(m.sites(0).site_id(), "SIS-A");
  EXPECT_EQ(m.sites(0).sevis_site_id(), "SOA0002");
  EXPECT_EQ(m.sites(0).sevis_corrected_address().line1(), "12 MAIN ST");
  EXPECT_EQ(m.sites(0).sevis_corrected_address().postal_code(), "02115-0012");
  EXPECT_EQ(m.sites(0).address().line1(), "12 main street");  // the value sent stays
  EXPECT_EQ(m.sites(1).site_id(), "SIS-B");
  EXPECT_EQ(m.sites(1).sevis_site_id(), "SOA0001");
  EXPECT_EQ(m.sites(1).sevis_corrected_address().line1(), "3 OCEAN RD");

  ASSERT_EQ(plan.outcomes.size(), 1u);
  const v1::Outcome& o = plan.outcomes[0];
  ASSERT_EQ(o.sites_size(), 2);
  EXPECT_EQ(o.sites(0).site_id(), "SIS-B");
  EXPECT_EQ(o.sites(0).sevis_site_id(), "SOA0001");
  EXPECT_EQ(o.sites(0).site_name(), "FIELD STATION");
  EXPECT_EQ(o.sites(0).corrected_address().postal_code(), "02115-0003");
  EXPECT_EQ(o.sites(0).address_result(), "S0000");
  EXPECT_EQ(o.sites(0).address_message(), "Override Suggested");
  EXPECT_EQ(o.sites(1).site_id(), "SIS-A");
  EXPECT_FALSE(o.batch_level());
}

TEST(LogSites, UnnamedSitesMatchByPositionWhenTheCountsAgree) {
  Batch b = NewBatch();
  *b.result.add_records() = CreateEv("r1", "P1");
  sevisxml::LogRecord lr = Accepted("r1", "N0000000042");
  lr.sites.push_back(LogSiteOf("SOA0001", "", Corrected("12 MAIN ST", "02115-0012")));
  lr.sites.push_back(LogSiteOf("SOA0002", "", Corrected("3 OCEAN RD", "02115-0003")));
  b.log.records.push_back(lr);
  ImportPlan plan = PlanImport(b.log, b.result);
  ASSERT_EQ(plan.master_records.size(), 1u);
  EXPECT_EQ(plan.master_records[0].sites(0).sevis_site_id(), "SOA0001");
  EXPECT_EQ(plan.master_records[0].sites(1).sevis_site_id(), "SOA0002");
  EXPECT_EQ(plan.outcomes[0].sites(1).site_id(), "SIS-B");
}

TEST(LogSites, AcceptedSiteAddGetsItsSiteIdAndARejectedOneChangesNothing) {
  v1::MasterRecord current;
  current.set_org_id(kOrg);
  current.set_person_id("P1");
  current.set_sevis_id("N0000000042");
  current.set_visa_family(v1::VISA_FAMILY_J);
  current.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  auto lookup = [&](const std::string&, const std::string& person) -> const v1::MasterRecord* {
    return person == "P1" ? &current : nullptr;
  };

  Batch b = NewBatch();
  v1::BatchRecord add = Record("r1", "P1", v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD);
  *add.mutable_alert()->mutable_site_of_activity() = Site("SIS-C", "Annex", "9 elm street");
  *b.result.add_records() = add;
  sevisxml::LogRecord lr = Accepted("r1", "N0000000042");
  lr.sites.push_back(LogSiteOf("SOA0009", "ANNEX", Corrected("9 ELM ST", "02115-0009")));
  b.log.records.push_back(lr);
  ImportPlan plan = PlanImport(b.log, b.result, lookup);
  ASSERT_EQ(plan.master_records.size(), 1u);
  ASSERT_EQ(plan.master_records[0].sites_size(), 1);
  EXPECT_EQ(plan.master_records[0].sites(0).site_id(), "SIS-C");
  EXPECT_EQ(plan.master_records[0].sites(0).sevis_site_id(), "SOA0009");
  EXPECT_EQ(plan.master_records[0].sites(0).sevis_corrected_address().line1(), "9 ELM ST");
  EXPECT_EQ(plan.outcomes[0].sites(0).site_id(), "SIS-C");

  // The same add refused: no master row, no site data in the outcome.
  Batch refused = NewBatch();
  *refused.result.add_records() = add;
  sevisxml::LogRecord bad = Rejected("r1", "S2001", "");
  bad.sites.push_back(LogSiteOf("SOA0010", "ANNEX", Corrected("9 ELM ST", "02115-0009")));
  refused.log.records.push_back(bad);
  ImportPlan none = PlanImport(refused.log, refused.result, lookup);
  EXPECT_TRUE(none.master_records.empty());
  ASSERT_EQ(none.outcomes.size(), 1u);
  EXPECT_EQ(none.outcomes[0].sites_size(), 0);
  EXPECT_FALSE(none.outcomes[0].accepted());
}

TEST(LogSites, EditedSiteAddressDropsTheOldCorrection) {
  v1::MasterRecord current;
  current.set_org_id(kOrg);
  current.set_person_id("P1");
  current.set_visa_family(v1::VISA_FAMILY_J);
  v1::MasterSite* s = current.add_sites();
  s->set_site_id("SIS-C");
  s->set_name("Annex");
  s->set_sevis_site_id("SOA0009");
  s->mutable_sevis_corrected_address()->set_line1("9 ELM ST");
  auto lookup = [&](const std::string&, const std::string&) { return &current; };
  Batch b = NewBatch();
  v1::BatchRecord edit = Record("r1", "P1", v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT);
  v1::SiteOfActivityData d = Site("SIS-C", "Annex", "10 oak street");
  d.set_sevis_site_id("SOA0009");
  *edit.mutable_alert()->mutable_site_of_activity() = d;
  *b.result.add_records() = edit;
  b.log.records.push_back(Accepted("r1", "N0000000042"));  // no SiteOfActivity in the log
  ImportPlan plan = PlanImport(b.log, b.result, lookup);
  ASSERT_EQ(plan.master_records.size(), 1u);
  const v1::MasterSite& site = plan.master_records[0].sites(0);
  EXPECT_EQ(site.address().line1(), "10 oak street");
  EXPECT_EQ(site.sevis_site_id(), "SOA0009");
  EXPECT_FALSE(site.has_sevis_corrected_address());
}

TEST(LogAddresses, CorrectedPhysicalAndMailingAddressReachMasterAndOutcome) {
  Batch b = NewBatch();
  v1::BatchRecord create = Record("r1", "P1", v1::EVENT_TYPE_CREATE_STUDENT);
  create.mutable_alert()->mutable_create_student()->set_last_name("Student");
  create.mutable_alert()->mutable_create_student()->mutable_us_address()->set_line1(
      "5 elm avenue");
  *b.result.add_records() = create;
  sevisxml::LogRecord lr = Accepted("r1", "N0000000050");
  lr.physical_address.provided = sevisxml::LogAddress{"5 elm avenue", "", "Boston", "MA", "02115"};
  lr.physical_address.corrected = Corrected("5 ELM AVE", "02115-0005");
  lr.mailing_address.corrected = Corrected("PO BOX 7", "02115-0007");
  b.log.records.push_back(lr);
  ImportPlan plan = PlanImport(b.log, b.result);
  ASSERT_EQ(plan.master_records.size(), 1u);
  const v1::MasterRecord& m = plan.master_records[0];
  EXPECT_EQ(m.us_address().line1(), "5 elm avenue");
  EXPECT_EQ(m.sevis_corrected_us_address().line1(), "5 ELM AVE");
  EXPECT_EQ(m.sevis_corrected_us_address().postal_code(), "02115-0005");
  EXPECT_EQ(m.sevis_corrected_mailing_address().line1(), "PO BOX 7");
  EXPECT_EQ(plan.outcomes[0].corrected_us_address().city(), "BOSTON");
  EXPECT_EQ(plan.outcomes[0].corrected_mailing_address().postal_code(), "02115-0007");
}

TEST(RecordCodes, RejectedRecordWithoutMessageGetsTheCodesDescription) {
  auto codes = ResultCodes::Parse(
      "# comment\ncode\tscope\tbatch_stage\tdescription\n"
      "S1003\tstudent(F/M)\t\tSEVIS ID not found\n");
  ASSERT_TRUE(codes.ok()) << codes.status();
  Batch b = NewBatch();
  *b.result.add_records() = Record("r1", "P1", v1::EVENT_TYPE_REGISTRATION);
  *b.result.add_records() = Record("r2", "P2", v1::EVENT_TYPE_REGISTRATION);
  b.log.records.push_back(Rejected("r1", "S1003", ""));
  b.log.records.push_back(Rejected("r2", "S1003", "SEVIS says otherwise"));
  ImportPlan plan = PlanImport(b.log, b.result, {}, &*codes);
  ASSERT_EQ(plan.outcomes.size(), 2u);
  EXPECT_EQ(plan.outcomes[0].error_message(), "SEVIS ID not found");
  EXPECT_EQ(plan.outcomes[1].error_message(), "SEVIS says otherwise");  // the log's text wins
  EXPECT_FALSE(plan.outcomes[0].batch_level());
  // Without a table a record code is still named.
  ImportPlan bare = PlanImport(b.log, b.result);
  EXPECT_EQ(bare.outcomes[0].error_message(), "SEVIS result code S1003");
}

TEST(RecordCodes, SharedTableLoadsEveryCode) {
  auto codes = ResultCodes::Load(ResultCodesPath());
  ASSERT_TRUE(codes.ok()) << codes.status();
  EXPECT_GT(codes->size(), 200u);
  EXPECT_EQ(codes->Describe("S0013"), "XML does not comply with SEVIS schema");
  EXPECT_EQ(codes->Describe("S1003"), "SEVIS ID not found");
  EXPECT_EQ(codes->Describe("S9999"), "SEVIS result code S9999");
  EXPECT_FALSE(ResultCodes::Parse("S1003 without tabs\n").ok());
  EXPECT_FALSE(ResultCodes::Parse("X1003\ta\tb\tc\n").ok());
  EXPECT_EQ(ResultCodes::Load("/nonexistent/result-codes.tsv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(BatchFailures, UploadRefusalInTheLogFailsTheBatch) {
  Batch b = NewBatch();
  b.log.status = false;
  b.log.upload = sevisxml::LogStage{"S0013", "2026-03-01T09:00:00.000Z"};
  b.log.process.reset();
  b.log.download_result_code.reset();
  auto f = FindBatchFailure(&b.log, b.result);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->kind, BatchFailure::Kind::kFailed);
  EXPECT_EQ(f->stage, "upload");
  EXPECT_EQ(f->code, "S0013");
  EXPECT_EQ(f->timestamp, "2026-03-01T09:00:00.000Z");
}

TEST(BatchFailures, EachStageAndItsCode) {
  {  // No log, the uploader's reply code only.
    Batch b = NewBatch();
    b.result.set_upload_result_code("S0012");
    auto f = FindBatchFailure(nullptr, b.result);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->stage, "upload");
    EXPECT_EQ(f->code, "S0012");
    EXPECT_EQ(f->timestamp, "2026-03-01T11:00:00Z");  // fetched_at: no log stage to date it
  }
  {  // Process failed as a whole.
    Batch b = NewBatch();
    b.log.status = false;
    b.log.process = sevisxml::LogStage{"S0001", "2026-03-01T10:00:00.000Z"};
    auto f = FindBatchFailure(&b.log, b.result);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->stage, "process");
    EXPECT_EQ(f->code, "S0001");
  }
  {  // Download refused for good.
    Batch b = NewBatch();
    b.log.download_result_code = "S0002";
    auto f = FindBatchFailure(&b.log, b.result);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->stage, "download");
    EXPECT_EQ(f->kind, BatchFailure::Kind::kFailed);
  }
  {  // Not yet processed / never submitted: not a result.
    for (const char* code : {"S0030", "S0031"}) {
      Batch b = NewBatch();
      b.log.download_result_code = code;
      auto f = FindBatchFailure(&b.log, b.result);
      ASSERT_TRUE(f.has_value()) << code;
      EXPECT_EQ(f->kind, BatchFailure::Kind::kNotFinal) << code;
    }
  }
  {  // status false, S0020 and no Record at all: nothing was loaded.
    Batch b = NewBatch();
    *b.result.add_records() = Record("r1", "P1", v1::EVENT_TYPE_REGISTRATION);
    b.log.status = false;
    b.log.process = sevisxml::LogStage{"S0020", "2026-03-01T10:00:00.000Z"};
    auto f = FindBatchFailure(&b.log, b.result);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->code, "S0020");
    EXPECT_EQ(f->stage, "process");
  }
}

TEST(BatchFailures, RecordsInTheLogWinOverAStaleUploadCode) {
  Batch b = NewBatch();
  b.result.set_upload_result_code("S0001");  // an earlier attempt's reply kept by the uploader
  *b.result.add_records() = Record("r1", "P1", v1::EVENT_TYPE_REGISTRATION);
  b.log.records.push_back(Rejected("r1", "S1003", "SEVIS ID not found"));
  b.log.status = false;
  b.log.process = sevisxml::LogStage{"S0020", "2026-03-01T10:00:00.000Z"};
  EXPECT_FALSE(FindBatchFailure(&b.log, b.result).has_value());
  Batch ok = NewBatch();
  EXPECT_FALSE(FindBatchFailure(&ok.log, ok.result).has_value());
}

TEST(BatchFailures, EveryAlertGetsARejectedBatchLevelOutcomeAndTheMasterNothing) {
  Batch b = NewBatch();
  *b.result.add_records() = CreateEv("r1", "P1");
  *b.result.add_records() = Record("r2", "P2", v1::EVENT_TYPE_EV_VALIDATE);
  b.log.status = false;
  b.log.upload = sevisxml::LogStage{"S0013", "2026-03-01T09:00:00.000Z"};
  b.log.process.reset();
  auto f = FindBatchFailure(&b.log, b.result);
  ASSERT_TRUE(f.has_value());
  ImportPlan plan = PlanBatchFailure(*f, b.result, ResultCodes());
  EXPECT_TRUE(plan.master_records.empty());
  ASSERT_TRUE(plan.batch_failure_code.has_value());
  EXPECT_EQ(*plan.batch_failure_code, "S0013");
  ASSERT_EQ(plan.outcomes.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const v1::Outcome& o = plan.outcomes[i];
    EXPECT_EQ(o.alert_id(), b.result.records(i).alert_id());
    EXPECT_EQ(o.request_id(), b.result.records(i).request_id());
    EXPECT_EQ(o.person_id(), b.result.records(i).person_id());
    EXPECT_EQ(o.batch_id(), kBatch);
    EXPECT_FALSE(o.accepted());
    EXPECT_TRUE(o.batch_level());
    EXPECT_EQ(o.error_code(), "S0013");
    EXPECT_EQ(o.error_message(), "XML does not comply with SEVIS schema");
    EXPECT_EQ(o.processed_at(), "2026-03-01T09:00:00.000Z");
    EXPECT_TRUE(o.sevis_id().empty());
  }
  // Deterministic: a re-import publishes byte-identical outcomes (same Kafka keys and values).
  ImportPlan again = PlanBatchFailure(*f, b.result, ResultCodes());
  ASSERT_EQ(again.outcomes.size(), plan.outcomes.size());
  for (size_t i = 0; i < plan.outcomes.size(); ++i) {
    EXPECT_EQ(again.outcomes[i].SerializeAsString(), plan.outcomes[i].SerializeAsString());
  }
}

}  // namespace
}  // namespace sevisflow::importer
