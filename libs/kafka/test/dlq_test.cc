#include "sevisflow/kafka/dlq.h"

#include <gtest/gtest.h>

namespace sevisflow::kafka {
namespace {

TEST(DlqTest, DeadLetterKeepsKeyValueAndHeadersAndAddsReasonAndSource) {
  Message m;
  m.topic = "sis.person";
  m.partition = 2;
  m.offset = 1234;
  m.key = "P-1";
  m.value = std::string("\x00\x01{bad json", 11);
  m.headers = {{"content-type", "application/json"}};
  OutgoingMessage d = MakeDeadLetter(m, "unparsable JSON");
  EXPECT_EQ(d.topic, "sis.person.dlq");
  EXPECT_EQ(d.key, "P-1");
  EXPECT_EQ(d.value, m.value);
  EXPECT_EQ(FindHeader(d.headers, "content-type"), "application/json");
  EXPECT_EQ(FindHeader(d.headers, kErrorHeader), "unparsable JSON");
  EXPECT_EQ(FindHeader(d.headers, kSourceHeader), "sis.person/2/1234");
}

TEST(DlqTest, SecondTripReplacesEarlierDeadLetterHeaders) {
  Message m;
  m.topic = "sevis.alerts";
  m.partition = 0;
  m.offset = 7;
  m.key = "ORG";
  m.headers = {{kErrorHeader, "old reason"}, {kSourceHeader, "x/1/1"}, {"trace", "t1"}};
  OutgoingMessage d = MakeDeadLetter(m, "new reason");
  int errors = 0;
  for (const Header& h : d.headers) errors += h.name == kErrorHeader;
  EXPECT_EQ(errors, 1);
  EXPECT_EQ(FindHeader(d.headers, kErrorHeader), "new reason");
  EXPECT_EQ(FindHeader(d.headers, kSourceHeader), "sevis.alerts/0/7");
  EXPECT_EQ(FindHeader(d.headers, "trace"), "t1");
}

TEST(DlqTest, MessageHeaderLookup) {
  Message m;
  m.headers = {{"a", "1"}, {"b", "2"}, {"a", "3"}};
  EXPECT_EQ(m.Header("a"), "1");
  EXPECT_EQ(m.Header("b"), "2");
  EXPECT_EQ(m.Header("c"), std::nullopt);
}

}  // namespace
}  // namespace sevisflow::kafka
