#include "sevisflow/kafka/producer.h"

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "rdkafka_util.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/errors.h"

namespace sevisflow::kafka {

using internal::ConfPtr;
using internal::ErrorPtr;
using internal::HeadersPtr;
using internal::KafkaPtr;

struct Producer::Impl {
  ProducerOptions options;
  KafkaPtr rk;
  std::thread poll_thread;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> outstanding{0};
  mutable std::mutex mu;
  std::condition_variable drained;
  absl::Status fatal;  // guarded by mu

  void PollLoop() {
    while (!stop.load()) rd_kafka_poll(rk.get(), 100);
  }

  void SetFatal(absl::Status s) {
    std::lock_guard lock(mu);
    if (fatal.ok()) {
      common::Logger("kafka")->critical("producer {}: {}", options.client_id,
                                        std::string(s.message()));
      fatal = std::move(s);
    }
  }

  absl::Status Fatal() const {
    std::lock_guard lock(mu);
    return fatal;
  }

  // Delivery report: runs on the poll thread (or in rd_kafka_flush's caller); hands the result
  // to the record's callback and frees it.
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* msg, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    std::unique_ptr<DeliveryCallback> cb(static_cast<DeliveryCallback*>(msg->_private));
    absl::Status status;
    if (msg->err == RD_KAFKA_RESP_ERR__FATAL) {
      status = internal::FatalStatus(rk, absl::StrCat("produce to ", rd_kafka_topic_name(msg->rkt)));
    } else if (msg->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
               msg->err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
      // librdkafka already waited topic.metadata.propagation.max.ms for the topic to appear;
      // topics are never auto-created here, so retrying the record cannot help.
      status = KafkaError(msg->err, absl::StrCat("produce to ", rd_kafka_topic_name(msg->rkt)),
                          ErrorClass::kPermanent);
    } else if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = KafkaError(msg->err, absl::StrCat("produce to ", rd_kafka_topic_name(msg->rkt)));
    }
    if (cb && *cb) (*cb)(std::move(status));
    if (self->outstanding.fetch_sub(1) == 1) {
      std::lock_guard lock(self->mu);
      self->drained.notify_all();
    }
  }

  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      self->SetFatal(internal::FatalStatus(rk, "producer"));
      return;
    }
    // Transport errors, all brokers down...: librdkafka retries by itself; the delivery reports
    // tell the callers if a record finally failed.
    common::Logger("kafka")->warn("producer {}: {} ({})", self->options.client_id, reason,
                                  rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)));
  }
};

Producer::Producer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(ProducerOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  const std::map<std::string, std::string> defaults = {
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // Batch documents may be several MB (topics allow 10 MiB, see topics.cc).
      {"message.max.bytes", "10485760"},
      // Every writer waits for its records' acknowledgements (a blocking Send, or SendAll of a
      // polled batch): lingering longer only adds to that wait. 1 ms still lets librdkafka
      // batch what is produced together (BENCHMARKS.md, measure 2).
      {"linger.ms", "1"},
  };
  absl::StatusOr<ConfPtr> conf = internal::NewConf(
      impl->options.brokers, impl->options.client_id, defaults, impl->options.properties);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), impl.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Impl::OnDelivery);
  rd_kafka_conf_set_error_cb(conf->get(), &Impl::OnError);
  absl::StatusOr<KafkaPtr> rk = internal::NewClient(RD_KAFKA_PRODUCER, *std::move(conf));
  if (!rk.ok()) return rk.status();
  impl->rk = *std::move(rk);
  Impl* raw = impl.get();
  impl->poll_thread = std::thread([raw] { raw->PollLoop(); });
  return std::unique_ptr<Producer>(new Producer(std::move(impl)));
}

Producer::~Producer() {
  if (!impl_) return;
  rd_kafka_t* rk = impl_->rk.get();
  rd_kafka_resp_err_t err =
      rd_kafka_flush(rk, static_cast<int>(impl_->options.close_timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    common::Logger("kafka")->warn("producer {}: {} records undelivered at close; purging",
                                  impl_->options.client_id, impl_->outstanding.load());
    // Purged records get RD_KAFKA_RESP_ERR__PURGE_* delivery reports, so every callback runs
    // and no callback object leaks.
    rd_kafka_purge(rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(rk, 5000);
  }
  impl_->stop = true;
  impl_->poll_thread.join();
  // Serve anything still queued after the poll thread stopped.
  while (impl_->outstanding.load() > 0 && rd_kafka_poll(rk, 100) > 0) {
  }
  impl_->rk.reset();
}

absl::Status Producer::SendAsync(std::string_view topic, std::string_view key,
                                 std::string_view value, const Headers& headers,
                                 DeliveryCallback on_delivery) {
  return Produce(topic, key, value, /*tombstone=*/false, headers, std::move(on_delivery));
}

absl::Status Producer::SendTombstone(std::string_view topic, std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("a tombstone needs a key");
  auto promise = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> result = promise->get_future();
  absl::Status enqueued = Produce(topic, key, {}, /*tombstone=*/true, {},
                                  [promise](absl::Status s) { promise->set_value(std::move(s)); });
  if (!enqueued.ok()) return enqueued;
  return result.get();
}

absl::Status Producer::Produce(std::string_view topic, std::string_view key,
                               std::string_view value, bool tombstone, const Headers& headers,
                               DeliveryCallback on_delivery) {
  if (absl::Status f = impl_->Fatal(); !f.ok()) return f;
  HeadersPtr hdrs;
  if (!headers.empty()) {
    hdrs.reset(rd_kafka_headers_new(headers.size()));
    for (const Header& h : headers) {
      rd_kafka_header_add(hdrs.get(), h.name.data(), static_cast<ssize_t>(h.name.size()),
                          h.value.data(), static_cast<ssize_t>(h.value.size()));
    }
  }
  std::string topic_name(topic);
  auto cb = std::make_unique<DeliveryCallback>(std::move(on_delivery));

  rd_kafka_vu_t vus[6];
  size_t n = 0;
  vus[n].vtype = RD_KAFKA_VTYPE_TOPIC;
  vus[n++].u.cstr = topic_name.c_str();
  if (!key.empty()) {
    vus[n].vtype = RD_KAFKA_VTYPE_KEY;
    vus[n].u.mem.ptr = const_cast<char*>(key.data());
    vus[n++].u.mem.size = key.size();
  }
  vus[n].vtype = RD_KAFKA_VTYPE_VALUE;
  // librdkafka takes a null pointer as a null value (tombstone); an empty record has an empty,
  // non-null value.
  static const char kEmpty[] = "";
  vus[n].u.mem.ptr = tombstone ? nullptr : const_cast<char*>(value.data() ? value.data() : kEmpty);
  vus[n++].u.mem.size = tombstone ? 0 : value.size();
  vus[n].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
  // COPY: the caller's buffers may go away; BLOCK: back-pressure while the local queue is full
  // (safe because a dedicated thread serves delivery reports).
  vus[n++].u.i = RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_BLOCK;
  vus[n].vtype = RD_KAFKA_VTYPE_OPAQUE;
  vus[n++].u.ptr = cb.get();
  if (hdrs) {
    vus[n].vtype = RD_KAFKA_VTYPE_HEADERS;
    vus[n++].u.headers = hdrs.get();
  }

  impl_->outstanding.fetch_add(1);
  ErrorPtr error(rd_kafka_produceva(impl_->rk.get(), vus, n));
  if (error) {
    impl_->outstanding.fetch_sub(1);
    if (rd_kafka_error_code(error.get()) == RD_KAFKA_RESP_ERR__FATAL) {
      absl::Status f = internal::FatalStatus(impl_->rk.get(), "producer");
      impl_->SetFatal(f);
      return f;
    }
    return internal::FromError(error.get(), absl::StrCat("produce to ", topic_name));
  }
  (void)hdrs.release();  // owned by the record now
  (void)cb.release();    // freed by OnDelivery
  return absl::OkStatus();
}

absl::Status Producer::SendAll(const std::vector<OutgoingMessage>& messages) {
  struct Pending {
    std::mutex mu;
    std::condition_variable cv;
    size_t outstanding = 0;
    absl::Status first_error;
  };
  auto pending = std::make_shared<Pending>();
  absl::Status enqueue_error;
  for (const OutgoingMessage& m : messages) {
    {
      std::lock_guard lock(pending->mu);
      ++pending->outstanding;
    }
    absl::Status enqueued =
        SendAsync(m.topic, m.key, m.value, m.headers, [pending](absl::Status s) {
          std::lock_guard lock(pending->mu);
          if (!s.ok() && pending->first_error.ok()) pending->first_error = std::move(s);
          if (--pending->outstanding == 0) pending->cv.notify_all();
        });
    if (!enqueued.ok()) {
      std::lock_guard lock(pending->mu);
      --pending->outstanding;
      enqueue_error = std::move(enqueued);
      break;  // what was enqueued is still awaited below
    }
  }
  // No timeout: librdkafka reports every record, at the latest after message.timeout.ms.
  std::unique_lock lock(pending->mu);
  pending->cv.wait(lock, [&] { return pending->outstanding == 0; });
  return !pending->first_error.ok() ? pending->first_error : enqueue_error;
}

absl::Status Producer::Send(std::string_view topic, std::string_view key, std::string_view value,
                            const Headers& headers) {
  auto promise = std::make_shared<std::promise<absl::Status>>();
  std::future<absl::Status> result = promise->get_future();
  absl::Status enqueued = SendAsync(topic, key, value, headers, [promise](absl::Status s) {
    promise->set_value(std::move(s));
  });
  if (!enqueued.ok()) return enqueued;
  // No timeout here: librdkafka always delivers a report, at the latest after
  // message.timeout.ms.
  return result.get();
}

absl::Status Producer::Flush(std::chrono::milliseconds timeout) {
  // rd_kafka_flush waits for librdkafka's queues; then wait until the callbacks themselves
  // have returned (they may still be running on the poll thread).
  auto deadline = std::chrono::steady_clock::now() + timeout;
  rd_kafka_resp_err_t err = rd_kafka_flush(impl_->rk.get(), static_cast<int>(timeout.count()));
  std::unique_lock lock(impl_->mu);
  bool done = impl_->drained.wait_until(lock, deadline,
                                        [this] { return impl_->outstanding.load() == 0; });
  if (!done || err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::DeadlineExceededError(absl::StrCat(
        "producer flush: ", impl_->outstanding.load(), " records still outstanding"));
  }
  return absl::OkStatus();
}

int64_t Producer::Outstanding() const { return impl_->outstanding.load(); }

absl::Status Producer::FatalError() const { return impl_->Fatal(); }

}  // namespace sevisflow::kafka
