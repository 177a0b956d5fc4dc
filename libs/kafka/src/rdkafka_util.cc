#include "rdkafka_util.h"

#include "absl/strings/str_cat.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/errors.h"

namespace sevisflow::kafka::internal {
namespace {

// librdkafka logs at syslog levels; its messages carry broker names, topics and states, never
// payloads, so they are safe to forward.
void LogCallback(const rd_kafka_t* rk, int level, const char* facility, const char* buf) {
  spdlog::level::level_enum lvl = spdlog::level::debug;
  if (level <= 3) {
    lvl = spdlog::level::err;
  } else if (level == 4) {
    lvl = spdlog::level::warn;
  } else if (level <= 6) {
    lvl = spdlog::level::info;
  }
  common::Logger("kafka")->log(lvl, "[{}] {}: {}", rk ? rd_kafka_name(rk) : "-", facility, buf);
}

absl::Status Set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat("kafka property ", name, ": ", errstr));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ConfPtr> NewConf(const std::string& brokers, const std::string& client_id,
                                const std::map<std::string, std::string>& defaults,
                                const std::map<std::string, std::string>& properties) {
  ConfPtr conf(rd_kafka_conf_new());
  rd_kafka_conf_set_log_cb(conf.get(), &LogCallback);
  std::map<std::string, std::string> all = defaults;
  if (!brokers.empty()) all["bootstrap.servers"] = brokers;
  if (!client_id.empty()) all["client.id"] = client_id;
  for (const auto& [k, v] : properties) all[k] = v;
  for (const auto& [k, v] : all) {
    if (absl::Status s = Set(conf.get(), k, v); !s.ok()) return s;
  }
  return conf;
}

absl::StatusOr<KafkaPtr> NewClient(rd_kafka_type_t type, ConfPtr conf) {
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka client: ", errstr));
  }
  (void)conf.release();  // owned by rk now
  return KafkaPtr(rk);
}

absl::Status FromError(const rd_kafka_error_t* error, std::string_view context) {
  ErrorClass c = ErrorClass::kPermanent;
  if (rd_kafka_error_is_fatal(error)) {
    c = ErrorClass::kFatal;
  } else if (rd_kafka_error_is_retriable(error)) {
    c = ErrorClass::kRetriable;
  } else {
    c = ClassOfCode(rd_kafka_error_code(error));
  }
  return KafkaError(rd_kafka_error_code(error), context, c, rd_kafka_error_string(error));
}

absl::Status FatalStatus(rd_kafka_t* rk, std::string_view context) {
  char errstr[512] = "";
  rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, errstr, sizeof errstr);
  if (orig == RD_KAFKA_RESP_ERR_NO_ERROR) orig = RD_KAFKA_RESP_ERR__FATAL;
  return KafkaError(orig, context, ErrorClass::kFatal, errstr);
}

Headers CopyHeaders(const rd_kafka_message_t* msg) {
  Headers out;
  rd_kafka_headers_t* hdrs = nullptr;
  // The headers stay owned by the message.
  if (rd_kafka_message_headers(msg, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || hdrs == nullptr) {
    return out;
  }
  const char* name = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) ==
                     RD_KAFKA_RESP_ERR_NO_ERROR;
       ++i) {
    out.push_back(Header{name, value ? std::string(static_cast<const char*>(value), size) : ""});
  }
  return out;
}

}  // namespace sevisflow::kafka::internal
