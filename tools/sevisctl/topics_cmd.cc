// sevisctl topics ensure | list: create the topic catalogue (libs/kafka/topics.h) and show
// what the cluster has.

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "sevisflow/kafka/admin.h"
#include "sevisflow/kafka/topics.h"

namespace sevisflow::sevisctl {
namespace {

struct TopicsFlags {
  std::string brokers;
  int partitions = 3;
  int timeout_s = 30;
};

std::string DefaultBrokers() {
  if (const char* env = std::getenv("SEVISFLOW_KAFKA_BROKERS"); env && *env) return env;
  return "127.0.0.1:9092";
}

void AddCommonFlags(CLI::App& cmd, TopicsFlags& flags) {
  cmd.add_option("--brokers", flags.brokers,
                 "Kafka bootstrap servers host:port[,host:port] (env SEVISFLOW_KAFKA_BROKERS)")
      ->capture_default_str();
  cmd.add_option("--timeout", flags.timeout_s, "Seconds to wait for the cluster")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
}

}  // namespace

void AddTopicsCommands(CLI::App& app) {
  auto flags = std::make_shared<TopicsFlags>();
  flags->brokers = DefaultBrokers();
  CLI::App* topics = app.add_subcommand("topics", "Kafka topic catalogue");
  topics->require_subcommand(1);

  CLI::App* ensure = topics->add_subcommand(
      "ensure", "Create every catalogue topic that does not exist yet (existing ones are kept)");
  AddCommonFlags(*ensure, *flags);
  ensure->add_option("--partitions", flags->partitions, "Partitions of each new topic")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  ensure->callback([flags] {
    std::vector<kafka::TopicSpec> specs = kafka::DefaultTopics(flags->partitions);
    absl::Status s =
        kafka::EnsureTopics(flags->brokers, specs, std::chrono::seconds(flags->timeout_s));
    if (!s.ok()) {
      std::cerr << "sevisctl topics ensure: " << s << "\n";
      throw CLI::RuntimeError(1);
    }
    for (const kafka::TopicSpec& t : specs) std::cout << t.name << "\n";
  });

  CLI::App* list = topics->add_subcommand("list", "List topics with partitions and cleanup policy");
  AddCommonFlags(*list, *flags);
  list->callback([flags] {
    auto listed = kafka::ListTopics(flags->brokers, std::chrono::seconds(flags->timeout_s));
    if (!listed.ok()) {
      std::cerr << "sevisctl topics list: " << listed.status() << "\n";
      throw CLI::RuntimeError(1);
    }
    std::printf("%-28s %10s  %-14s %s\n", "TOPIC", "PARTITIONS", "CLEANUP", "RETENTION.MS");
    for (const kafka::TopicInfo& t : *listed) {
      auto retention = t.configs.find("retention.ms");
      std::printf("%-28s %10d  %-14s %s\n", t.name.c_str(), t.partitions,
                  t.cleanup_policy.c_str(),
                  retention == t.configs.end() ? "-" : retention->second.c_str());
    }
  });
}

}  // namespace sevisflow::sevisctl
