#pragma once
// What the e2e tests share: the whole system as real processes — the four services and
// sevis-sim (their own binaries) against a real Apache Kafka broker (KRaft), a real redis-server
// and real TLS certificates made for the run — plus a topic reader, sisgen and /metrics.
//
//   Cluster cluster({.name = "review-loop-e2e", .builder = BuilderYaml(...)});
//   cluster.Start();                      // gtest ASSERTs inside: check HasFatalFailure()
//   ...                                   // cluster.Get("builder").grpc_port, cluster.broker ...
//   cluster.Stop();

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sevisflow/kafka/consumer.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/testing/redis_server.h"
#include "sevisflow/testing/tls.h"

namespace sevisflow::e2e {

inline constexpr char kOrg[] = "ABC214F12345000";
inline constexpr char kUser[] = "dso0000001";  // the SEVIS userID the sim knows for kOrg

// The builder's own config section of the pipeline test: every alert selected as it arrives,
// the selection closed every 2 seconds under kUser.
std::string AutoCloseBuilderYaml();

struct ClusterOptions {
  std::string name{};     // the scratch folder and fixture names
  std::string builder{};  // the builder's config after the common keys (builder:, orgs:, dsos:)
  std::string dsos{};     // a `dsos:` block for the uploader's and importer's operator APIs
  int partitions = 3;
};

struct Service {
  std::string name;  // detector, builder, uploader, importer
  std::string binary;
  int grpc_port = 0;
  int metrics_port = 0;
  std::unique_ptr<testing::ChildProcess> process;

  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port); }
};

class Cluster {
 public:
  explicit Cluster(ClusterOptions options) : options_(std::move(options)) {}

  // Redis, Kafka with the topic catalogue, TLS material, sevis-sim, then the four services,
  // until each answers /healthz. Failures are gtest fatal failures.
  void Start();
  // SIGTERM to every process still running, then the broker and Redis.
  void Stop();

  // sevis-sim on its fixed port, its state in one folder so a restart keeps it; it answers
  // "not yet processed" for `process_delay_seconds` after each upload.
  void StartSim(int process_delay_seconds);
  void StartService(Service& s);
  Service& Get(const std::string& name);

  // GET /sim/stats over mutual TLS; an empty object when it does not answer.
  nlohmann::json SimStats() const;

  // sisgen: `count` F/M students (seed, person id prefix) published to sis.person; its exit code.
  int Sisgen(int count, int seed, const std::string& id_prefix) const;

  std::string dir;
  std::string docstore;
  std::unique_ptr<testing::RedisServer> redis_server;
  std::unique_ptr<testing::KafkaBroker> broker;
  testing::TlsMaterial tls;
  int sim_port = 0;
  std::unique_ptr<testing::ChildProcess> sim;
  std::vector<Service> services;

 private:
  std::string ConfigPath(const Service& s) const;
  std::string Config(const Service& s) const;

  ClusterOptions options_;
};

// Path of a binary in the build tree ("services/builder/sevisflow-builder").
std::string Bin(const std::string& rel);

// Reads a topic from the beginning with a group of its own, keeping everything it saw.
class TopicReader {
 public:
  TopicReader(const std::string& bootstrap, const std::string& topic);
  const std::vector<kafka::Message>& Drain(std::chrono::milliseconds timeout);
  // Polls until pred(seen) holds or the timeout passes.
  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      Drain(std::chrono::milliseconds(500));
      if (pred(seen_)) return true;
    }
    return pred(seen_);
  }
  // Reads for `quiet` more, to see anything that was still on its way.
  const std::vector<kafka::Message>& Settle(std::chrono::milliseconds quiet);

 private:
  static inline int counter_ = 0;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::vector<kafka::Message> seen_;
};

// The value of the metric sample "name{labels}" on a service's /metrics, -1 when absent.
double Metric(int port, const std::string& sample);

}  // namespace sevisflow::e2e
