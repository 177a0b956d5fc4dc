#include "harness.h"

#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <iterator>
#include <thread>

#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/testing/ports.h"

namespace sevisflow::bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

double SecondsSince(steady_clock::time_point t) {
  return std::chrono::duration<double>(steady_clock::now() - t).count();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

std::string Bin(const std::string& rel) { return std::string(SEVISFLOW_BINARY_DIR) + "/" + rel; }

// Every org of the population: school codes, then program numbers.
std::vector<std::string> AllOrgs(const sisgen::PopulationOptions& population) {
  std::vector<std::string> orgs = sisgen::SchoolCodes(population);
  for (std::string& p : sisgen::ProgramNumbers(population)) orgs.push_back(std::move(p));
  return orgs;
}

}  // namespace

kafka::ProducerOptions ProducerConfig(const std::string& bootstrap, const std::string& client_id) {
  kafka::ProducerOptions o;
  o.brokers = bootstrap;
  o.client_id = client_id;
  return o;
}

kafka::ConsumerOptions ConsumerConfig(const std::string& bootstrap, const std::string& group,
                                      const std::string& topic) {
  kafka::ConsumerOptions o;
  o.brokers = bootstrap;
  o.group_id = group;
  o.client_id = group;
  o.topics = {topic};
  return o;
}

void Fail(const std::string& message) {
  std::cerr << "\npipeline_bench: " << message << std::endl;
  std::exit(1);
}

Progress::Progress(std::string label, int64_t total)
    : label_(std::move(label)),
      total_(total),
      started_(steady_clock::now()),
      last_print_(started_) {}

void Progress::Update(int64_t done, const std::string& extra) {
  auto now = steady_clock::now();
  if (now - last_print_ < seconds(1)) return;
  last_print_ = now;
  const double elapsed = SecondsSince(started_);
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
  std::fprintf(stderr, "[%s] %" PRId64 "/%" PRId64 "  %.0f/s  elapsed %.0fs  ETA %.0fs%s%s\n",
               label_.c_str(), done, total_, rate, elapsed, eta, extra.empty() ? "" : "  ",
               extra.c_str());
}

void Progress::Finish(int64_t done) {
  const double elapsed = SecondsSince(started_);
  std::fprintf(stderr, "[%s] done %" PRId64 "/%" PRId64 " in %.1fs\n", label_.c_str(), done,
               total_, elapsed);
}

Harness::~Harness() { Stop(); }

void Harness::Start() {
  dir_ = testing::ScratchDir(options_.name);
  auto redis = testing::RedisServer::Start(options_.name + "-redis");
  if (!redis.ok()) Fail("redis-server: " + std::string(redis.status().message()));
  redis_ = std::move(*redis);
  if (options_.redis_fsync != "always") {
    if (RedisCli("CONFIG SET appendfsync " + options_.redis_fsync).find("OK") ==
        std::string::npos) {
      Fail("redis CONFIG SET appendfsync " + options_.redis_fsync + " refused");
    }
  }
  testing::KafkaBrokerOptions broker_options;
  broker_options.name = options_.name + "-kafka";
  broker_options.num_partitions = options_.partitions;
  broker_options.heap = "1g";
  broker_ = std::make_unique<testing::KafkaBroker>(broker_options);
  if (absl::Status s = broker_->Start(); !s.ok()) Fail("kafka: " + std::string(s.message()));
  bootstrap_ = broker_->bootstrap();
  std::vector<kafka::TopicSpec> topics = kafka::DefaultTopics(options_.partitions);
  kafka::TopicSpec passthrough;
  passthrough.name = "bench.passthrough";
  passthrough.partitions = options_.partitions;
  topics.push_back(passthrough);
  if (absl::Status s = kafka::EnsureTopics(bootstrap_, topics, seconds(60)); !s.ok()) {
    Fail("topics: " + std::string(s.message()));
  }
  auto producer = kafka::Producer::Create(ProducerConfig(bootstrap_, "pipeline-bench"));
  if (!producer.ok()) Fail(std::string(producer.status().message()));
  for (const v1::RunControl& rc : sisgen::RunControls(options_.population)) {
    if (absl::Status s = (*producer)->Send(kafka::kSevisRunControl, rc.org_id(),
                                           rc.SerializeAsString());
        !s.ok()) {
      Fail("run control: " + std::string(s.message()));
    }
  }
  std::fprintf(stderr, "[setup] kafka %s, redis 127.0.0.1:%d (appendfsync %s), scratch %s\n",
               bootstrap_.c_str(), redis_->port(), options_.redis_fsync.c_str(), dir_.c_str());
}

void Harness::Stop() {
  for (auto& s : services_) {
    if (s->process && s->process->Running()) s->process->Terminate(seconds(60));
  }
  services_.clear();
  if (broker_) (void)broker_->Stop();
  broker_.reset();
  if (redis_) redis_->Stop();
  redis_.reset();
}

double Harness::PublishPopulation(int64_t count) {
  auto producer = kafka::Producer::Create(ProducerConfig(bootstrap_, "pipeline-bench"));
  if (!producer.ok()) Fail(std::string(producer.status().message()));
  std::atomic<int64_t> acked{0};
  std::atomic<int64_t> failed{0};
  sisgen::PopulationOptions population = options_.population;
  population.count = count;
  Progress progress("publish sis.person", count);
  const auto started = steady_clock::now();
  std::string value;
  sisgen::ForEachPerson(population, [&](const sisgen::PopulationPerson& p) {
    p.snapshot.SerializeToString(&value);
    absl::Status s = (*producer)->SendAsync(kafka::kSisPerson, p.snapshot.person_id(), value, {},
                                            [&](absl::Status delivered) {
                                              (delivered.ok() ? acked : failed).fetch_add(1);
                                            });
    if (!s.ok()) Fail("produce: " + std::string(s.message()));
    progress.Update(acked.load());
    return true;
  });
  if (absl::Status s = (*producer)->Flush(std::chrono::minutes(10)); !s.ok()) {
    Fail("flush: " + std::string(s.message()));
  }
  progress.Finish(acked.load());
  if (failed.load() > 0) Fail(std::to_string(failed.load()) + " records not acknowledged");
  return SecondsSince(started);
}

ServiceProcess& Harness::StartService(const std::string& name, const std::string& config_tail) {
  auto s = std::make_unique<ServiceProcess>();
  s->name = name;
  s->grpc_port = testing::FreePort();
  s->metrics_port = testing::FreePort();
  const std::string config =
      "kafka: {brokers: \"" + bootstrap_ + "\"}\n" +
      "redis: {host: 127.0.0.1, port: " + std::to_string(redis_->port()) + "}\n" +
      "grpc: {listen: \"127.0.0.1:" + std::to_string(s->grpc_port) + "\"}\n" +
      "metrics: {listen_host: 127.0.0.1, port: " + std::to_string(s->metrics_port) + "}\n" +
      "log: {level: info}\n" + "xsd_dir: \"" + testing::XsdDir() + "\"\n" + config_tail;
  const std::string config_path = dir_ + "/" + name + ".yaml";
  WriteText(config_path, config);
  auto p = testing::ChildProcess::Spawn(
      {Bin("services/" + name + "/sevisflow-" + name), "--config", config_path},
      dir_ + "/" + name + ".log");
  if (!p.ok()) Fail(name + ": " + std::string(p.status().message()));
  s->process = std::move(*p);
  if (!testing::WaitForHttpOk(s->metrics_port, "/healthz", seconds(120))) {
    Fail(name + " did not become healthy: " + s->process->LogTail());
  }
  services_.push_back(std::move(s));
  return *services_.back();
}

ServiceProcess& Harness::StartDetector() { return StartService("detector", ""); }

ServiceProcess& Harness::StartBuilder() {
  // The DSO of the latency measure, granted every org of the population; no auto-select and no
  // timer, so every alert stays OPEN and ListAlerts shows it.
  std::string orgs = "orgs:\n";
  std::string grants;
  for (const std::string& org : AllOrgs(options_.population)) {
    orgs += "  " + org + ":\n    user_id: " + kUser + "\n";
    grants += "      " + org + ": {user_id: " + kUser + "}\n";
  }
  const std::string tail =
      std::string("builder:\n  auto_select: false\n  close_interval_seconds: 0\n") +
      "  auto_close_selected: 0\n" + orgs + "dsos:\n  " + kDso +
      ":\n    token_sha256: " + rpc::TokenSha256Hex(kToken) + "\n    orgs:\n" + grants;
  return StartService("builder", tail);
}

ServiceProcess* Harness::Find(const std::string& name) {
  for (auto& s : services_) {
    if (s->name == name) return s.get();
  }
  return nullptr;
}

std::string Harness::RedisCli(const std::string& args) const {
  const std::string cmd =
      "redis-cli -h 127.0.0.1 -p " + std::to_string(redis_->port()) + " " + args + " 2>&1";
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

int64_t Harness::RedisUsedMemory() const {
  std::istringstream in(RedisCli("INFO memory"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("used_memory:", 0) == 0) return std::stoll(line.substr(12));
  }
  return -1;
}

int64_t Harness::RedisKeys() const {
  const std::string out = RedisCli("DBSIZE");
  return out.empty() ? -1 : std::stoll(out);
}

double ScrapeSum(int port, const std::string& name, const std::string& label_filter) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(10, 0);
  auto res = c.Get("/metrics");
  if (!res || res->status != 200) return -1;
  std::istringstream in(res->body);
  std::string line;
  double sum = 0;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0 || line.size() <= name.size()) continue;
    const char next = line[name.size()];
    if (next != '{' && next != ' ') continue;
    if (!label_filter.empty() && line.find(label_filter) == std::string::npos) continue;
    const size_t space = line.rfind(' ');
    sum += std::stod(line.substr(space + 1));
  }
  return sum;
}

int64_t PeakRssBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;  // kB
  }
  return -1;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int64_t WaitProgress(const std::string& label, int64_t total, std::chrono::seconds timeout,
                     const std::function<int64_t()>& done) {
  Progress progress(label, total);
  const auto deadline = steady_clock::now() + timeout;
  int64_t value = done();
  while (value < total && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
    value = done();
    progress.Update(value);
  }
  progress.Finish(value);
  return value;
}

void PrintResult(const Figure& f) {
  std::printf("RESULT %s | %s | %.6g %s | goal %s | %s%s%s\n", f.measure.c_str(), f.name.c_str(),
              f.value, f.unit.c_str(), f.goal.empty() ? "-" : f.goal.c_str(),
              !f.met ? "-" : (*f.met ? "met" : "NOT met"), f.note.empty() ? "" : " | ",
              f.note.c_str());
  std::fflush(stdout);
}

void PrintSummary(const std::vector<Figure>& figures, const std::string& header,
                  const std::string& report_path) {
  auto value = [](const Figure& f) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g %s", f.value, f.unit.c_str());
    return std::string(buf);
  };
  std::printf("\n%-12s %-44s %-20s %-16s %-8s %s\n", "measure", "figure", "value", "goal", "met",
              "note");
  for (const Figure& f : figures) {
    std::printf("%-12s %-44s %-20s %-16s %-8s %s\n", f.measure.c_str(), f.name.c_str(),
                value(f).c_str(), f.goal.empty() ? "-" : f.goal.c_str(),
                !f.met ? "-" : (*f.met ? "yes" : "NO"), f.note.c_str());
  }
  std::fflush(stdout);
  if (report_path.empty()) return;
  std::ofstream out(report_path);
  out << header << "\n\n| measure | figure | value | goal | met | note |\n"
      << "|---|---|---|---|---|---|\n";
  for (const Figure& f : figures) {
    out << "| " << f.measure << " | " << f.name << " | " << value(f) << " | "
        << (f.goal.empty() ? "-" : f.goal) << " | " << (!f.met ? "-" : (*f.met ? "yes" : "**no**"))
        << " | " << f.note << " |\n";
  }
  std::fprintf(stderr, "[report] written to %s\n", report_path.c_str());
}

}  // namespace sevisflow::bench
