#include "sevisflow/sevisxml/transaction_log.h"

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/sevisxml/validator.h"
#include "test_support.h"

namespace sevisflow::sevisxml {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class TransactionLogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto validator = SchemaValidator::Load(TransLogSchemaPath(testing::XsdDir()));
    ASSERT_TRUE(validator.ok()) << validator.status();
    validator_ = std::move(validator).value().release();
  }
  static void TearDownTestSuite() {
    delete validator_;
    validator_ = nullptr;
  }
  static const SchemaValidator* validator() { return validator_; }

 private:
  static SchemaValidator* validator_;
};

SchemaValidator* TransactionLogTest::validator_ = nullptr;

TransactionLog MixedLog() {
  TransactionLog log;
  log.batch_id = "SFTEST00000042";
  log.org_id = "BOS214F00123000";
  log.status = false;
  log.system = "SEVIS-SIM";
  log.upload = LogStage{"S0000", "2025-03-14T10:00:00.000+00:00"};
  log.upload_file_name = "batch.xml";
  log.process = LogStage{"S0020", "2025-03-15T02:00:00.000+00:00"};
  log.success_count = 2;
  log.failure_count = 1;
  LogRecord ok;
  ok.request_id = "req-0";
  ok.sevis_id = "N0001234567";
  ok.user_id = "tdso-00001";
  ok.user_defined_a = "A-0";
  ok.user_defined_b = "B-0";
  ok.process_date = "2025-03-15T02:00:01.000+00:00";
  ok.success = true;
  ok.dependents.push_back(LogDependent{"N0001234568", "A-0", "B-dep-1"});
  ok.dependents.push_back(LogDependent{"", "A-0", "B-dep-2"});
  LogRecord failed;
  failed.request_id = "req-1";
  failed.user_id = "tdso-00001";
  failed.process_date = "2025-03-15T02:00:02.000+00:00";
  failed.success = false;
  failed.error_code = "S1004";
  failed.error_message = "Student exists in the SEVIS database";
  // A J create with a site of activity, an F/M-style employer and both checked addresses.
  LogRecord sites;
  sites.request_id = "req-2";
  sites.sevis_id = "N0001234569";
  sites.process_date = "2025-03-15T02:00:03.000+00:00";
  sites.success = true;
  LogSite site;
  site.address.provided = LogAddress{"12 main street", "suite 4", "Boston", "MA", "02115"};
  site.address.corrected = LogAddress{"12 MAIN ST", "STE 4", "BOSTON", "MA", "02115-0001"};
  site.address.result = "S0000";
  site.address.message = "Override Suggested";
  site.site_id = "SOA000000017";
  site.site_name = "Main Lab";
  site.phases.push_back(LogPhase{"1", "Training phase"});
  sites.sites.push_back(site);
  LogSite bare;  // SiteOfActivityLogType's content is optional
  bare.site_id = "SOA000000018";
  sites.sites.push_back(bare);
  sites.dependents.push_back(LogDependent{"N0001234570", "A-2", "B-2"});
  LogEmployer employer;
  employer.employer_name = "Acme Widgets";
  employer.start_date = "2025-06-01";
  employer.address.corrected = LogAddress{"1 MARKET ST", "", "SAN FRANCISCO", "CA", "94105-1420"};
  employer.address.result = "S0000";
  sites.employers.push_back(employer);
  sites.physical_address.provided = LogAddress{"5 elm avenue", "", "Cambridge", "MA", "02139"};
  sites.physical_address.corrected = LogAddress{"5 ELM AVE", "", "CAMBRIDGE", "MA", "02139-0005"};
  sites.physical_address.result = "S0000";
  sites.physical_address.message = "Valid";
  sites.mailing_address.corrected = LogAddress{"PO BOX 7", "", "", "", "02139"};
  sites.mailing_address.message = "Not Validated";
  log.records = {ok, failed, sites};
  log.download_result_code = "S0000";
  return log;
}

TEST_F(TransactionLogTest, EcaSampleValidatesAndParses) {
  const std::string xml = testing::ReadFile(
      testing::ExamplesDir() + "/eca-kmt2_alpha_TransactionLog_create-with-dependent.xml");
  ASSERT_FALSE(xml.empty());
  EXPECT_THAT(validator()->Validate(xml), IsEmpty());
  auto log = ParseTransactionLog(xml, validator());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(log->batch_id, "----kynEn47azQ");
  EXPECT_EQ(log->org_id, "P-1-19833");
  EXPECT_TRUE(log->status);
  EXPECT_EQ(log->system, "PROD-ALPHA");
  ASSERT_TRUE(log->upload.has_value());
  EXPECT_EQ(log->upload->result_code, "S0000");
  EXPECT_EQ(log->upload->timestamp, "2016-05-04T17:15:00.894+00:00");
  EXPECT_EQ(log->upload_file_name, "batchfile3.xml");
  ASSERT_TRUE(log->process.has_value());
  EXPECT_EQ(log->process->timestamp, "2016-05-04T17:15:06.519+00:00");
  EXPECT_EQ(log->success_count, 1);
  EXPECT_EQ(log->failure_count, 0);
  ASSERT_EQ(log->records.size(), 1u);
  const LogRecord& record = log->records[0];
  EXPECT_EQ(record.sevis_id, "N0000158857");
  EXPECT_EQ(record.request_id, "1-1-59079");
  EXPECT_EQ(record.user_id, "esayya9302");
  EXPECT_EQ(record.user_defined_a, "59079");
  EXPECT_EQ(record.user_defined_b, "B63280");
  EXPECT_EQ(record.process_date, "2016-05-04T17:15:03.503+00:00");
  EXPECT_TRUE(record.success);
  EXPECT_THAT(record.error_code, IsEmpty());
  ASSERT_EQ(record.dependents.size(), 1u);
  EXPECT_EQ(record.dependents[0].dependent_sevis_id, "N0000158274");
  EXPECT_EQ(record.dependents[0].user_defined_a, "59079");
  EXPECT_EQ(record.dependents[0].user_defined_b, "B6");
  ASSERT_TRUE(log->download_result_code.has_value());
  EXPECT_EQ(*log->download_result_code, "S0000");
}

TEST_F(TransactionLogTest, WriteThenParseRoundTripsAndValidates) {
  const TransactionLog in = MixedLog();
  const std::string xml = WriteTransactionLog(in);
  ASSERT_FALSE(xml.empty());
  EXPECT_THAT(validator()->Validate(xml), IsEmpty()) << xml;
  const std::string file = testing::WriteTempFile("mixed_log.xml", xml);
  const auto lint = testing::RunXmllint(TransLogSchemaPath(testing::XsdDir()), file);
  EXPECT_EQ(lint.exit_code, 0) << lint.output;

  auto out = ParseTransactionLog(xml, validator());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->batch_id, in.batch_id);
  EXPECT_EQ(out->org_id, in.org_id);
  EXPECT_EQ(out->status, in.status);
  EXPECT_EQ(out->system, in.system);
  EXPECT_EQ(out->upload->result_code, "S0000");
  EXPECT_EQ(out->upload->timestamp, in.upload->timestamp);
  EXPECT_EQ(out->upload_file_name, "batch.xml");
  EXPECT_EQ(out->process->result_code, "S0020");
  EXPECT_EQ(out->success_count, 2);
  EXPECT_EQ(out->failure_count, 1);
  ASSERT_EQ(out->records.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const LogRecord& a = in.records[i];
    const LogRecord& b = out->records[i];
    EXPECT_EQ(a.request_id, b.request_id);
    EXPECT_EQ(a.sevis_id, b.sevis_id);
    EXPECT_EQ(a.user_id, b.user_id);
    EXPECT_EQ(a.user_defined_a, b.user_defined_a);
    EXPECT_EQ(a.user_defined_b, b.user_defined_b);
    EXPECT_EQ(a.process_date, b.process_date);
    EXPECT_EQ(a.success, b.success);
    EXPECT_EQ(a.error_code, b.error_code);
    EXPECT_EQ(a.error_message, b.error_message);
    ASSERT_EQ(a.dependents.size(), b.dependents.size());
    for (size_t j = 0; j < a.dependents.size(); ++j) {
      EXPECT_EQ(a.dependents[j].dependent_sevis_id, b.dependents[j].dependent_sevis_id);
      EXPECT_EQ(a.dependents[j].user_defined_a, b.dependents[j].user_defined_a);
      EXPECT_EQ(a.dependents[j].user_defined_b, b.dependents[j].user_defined_b);
    }
    ASSERT_EQ(a.sites.size(), b.sites.size());
    for (size_t j = 0; j < a.sites.size(); ++j) {
      EXPECT_EQ(a.sites[j], b.sites[j]) << "record " << i << " site " << j;
    }
    EXPECT_EQ(a.employers, b.employers) << "record " << i;
    EXPECT_EQ(a.physical_address, b.physical_address) << "record " << i;
    EXPECT_EQ(a.mailing_address, b.mailing_address) << "record " << i;
  }
  // The third record really carries the new elements (the comparison above is not vacuous).
  ASSERT_EQ(out->records[2].sites.size(), 2u);
  EXPECT_EQ(out->records[2].sites[0].address.corrected->postal_code, "02115-0001");
  EXPECT_EQ(out->records[2].sites[1].site_id, "SOA000000018");
  EXPECT_FALSE(out->records[2].sites[1].address.provided.has_value());
  EXPECT_EQ(out->records[2].mailing_address.corrected->address1, "PO BOX 7");
  EXPECT_EQ(out->download_result_code, in.download_result_code);
}

TEST_F(TransactionLogTest, WritesRecordChildrenInSchemaOrder) {
  const std::string xml = WriteTransactionLog(MixedLog());
  const std::vector<std::string> order = {
      "<ProcessDate>2025-03-15T02:00:03", "<SiteOfActivity>", "<ProvidedAddress>",
      "<CorrectedAddress>", "<AddressResult>", "<AddressMessage>", "<SiteId>SOA000000017",
      "<SiteName>", "<Phase>", "<SiteId>SOA000000018", "<Dependent dependentSevisID=\"N0001234570",
      "<Employer>", "<EmployerName>", "<StartDate>", "<PhysicalProvidedAddress>",
      "<PhysicalCorrectedAddress>", "<PhysicalAddressResult>", "<PhysicalAddressMessage>",
      "<MailingCorrectedAddress>", "<MailingAddressMessage>"};
  size_t at = 0;
  for (const std::string& tag : order) {
    size_t found = xml.find(tag, at);
    ASSERT_NE(found, std::string::npos) << tag << " missing or out of order in\n" << xml;
    at = found + 1;
  }
}

TEST_F(TransactionLogTest, ParsesEverySiteEmployerAndAddressElement) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<TransactionLog>
  <BatchHeader><BatchID>SFTEST00000045</BatchID><OrgID>P-1-12345</OrgID></BatchHeader>
  <BatchDetail status="true">
    <Process resultCode="S0000" dateTimeStamp="2025-03-15T02:00:00Z">
      <RecordCount><Success>1</Success><Failure>0</Failure><Total>1</Total></RecordCount>
      <Record sevisID="N0000000042" requestID="r-1">
        <UserDefinedA>p-1</UserDefinedA>
        <ProcessDate>2025-03-15T02:00:02Z</ProcessDate>
        <Result status="true"/>
        <SiteOfActivity>
          <ProvidedAddress><Address1>1 first street</Address1><Address2>floor 2</Address2>
            <City>Boston</City><State>MA</State><PostalCode>02110</PostalCode></ProvidedAddress>
          <CorrectedAddress><Address1>1 FIRST ST</Address1><Address2>FL 2</Address2>
            <City>BOSTON</City><State>MA</State><PostalCode>02110-1234</PostalCode>
          </CorrectedAddress>
          <AddressResult>S0000</AddressResult>
          <AddressMessage>Override Suggested</AddressMessage>
          <SiteId>77</SiteId>
          <SiteName>Harbor Lab</SiteName>
          <Phase><PhaseId>9</PhaseId><PhaseName>Phase one</PhaseName></Phase>
          <Phase><PhaseId>10</PhaseId><PhaseName>Phase two</PhaseName></Phase>
        </SiteOfActivity>
        <Dependent dependentSevisID="N0000000043"><UserDefinedA>d-1</UserDefinedA></Dependent>
        <Employer>
          <EmployerName>Widget Co</EmployerName><StartDate>2025-04-01</StartDate>
          <ProvidedAddress><Address1>9 road</Address1><PostalCode>10001</PostalCode>
          </ProvidedAddress>
          <AddressResult>S0000</AddressResult><AddressMessage>Valid</AddressMessage>
        </Employer>
        <PhysicalProvidedAddress><Address1>2 second st</Address1><PostalCode>02111</PostalCode>
        </PhysicalProvidedAddress>
        <PhysicalCorrectedAddress><Address1>2 SECOND ST</Address1><City>BOSTON</City>
          <State>MA</State><PostalCode>02111-0002</PostalCode></PhysicalCorrectedAddress>
        <PhysicalAddressResult>S0000</PhysicalAddressResult>
        <PhysicalAddressMessage>Valid</PhysicalAddressMessage>
        <MailingProvidedAddress><Address1>PO Box 3</Address1><PostalCode>02112</PostalCode>
        </MailingProvidedAddress>
        <MailingCorrectedAddress><Address1>PO BOX 3</Address1><PostalCode>02112-0003</PostalCode>
        </MailingCorrectedAddress>
        <MailingAddressResult>S0001</MailingAddressResult>
        <MailingAddressMessage>Not Validated</MailingAddressMessage>
      </Record>
    </Process>
  </BatchDetail>
</TransactionLog>)";
  ASSERT_THAT(validator()->Validate(xml), IsEmpty());
  auto log = ParseTransactionLog(xml, validator());
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_EQ(log->records.size(), 1u);
  const LogRecord& r = log->records[0];
  EXPECT_EQ(r.user_defined_a, "p-1");
  ASSERT_EQ(r.sites.size(), 1u);
  const LogSite& site = r.sites[0];
  EXPECT_EQ(site.address.provided,
            (LogAddress{"1 first street", "floor 2", "Boston", "MA", "02110"}));
  EXPECT_EQ(site.address.corrected,
            (LogAddress{"1 FIRST ST", "FL 2", "BOSTON", "MA", "02110-1234"}));
  EXPECT_EQ(site.address.result, "S0000");
  EXPECT_EQ(site.address.message, "Override Suggested");
  EXPECT_EQ(site.site_id, "77");
  EXPECT_EQ(site.site_name, "Harbor Lab");
  EXPECT_EQ(site.phases, (std::vector<LogPhase>{{"9", "Phase one"}, {"10", "Phase two"}}));
  ASSERT_EQ(r.dependents.size(), 1u);
  EXPECT_EQ(r.dependents[0].user_defined_a, "d-1");  // not confused with the site's fields
  ASSERT_EQ(r.employers.size(), 1u);
  EXPECT_EQ(r.employers[0].employer_name, "Widget Co");
  EXPECT_EQ(r.employers[0].start_date, "2025-04-01");
  EXPECT_EQ(r.employers[0].address.provided, (LogAddress{"9 road", "", "", "", "10001"}));
  EXPECT_FALSE(r.employers[0].address.corrected.has_value());
  EXPECT_EQ(r.employers[0].address.message, "Valid");
  EXPECT_EQ(r.physical_address.provided, (LogAddress{"2 second st", "", "", "", "02111"}));
  EXPECT_EQ(r.physical_address.corrected,
            (LogAddress{"2 SECOND ST", "", "BOSTON", "MA", "02111-0002"}));
  EXPECT_EQ(r.physical_address.result, "S0000");
  EXPECT_EQ(r.physical_address.message, "Valid");
  EXPECT_EQ(r.mailing_address.provided, (LogAddress{"PO Box 3", "", "", "", "02112"}));
  EXPECT_EQ(r.mailing_address.corrected, (LogAddress{"PO BOX 3", "", "", "", "02112-0003"}));
  EXPECT_EQ(r.mailing_address.result, "S0001");
  EXPECT_EQ(r.mailing_address.message, "Not Validated");
}

TEST_F(TransactionLogTest, EmployerWithoutNameIsWrittenEmptyAndValidates) {
  TransactionLog log = MixedLog();
  LogEmployer nameless;
  nameless.address.result = "S0000";  // cannot be written without EmployerName + StartDate
  log.records[2].employers = {nameless};
  const std::string xml = WriteTransactionLog(log);
  EXPECT_THAT(validator()->Validate(xml), IsEmpty()) << xml;
  auto parsed = ParseTransactionLog(xml, validator());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->records[2].employers.size(), 1u);
  EXPECT_TRUE(parsed->records[2].employers[0].address.empty());
}

TEST_F(TransactionLogTest, FailedRecordCarriesCodeAndMessage) {
  const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<TransactionLog>
  <BatchHeader><BatchID>SFTEST00000043</BatchID><OrgID>BOS214F00123000</OrgID></BatchHeader>
  <BatchDetail status="false">
    <Process resultCode="S0020" dateTimeStamp="2025-03-15T02:00:00Z">
      <RecordCount><Success>0</Success><Failure>1</Failure><Total>1</Total></RecordCount>
      <Record requestID="req-9" userID="tdso-00001">
        <ProcessDate>2025-03-15T02:00:02Z</ProcessDate>
        <Result status="false">
          <ErrorCode>S1004</ErrorCode>
          <ErrorMessage>This record is a duplicate of other record(s) within this XML</ErrorMessage>
        </Result>
      </Record>
    </Process>
  </BatchDetail>
</TransactionLog>)";
  auto log = ParseTransactionLog(xml, validator());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_FALSE(log->status);
  EXPECT_FALSE(log->upload.has_value());
  EXPECT_FALSE(log->download_result_code.has_value());
  EXPECT_EQ(log->process->result_code, "S0020");
  EXPECT_EQ(log->failure_count, 1);
  ASSERT_EQ(log->records.size(), 1u);
  EXPECT_FALSE(log->records[0].success);
  EXPECT_THAT(log->records[0].sevis_id, IsEmpty());
  EXPECT_EQ(log->records[0].error_code, "S1004");
  EXPECT_EQ(log->records[0].error_message,
            "This record is a duplicate of other record(s) within this XML");
}

TEST_F(TransactionLogTest, UploadOnlyReplyWritesNoRecordCountAndValidates) {
  TransactionLog log;
  log.batch_id = "SFTEST00000044";
  log.org_id = "BOS214F00123000";
  log.status = false;
  log.upload = LogStage{"S0013", "2025-03-14T10:00:00Z"};
  log.process = LogStage{"S0030", "2025-03-14T10:00:01Z"};
  const std::string xml = WriteTransactionLog(log);
  EXPECT_THAT(xml, Not(HasSubstr("RecordCount")));
  EXPECT_THAT(xml, Not(HasSubstr("FileName")));
  EXPECT_THAT(validator()->Validate(xml), IsEmpty()) << xml;
  auto parsed = ParseTransactionLog(xml, nullptr);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->upload->result_code, "S0013");
  EXPECT_TRUE(parsed->records.empty());
}

TEST_F(TransactionLogTest, SchemaInvalidLogIsRefusedWithTheValidatorsMessages) {
  TransactionLog log = MixedLog();
  log.records[1].error_code = "E1004";  // not S\d{4}
  const std::string xml = WriteTransactionLog(log);
  auto parsed = ParseTransactionLog(xml, validator());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("ErrorCode"));
  // Without a validator the same document is read as is.
  auto lenient = ParseTransactionLog(xml, nullptr);
  ASSERT_TRUE(lenient.ok()) << lenient.status();
  EXPECT_EQ(lenient->records[1].error_code, "E1004");
}

TEST_F(TransactionLogTest, DoctypeIsRefusedEvenWithoutValidator) {
  const std::string xml = R"(<?xml version="1.0"?>
<!DOCTYPE TransactionLog [ <!ENTITY x SYSTEM "file:///etc/hostname"> ]>
<TransactionLog><BatchHeader><BatchID>&x;</BatchID><OrgID>o</OrgID></BatchHeader>
<BatchDetail status="true"/></TransactionLog>)";
  auto parsed = ParseTransactionLog(xml, nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("DTDs are not allowed"));
}

TEST_F(TransactionLogTest, OtherDocumentsAreNotLogs) {
  EXPECT_FALSE(ParseTransactionLog("<SEVISBatchCreateUpdateStudent/>", nullptr).ok());
  EXPECT_FALSE(ParseTransactionLog("<TransactionLog><BatchHeader>", nullptr).ok());
  EXPECT_FALSE(ParseTransactionLog("", nullptr).ok());
}

}  // namespace
}  // namespace sevisflow::sevisxml
