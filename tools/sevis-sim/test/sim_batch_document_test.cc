#include "sim_batch_document.h"

#include <gtest/gtest.h>

#include "sim_test_documents.h"

namespace sevisflow::sim {
namespace {

class BatchDocumentTest : public ::testing::Test {
 protected:
  XercesPlatform xerces_;
};

TEST_F(BatchDocumentTest, ReadsHeaderCreatesAndUpdatesOfAStudentDocument) {
  const std::string xml = testdocs::StudentDocument(
      "SIMTEST0000001", "ABC214F12345000", "dso0000001",
      {{"req-1", "Testperson", "Alpha", "2001-02-03", "SIS0001"},
       {"req-2", "Sampleton", "Beta", "2000-12-31", ""}},
      {{"upd-1", "N0000000007"}});
  auto doc = ParseBatchDocument(xml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->kind, DocumentKind::kStudent);
  EXPECT_EQ(doc->batch_id, "SIMTEST0000001");
  EXPECT_EQ(doc->org_id, "ABC214F12345000");
  EXPECT_EQ(doc->root_user_id, "dso0000001");
  ASSERT_EQ(doc->creates.size(), 2u);
  EXPECT_EQ(doc->creates[0].request_id, "req-1");
  EXPECT_EQ(doc->creates[0].user_id, "dso0000001");
  EXPECT_EQ(doc->creates[0].user_defined_a, "SIS0001");
  EXPECT_EQ(doc->creates[0].last_name, "Testperson");
  EXPECT_EQ(doc->creates[0].first_name, "Alpha");
  EXPECT_EQ(doc->creates[0].birth_date, "2001-02-03");
  EXPECT_TRUE(doc->creates[0].print_form);
  EXPECT_EQ(doc->creates[1].last_name, "Sampleton");
  EXPECT_EQ(doc->creates[1].user_defined_a, "");
  ASSERT_EQ(doc->updates.size(), 1u);
  EXPECT_EQ(doc->updates[0].sevis_id, "N0000000007");
  EXPECT_EQ(doc->updates[0].request_id, "upd-1");
  EXPECT_EQ(doc->updates[0].event, "Status");
}

TEST_F(BatchDocumentTest, DependentAddOfAnUpdateIsANewDependent) {
  auto doc = ParseBatchDocument(testdocs::StudentDependentAddDocument(
      "SIMTEST0000001", "ABC214F12345000", "dso0000001", "N0000000007", "DEP0001", "B42"));
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->updates.size(), 1u);
  EXPECT_EQ(doc->updates[0].event, "Dependent");
  ASSERT_EQ(doc->updates[0].new_dependents.size(), 1u);
  EXPECT_EQ(doc->updates[0].new_dependents[0].user_defined_a, "DEP0001");
  EXPECT_EQ(doc->updates[0].new_dependents[0].user_defined_b, "B42");
  // A Status update has no new dependent.
  auto other = ParseBatchDocument(testdocs::StudentDocument(
      "SIMTEST0000001", "ABC214F12345000", "dso0000001", {}, {{"upd-1", "N0000000007"}}));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_TRUE(other->updates.at(0).new_dependents.empty());
}

TEST_F(BatchDocumentTest, CreateDependentsOfACreateAreNewDependents) {
  const std::string xml =
      "<SEVISBatchCreateUpdateEV userID=\"rsp0000001\"><BatchHeader><BatchID>SIMEV000000001"
      "</BatchID><OrgID>P-1-12345</OrgID></BatchHeader><CreateEV><ExchangeVisitor "
      "requestID=\"c1\" userID=\"rsp0000001\"><Biographical><FullName><LastName>Testperson"
      "</LastName></FullName><BirthDate>2001-02-03</BirthDate></Biographical><CreateDependent>"
      "<Dependent><Relationship>01</Relationship><UserDefinedA>D1</UserDefinedA></Dependent>"
      "<Dependent><Relationship>02</Relationship><UserDefinedA>D2</UserDefinedA>"
      "<UserDefinedB>B2</UserDefinedB></Dependent></CreateDependent></ExchangeVisitor>"
      "</CreateEV></SEVISBatchCreateUpdateEV>";
  auto doc = ParseBatchDocument(xml);  // well-formed is enough for the parser
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->creates.size(), 1u);
  ASSERT_EQ(doc->creates[0].new_dependents.size(), 2u);
  EXPECT_EQ(doc->creates[0].new_dependents[0].user_defined_a, "D1");
  EXPECT_EQ(doc->creates[0].new_dependents[1].user_defined_a, "D2");
  EXPECT_EQ(doc->creates[0].new_dependents[1].user_defined_b, "B2");
}

TEST_F(BatchDocumentTest, SitesAndAddressesOfCreatesAndUpdatesAreRead) {
  const std::string xml =
      "<SEVISBatchCreateUpdateEV userID=\"rsp0000001\"><BatchHeader><BatchID>SIMEV000000002"
      "</BatchID><OrgID>P-1-12345</OrgID></BatchHeader><CreateEV><ExchangeVisitor "
      "requestID=\"c1\" userID=\"rsp0000001\"><Biographical><FullName><LastName>Testperson"
      "</LastName></FullName><BirthDate>2001-02-03</BirthDate></Biographical>"
      "<USAddress><Address1>5 elm avenue</Address1><City>Boston</City><State>MA</State>"
      "<PostalCode>02115</PostalCode></USAddress>"
      "<MailAddress><Address1>PO Box 7</Address1><PostalCode>02116</PostalCode></MailAddress>"
      "<AddSiteOfActivity><SiteOfActivity><Address1>12 main street</Address1>"
      "<Address2>suite 4</Address2><City>Boston</City><State>MA</State>"
      "<PostalCode>02115</PostalCode><SiteName>Harbor Lab</SiteName>"
      "<PrimarySite>true</PrimarySite></SiteOfActivity><SiteOfActivity><Remarks>exempt"
      "</Remarks></SiteOfActivity></AddSiteOfActivity></ExchangeVisitor></CreateEV>"
      "<UpdateEV><ExchangeVisitor sevisID=\"N0000000001\" requestID=\"u1\" "
      "userID=\"rsp0000001\"><SiteOfActivity><Add><Address1>9 elm street</Address1>"
      "<PostalCode>02115</PostalCode><SiteName>Annex</SiteName></Add></SiteOfActivity>"
      "</ExchangeVisitor><ExchangeVisitor sevisID=\"N0000000001\" requestID=\"u2\" "
      "userID=\"rsp0000001\"><SiteOfActivity><Edit><Address1>14 main street</Address1>"
      "<PostalCode>02115</PostalCode><SiteId>SOA000000001</SiteId><SiteName>Harbor Lab"
      "</SiteName><NewSiteName>North Lab</NewSiteName></Edit></SiteOfActivity>"
      "</ExchangeVisitor></UpdateEV></SEVISBatchCreateUpdateEV>";
  auto doc = ParseBatchDocument(xml);
  ASSERT_TRUE(doc.ok()) << doc.status();
  ASSERT_EQ(doc->creates.size(), 1u);
  const CreateRecord& c = doc->creates[0];
  ASSERT_EQ(c.sites.size(), 2u);
  EXPECT_EQ(c.sites[0].name, "Harbor Lab");
  EXPECT_FALSE(c.sites[0].edit);
  EXPECT_EQ(c.sites[0].address,
            (sevisxml::LogAddress{"12 main street", "suite 4", "Boston", "MA", "02115"}));
  EXPECT_FALSE(c.sites[1].address.has_value());
  EXPECT_EQ(c.addresses.physical,
            (sevisxml::LogAddress{"5 elm avenue", "", "Boston", "MA", "02115"}));
  EXPECT_EQ(c.addresses.mailing, (sevisxml::LogAddress{"PO Box 7", "", "", "", "02116"}));
  ASSERT_EQ(doc->updates.size(), 2u);
  ASSERT_EQ(doc->updates[0].sites.size(), 1u);
  EXPECT_EQ(doc->updates[0].sites[0].name, "Annex");
  EXPECT_FALSE(doc->updates[0].sites[0].edit);
  ASSERT_EQ(doc->updates[1].sites.size(), 1u);
  const SentSite& edit = doc->updates[1].sites[0];
  EXPECT_TRUE(edit.edit);
  EXPECT_EQ(edit.site_id, "SOA000000001");
  EXPECT_EQ(edit.name, "North Lab");
  EXPECT_EQ(edit.address->address1, "14 main street");
  EXPECT_FALSE(doc->updates[1].addresses.physical.has_value());
}

TEST_F(BatchDocumentTest, ExchangeVisitorDocumentIsRecognised) {
  auto doc = ParseBatchDocument(
      testdocs::EvNoShowDocument("SIMEV000000001", "P-1-12345", "rsp0000001", "N0000000003"));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->kind, DocumentKind::kExchangeVisitor);
  EXPECT_EQ(doc->org_id, "P-1-12345");
  ASSERT_EQ(doc->updates.size(), 1u);
  EXPECT_EQ(doc->updates[0].sevis_id, "N0000000003");
  EXPECT_EQ(doc->updates[0].event, "Status");
  EXPECT_EQ(doc->updates[0].event_detail, "NoShow");
  EXPECT_TRUE(doc->creates.empty());
}

TEST_F(BatchDocumentTest, MalformedXmlIsInvalidArgument) {
  auto doc = ParseBatchDocument("<SEVISBatchCreateUpdateStudent><BatchHeader>");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseBatchDocument("").ok());
}

TEST_F(BatchDocumentTest, DoctypeIsRefusedSoEntitiesNeverExpand) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE SEVISBatchCreateUpdateStudent [\n"
      "<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n"
      "<SEVISBatchCreateUpdateStudent userID=\"dso0000001\"><BatchHeader><BatchID>&b;"
      "</BatchID><OrgID>ABC214F12345000</OrgID></BatchHeader>"
      "</SEVISBatchCreateUpdateStudent>";
  auto doc = ParseBatchDocument(xml);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(BatchDocumentTest, OtherRootIsFailedPrecondition) {
  auto doc = ParseBatchDocument("<TransactionLog/>");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace sevisflow::sim
