#pragma once
// Kafka errors are classified once, here, from librdkafka's own verdict
// (rd_kafka_error_is_retriable / rd_kafka_error_is_fatal) and its error codes. Call sites switch
// on ClassOf(status) instead of inventing their own retry rules.

#include <optional>

#include "absl/status/status.h"

namespace sevisflow::kafka {

enum class ErrorClass {
  kRetriable,  // transient (broker down, leader moving, timeout): try again later, same input
  kPermanent,  // this request cannot succeed (too large, unknown topic, not authorised)
  kFatal,      // the client instance is unusable (idempotence broken, fenced): recreate or exit
};

const char* ErrorClassName(ErrorClass c);

// Class of a failed status returned by this library. Statuses from elsewhere are classified by
// their code: Unavailable, DeadlineExceeded, Aborted and ResourceExhausted are retriable,
// anything else permanent. An OK status is not an error; it classifies as kPermanent only so
// the function is total.
ErrorClass ClassOf(const absl::Status& status);

// The librdkafka error code (rd_kafka_resp_err_t value) carried by a status of this library.
std::optional<int> KafkaErrorCode(const absl::Status& status);

// Classification of a bare librdkafka error code (rd_kafka_resp_err_t value), used when no
// rd_kafka_error_t with librdkafka's own flags is available.
ErrorClass ClassOfCode(int rd_kafka_resp_err);

// A status for a librdkafka error code, carrying its class and code (what `context` was doing
// goes first in the message: "produce to sis.person: Broker: Message size too large").
absl::Status KafkaError(int rd_kafka_resp_err, std::string_view context);
absl::Status KafkaError(int rd_kafka_resp_err, std::string_view context, ErrorClass c,
                        std::string_view detail = {});

}  // namespace sevisflow::kafka
