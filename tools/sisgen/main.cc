// sisgen: writes a deterministic synthetic campus of SIS person snapshots to a JSONL file (or
// stdout) or publishes them to Kafka (key person_id; protobuf binary, or JSON with --json).
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

#include "sevisflow/common/logging.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/sisgen/generator.h"

int main(int argc, char** argv) {
  using namespace sevisflow;
  CLI::App app{"sisgen: a deterministic synthetic campus for sevisflow (synthetic people only)"};
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
