#include "sevisflow/kafka/dlq.h"

#include "absl/strings/str_cat.h"
#include "sevisflow/kafka/topics.h"

namespace sevisflow::kafka {

std::string SourceOf(const Message& message) {
  return absl::StrCat(message.topic, "/", message.partition, "/", message.offset);
}

OutgoingMessage MakeDeadLetter(const Message& original, std::string_view reason) {
  OutgoingMessage out;
  out.topic = DlqTopicFor(original.topic);
  out.key = original.key;
  out.value = original.value;
  for (const Header& h : original.headers) {
    if (h.name == kErrorHeader || h.name == kSourceHeader) continue;
    out.headers.push_back(h);
  }
  out.headers.push_back(Header{kErrorHeader, std::string(reason)});
  out.headers.push_back(Header{kSourceHeader, SourceOf(original)});
  return out;
}

}  // namespace sevisflow::kafka
