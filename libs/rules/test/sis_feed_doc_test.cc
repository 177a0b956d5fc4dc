// docs/sis-feed.md is what a school's IT team implements from: its JSON example must parse as a
// SisPersonSnapshot with unknown fields refused, and must show every field of the contract.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow {
namespace {

// Every ```json block of the document, in order.
std::vector<std::string> ExampleJsons() {
  std::ifstream in(std::string(SEVISFLOW_SOURCE_DIR) + "/docs/sis-feed.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string open = "```json\n";
  std::vector<std::string> out;
  for (size_t begin = doc.find(open); begin != std::string::npos; begin = doc.find(open, begin)) {
    begin += open.size();
    size_t end = doc.find("```", begin);
    if (end == std::string::npos) break;
    out.push_back(doc.substr(begin, end - begin));
    begin = end + 3;
  }
  return out;
}

// Every field of `descriptor` and of the messages it contains, as "Message.jsonName".
void CollectFields(const google::protobuf::Descriptor* descriptor,
                   std::set<const google::protobuf::Descriptor*>& seen,
                   std::set<std::string>& out) {
  if (!seen.insert(descriptor).second) return;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    out.insert(descriptor->name() + "." + field->json_name());
    if (field->message_type() != nullptr) CollectFields(field->message_type(), seen, out);
  }
}

TEST(SisFeedDoc, ExamplesParseStrictly) {
  const std::vector<std::string> jsons = ExampleJsons();
  ASSERT_EQ(jsons.size(), 2u) << "expected the F-1 and the J-1 example in docs/sis-feed.md";
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  v1::SisPersonSnapshot student, visitor;
  auto status = google::protobuf::util::JsonStringToMessage(jsons[0], &student, options);
  ASSERT_TRUE(status.ok()) << "F-1 example: " << status.ToString();
  status = google::protobuf::util::JsonStringToMessage(jsons[1], &visitor, options);
  ASSERT_TRUE(status.ok()) << "J-1 example: " << status.ToString();
  EXPECT_EQ(student.person_id(), "SIS000123");
  EXPECT_FALSE(student.i20().empty());
  EXPECT_EQ(visitor.person_id(), "SIS000456");
  ASSERT_FALSE(visitor.ds2019().empty());
  EXPECT_EQ(visitor.ds2019(0).program_number(), "P-1-12345");
}

TEST(SisFeedDoc, ExamplesShowEveryField) {
  std::string json;
  for (const std::string& block : ExampleJsons()) json += block;
  std::set<const google::protobuf::Descriptor*> seen;
  std::set<std::string> fields;
  CollectFields(v1::SisPersonSnapshot::descriptor(), seen, fields);
  for (const std::string& qualified : fields) {
    const std::string name = qualified.substr(qualified.find('.') + 1);
    EXPECT_NE(json.find("\"" + name + "\":"), std::string::npos)
        << qualified << " is not shown in the example of docs/sis-feed.md";
  }
}

}  // namespace
}  // namespace sevisflow
