#pragma once
// Plain value types for Kafka records, free of librdkafka types.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sevisflow::kafka {

struct Header {
  std::string name;
  std::string value;
  bool operator==(const Header&) const = default;
};
using Headers = std::vector<Header>;

// The value of the first header called `name`, if any.
std::optional<std::string> FindHeader(const Headers& headers, std::string_view name);

// A consumed record.
struct Message {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;    // empty for a record without key
  std::string value;  // empty for a tombstone (see is_tombstone)
  Headers headers;
  int64_t timestamp_ms = -1;  // create or log-append time; -1 when the record has none
  bool is_tombstone = false;  // null value (deletion marker on a compacted topic)

  std::optional<std::string> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// A record to produce (e.g. a dead letter built by MakeDeadLetter).
struct OutgoingMessage {
  std::string topic;
  std::string key;
  std::string value;
  Headers headers;
};

}  // namespace sevisflow::kafka
