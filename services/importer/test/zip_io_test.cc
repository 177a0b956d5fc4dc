#include "zip_io.h"


#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "apply.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "test_zip.h"
#include "sevisflow/sevisxml/validator.h"

namespace sevisflow::importer {
namespace {

TEST(Zip, ReadsEntries) {
  std::string zip = MakeZip({{"sevis_transaction_log.xml", "<x/>"}, {"a.pdf", "%PDF-1.4"}});
  auto entries = ReadZipEntries(zip);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ(entries->size(), 2u);
  EXPECT_EQ(entries->at("a.pdf"), "%PDF-1.4");
}

TEST(Zip, RefusesGarbageAndBombs) {
  EXPECT_FALSE(ReadZipEntries("PK not really a zip").ok());
  std::string zip = MakeZip({{"big", std::string(4096, 'a')}});
  EXPECT_FALSE(ReadZipEntries(zip, 10, 1000).ok());
  EXPECT_FALSE(ReadZipEntries(MakeZip({{"a", "1"}, {"b", "2"}}), 1).ok());
}

// The whole pure path on a real, schema-validated log: zip → log → plan → filings.
TEST(ZipToPlan, ValidatedLogFromAZip) {
  auto validator =
      sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(SEVISFLOW_DEFAULT_XSD_DIR));
  ASSERT_TRUE(validator.ok()) << validator.status();
  sevisxml::TransactionLog log;
  log.batch_id = "SF000000000009";
  log.org_id = "ABC214F12345000";
  log.status = true;
  log.upload = sevisxml::LogStage{"S0000", "2026-03-01T10:00:00.000Z"};
  log.upload_file_name = "SF000000000009.xml";
  log.process = sevisxml::LogStage{"S0000", "2026-03-01T10:00:05.000Z"};
  log.success_count = 1;
  sevisxml::LogRecord r;
  r.request_id = "aaaaaaaaaaaaaaaaaaaa";
  r.sevis_id = "N0000000042";
  r.user_id = "dso0000001";
  r.process_date = "2026-03-01T10:00:05.000Z";
  r.success = true;
  log.records.push_back(r);
  log.download_result_code = "S0000";
  std::string zip = MakeZip({{"sevis_transaction_log.xml", sevisxml::WriteTransactionLog(log)},
                             {"N0000000042_SF000000000009.pdf", "%PDF-1.4 form"}});
  auto entries = ReadZipEntries(zip);
  ASSERT_TRUE(entries.ok());
  auto parsed = sevisxml::ParseTransactionLog(entries->at("sevis_transaction_log.xml"),
                                              validator->get());
  ASSERT_TRUE(parsed.ok()) << parsed.status();

  v1::BatchResult result;
  result.set_batch_id("SF000000000009");
  result.set_org_id("ABC214F12345000");
  auto* rec = result.add_records();
  rec->set_request_id("aaaaaaaaaaaaaaaaaaaa");
  rec->set_alert_id("aaaaaaaaaaaaaaaaaaaa");
  rec->set_person_id("P1");
  rec->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  rec->mutable_alert()->mutable_create_student()->set_last_name("Zed");
  ImportPlan plan = PlanImport(*parsed, result);
  ASSERT_EQ(plan.master_records.size(), 1u);
  EXPECT_EQ(plan.master_records[0].sevis_id(), "N0000000042");
  std::vector<std::string> names;
  for (const auto& [n, c] : *entries) names.push_back(n);
  auto filings = PlanPdfFilings(names, plan, "SF000000000009");
  ASSERT_EQ(filings.size(), 1u);
  EXPECT_EQ(entries->at(filings[0].entry_name), "%PDF-1.4 form");
}

}  // namespace
}  // namespace sevisflow::importer
