#include <openssl/evp.h>

#include <string>

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message_lite.h"
#include "internal.h"
#include "sevisflow/rules/detect.h"

namespace sevisflow::rules {
namespace {

void AppendPart(std::string& buffer, std::string_view part) {
  buffer += std::to_string(part.size());
  buffer += ':';
  buffer.append(part.data(), part.size());
}

}  // namespace

std::string AlertId(std::string_view org, std::string_view person, v1::EventType event,
                    std::string_view subject, const google::protobuf::MessageLite& data) {
  std::string serialized;
  {
    google::protobuf::io::StringOutputStream raw(&serialized);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    data.SerializeToCodedStream(&coded);
  }
  std::string input;
  AppendPart(input, org);
  AppendPart(input, person);
  AppendPart(input, v1::EventType_Name(event));
  AppendPart(input, subject);
  AppendPart(input, serialized);

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length && hex.size() < 20; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

std::string EmittedKey(std::string_view org, v1::EventType event, std::string_view subject) {
  std::string key(org);
  key += '|';
  key += v1::EventType_Name(event);
  key += '|';
  key += subject;
  return key;
}

namespace internal {

Detection StampDetection(const DetectionParts& parts, v1::EventType event, std::string subject,
                         v1::Alert alert, std::vector<v1::ValidationIssue> issues) {
  Detection d;
  alert.clear_alert_id();
  alert.clear_detected_at();
  alert.clear_issues();
  alert.clear_snapshot_version();
  alert.set_org_id(std::string(parts.org));
  alert.set_person_id(parts.snapshot->person_id());
  alert.set_visa_family(parts.family);
  alert.set_event_type(event);
  alert.set_subject(std::move(subject));
  alert.set_sevis_id(std::string(parts.sevis_id));
  // The id covers what is reported (data, changes, subject, SEVIS id), not provenance.
  const std::string id =
      AlertId(parts.org, parts.snapshot->person_id(), event, alert.subject(), alert);
  alert.set_alert_id(id);
  alert.set_snapshot_version(parts.snapshot->version());
  for (auto& issue : issues) *alert.add_issues() = std::move(issue);
  d.emitted_key = EmittedKey(parts.org, event, alert.subject());
  d.alert = std::move(alert);
  return d;
}

}  // namespace internal
}  // namespace sevisflow::rules
