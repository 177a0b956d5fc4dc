// The event catalogue against the contract (every EventType), the official XSD (every XML
// element exists) and docs/events.md (every code is documented with its element).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "sevisflow/rules/events.h"

namespace sevisflow::rules {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(EventCatalogue, EveryFmEventTypeHasExactlyOneEntry) {
  const auto* descriptor = v1::EventType_descriptor();
  std::set<int> seen;
  for (const auto& e : EventCatalogue()) {
    EXPECT_TRUE(seen.insert(e.type).second) << e.code << " listed twice";
  }
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (number == v1::EVENT_TYPE_UNSPECIFIED) continue;
    EXPECT_TRUE(seen.count(number)) << descriptor->value(i)->name() << " has no catalogue entry";
  }
}

TEST(EventCatalogue, CodesRoundTrip) {
  for (const auto& e : EventCatalogue()) {
    EXPECT_EQ(EventFromCode(e.code), e.type) << e.code;
    EXPECT_EQ(FindEvent(e.type), &e);
  }
  EXPECT_EQ(EventCode(v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD), "AUTH_DROP_BELOW_FC_ADD");
  EXPECT_EQ(EventFromCode("status_verify"), v1::EVENT_TYPE_STATUS_VERIFY);
  EXPECT_EQ(EventFromCode("EVENT_TYPE_STATUS_VERIFY"), v1::EVENT_TYPE_STATUS_VERIFY);
  EXPECT_EQ(EventFromCode("NO_SUCH_EVENT"), v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(FindEvent(v1::EVENT_TYPE_UNSPECIFIED), nullptr);
}

TEST(EventCatalogue, EveryEventIsDetectedOrManual) {
  for (const auto& e : EventCatalogue()) {
    EXPECT_TRUE(e.detected || e.manual) << e.code;
  }
}

TEST(EventCatalogue, EveryXmlElementExistsInTheOfficialSchema) {
  // F/M: the 6.55 student schema; J: the newest exchange-visitor schema of the bundle (6.27).
  const std::string student =
      ReadFile(std::string(SEVISFLOW_DEFAULT_XSD_DIR) + "/6.55/Create-UpdateStudent.xsd");
  const std::string visitor =
      ReadFile(std::string(SEVISFLOW_DEFAULT_XSD_DIR) + "/6.27/Create-UpdateExchangeVisitor.xsd");
  ASSERT_FALSE(student.empty()) << "Create-UpdateStudent.xsd not found under "
                                << SEVISFLOW_DEFAULT_XSD_DIR;
  ASSERT_FALSE(visitor.empty()) << "Create-UpdateExchangeVisitor.xsd not found under "
                                << SEVISFLOW_DEFAULT_XSD_DIR;
  for (const auto& e : EventCatalogue()) {
    const std::string& xsd = e.family == v1::VISA_FAMILY_J ? visitor : student;
    std::string path = e.xml_element;
    size_t start = 0;
    while (start <= path.size()) {
      size_t slash = path.find('/', start);
      std::string element = path.substr(start, slash == std::string::npos ? std::string::npos
                                                                          : slash - start);
      EXPECT_NE(xsd.find("name=\"" + element + "\""), std::string::npos)
          << e.code << ": element " << element << " not in the schema";
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
  }
}

TEST(EventCatalogue, DocsListEveryCodeWithItsElement) {
  const std::string doc = ReadFile(std::string(SEVISFLOW_SOURCE_DIR) + "/docs/events.md");
  ASSERT_FALSE(doc.empty()) << "docs/events.md missing";
  for (const auto& e : EventCatalogue()) {
    const std::string code = std::string("| `") + e.code + "` |";
    size_t at = doc.find(code);
    ASSERT_NE(at, std::string::npos) << e.code << " not documented";
    size_t eol = doc.find('\n', at);
    const std::string row = doc.substr(at, eol - at);
    EXPECT_NE(row.find(e.xml_element), std::string::npos)
        << e.code << ": its row does not name " << e.xml_element;
    EXPECT_NE(row.find(e.rule_book_name), std::string::npos)
        << e.code << ": its row does not name " << e.rule_book_name;
  }
}

}  // namespace
}  // namespace sevisflow::rules
