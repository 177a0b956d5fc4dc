#pragma once
// The whole-pipeline benchmark's plumbing (bench/pipeline): a real Apache Kafka broker and
// redis-server (tests/fixtures), the service binaries of this build tree as child processes,
// sisgen's population published to sis.person, /metrics scraping, a once-a-second progress line
// on stderr and the figures table. The measures themselves are in pipeline_bench.cc.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/sisgen/population.h"
#include "sevisflow/testing/kafka_broker.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/testing/redis_server.h"

namespace sevisflow::bench {

inline constexpr char kToken[] = "pipeline-bench-token-0001";
inline constexpr char kDso[] = "benchdso";
inline constexpr char kUser[] = "benchdso01";  // a SEVIS userID: 10 characters

struct HarnessOptions {
  std::string name = "pipeline-bench";  // scratch folder under the build tree
  int partitions = 3;
  sisgen::PopulationOptions population;
  // Redis appendfsync: "everysec" (scripts/local-up.sh's, Redis's default) or "always" (the
  // test fixture's).
  std::string redis_fsync = "everysec";
};

struct ServiceProcess {
  std::string name;  // detector, builder
  int grpc_port = 0;
  int metrics_port = 0;
  std::unique_ptr<testing::ChildProcess> process;
  std::string grpc_address() const { return "127.0.0.1:" + std::to_string(grpc_port); }
};

// Prints "label done/total rate/s ETA" to stderr at most once a second, and a final line.
class Progress {
 public:
  Progress(std::string label, int64_t total);
  void Update(int64_t done, const std::string& extra = "");
  void Finish(int64_t done);

 private:
  std::string label_;
  int64_t total_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_print_;
};

class Harness {
 public:
  explicit Harness(HarnessOptions options) : options_(std::move(options)) {}
  ~Harness();  // Stop()

  // Redis, Kafka with the topic catalogue, then every org's run control on sevis.runcontrol
  // (the detector's own topic: Kafka is its truth). Exits the program on failure.
  void Start();
  void Stop();

  // sisgen's population, persons [0, count), to sis.person (protobuf binary, key person_id),
  // pipelined, every delivery report checked. Returns the seconds it took.
  double PublishPopulation(int64_t count);

  ServiceProcess& StartDetector();
  ServiceProcess& StartBuilder();
  ServiceProcess* Find(const std::string& name);

  const std::string& bootstrap() const { return bootstrap_; }
  const std::string& dir() const { return dir_; }
  const HarnessOptions& options() const { return options_; }
  int redis_port() const { return redis_->port(); }
  // INFO memory's used_memory, and DBSIZE.
  int64_t RedisUsedMemory() const;
  int64_t RedisKeys() const;

 private:
  ServiceProcess& StartService(const std::string& name, const std::string& config_tail);
  std::string RedisCli(const std::string& args) const;

  HarnessOptions options_;
  std::string dir_;
  std::string bootstrap_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::KafkaBroker> broker_;
  std::vector<std::unique_ptr<ServiceProcess>> services_;
};

// The sum of every sample of metric `name` on 127.0.0.1:<port>/metrics whose label set contains
// `label_filter` (e.g. "topic=\"sis.person\""); -1 when the endpoint does not answer.
double ScrapeSum(int port, const std::string& name, const std::string& label_filter = "");

// VmHWM (peak resident set) of a process in bytes, from /proc/<pid>/status; -1 when unknown.
int64_t PeakRssBytes(pid_t pid);

// User + system CPU seconds a process has used so far (/proc/<pid>/stat); 0 when unknown.
double CpuSeconds(pid_t pid);

// Polls `done()` every 100 ms until it reaches `total` or `timeout` passes, with a progress line;
// returns the last value.
int64_t WaitProgress(const std::string& label, int64_t total, std::chrono::seconds timeout,
                     const std::function<int64_t()>& done);

// Client settings as service::MakeProducer / MakeConsumer make them for the services: the
// library's defaults (idempotent producer, acks=all; consumer offsets stored after the work,
// cooperative-sticky), client id = group id.
kafka::ProducerOptions ProducerConfig(const std::string& bootstrap, const std::string& client_id);
kafka::ConsumerOptions ConsumerConfig(const std::string& bootstrap, const std::string& group,
                                      const std::string& topic);

[[noreturn]] void Fail(const std::string& message);

// One reported figure.
struct Figure {
  std::string measure;  // "2 detector", ...
  std::string name;
  double value = 0;
  std::string unit;
  std::string goal;            // "" when the figure has no goal of its own
  std::optional<bool> met;     // unset when there is no goal
  std::string note;            // reduced N, projection, ...
};

// Prints "RESULT measure | name | value unit | goal | met | note" (one line per figure).
void PrintResult(const Figure& figure);
// The summary table: plain text to stdout, and as markdown to `report_path` when not empty.
void PrintSummary(const std::vector<Figure>& figures, const std::string& header,
                  const std::string& report_path);

}  // namespace sevisflow::bench
