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
