// sevis-sim over real TLS: client certificates made by scripts/gen-certs.sh, the server
// in-process on a free loopback port, cpp-httplib as the client, the official XSDs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <zip.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "sevisflow/common/clock.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/testing/ports.h"
#include "sim_server.h"
#include "sim_service.h"

namespace sevisflow {
namespace {

using ::testing::SizeIs;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kOtherOrg[] = "XYZ214F99999000";
constexpr char kUser[] = "dso0000001";
constexpr char kOtherUser[] = "dso0000009";

// One synthetic student, CreateStudent/Student of Create-UpdateStudent.xsd 6.55 with only the
// required elements (checked with xmllint --noout --schema).
std::string StudentXml(const std::string& request_id, const std::string& last,
                       const std::string& first, const std::string& birth) {
  return "<Student requestID=\"" + request_id + "\" userID=\"" + kUser +
         "\" printForm=\"true\"><UserDefinedA>" + request_id +
         "</UserDefinedA><PersonalInfo><FullName><LastName>" + last +
         "</LastName><FirstName>" + first + "</FirstName></FullName><BirthDate>" + birth +
         "</BirthDate><Gender>M</Gender><BirthCountryCode>FR</BirthCountryCode>"
         "<CitizenshipCountryCode>FR</CitizenshipCountryCode><VisaType>01</VisaType>"
         "</PersonalInfo><IssueReason>I</IssueReason><ForeignAddress><Address1>2 Test Lane"
         "</Address1><City>Testville</City><CountryCode>FR</CountryCode><PostalCode>75001"
         "</PostalCode></ForeignAddress><EducationalInfo><EduLevel><Level>05</Level></EduLevel>"
         "<MajorCode1>11.0701</MajorCode1><IssDate>2026-02-01</IssDate><PrgStartDate>"
         "2026-08-24</PrgStartDate><PrgEndDate>2028-05-12</PrgEndDate><EngProficiency>"
         "<EngRequired>true</EngRequired><RequirementsMet>true</RequirementsMet>"
         "</EngProficiency></EducationalInfo><FinancialInfo><AcademicTerm>09</AcademicTerm>"
         "<Expense><Tuition>41000</Tuition><LivingExpense>18000</LivingExpense></Expense>"
         "<Funding><Personal>59000</Personal></Funding></FinancialInfo></Student>";
}

std::string CreateDocument(const std::string& batch_id, const std::string& students) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<SEVISBatchCreateUpdateStudent userID=\"") +
         kUser + "\"><BatchHeader><BatchID>" + batch_id + "</BatchID><OrgID>" + kOrg +
         "</OrgID></BatchHeader><CreateStudent>" + students +
         "</CreateStudent></SEVISBatchCreateUpdateStudent>\n";
}

std::map<std::string, std::string> Unzip(const std::string& bytes) {
  std::map<std::string, std::string> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* archive = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
  if (archive == nullptr) {
    ADD_FAILURE() << "not a zip: " << zip_error_strerror(&error);
    if (src) zip_source_free(src);
    zip_error_fini(&error);
    return out;
  }
  zip_error_fini(&error);
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(archive, i, 0, &st);
    zip_file_t* f = zip_fopen_index(archive, i, 0);
    std::string content(st.size, '\0');
    EXPECT_EQ(zip_fread(f, content.data(), st.size), static_cast<zip_int64_t>(st.size));
    zip_fclose(f);
    out[st.name] = std::move(content);
  }
  zip_close(archive);
  return out;
}

class SevisSimIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::ScratchDir("sevis_sim_integration");
    certs_ = dir_ + "/certs";
    const std::string cmd = "bash '" + testing::SourceDir() + "/scripts/gen-certs.sh' '" +
                            certs_ + "' " + kOrg + " " + kOtherOrg + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;

    config_.cert_file = certs_ + "/server.pem";
    config_.key_file = certs_ + "/server.key";
    config_.client_ca_file = certs_ + "/ca.pem";
    config_.xsd_dir = testing::XsdDir();
    config_.data_dir = dir_ + "/data";
    config_.orgs[kOrg] = sim::OrgRegistration{kOrg, {kUser}, {kOrg}};
    config_.orgs[kOtherOrg] = sim::OrgRegistration{kOtherOrg, {kOtherUser}, {kOtherOrg}};

    auto schema = sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(config_.xsd_dir));
    ASSERT_TRUE(schema.ok()) << schema.status();
    log_schema_ = *std::move(schema);
    StartServer();
  }

  void TearDown() override { StopServer(); }

  void StartServer() {
    auto simulator = sim::SevisSimulator::Create(config_, clock_);
    ASSERT_TRUE(simulator.ok()) << simulator.status();
    simulator_ = *std::move(simulator);
    server_ = std::make_unique<sim::SimServer>(*simulator_);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  void StopServer() {
    if (server_) server_->Stop();
    server_.reset();
    simulator_.reset();
  }

  // A client presenting the certificate issued for `org` ("" = no client certificate).
  std::unique_ptr<httplib::SSLClient> Client(const std::string& org) {
    std::unique_ptr<httplib::SSLClient> c;
    if (org.empty()) {
      c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port());
    } else {
      c = std::make_unique<httplib::SSLClient>("127.0.0.1", server_->port(),
                                               certs_ + "/clients/" + org + ".pem",
                                               certs_ + "/clients/" + org + ".key");
    }
    c->set_ca_cert_path((certs_ + "/ca.pem").c_str());
    c->enable_server_certificate_verification(true);
    // Generous: the machine is small and shared.
    c->set_connection_timeout(std::chrono::seconds(30));
    c->set_read_timeout(std::chrono::seconds(60));
    c->set_write_timeout(std::chrono::seconds(60));
    return c;
  }

  httplib::Result Upload(httplib::SSLClient& client, const std::string& batch_id,
                         const std::string& xml, const std::string& prefix = "/sevisbatch") {
    httplib::MultipartFormDataItems items = {
        {"orgid", kOrg, "", ""},
        {"batchid", batch_id, "", ""},
        {"userid", kUser, "", ""},
        {"xml", xml, "batchfile.xml", "text/xml"},
    };
    return client.Post((prefix + "/action/batchUpload").c_str(), items);
  }

  // Upload@resultCode of an upload reply, after checking the reply against the log schema.
  std::string UploadCode(const httplib::Result& res) {
    if (!res) {
      ADD_FAILURE() << "no reply: " << httplib::to_string(res.error());
      return "";
    }
    EXPECT_EQ(res->status, 200);
    auto log = sevisxml::ParseTransactionLog(res->body, log_schema_.get());
    if (!log.ok() || !log->upload) {
      ADD_FAILURE() << log.status() << "\n" << res->body;
      return "";
    }
    return log->upload->result_code;
  }

  httplib::Result Download(httplib::SSLClient& client, const std::string& batch_id) {
    httplib::Params params = {{"orgid", kOrg}, {"batchid", batch_id}, {"userid", kUser}};
    return client.Get("/sevisbatch/action/batchDownload", params, httplib::Headers{});
  }

  // The processed log of a batch, from the zip; also returns the zip's entries.
  sevisxml::TransactionLog DownloadLog(const std::string& batch_id,
                                       std::map<std::string, std::string>* entries) {
    auto client = Client(kOrg);
    auto res = Download(*client, batch_id);
    if (!res) {
      ADD_FAILURE() << "no reply: " << httplib::to_string(res.error());
      return {};
    }
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/zip");
    *entries = Unzip(res->body);
    auto it = entries->find("sevis_transaction_log.xml");
    if (it == entries->end()) {
      ADD_FAILURE() << "zip without sevis_transaction_log.xml";
      return {};
    }
    auto log = sevisxml::ParseTransactionLog(it->second, log_schema_.get());
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *log : sevisxml::TransactionLog{};
  }

  nlohmann::json Stats() {
    auto client = Client(kOrg);
    auto res = client->Get("/sim/stats");
    if (!res) {
      ADD_FAILURE() << "no reply: " << httplib::to_string(res.error());
      return {};
    }
    return nlohmann::json::parse(res->body);
  }

  common::SystemClock clock_;
  std::string dir_;
  std::string certs_;
  sim::SimConfig config_;
  std::unique_ptr<sevisxml::SchemaValidator> log_schema_;
  std::unique_ptr<sim::SevisSimulator> simulator_;
  std::unique_ptr<sim::SimServer> server_;
};

TEST_F(SevisSimIntegrationTest, ClientWithoutCertificateGetsNoReply) {
  auto anonymous = Client("");
  const std::string doc =
      CreateDocument("SIMINT00000001", StudentXml("r1", "Anon", "Nobody", "1999-09-09"));
  auto res = Upload(*anonymous, "SIMINT00000001", doc);
  EXPECT_FALSE(res) << "status " << (res ? res->status : 0);
  EXPECT_FALSE(anonymous->Get("/sim/stats"));
  // The handler never saw the request.
  EXPECT_EQ(Stats()["total_uploads"], 0);
}

TEST_F(SevisSimIntegrationTest, UploadDownloadDuplicatesAndRestart) {
  const std::string batch = "SIMINT00000001";
  const std::string two = CreateDocument(
      batch, StudentXml("r1", "Testperson", "Alpha", "2001-02-03") +
                 StudentXml("r2", "Sampleton", "Beta", "2000-12-31"));
  auto abc = Client(kOrg);
  EXPECT_EQ(UploadCode(Upload(*abc, batch, two)), "S0000");
  EXPECT_EQ(UploadCode(Upload(*abc, batch, two)), "S0010");

  // Schema-invalid: a birth date that is not a date.
  const std::string invalid = CreateDocument(
      "SIMINT00000002", StudentXml("r1", "Invalidperson", "Gamma", "2001-13-45"));
  EXPECT_EQ(UploadCode(Upload(*abc, "SIMINT00000002", invalid, "/sbtsevisbatch")), "S0013");

  // The other organisation's certificate cannot upload for this one.
  auto xyz = Client(kOtherOrg);
  const std::string third_doc =
      CreateDocument("SIMINT00000003", StudentXml("r1", "Otherperson", "Delta", "1998-07-06"));
  EXPECT_EQ(UploadCode(Upload(*xyz, "SIMINT00000003", third_doc)), "S0002");

  std::map<std::string, std::string> entries;
  sevisxml::TransactionLog log = DownloadLog(batch, &entries);
  EXPECT_EQ(log.batch_id, batch);
  EXPECT_EQ(log.org_id, kOrg);
  EXPECT_TRUE(log.status);
  ASSERT_TRUE(log.process);
  EXPECT_EQ(log.process->result_code, "S0000");
  EXPECT_EQ(log.upload_file_name, "batchfile.xml");
  ASSERT_THAT(log.records, SizeIs(2));
  const std::regex sevis_id(R"(N\d{10})");
  for (const auto& r : log.records) {
    EXPECT_TRUE(std::regex_match(r.sevis_id, sevis_id)) << r.sevis_id;
    EXPECT_TRUE(r.success);
    EXPECT_EQ(r.user_defined_a, r.request_id);
  }
  EXPECT_NE(log.records[0].sevis_id, log.records[1].sevis_id);
  int pdfs = 0;
  for (const auto& [name, content] : entries) {
    if (name.size() > 4 && name.substr(name.size() - 4) == ".pdf") {
      ++pdfs;
      EXPECT_EQ(content.rfind("%PDF-1.4", 0), 0u) << name;
    }
  }
  EXPECT_EQ(pdfs, 2);
  EXPECT_EQ(entries.count(log.records[0].sevis_id + "_" + batch + ".pdf"), 1u);

  // A third batch creating a person SEVIS already holds: accepted, then S1004 in its result.
  const std::string again =
      CreateDocument("SIMINT00000004", StudentXml("r7", "Testperson", "Alpha", "2001-02-03"));
  EXPECT_EQ(UploadCode(Upload(*abc, "SIMINT00000004", again, "/alphasevisbatch")), "S0000");
  std::map<std::string, std::string> entries4;
  sevisxml::TransactionLog log4 = DownloadLog("SIMINT00000004", &entries4);
  ASSERT_THAT(log4.records, SizeIs(1));
  EXPECT_FALSE(log4.records[0].success);
  EXPECT_EQ(log4.records[0].error_code, "S1004");
  ASSERT_TRUE(log4.process);
  EXPECT_EQ(log4.process->result_code, "S0020");

  // A download by POST multipart works too, and a batch never sent says S0031.
  httplib::MultipartFormDataItems form = {
      {"orgid", kOrg, "", ""}, {"batchid", "SIMINT00000099", "", ""}, {"userid", kUser, "", ""}};
  auto never = abc->Post("/sevisbatch/action/batchDownload", form);
  ASSERT_TRUE(never);
  auto never_log = sevisxml::ParseTransactionLog(never->body, log_schema_.get());
  ASSERT_TRUE(never_log.ok()) << never_log.status();
  EXPECT_EQ(never_log->download_result_code, "S0031");

  nlohmann::json stats = Stats();
  EXPECT_EQ(stats["accepted_by_batch"][batch], 1);
  EXPECT_EQ(stats["uploads_by_batch"][batch], 2);

  // Restart on the same data folder: the batch ID stays used, results stay downloadable.
  StopServer();
  StartServer();
  abc = Client(kOrg);
  EXPECT_EQ(UploadCode(Upload(*abc, batch, two)), "S0010");
  std::map<std::string, std::string> after;
  EXPECT_EQ(DownloadLog(batch, &after).records.size(), 2u);
  EXPECT_EQ(Stats()["accepted_by_batch"][batch], 1);
}

}  // namespace
}  // namespace sevisflow
