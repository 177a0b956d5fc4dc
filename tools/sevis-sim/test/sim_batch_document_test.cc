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

TEST_F(BatchDocumentTest, ExchangeVisitorDocumentIsRecognised) {
  auto doc = ParseBatchDocument(
      testdocs::EvNoShowDocument("SIMEV000000001", "P-1-12345", "rsp0000001", "N0000000003"));
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->kind, DocumentKind::kExchangeVisitor);
  EXPECT_EQ(doc->org_id, "P-1-12345");
  ASSERT_EQ(doc->updates.size(), 1u);
  EXPECT_EQ(doc->updates[0].sevis_id, "N0000000003");
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
