// docs/sis-feed.md is what a school's IT team implements from: its JSON example must parse as a
// SisPersonSnapshot with unknown fields refused, and must show every field of the contract.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow {
namespace {

std::string ExampleJson() {
  std::ifstream in(std::string(SEVISFLOW_SOURCE_DIR) + "/docs/sis-feed.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const std::string open = "```json\n";
  size_t begin = doc.find(open);
  if (begin == std::string::npos) return "";
  begin += open.size();
  size_t end = doc.find("```", begin);
  return doc.substr(begin, end - begin);
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

TEST(SisFeedDoc, ExampleParsesStrictly) {
  const std::string json = ExampleJson();
  ASSERT_FALSE(json.empty()) << "no ```json block in docs/sis-feed.md";
  v1::SisPersonSnapshot snapshot;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json, &snapshot, options);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(snapshot.person_id(), "SIS000123");
  EXPECT_FALSE(snapshot.i20().empty());
}

TEST(SisFeedDoc, ExampleShowsEveryField) {
  const std::string json = ExampleJson();
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
