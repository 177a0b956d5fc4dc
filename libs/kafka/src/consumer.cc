#include "sevisflow/kafka/consumer.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <set>

#include "absl/strings/str_cat.h"
#include "rdkafka_util.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/common/metrics.h"
#include "sevisflow/kafka/errors.h"

namespace sevisflow::kafka {

using internal::ConfPtr;
using internal::ErrorPtr;
using internal::KafkaPtr;
using internal::MessagePtr;
using internal::PartitionListPtr;

struct Consumer::Impl {
  ConsumerOptions options;
  KafkaPtr rk;
  std::atomic<bool> closed{false};  // set by Close(); read by metrics hooks too
  mutable std::mutex mu;
  std::set<std::pair<std::string, int32_t>> assigned;  // guarded by mu

  std::shared_ptr<spdlog::logger> log = common::Logger("kafka");

  void Track(const rd_kafka_topic_partition_list_t* parts, bool add) {
    std::lock_guard lock(mu);
    for (int i = 0; i < parts->cnt; ++i) {
      auto tp = std::make_pair(std::string(parts->elems[i].topic), parts->elems[i].partition);
      if (add) {
        assigned.insert(tp);
      } else {
        assigned.erase(tp);
      }
    }
  }

  // Runs inside rd_kafka_consumer_poll / rd_kafka_consumer_close on the processing thread, so
  // the application is not in the middle of a record: everything stored so far is final.
  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      self->log->info("consumer {} group {}: assigned {} partitions", self->options.client_id,
                      self->options.group_id, parts->cnt);
      if (cooperative) {
        ErrorPtr e(rd_kafka_incremental_assign(rk, parts));
        if (e) self->log->error("incremental assign: {}", rd_kafka_error_string(e.get()));
      } else {
        rd_kafka_assign(rk, parts);
      }
      self->Track(parts, true);
      return;
    }
    if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
      self->log->info("consumer {} group {}: revoking {} partitions{}", self->options.client_id,
                      self->options.group_id, parts->cnt,
                      rd_kafka_assignment_lost(rk) ? " (lost)" : "");
      // Commit what was processed before giving the partitions away, so the next owner starts
      // right after it. A lost assignment can't be committed (the group moved on).
      if (!rd_kafka_assignment_lost(rk)) {
        rd_kafka_resp_err_t c = rd_kafka_commit(rk, nullptr, 0);
        if (c != RD_KAFKA_RESP_ERR_NO_ERROR && c != RD_KAFKA_RESP_ERR__NO_OFFSET) {
          self->log->warn("commit on revoke: {}", rd_kafka_err2str(c));
        }
      }
      if (cooperative) {
        ErrorPtr e(rd_kafka_incremental_unassign(rk, parts));
        if (e) self->log->error("incremental unassign: {}", rd_kafka_error_string(e.get()));
      } else {
        rd_kafka_assign(rk, nullptr);
      }
      self->Track(parts, false);
      return;
    }
    self->log->error("rebalance error: {}", rd_kafka_err2str(err));
    rd_kafka_assign(rk, nullptr);
    std::lock_guard lock(self->mu);
    self->assigned.clear();
  }

  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      self->log->critical("consumer {}: {}", self->options.client_id,
                          std::string(internal::FatalStatus(rk, "consumer").message()));
      return;
    }
    self->log->warn("consumer {}: {} ({})", self->options.client_id, reason,
                    rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
  }

  std::vector<PartitionLag> Lag() const {
    std::vector<std::pair<std::string, int32_t>> snapshot;
      {
        std::lock_guard lock(mu);
        snapshot.assign(assigned.begin(), assigned.end());
      }
    std::vector<PartitionLag> out;
    if (snapshot.empty()) return out;
    PartitionListPtr parts(rd_kafka_topic_partition_list_new(static_cast<int>(snapshot.size())));
    for (const auto& [topic, partition] : snapshot) {
      rd_kafka_topic_partition_list_add(parts.get(), topic.c_str(), partition);
    }
    // The application's position: offset of the last record Poll returned + 1.
    rd_kafka_position(rk.get(), parts.get());
    // A partition this member has not read from yet (e.g. a restarted consumer that is already
    // caught up) has no position: its lag is counted from the group's committed offset, asked
    // of the broker only for those partitions.
    PartitionListPtr unread(rd_kafka_topic_partition_list_new(parts->cnt));
    for (int i = 0; i < parts->cnt; ++i) {
      if (parts->elems[i].offset < 0) {
        rd_kafka_topic_partition_list_add(unread.get(), parts->elems[i].topic,
                                          parts->elems[i].partition);
      }
    }
    if (unread->cnt > 0 &&
        rd_kafka_committed(rk.get(), unread.get(), 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      unread.reset(rd_kafka_topic_partition_list_new(0));
    }
    for (int i = 0; i < parts->cnt; ++i) {
      const rd_kafka_topic_partition_t& tp = parts->elems[i];
      int64_t low = -1;
      int64_t high = -1;
      if (rd_kafka_get_watermark_offsets(rk.get(), tp.topic, tp.partition, &low, &high) !=
              RD_KAFKA_RESP_ERR_NO_ERROR ||
          high < 0) {
        continue;
      }
      int64_t position = tp.offset;
      if (position < 0) {
        const rd_kafka_topic_partition_t* committed =
            rd_kafka_topic_partition_list_find(unread.get(), tp.topic, tp.partition);
        if (committed == nullptr) continue;
        // No commit yet: auto.offset.reset=earliest reads from the low watermark.
        position = committed->offset >= 0 ? committed->offset : low;
        if (position < 0) continue;
      }
      PartitionLag l;
      l.topic = tp.topic;
      l.partition = tp.partition;
      l.high_watermark = high;
      l.position = position;
      l.lag = std::max<int64_t>(0, high - position);
      out.push_back(std::move(l));
    }
    return out;
  }

  void DoClose() {
    if (closed || !rk) return;
    closed = true;
    // consumer_close revokes the assignment (our callback commits stored offsets), then
    // auto-commit commits once more, and the member leaves the group at once instead of
    // waiting for session.timeout.ms.
    rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      log->warn("consumer {} close: {}", options.client_id, rd_kafka_err2str(err));
    }
    std::lock_guard lock(mu);
    assigned.clear();
  }
};

Consumer::Consumer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(ConsumerOptions options) {
  if (options.group_id.empty()) return absl::InvalidArgumentError("consumer: group_id is empty");
  if (options.topics.empty()) return absl::InvalidArgumentError("consumer: no topics");
  auto impl = std::make_shared<Impl>();
  impl->options = std::move(options);
  const std::map<std::string, std::string> defaults = {
      {"group.id", impl->options.group_id},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"enable.auto.commit", "true"},
      // The application stores an offset only after the record's effect is durable.
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
  };
  absl::StatusOr<ConfPtr> conf = internal::NewConf(
      impl->options.brokers, impl->options.client_id, defaults, impl->options.properties);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), impl.get());
  rd_kafka_conf_set_rebalance_cb(conf->get(), &Impl::OnRebalance);
  rd_kafka_conf_set_error_cb(conf->get(), &Impl::OnError);
  absl::StatusOr<KafkaPtr> rk = internal::NewClient(RD_KAFKA_CONSUMER, *std::move(conf));
  if (!rk.ok()) return rk.status();
  impl->rk = *std::move(rk);
  // Route the main queue (errors, logs of this handle) to the consumer queue so that one
  // consumer_poll call serves everything.
  rd_kafka_poll_set_consumer(impl->rk.get());

  PartitionListPtr topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(impl->options.topics.size())));
  for (const std::string& t : impl->options.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(impl->rk.get(), topics.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "subscribe");
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Consumer::~Consumer() {
  if (impl_) Close();
}

absl::StatusOr<std::vector<Message>> Consumer::Poll(size_t max_messages,
                                                    std::chrono::milliseconds timeout) {
  std::vector<Message> out;
  if (impl_->closed) return absl::FailedPreconditionError("consumer is closed");
  const int wait_ms = static_cast<int>(timeout.count());
  while (out.size() < max_messages) {
    MessagePtr msg(rd_kafka_consumer_poll(impl_->rk.get(), out.empty() ? wait_ms : 0));
    if (!msg) break;
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err == RD_KAFKA_RESP_ERR__FATAL) {
        return internal::FatalStatus(impl_->rk.get(), "consume");
      }
      // E.g. a subscribed topic does not exist yet, or a broker is down: librdkafka keeps
      // trying; the caller keeps polling.
      impl_->log->warn("consumer {}: {}", impl_->options.client_id,
                       rd_kafka_message_errstr(msg.get()));
      if (out.empty()) break;
      continue;
    }
    Message m;
    m.topic = rd_kafka_topic_name(msg->rkt);
    m.partition = msg->partition;
    m.offset = msg->offset;
    if (msg->key) m.key.assign(static_cast<const char*>(msg->key), msg->key_len);
    if (msg->payload) {
      m.value.assign(static_cast<const char*>(msg->payload), msg->len);
    } else {
      m.is_tombstone = true;
    }
    m.headers = internal::CopyHeaders(msg.get());
    rd_kafka_timestamp_type_t ts_type;
    m.timestamp_ms = rd_kafka_message_timestamp(msg.get(), &ts_type);
    out.push_back(std::move(m));
  }
  return out;
}

absl::Status Consumer::Store(const Message& message) {
  PartitionListPtr parts(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_t* tp = rd_kafka_topic_partition_list_add(
      parts.get(), message.topic.c_str(), message.partition);
  tp->offset = message.offset + 1;  // the next record to read
  rd_kafka_resp_err_t err = rd_kafka_offsets_store(impl_->rk.get(), parts.get());
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = tp->err;
  // librdkafka >= 2.0 refuses to store an offset for a partition this member doesn't own.
  if (err == RD_KAFKA_RESP_ERR__STATE || err == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
    return absl::FailedPreconditionError(absl::StrCat("store offset ", message.topic, "/",
                                                      message.partition,
                                                      ": partition not assigned to this member"));
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(err, absl::StrCat("store offset ", message.topic, "/", message.partition));
  }
  return absl::OkStatus();
}

absl::Status Consumer::CommitSync() {
  if (impl_->closed) return absl::FailedPreconditionError("consumer is closed");
  rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk.get(), nullptr, 0);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET) {
    return absl::OkStatus();
  }
  return KafkaError(err, "commit");
}

void Consumer::Close() { impl_->DoClose(); }

std::vector<std::pair<std::string, int32_t>> Consumer::Assignment() const {
  std::lock_guard lock(impl_->mu);
  return {impl_->assigned.begin(), impl_->assigned.end()};
}

std::vector<PartitionLag> Consumer::Lag() const { return impl_->Lag(); }

const std::string& Consumer::group_id() const { return impl_->options.group_id; }

void ExportConsumerLag(const Consumer& consumer, common::MetricsRegistry& registry) {
  std::weak_ptr<Consumer::Impl> weak = consumer.impl_;
  auto reported = std::make_shared<std::set<std::pair<std::string, int32_t>>>();
  registry.AddCollectHook([weak, reported, &registry] {
    std::shared_ptr<Consumer::Impl> impl = weak.lock();
    if (!impl || impl->closed) return;
    std::vector<PartitionLag> lags = impl->Lag();
    std::set<std::pair<std::string, int32_t>> now;
    const std::string help = "Records not yet consumed per assigned partition";
    for (const PartitionLag& l : lags) {
      registry
          .GetGauge("sevisflow_kafka_consumer_lag", help,
                    {{"topic", l.topic},
                     {"partition", std::to_string(l.partition)},
                     {"group", impl->options.group_id}})
          .Set(static_cast<double>(l.lag));
      now.emplace(l.topic, l.partition);
    }
    for (const auto& [topic, partition] : *reported) {
      if (now.count({topic, partition}) == 0) {
        registry
            .GetGauge("sevisflow_kafka_consumer_lag", help,
                      {{"topic", topic},
                       {"partition", std::to_string(partition)},
                       {"group", impl->options.group_id}})
            .Set(0);
      }
    }
    *reported = std::move(now);
  });
}

}  // namespace sevisflow::kafka
