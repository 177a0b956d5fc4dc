// The simulator's request handling without TLS: every reply is parsed and validated against
// SevisTransLog.xsd, and the state survives a restart.

#include "sim_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <regex>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/ports.h"
#include "sim_result_zip.h"
#include "sim_test_documents.h"

namespace sevisflow::sim {
namespace {

using ::testing::SizeIs;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kOtherOrg[] = "XYZ214F99999000";
constexpr char kUser[] = "dso0000001";
constexpr char kBatch[] = "SIMTEST0000001";

class SimServiceTest : public ::testing::Test {
 protected:
  SimServiceTest()
      : clock_(common::TimePoint(std::chrono::seconds(1795000000))),
        data_dir_(testing::ScratchDir("sevis_sim_service")) {
    config_.xsd_dir = testing::XsdDir();
    config_.data_dir = data_dir_;
    config_.orgs[kOrg] = OrgRegistration{kOrg, {kUser, "dso0000002"}, {kOrg}};
    config_.orgs[kOtherOrg] = OrgRegistration{kOtherOrg, {"dso0000009"}, {kOtherOrg}};
    config_.orgs["P-1-12345"] = OrgRegistration{"P-1-12345", {"rsp0000001"}, {"P-1-12345"}};
  }

  void SetUp() override {
    auto log_schema = sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(config_.xsd_dir));
    ASSERT_TRUE(log_schema.ok()) << log_schema.status();
    log_schema_ = *std::move(log_schema);
    Start();
  }

  void Start() {
    sim_.reset();
    auto sim = SevisSimulator::Create(config_, clock_);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = *std::move(sim);
  }

  static std::string TwoStudents(const std::string& batch_id = kBatch) {
    return testdocs::StudentDocument(batch_id, kOrg, kUser,
                                     {{"req-1", "Testperson", "Alpha", "2001-02-03", "SIS0001"},
                                      {"req-2", "Sampleton", "Beta", "2000-12-31", ""}});
  }

  static UploadForm Form(std::string xml, const std::string& batch_id = kBatch,
                         const std::string& org = kOrg, const std::string& user = kUser) {
    UploadForm f;
    f.org_id = org;
    f.batch_id = batch_id;
    f.user_id = user;
    f.xml = std::move(xml);
    f.file_name = "batch.xml";
    return f;
  }

  // Parses a TransactionLog reply, requiring it to be SevisTransLog.xsd-valid.
  sevisxml::TransactionLog Log(const Reply& reply) {
    EXPECT_EQ(reply.http_status, 200);
    EXPECT_EQ(reply.content_type, "application/xml");
    auto log = sevisxml::ParseTransactionLog(reply.body, log_schema_.get());
    EXPECT_TRUE(log.ok()) << log.status() << "\n" << reply.body;
    return log.ok() ? *log : sevisxml::TransactionLog{};
  }

  std::string UploadCode(const UploadForm& form, const std::string& cn = kOrg) {
    sevisxml::TransactionLog log = Log(sim_->Upload(form, cn));
    EXPECT_TRUE(log.upload.has_value());
    return log.upload ? log.upload->result_code : "";
  }

  std::string DownloadCode(const std::string& batch_id, const std::string& user = kUser,
                           const std::string& cn = kOrg) {
    Reply r = sim_->Download({kOrg, batch_id, user}, cn);
    if (r.content_type == "application/zip") return "zip";
    sevisxml::TransactionLog log = Log(r);
    EXPECT_TRUE(log.download_result_code.has_value());
    return log.download_result_code.value_or("");
  }

  common::FakeClock clock_;
  std::string data_dir_;
  SimConfig config_;
  std::unique_ptr<sevisxml::SchemaValidator> log_schema_;
  std::unique_ptr<SevisSimulator> sim_;
};

TEST_F(SimServiceTest, AcceptedUploadEchoesHeaderAndFileName) {
  sevisxml::TransactionLog log = Log(sim_->Upload(Form(TwoStudents()), kOrg));
  EXPECT_EQ(log.batch_id, kBatch);
  EXPECT_EQ(log.org_id, kOrg);
  EXPECT_TRUE(log.status);
  EXPECT_EQ(log.system, "SEVISFLOW-SIM");
  ASSERT_TRUE(log.upload);
  EXPECT_EQ(log.upload->result_code, "S0000");
  EXPECT_EQ(log.upload_file_name, "batch.xml");
  EXPECT_FALSE(log.process);  // the upload reply only covers the upload
}

TEST_F(SimServiceTest, DownloadZipHoldsValidLogTwoRecordsAndTwoPdfs) {
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  Reply r = sim_->Download({kOrg, kBatch, kUser}, kOrg);
  ASSERT_EQ(r.content_type, "application/zip");
  auto entries = ReadZip(r.body);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_THAT(*entries, SizeIs(3));
  auto log = sevisxml::ParseTransactionLog(entries->at("sevis_transaction_log.xml"),
                                           log_schema_.get());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE(log->status);
  EXPECT_EQ(log->process->result_code, "S0000");
  EXPECT_EQ(log->download_result_code, "S0000");
  EXPECT_EQ(log->success_count, 2);
  ASSERT_THAT(log->records, SizeIs(2));
  const std::regex sevis_id(R"(N\d{10})");
  for (const auto& rec : log->records) {
    EXPECT_TRUE(std::regex_match(rec.sevis_id, sevis_id)) << rec.sevis_id;
    EXPECT_TRUE(rec.success);
    EXPECT_EQ(entries->count(rec.sevis_id + "_" + kBatch + ".pdf"), 1u) << rec.sevis_id;
  }
  EXPECT_EQ(log->records[0].request_id, "req-1");
  EXPECT_EQ(log->records[0].user_defined_a, "SIS0001");
}

// The ECA sample CreateEV (one site of activity, a US address), for this org and user, with
// a second site added: the download's log validates and carries SiteIds and corrected addresses.
TEST_F(SimServiceTest, VisitorSitesComeBackWithSiteIdsAndCorrectedAddresses) {
  std::ifstream in(testing::XsdDir() + "/../examples/" +
                   "eca-kmt2_alpha_SEVISBatchCreateUpdateEV_create-with-dependent.xml");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string xml = buffer.str();
  ASSERT_FALSE(xml.empty());
  auto replace = [&xml](const std::string& from, const std::string& to) {
    for (size_t at = xml.find(from); at != std::string::npos; at = xml.find(from, at + to.size())) {
      xml.replace(at, from.size(), to);
    }
  };
  replace("----kynEn47azQ", "SIMEV000000009");
  replace("P-1-19833", "P-1-12345");
  replace("esayya9302", "rsp0000001");
  replace("</AddSiteOfActivity>",
          "<SiteOfActivity xsi:type=\"SOA\"><Address1>12 harbor street</Address1>"
          "<City>Boston</City><State>MA</State><PostalCode>02115</PostalCode>"
          "<SiteName>Harbor Lab</SiteName><PrimarySite>false</PrimarySite></SiteOfActivity>"
          "</AddSiteOfActivity>");
  ASSERT_EQ(UploadCode(Form(xml, "SIMEV000000009", "P-1-12345", "rsp0000001"), "P-1-12345"),
            "S0000");
  Reply r = sim_->Download({"P-1-12345", "SIMEV000000009", "rsp0000001"}, "P-1-12345");
  ASSERT_EQ(r.content_type, "application/zip");
  auto entries = ReadZip(r.body);
  ASSERT_TRUE(entries.ok()) << entries.status();
  const std::string& log_xml = entries->at("sevis_transaction_log.xml");
  auto log = sevisxml::ParseTransactionLog(log_xml, log_schema_.get());
  ASSERT_TRUE(log.ok()) << log.status() << "\n" << log_xml;
  ASSERT_THAT(log->records, SizeIs(1));
  const sevisxml::LogRecord& rec = log->records[0];
  ASSERT_TRUE(rec.success);
  ASSERT_THAT(rec.sites, SizeIs(2));
  EXPECT_EQ(rec.sites[0].site_id, "SOA000000001");
  EXPECT_EQ(rec.sites[0].site_name, "US Department of State");
  EXPECT_EQ(rec.sites[0].address.corrected->address1, "2200 C ST NW");
  EXPECT_EQ(rec.sites[0].address.corrected->postal_code.substr(0, 6), "20522-");
  EXPECT_EQ(rec.sites[1].site_id, "SOA000000002");
  EXPECT_EQ(rec.sites[1].address.corrected->address1, "12 HARBOR ST");
  EXPECT_EQ(rec.sites[1].address.message, "Override Suggested");
  ASSERT_TRUE(rec.physical_address.corrected.has_value());
  EXPECT_EQ(rec.physical_address.corrected->city, "WASHINGTON");
  ASSERT_THAT(rec.dependents, SizeIs(1));  // still there, after the sites in the log
}

TEST_F(SimServiceTest, RefusalsCarryTheirCodes) {
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  EXPECT_EQ(UploadCode(Form(TwoStudents())), "S0010");
  // A 13-character BatchID breaks the schema (the form says the same, so no S0012).
  EXPECT_EQ(UploadCode(Form(TwoStudents("SIMTEST000002"), "SIMTEST000002")), "S0013");
  EXPECT_EQ(UploadCode(Form(TwoStudents("SIMTEST0000003"), "SIMTEST0000004")), "S0012");
  EXPECT_EQ(UploadCode(Form("<SEVISBatchCreateUpdateStudent>", "SIMTEST0000005")), "S0012");
  EXPECT_EQ(UploadCode(Form("<Other/>", "SIMTEST0000006")), "S0013");
  EXPECT_EQ(UploadCode(Form(TwoStudents("SIMTEST0000007"), "SIMTEST0000007"), kOtherOrg),
            "S0002");
  EXPECT_EQ(UploadCode(Form(TwoStudents("SIMTEST0000008"), "SIMTEST0000008", "NOP214F00000000")),
            "S0002");
  EXPECT_EQ(UploadCode(Form(TwoStudents("SIMTEST0000009"), "SIMTEST0000009", kOrg, "dso0000009")),
            "S0003");
  UploadForm long_name = Form(TwoStudents("SIMTEST0000010"), "SIMTEST0000010");
  long_name.file_name = std::string(40, 'x');
  EXPECT_EQ(UploadCode(long_name), "S0011");
  UploadForm no_xml = Form(TwoStudents("SIMTEST0000011"), "SIMTEST0000011");
  no_xml.xml.reset();
  EXPECT_EQ(UploadCode(no_xml), "S0012");
  // A refused upload does not use up its batch ID.
  EXPECT_EQ(UploadCode(Form(TwoStudents("SIMTEST0000009"), "SIMTEST0000009")), "S0000");
}

TEST_F(SimServiceTest, SecondCreateOfSamePersonFailsWithS1004InTheResult) {
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  const std::string again = testdocs::StudentDocument(
      "SIMTEST0000002", kOrg, kUser, {{"req-9", "Testperson", "Alpha", "2001-02-03", ""}});
  ASSERT_EQ(UploadCode(Form(again, "SIMTEST0000002")), "S0000");
  Reply r = sim_->Download({kOrg, "SIMTEST0000002", kUser}, kOrg);
  auto entries = ReadZip(r.body);
  ASSERT_TRUE(entries.ok()) << entries.status();
  auto log = sevisxml::ParseTransactionLog(entries->at(std::string(kLogEntryName)),
                                           log_schema_.get());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_FALSE(log->status);
  EXPECT_EQ(log->process->result_code, "S0020");
  ASSERT_THAT(log->records, SizeIs(1));
  EXPECT_FALSE(log->records[0].success);
  EXPECT_EQ(log->records[0].error_code, "S1004");
  EXPECT_EQ(entries->size(), 1u);  // no form for a failed create
}

TEST_F(SimServiceTest, DownloadCodes) {
  EXPECT_EQ(DownloadCode(kBatch), "S0031");
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  EXPECT_EQ(DownloadCode(kBatch, "dso0000009"), "S0003");
  EXPECT_EQ(DownloadCode(kBatch, kUser, kOtherOrg), "S0002");
  EXPECT_EQ(DownloadCode(kBatch, ""), "S0001");
  EXPECT_EQ(DownloadCode(kBatch), "zip");
}

TEST_F(SimServiceTest, ProcessDelayAnswersS0030UntilDue) {
  config_.process_delay_seconds = 60;
  Start();
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  EXPECT_EQ(DownloadCode(kBatch), "S0030");
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(DownloadCode(kBatch), "S0030");
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(DownloadCode(kBatch), "zip");
}

TEST(ProcessingTimeTest, NightlyRunIsTheNextOneAtOrAfterUploadPlusDelay) {
  SimConfig c;
  // 1795000000 = 2026-11-18T11:06:40Z.
  const common::TimePoint upload{std::chrono::seconds(1795000000)};
  EXPECT_EQ(common::FormatRfc3339(ProcessingTime(c, upload)), "2026-11-18T11:06:40.000Z");
  c.process_delay_seconds = 60;
  EXPECT_EQ(common::FormatRfc3339(ProcessingTime(c, upload)), "2026-11-18T11:07:40.000Z");
  c.process_at_minute_utc = 2 * 60;  // 02:00 has passed today: tomorrow's run
  EXPECT_EQ(common::FormatRfc3339(ProcessingTime(c, upload)), "2026-11-19T02:00:00.000Z");
  c.process_at_minute_utc = 23 * 60 + 30;  // tonight's run
  EXPECT_EQ(common::FormatRfc3339(ProcessingTime(c, upload)), "2026-11-18T23:30:00.000Z");
  c.process_delay_seconds = 17 * 3600;  // the delay pushes it past tonight's run
  EXPECT_EQ(common::FormatRfc3339(ProcessingTime(c, upload)), "2026-11-19T23:30:00.000Z");
}

TEST_F(SimServiceTest, NightlyProcessingAnswersS0030UntilTheRun) {
  config_.process_at_minute_utc = 2 * 60;
  Start();
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  EXPECT_EQ(DownloadCode(kBatch), "S0030");
  clock_.Advance(std::chrono::hours(14));  // 2026-11-19T01:06:40Z
  EXPECT_EQ(DownloadCode(kBatch), "S0030");
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(DownloadCode(kBatch), "zip");
}

TEST_F(SimServiceTest, ConfiguredDownloadFaultsAreServedAndCounted) {
  config_.faults_json = R"({"faults": [{"kind": "not_yet_processed", "count": 2},
                                       {"kind": "truncated_zip"}, {"kind": "corrupt_zip"}]})";
  Start();
  // Refusals before the batch is found use up no fault.
  EXPECT_EQ(DownloadCode(kBatch), "S0031");
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  EXPECT_EQ(DownloadCode(kBatch), "S0030");
  EXPECT_EQ(DownloadCode(kBatch), "S0030");
  Reply truncated = sim_->Download({kOrg, kBatch, kUser}, kOrg);
  EXPECT_EQ(truncated.content_type, "application/zip");
  EXPECT_FALSE(ReadZip(truncated.body).ok());
  Reply corrupt = sim_->Download({kOrg, kBatch, kUser}, kOrg);
  EXPECT_EQ(corrupt.content_type, "application/zip");
  EXPECT_FALSE(ReadZip(corrupt.body).ok());
  Reply good = sim_->Download({kOrg, kBatch, kUser}, kOrg);
  ASSERT_TRUE(ReadZip(good.body).ok());
  EXPECT_EQ(truncated.body.size(), good.body.size() / 2);
  EXPECT_EQ(corrupt.body.size(), good.body.size());

  auto stats = nlohmann::json::parse(sim_->StatsJson());
  EXPECT_EQ(stats["faults_served"]["not_yet_processed"], 2);
  EXPECT_EQ(stats["faults_served"]["truncated_zip"], 1);
  EXPECT_EQ(stats["faults_served"]["corrupt_zip"], 1);
  EXPECT_EQ(stats["faults_served"]["total"], 4);
  EXPECT_EQ(stats["accepted_uploads"], 1);
}

TEST_F(SimServiceTest, InvalidConfiguredFaultsStopCreation) {
  config_.faults_json = R"({"faults": [{"kind": "nope"}]})";
  EXPECT_FALSE(SevisSimulator::Create(config_, clock_).ok());
}

TEST_F(SimServiceTest, RestartKeepsBatchIdsResultsAndSevisIdSequence) {
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");
  Start();  // a new simulator on the same data dir
  EXPECT_EQ(UploadCode(Form(TwoStudents())), "S0010");
  EXPECT_EQ(DownloadCode(kBatch), "zip");
  const std::string third = testdocs::StudentDocument(
      "SIMTEST0000002", kOrg, kUser, {{"req-1", "Newperson", "Gamma", "2002-03-04", ""}});
  ASSERT_EQ(UploadCode(Form(third, "SIMTEST0000002")), "S0000");
  auto entries = ReadZip(sim_->Download({kOrg, "SIMTEST0000002", kUser}, kOrg).body);
  ASSERT_TRUE(entries.ok());
  auto log = sevisxml::ParseTransactionLog(entries->at(std::string(kLogEntryName)), nullptr);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->records.at(0).sevis_id, "N0000000003");
  auto stats = nlohmann::json::parse(sim_->StatsJson());
  EXPECT_EQ(stats["accepted_by_batch"][kBatch], 1);
  EXPECT_EQ(stats["uploads_by_batch"][kBatch], 2);
}

TEST_F(SimServiceTest, AcceptedDependentAddGetsALogDependentWithANewSevisId) {
  ASSERT_EQ(UploadCode(Form(TwoStudents())), "S0000");  // N0000000001 and N0000000002
  const std::string xml = testdocs::StudentDependentAddDocument(
      "SIMTEST0000002", kOrg, kUser, "N0000000002", "DEP0001", "B42");
  ASSERT_EQ(UploadCode(Form(xml, "SIMTEST0000002")), "S0000");
  auto entries = ReadZip(sim_->Download({kOrg, "SIMTEST0000002", kUser}, kOrg).body);
  ASSERT_TRUE(entries.ok()) << entries.status();
  auto log = sevisxml::ParseTransactionLog(entries->at(std::string(kLogEntryName)),
                                           log_schema_.get());
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_THAT(log->records, SizeIs(1));
  EXPECT_TRUE(log->records[0].success);
  ASSERT_THAT(log->records[0].dependents, SizeIs(1));
  EXPECT_EQ(log->records[0].dependents[0].dependent_sevis_id, "N0000000003");
  EXPECT_EQ(log->records[0].dependents[0].user_defined_a, "DEP0001");
  EXPECT_EQ(log->records[0].dependents[0].user_defined_b, "B42");
  // The same Add for a SEVIS ID the school does not hold fails and creates no dependent.
  const std::string unknown = testdocs::StudentDependentAddDocument(
      "SIMTEST0000003", kOrg, kUser, "N0000000099", "DEP0002", "B43");
  ASSERT_EQ(UploadCode(Form(unknown, "SIMTEST0000003")), "S0000");
  auto failed = ReadZip(sim_->Download({kOrg, "SIMTEST0000003", kUser}, kOrg).body);
  ASSERT_TRUE(failed.ok()) << failed.status();
  auto failed_log = sevisxml::ParseTransactionLog(failed->at(std::string(kLogEntryName)),
                                                  log_schema_.get());
  ASSERT_TRUE(failed_log.ok()) << failed_log.status();
  ASSERT_THAT(failed_log->records, SizeIs(1));
  EXPECT_FALSE(failed_log->records[0].success);
  EXPECT_THAT(failed_log->records[0].dependents, SizeIs(0));
}

TEST_F(SimServiceTest, ExchangeVisitorDocumentIsValidatedWithTheEvSchema) {
  UploadForm f = Form(testdocs::EvNoShowDocument("SIMEV000000001", "P-1-12345", "rsp0000001",
                                                 "N0000000001"),
                      "SIMEV000000001", "P-1-12345", "rsp0000001");
  EXPECT_EQ(UploadCode(f, "P-1-12345"), "S0000");
  Reply r = sim_->Download({"P-1-12345", "SIMEV000000001", "rsp0000001"}, "P-1-12345");
  auto entries = ReadZip(r.body);
  ASSERT_TRUE(entries.ok()) << entries.status();
  auto log = sevisxml::ParseTransactionLog(entries->at(std::string(kLogEntryName)),
                                           log_schema_.get());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(log->records.at(0).error_code, "S2001");
}

TEST_F(SimServiceTest, ConcurrentUploadsOfOneBatchIdAcceptExactlyOne) {
  constexpr int kThreads = 6;
  std::atomic<int> accepted{0};
  std::atomic<int> duplicate{0};
  std::mutex others_mu;
  std::vector<std::string> others;  // any other answer, kept to explain a failure
  std::vector<std::thread> threads;
  const std::string xml = TwoStudents();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      const std::string body = sim_->Upload(Form(xml), kOrg).body;
      auto log = sevisxml::ParseTransactionLog(body, nullptr);
      std::string code = log.ok() && log->upload ? log->upload->result_code : "";
      if (code == "S0000") {
        ++accepted;
      } else if (code == "S0010") {
        ++duplicate;
      } else {
        std::lock_guard lock(others_mu);
        others.push_back(log.ok() ? "code '" + code + "'"
                                  : "unparsable reply: " + std::string(log.status().message()));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(others.empty()) << ::testing::PrintToString(others);
  EXPECT_EQ(accepted.load(), 1);
  EXPECT_EQ(duplicate.load(), kThreads - 1);
  auto stats = nlohmann::json::parse(sim_->StatsJson());
  EXPECT_EQ(stats["total_uploads"], kThreads);
  EXPECT_EQ(stats["accepted_by_batch"][kBatch], 1);
}

}  // namespace
}  // namespace sevisflow::sim
