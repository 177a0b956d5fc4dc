#include "sevisflow/kafka/admin.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "rdkafka_util.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/errors.h"

namespace sevisflow::kafka {
namespace {

using internal::AdminOptionsPtr;
using internal::ConfigResourcePtr;
using internal::ConfPtr;
using internal::EventPtr;
using internal::KafkaPtr;
using internal::MetadataPtr;
using internal::NewTopicPtr;
using internal::QueuePtr;

absl::StatusOr<KafkaPtr> AdminClient(const AdminOptions& options) {
  absl::StatusOr<ConfPtr> conf =
      internal::NewConf(options.brokers, options.client_id, {}, options.properties);
  if (!conf.ok()) return conf.status();
  return internal::NewClient(RD_KAFKA_PRODUCER, *std::move(conf));
}

absl::StatusOr<AdminOptionsPtr> NewAdminOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                                                std::chrono::milliseconds timeout,
                                                bool operation_timeout) {
  AdminOptionsPtr opts(rd_kafka_AdminOptions_new(rk, op));
  char errstr[256];
  int ms = static_cast<int>(timeout.count());
  if (rd_kafka_AdminOptions_set_request_timeout(opts.get(), ms, errstr, sizeof errstr) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(errstr);
  }
  // For CreateTopics: wait until the topics are fully created, so a producer right after
  // EnsureTopics finds them.
  if (operation_timeout &&
      rd_kafka_AdminOptions_set_operation_timeout(opts.get(), ms, errstr, sizeof errstr) !=
          RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(errstr);
  }
  return opts;
}

// Waits for the one result event of an admin request on `queue`.
absl::StatusOr<EventPtr> WaitResult(rd_kafka_queue_t* queue, std::chrono::milliseconds timeout,
                                    std::string_view what) {
  // The request itself times out after `timeout`; allow a margin for the result to arrive.
  EventPtr ev(rd_kafka_queue_poll(queue, static_cast<int>(timeout.count()) + 5000));
  if (!ev) {
    return KafkaError(RD_KAFKA_RESP_ERR__TIMED_OUT, what);
  }
  if (rd_kafka_event_error(ev.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(rd_kafka_event_error(ev.get()), what, ClassOfCode(rd_kafka_event_error(ev.get())),
                      rd_kafka_event_error_string(ev.get()));
  }
  return ev;
}

}  // namespace

absl::Status EnsureTopics(const AdminOptions& options, const std::vector<TopicSpec>& topics) {
  if (topics.empty()) return absl::OkStatus();
  absl::StatusOr<KafkaPtr> rk = AdminClient(options);
  if (!rk.ok()) return rk.status();

  std::vector<NewTopicPtr> owned;
  std::vector<rd_kafka_NewTopic_t*> raw;
  char errstr[512];
  for (const TopicSpec& spec : topics) {
    NewTopicPtr nt(rd_kafka_NewTopic_new(spec.name.c_str(), spec.partitions,
                                         spec.replication_factor, errstr, sizeof errstr));
    if (!nt) return absl::InvalidArgumentError(absl::StrCat("topic ", spec.name, ": ", errstr));
    std::map<std::string, std::string> configs = spec.configs;
    if (spec.compacted) configs["cleanup.policy"] = "compact";
    for (const auto& [k, v] : configs) {
      rd_kafka_resp_err_t err = rd_kafka_NewTopic_set_config(nt.get(), k.c_str(), v.c_str());
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return KafkaError(err, absl::StrCat("topic ", spec.name, " config ", k));
      }
    }
    raw.push_back(nt.get());
    owned.push_back(std::move(nt));
  }

  absl::StatusOr<AdminOptionsPtr> opts =
      NewAdminOptions(rk->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, options.timeout, true);
  if (!opts.ok()) return opts.status();
  QueuePtr queue(rd_kafka_queue_new(rk->get()));
  rd_kafka_CreateTopics(rk->get(), raw.data(), raw.size(), opts->get(), queue.get());
  absl::StatusOr<EventPtr> ev = WaitResult(queue.get(), options.timeout, "create topics");
  if (!ev.ok()) return ev.status();

  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(ev->get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(result, &count);
  auto log = common::Logger("kafka");
  for (size_t i = 0; i < count; ++i) {
    const char* name = rd_kafka_topic_result_name(results[i]);
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      log->info("created topic {}", name);
    } else if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      log->debug("topic {} exists", name);
    } else {
      const char* detail = rd_kafka_topic_result_error_string(results[i]);
      return KafkaError(err, absl::StrCat("create topic ", name), ClassOfCode(err),
                        detail ? detail : "");
    }
  }
  return absl::OkStatus();
}

absl::Status EnsureTopics(const std::string& brokers, const std::vector<TopicSpec>& topics,
                          std::chrono::milliseconds timeout) {
  AdminOptions options;
  options.brokers = brokers;
  options.timeout = timeout;
  return EnsureTopics(options, topics);
}

absl::StatusOr<std::vector<TopicInfo>> ListTopics(const AdminOptions& options) {
  absl::StatusOr<KafkaPtr> rk = AdminClient(options);
  if (!rk.ok()) return rk.status();

  const rd_kafka_metadata_t* md_raw = nullptr;
  rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk->get(), 1, nullptr, &md_raw, static_cast<int>(options.timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "list topics (metadata)");
  MetadataPtr md(md_raw);

  std::vector<TopicInfo> topics;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    std::string name = t.topic;
    if (name.rfind("__", 0) == 0) continue;  // internal topics
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    TopicInfo info;
    info.name = name;
    info.partitions = t.partition_cnt;
    topics.push_back(std::move(info));
  }
  std::sort(topics.begin(), topics.end(),
            [](const TopicInfo& a, const TopicInfo& b) { return a.name < b.name; });
  if (topics.empty()) return topics;

  std::vector<ConfigResourcePtr> owned;
  std::vector<rd_kafka_ConfigResource_t*> raw;
  for (const TopicInfo& t : topics) {
    owned.emplace_back(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.name.c_str()));
    raw.push_back(owned.back().get());
  }
  absl::StatusOr<AdminOptionsPtr> opts =
      NewAdminOptions(rk->get(), RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, options.timeout, false);
  if (!opts.ok()) return opts.status();
  QueuePtr queue(rd_kafka_queue_new(rk->get()));
  rd_kafka_DescribeConfigs(rk->get(), raw.data(), raw.size(), opts->get(), queue.get());
  absl::StatusOr<EventPtr> ev = WaitResult(queue.get(), options.timeout, "describe topic configs");
  if (!ev.ok()) return ev.status();

  const rd_kafka_DescribeConfigs_result_t* result =
      rd_kafka_event_DescribeConfigs_result(ev->get());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources =
      rd_kafka_DescribeConfigs_result_resources(result, &count);
  for (size_t i = 0; i < count; ++i) {
    if (rd_kafka_ConfigResource_error(resources[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    std::string name = rd_kafka_ConfigResource_name(resources[i]);
    auto it = std::find_if(topics.begin(), topics.end(),
                           [&](const TopicInfo& t) { return t.name == name; });
    if (it == topics.end()) continue;
    size_t n = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[i], &n);
    for (size_t j = 0; j < n; ++j) {
      const char* key = rd_kafka_ConfigEntry_name(entries[j]);
      const char* value = rd_kafka_ConfigEntry_value(entries[j]);
      if (key == nullptr) continue;
      if (std::string_view(key) == "cleanup.policy" && value) it->cleanup_policy = value;
      if (!rd_kafka_ConfigEntry_is_default(entries[j]) &&
          rd_kafka_ConfigEntry_source(entries[j]) == RD_KAFKA_CONFIG_SOURCE_DYNAMIC_TOPIC_CONFIG &&
          value) {
        it->configs[key] = value;
      }
    }
  }
  return topics;
}

absl::StatusOr<std::vector<TopicInfo>> ListTopics(const std::string& brokers,
                                                  std::chrono::milliseconds timeout) {
  AdminOptions options;
  options.brokers = brokers;
  options.timeout = timeout;
  return ListTopics(options);
}

}  // namespace sevisflow::kafka
