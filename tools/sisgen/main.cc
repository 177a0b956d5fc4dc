// sisgen: deterministic synthetic SIS person snapshots (synthetic people only), written to a
// JSONL file (or stdout) or published to Kafka (key person_id; protobuf binary, or JSON with
// --json).
//
//   sisgen --count N --seed S ...                 a small campus (GenerateCampus), as always
//   sisgen population --count N --seed S ...      a realistic population, streamed (population.h)
//   sisgen changes --count N --seed S --rate R/s --changes M ...
//                                                 a paced stream of edits (change_stream.h)
// See tools/sisgen/README.md.
#include <CLI/CLI.hpp>
#include <google/protobuf/util/json_util.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/sisgen/change_stream.h"
#include "sevisflow/sisgen/generator.h"
#include "sevisflow/sisgen/population.h"

namespace {

using namespace sevisflow;
using Clock = std::chrono::steady_clock;

// Where snapshots go: a JSONL file / stdout, or a Kafka topic (records streamed as they are
// made: the producer's bounded queue blocks the generator, so nothing accumulates).
class Sink {
 public:
  static std::unique_ptr<Sink> Open(const std::string& out_path, const std::string& brokers,
                                    const std::string& topic, bool json) {
    auto sink = std::unique_ptr<Sink>(new Sink());
    sink->topic_ = topic;
    sink->json_ = json;
    if (!brokers.empty()) {
      kafka::ProducerOptions options;
      options.brokers = brokers;
      options.client_id = "sisgen";
      auto producer = kafka::Producer::Create(options);
      if (!producer.ok()) {
        std::cerr << "sisgen: " << producer.status() << "\n";
        return nullptr;
      }
      sink->producer_ = std::move(*producer);
      return sink;
    }
    sink->out_ = &std::cout;
    if (out_path != "-") {
      sink->file_.open(out_path, std::ios::binary | std::ios::trunc);
      if (!sink->file_) {
        std::cerr << "sisgen: cannot write " << out_path << "\n";
        return nullptr;
      }
      sink->out_ = &sink->file_;
    }
    return sink;
  }

  absl::Status Put(const v1::SisPersonSnapshot& snapshot, const kafka::Headers& headers = {}) {
    ++sent_;
    if (out_ != nullptr) {
      *out_ << sisgen::ToJsonLine(snapshot) << '\n';
      if (!*out_) return absl::DataLossError("write failed");
      ++acknowledged_;
      return absl::OkStatus();
    }
    const std::string value = json_ ? sisgen::ToJsonLine(snapshot) : snapshot.SerializeAsString();
    return producer_->SendAsync(topic_, snapshot.person_id(), value, headers,
                                [this](absl::Status st) {
                                  if (st.ok()) {
                                    acknowledged_.fetch_add(1);
                                  } else {
                                    failed_.fetch_add(1);
                                  }
                                });
  }

  // Every record written or acknowledged; an error names what was lost.
  absl::Status Finish() {
    if (out_ != nullptr) {
      out_->flush();
      return *out_ ? absl::OkStatus() : absl::DataLossError("write failed");
    }
    if (absl::Status s = producer_->Flush(std::chrono::minutes(5)); !s.ok()) return s;
    if (failed_.load() > 0) {
      return absl::DataLossError(std::to_string(failed_.load()) + " records were not delivered");
    }
    return absl::OkStatus();
  }

  bool kafka() const { return producer_ != nullptr; }
  int64_t sent() const { return sent_; }
  int64_t acknowledged() const { return acknowledged_.load(); }

 private:
  Sink() = default;
  std::string topic_;
  bool json_ = false;
  std::unique_ptr<kafka::Producer> producer_;
  std::ofstream file_;
  std::ostream* out_ = nullptr;
  int64_t sent_ = 0;
  std::atomic<int64_t> acknowledged_{0};
  std::atomic<int64_t> failed_{0};
};

// The population flags shared by `population` and `changes`.
struct PopulationFlags {
  sisgen::PopulationOptions options;
  int fm_percent = -1;  // -1: not given
  std::string out_path;
  std::string brokers;
  std::string topic = kafka::kSisPerson;
  bool json = false;
  CLI::Option* out_opt = nullptr;
  CLI::Option* brokers_opt = nullptr;
};

void AddPopulationFlags(CLI::App& app, PopulationFlags& f) {
  app.add_option("--count", f.options.count, "number of persons")
      ->required()
      ->check(CLI::Range(int64_t{1}, int64_t{100'000'000}));
  app.add_option("--seed", f.options.seed, "population seed (same seed, same bytes)")->required();
  auto* fm = app.add_option("--fm-percent", f.fm_percent,
                            "share of F-1 and M-1 students, 0-100 (the rest are J-1)")
                 ->check(CLI::Range(0, 100));
  app.add_option("--m1-percent", f.options.m1_percent, "share of M-1 students of all persons")
      ->check(CLI::Range(0, 100));
  auto* j1 = app.add_option("--j1-percent", f.options.j1_percent,
                            "share of J-1 exchange visitors of all persons")
                 ->check(CLI::Range(0, 100));
  fm->excludes(j1);
  app.add_option("--orgs", f.options.orgs, "school codes (and as many J program numbers)")
      ->check(CLI::Range(1, 99999));
  app.add_option("--id-prefix", f.options.id_prefix, "person id prefix");
  app.add_option("--today", f.options.today, "the day the population describes (YYYY-MM-DD)");
  f.out_opt = app.add_option("--out", f.out_path, "JSONL file to write ('-' = stdout)");
  f.brokers_opt = app.add_option("--brokers", f.brokers, "Kafka bootstrap host:port");
  app.add_option("--topic", f.topic, "topic to publish to");
  app.add_flag("--json", f.json, "publish protobuf JSON instead of binary");
  f.out_opt->excludes(f.brokers_opt);
}

// Applies --fm-percent and checks the mix adds up; false (with a message) when it does not.
bool ResolveMix(PopulationFlags& f) {
  if (f.fm_percent >= 0) f.options.j1_percent = 100 - f.fm_percent;
  if (f.options.m1_percent + f.options.j1_percent > 100) {
    std::cerr << "sisgen: --m1-percent plus the J-1 share exceed 100\n";
    return false;
  }
  if (f.out_path.empty() && f.brokers.empty()) f.out_path = "-";
  return true;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

int RunPopulation(int argc, char** argv) {
  CLI::App app{"sisgen population: a realistic synthetic population, streamed"};
  PopulationFlags f;
  AddPopulationFlags(app, f);
  std::string run_controls_path;
  app.add_option("--run-controls-out", run_controls_path,
                 "also write the orgs' run controls (protobuf JSON, one per line)");
  CLI11_PARSE(app, argc, argv);
  if (!ResolveMix(f)) return 2;
  common::InitLogging({});
  auto log = common::Logger("sisgen");
  if (!run_controls_path.empty()) {
    std::ofstream rc_file(run_controls_path, std::ios::binary | std::ios::trunc);
    for (const auto& rc : sisgen::RunControls(f.options)) {
      std::string json;
      google::protobuf::util::JsonPrintOptions json_options;
      json_options.preserve_proto_field_names = true;
      (void)google::protobuf::util::MessageToJsonString(rc, &json, json_options);
      rc_file << json << '\n';
    }
    if (!rc_file) {
      std::cerr << "sisgen: cannot write " << run_controls_path << "\n";
      return 1;
    }
  }
  auto sink = Sink::Open(f.out_path, f.brokers, f.topic, f.json);
  if (!sink) return 1;
  const auto started = Clock::now();
  auto last_report = started;
  absl::Status status = absl::OkStatus();
  sisgen::ForEachPerson(f.options, [&](const sisgen::PopulationPerson& p) {
    status = sink->Put(p.snapshot);
    if (!status.ok()) return false;
    if (sink->kafka() && Clock::now() - last_report >= std::chrono::seconds(1)) {
      last_report = Clock::now();
      std::fprintf(stderr, "sisgen: %lld/%lld persons sent, %lld acknowledged\n",
                   static_cast<long long>(sink->sent()), static_cast<long long>(f.options.count),
                   static_cast<long long>(sink->acknowledged()));
    }
    return true;
  });
  if (status.ok()) status = sink->Finish();
  if (!status.ok()) {
    std::cerr << "sisgen: " << status << "\n";
    return 1;
  }
  const double seconds = Seconds(Clock::now() - started);
  std::fprintf(stderr, "sisgen: %lld persons in %.2f s (%.0f persons/s)\n",
               static_cast<long long>(sink->sent()), seconds,
               seconds > 0 ? static_cast<double>(sink->sent()) / seconds : 0.0);
  log->info("{} snapshots {}", sink->sent(), sink->kafka() ? "published to " + f.topic : "written");
  return 0;
}

// "1000", "1000/s" or "1000/sec": changes per second (0 = as fast as possible).
bool ParseRate(std::string text, double* rate) {
  for (std::string_view suffix : {"/sec", "/s"}) {
    if (text.size() > suffix.size() && text.ends_with(suffix)) {
      text.resize(text.size() - suffix.size());
      break;
    }
  }
  try {
    size_t used = 0;
    *rate = std::stod(text, &used);
    return used == text.size() && *rate >= 0;
  } catch (const std::exception&) {
    return false;
  }
}

int RunChanges(int argc, char** argv) {
  CLI::App app{"sisgen changes: a paced stream of realistic edits of a population"};
  PopulationFlags f;
  AddPopulationFlags(app, f);
  sisgen::ChangeOptions change_options;
  int64_t changes = 0;
  std::string rate_text = "0";
  std::optional<uint64_t> change_seed;
  app.add_option("--changes", changes, "number of changes to send")
      ->required()
      ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}));
  app.add_option("--rate", rate_text, "changes per second, e.g. 1000/s (0 = unpaced)");
  app.add_option("--change-seed", change_seed, "seed of the change stream (default: --seed)");
  std::vector<int> weights;
  app.add_option("--weights", weights,
                 "7 relative weights: address, enrollment_drop, full_time, program_extension, "
                 "opt_employer, new_dependent, name")
      ->expected(sisgen::kChangeKindCount);
  CLI11_PARSE(app, argc, argv);
  if (!ResolveMix(f)) return 2;
  double rate = 0;
  if (!ParseRate(rate_text, &rate)) {
    std::cerr << "sisgen: --rate must be a number of changes per second, e.g. 1000/s\n";
    return 2;
  }
  change_options.population = f.options;
  change_options.seed = change_seed.value_or(f.options.seed);
  for (size_t k = 0; k < weights.size(); ++k) change_options.weights[k] = weights[k];

  common::InitLogging({});
  auto log = common::Logger("sisgen");
  auto sink = Sink::Open(f.out_path, f.brokers, f.topic, f.json);
  if (!sink) return 1;
  sisgen::ChangeStream stream(change_options);
  std::array<int64_t, sisgen::kChangeKindCount> by_kind{};
  const auto started = Clock::now();
  auto last_report = started;
  int64_t last_sent = 0;
  for (int64_t n = 0; n < changes; ++n) {
    if (rate > 0) {
      // Change n is due at n / rate seconds: a slow moment is caught up, not skipped.
      std::this_thread::sleep_until(
          started + std::chrono::duration_cast<Clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(n) / rate)));
    }
    sisgen::Change change = stream.Next();
    ++by_kind[static_cast<size_t>(change.kind)];
    // The kind and sequence travel as headers, for a benchmark's bookkeeping (no personal data).
    kafka::Headers headers = {
        {"sisgen-change-kind", std::string(sisgen::ChangeKindName(change.kind))},
        {"sisgen-change-sequence", std::to_string(change.sequence)}};
    if (absl::Status s = sink->Put(change.snapshot, headers); !s.ok()) {
      std::cerr << "sisgen: " << s << "\n";
      return 1;
    }
    const auto now = Clock::now();
    if (now - last_report >= std::chrono::seconds(1)) {
      const double interval = Seconds(now - last_report);
      std::fprintf(stderr, "sisgen: %lld/%lld changes sent (%.0f/s), %lld acknowledged\n",
                   static_cast<long long>(sink->sent()), static_cast<long long>(changes),
                   static_cast<double>(sink->sent() - last_sent) / interval,
                   static_cast<long long>(sink->acknowledged()));
      last_report = now;
      last_sent = sink->sent();
    }
  }
  if (absl::Status s = sink->Finish(); !s.ok()) {
    std::cerr << "sisgen: " << s << "\n";
    return 1;
  }
  const double seconds = Seconds(Clock::now() - started);
  std::fprintf(stderr, "sisgen: %lld changes in %.2f s (%.0f changes/s)",
               static_cast<long long>(sink->sent()), seconds,
               seconds > 0 ? static_cast<double>(sink->sent()) / seconds : 0.0);
  for (int k = 0; k < sisgen::kChangeKindCount; ++k) {
    std::fprintf(stderr, " %s=%lld",
                 std::string(sisgen::ChangeKindName(static_cast<sisgen::ChangeKind>(k))).c_str(),
                 static_cast<long long>(by_kind[static_cast<size_t>(k)]));
  }
  std::fprintf(stderr, "\n");
  log->info("{} changes {}", sink->sent(), sink->kafka() ? "published to " + f.topic : "written");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sevisflow;
  const std::string_view mode = argc > 1 ? argv[1] : "";
  if (mode == "population") return RunPopulation(argc - 1, argv + 1);
  if (mode == "changes") return RunChanges(argc - 1, argv + 1);

  CLI::App app{"sisgen: a deterministic synthetic campus for sevisflow (synthetic people only)"};
  app.footer("Also: sisgen population --help, sisgen changes --help (tools/sisgen/README.md)");
  sisgen::CampusOptions options;
  std::string out_path;
  std::string brokers;
  std::string topic = kafka::kSisPerson;
  bool json = false;
  app.add_option("--count", options.count, "number of people")->required()->check(
      CLI::Range(0, 10000000));
  app.add_option("--seed", options.seed, "random seed (same seed, same bytes)")->required();
  app.add_option("--org", options.org, "SEVIS school code on the I-20s")
      ->check([](const std::string& v) {
        return v.size() == 15 ? std::string() : std::string("a school code has 15 characters");
      });
  app.add_option("--id-prefix", options.id_prefix, "person id prefix");
  app.add_option("--j1-percent", options.j1_percent, "share of J-1 exchange visitors, 0-100")
      ->check(CLI::Range(0, 100));
  auto* out_opt = app.add_option("--out", out_path, "JSONL file to write ('-' = stdout)");
  auto* brokers_opt = app.add_option("--brokers", brokers, "Kafka bootstrap host:port");
  app.add_option("--topic", topic, "topic to publish to");
  app.add_flag("--json", json, "publish protobuf JSON instead of binary");
  out_opt->excludes(brokers_opt);
  CLI11_PARSE(app, argc, argv);
  if (out_path.empty() && brokers.empty()) out_path = "-";

  common::InitLogging({});
  auto log = common::Logger("sisgen");
  const auto people = sisgen::GenerateCampus(options);

  if (!out_path.empty()) {
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (out_path != "-") {
      file.open(out_path, std::ios::binary | std::ios::trunc);
      if (!file) {
        std::cerr << "sisgen: cannot write " << out_path << "\n";
        return 1;
      }
      out = &file;
    }
    for (const auto& p : people) *out << sisgen::ToJsonLine(p.snapshot) << '\n';
    out->flush();
    if (!*out) {
      std::cerr << "sisgen: write failed\n";
      return 1;
    }
    log->info("wrote {} snapshots", people.size());
    return 0;
  }

  kafka::ProducerOptions producer_options;
  producer_options.brokers = brokers;
  producer_options.client_id = "sisgen";
  auto producer = kafka::Producer::Create(producer_options);
  if (!producer.ok()) {
    std::cerr << "sisgen: " << producer.status() << "\n";
    return 1;
  }
  std::atomic<int> failed{0};
  for (const auto& p : people) {
    std::string value = json ? sisgen::ToJsonLine(p.snapshot) : p.snapshot.SerializeAsString();
    absl::Status s = (*producer)->SendAsync(topic, p.snapshot.person_id(), value, {},
                                            [&failed](absl::Status st) {
                                              if (!st.ok()) failed.fetch_add(1);
                                            });
    if (!s.ok()) {
      std::cerr << "sisgen: " << s << "\n";
      return 1;
    }
  }
  if (absl::Status s = (*producer)->Flush(std::chrono::seconds(60)); !s.ok()) {
    std::cerr << "sisgen: " << s << "\n";
    return 1;
  }
  if (failed.load() > 0) {
    std::cerr << "sisgen: " << failed.load() << " records were not delivered\n";
    return 1;
  }
  log->info("published {} snapshots to {}", people.size(), topic);
  return 0;
}
