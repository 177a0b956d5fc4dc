#include "sevisflow/kafka/errors.h"

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

namespace sevisflow::kafka {
namespace {

TEST(ErrorsTest, CodesAreClassified) {
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR__TRANSPORT), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), ErrorClass::kPermanent);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC), ErrorClass::kPermanent);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED), ErrorClass::kPermanent);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR__INVALID_ARG), ErrorClass::kPermanent);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR__FATAL), ErrorClass::kFatal);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR_PRODUCER_FENCED), ErrorClass::kFatal);
  EXPECT_EQ(ClassOfCode(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER), ErrorClass::kFatal);
}

TEST(ErrorsTest, StatusCarriesClassAndCode) {
  absl::Status s = KafkaError(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, "produce to sis.person");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ClassOf(s), ErrorClass::kPermanent);
  EXPECT_EQ(KafkaErrorCode(s), RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE);
  EXPECT_NE(std::string(s.message()).find("produce to sis.person"), std::string::npos);
  EXPECT_NE(std::string(s.message()).find("MSG_SIZE_TOO_LARGE"), std::string::npos);

  absl::Status t = KafkaError(RD_KAFKA_RESP_ERR__TRANSPORT, "commit");
  EXPECT_EQ(t.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ClassOf(t), ErrorClass::kRetriable);
}

TEST(ErrorsTest, ExplicitClassWinsOverTheCodeTable) {
  // librdkafka's own verdict (rd_kafka_error_is_fatal) may differ from the code table.
  absl::Status s = KafkaError(RD_KAFKA_RESP_ERR__STATE, "produce", ErrorClass::kFatal, "why");
  EXPECT_EQ(ClassOf(s), ErrorClass::kFatal);
  EXPECT_EQ(KafkaErrorCode(s), RD_KAFKA_RESP_ERR__STATE);
  EXPECT_NE(std::string(s.message()).find("why"), std::string::npos);
}

TEST(ErrorsTest, ForeignStatusesAreClassifiedByCode) {
  EXPECT_EQ(ClassOf(absl::UnavailableError("x")), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOf(absl::DeadlineExceededError("x")), ErrorClass::kRetriable);
  EXPECT_EQ(ClassOf(absl::InvalidArgumentError("x")), ErrorClass::kPermanent);
  EXPECT_EQ(KafkaErrorCode(absl::InvalidArgumentError("x")), std::nullopt);
}

}  // namespace
}  // namespace sevisflow::kafka
