// The walking skeleton end to end: sisgen publishes F-1/M-1 students to sis.person; the four
// services and sevis-sim run as real processes (their own binaries) against a real Apache Kafka
// broker (KRaft), a real redis-server and real TLS certificates; every student ends with a
// SEVIS ID in the SEVIS Master.
//
// Tests run in order and share the pipeline:
//  1. 50 students → 50 SEVIS IDs on sevis.master; every uploaded document also validates with
//     xmllint (an independent validator); republishing the same snapshots creates no alert.
//  2. the uploader is SIGKILLed after its upload and before the result is imported; restarted,
//     the batch is uploaded exactly once and its result imported once.
//  3. every service answers gRPC health and /metrics, and stops cleanly on SIGTERM.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "e2e_cluster.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/testing/ports.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"

namespace sevisflow {
namespace {

namespace fs = std::filesystem;
using e2e::kOrg;
using e2e::Metric;
using std::chrono::milliseconds;
using std::chrono::seconds;

class Pipeline : public ::testing::Environment {
 public:
  void SetUp() override { cluster.Start(); }
  void TearDown() override { cluster.Stop(); }

  e2e::Cluster cluster{{.name = "pipeline_e2e", .builder = e2e::AutoCloseBuilderYaml()}};
};

Pipeline* const pipeline =
    static_cast<Pipeline*>(::testing::AddGlobalTestEnvironment(new Pipeline));
e2e::Cluster* const env = &pipeline->cluster;

// A reader of `topic` on the pipeline's broker.
class TopicReader : public e2e::TopicReader {
 public:
  explicit TopicReader(const std::string& topic)
      : e2e::TopicReader(env->broker->bootstrap(), topic) {}
};

// person_id → SEVIS ID, from the master records seen (the latest per key wins, as compaction).
std::map<std::string, std::string> SevisIds(const std::vector<kafka::Message>& records) {
  std::map<std::string, std::string> out;
  for (const auto& m : records) {
    v1::MasterRecord r;
    if (!m.is_tombstone && r.ParseFromString(m.value) && r.org_id() == kOrg) {
      out[r.person_id()] = r.sevis_id();
    }
  }
  return out;
}

std::set<std::string> PeopleWithPrefix(const std::map<std::string, std::string>& ids,
                                       const std::string& prefix) {
  std::set<std::string> out;
  for (const auto& [person, sevis] : ids) {
    if (person.rfind(prefix, 0) == 0) out.insert(person);
  }
  return out;
}

int Sisgen(int count, int seed, const std::string& id_prefix) {
  return env->Sisgen(count, seed, id_prefix);
}

int CountCreateAlerts(const std::vector<kafka::Message>& alerts, const std::string& prefix) {
  int n = 0;
  for (const auto& m : alerts) {
    v1::Alert a;
    if (a.ParseFromString(m.value) && a.event_type() == v1::EVENT_TYPE_CREATE_STUDENT &&
        a.person_id().rfind(prefix, 0) == 0) {
      ++n;
    }
  }
  return n;
}

const std::regex kSevisIdPattern("N[0-9]{10}");

TEST(PipelineE2ETest, FiftyStudentsGetSevisIdsAndARepublishCreatesNothing) {
  TopicReader master(kafka::kSevisMaster);
  TopicReader alerts(kafka::kSevisAlerts);
  ASSERT_EQ(Sisgen(50, 7, "E2EA"), 0);

  ASSERT_TRUE(master.WaitFor(
      [](const auto& seen) { return PeopleWithPrefix(SevisIds(seen), "E2EA").size() >= 50; },
      seconds(300)))
      << "master records: " << SevisIds(master.Drain(milliseconds(10))).size() << "\n"
      << env->Get("builder").process->LogTail() << env->Get("uploader").process->LogTail();
  auto ids = SevisIds(master.Drain(milliseconds(10)));
  std::set<std::string> distinct_sevis_ids;
  for (const auto& person : PeopleWithPrefix(ids, "E2EA")) {
    EXPECT_TRUE(std::regex_match(ids[person], kSevisIdPattern)) << ids[person];
    distinct_sevis_ids.insert(ids[person]);
  }
  EXPECT_EQ(distinct_sevis_ids.size(), 50u);
  EXPECT_EQ(CountCreateAlerts(alerts.Settle(seconds(2)), "E2EA"), 50);

  // Every document that was uploaded validates with xmllint too (an independent validator).
  int documents = 0;
  const std::string xsd = testing::XsdDir() + "/6.55/Create-UpdateStudent.xsd";
  for (const auto& entry : fs::recursive_directory_iterator(env->docstore)) {
    if (entry.path().filename() != "batch.xml") continue;
    ++documents;
    std::string cmd = "xmllint --noout --schema '" + xsd + "' '" + entry.path().string() +
                      "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << entry.path();
  }
  EXPECT_GE(documents, 1);

  // Republishing the same snapshots: the detector reads them all, and emits nothing new.
  auto& detector = env->Get("detector");
  const std::string consumed = "sevisflow_detector_messages_consumed_total{topic=\"sis.person\"}";
  double before = Metric(detector.metrics_port, consumed);
  ASSERT_GE(before, 50);
  ASSERT_EQ(Sisgen(50, 7, "E2EA"), 0);
  ASSERT_TRUE(testing::WaitUntil(
      [&] { return Metric(detector.metrics_port, consumed) >= before + 50; }, seconds(120)));
  EXPECT_EQ(CountCreateAlerts(alerts.Settle(seconds(5)), "E2EA"), 50);
  EXPECT_EQ(PeopleWithPrefix(SevisIds(master.Settle(seconds(2))), "E2EA").size(), 50u);
}

TEST(PipelineE2ETest, UploaderKilledAfterUploadIsNotUploadedTwiceAndImportsOnce) {
  // SEVIS answers "not yet processed" for a while, as production does, so the uploader can be
  // killed between its upload and the import of the result.
  env->sim->Terminate(seconds(30));
  env->StartSim(20);
  auto before = env->SimStats();
  std::set<std::string> known_batches;
  for (auto& [batch, n] : before["accepted_by_batch"].items()) known_batches.insert(batch);

  TopicReader master(kafka::kSevisMaster);
  TopicReader results(kafka::kSevisResults);
  TopicReader outcomes(kafka::kSevisOutcomes);
  ASSERT_EQ(Sisgen(5, 8, "E2EB"), 0);

  std::string new_batch;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        auto stats = env->SimStats();
        for (auto& [batch, n] : stats["accepted_by_batch"].items()) {
          if (!known_batches.count(batch)) new_batch = batch;
        }
        return !new_batch.empty();
      },
      seconds(120)))
      << env->Get("uploader").process->LogTail();

  auto& uploader = env->Get("uploader");
  uploader.process->Kill();  // after the upload, before the result exists
  EXPECT_TRUE(PeopleWithPrefix(SevisIds(master.Settle(seconds(1))), "E2EB").empty())
      << "the result was imported before the uploader was killed; the test proves nothing";
  env->StartService(uploader);
  ASSERT_TRUE(testing::WaitForHttpOk(uploader.metrics_port, "/healthz", seconds(60)));

  ASSERT_TRUE(master.WaitFor(
      [](const auto& seen) { return PeopleWithPrefix(SevisIds(seen), "E2EB").size() >= 5; },
      seconds(180)))
      << uploader.process->LogTail();

  auto stats = env->SimStats();
  EXPECT_EQ(stats["uploads_by_batch"][new_batch].get<int>(), 1) << stats.dump();
  EXPECT_EQ(stats["accepted_by_batch"][new_batch].get<int>(), 1) << stats.dump();

  int results_for_batch = 0;
  for (const auto& m : results.Settle(seconds(3))) {
    v1::BatchResult r;
    if (r.ParseFromString(m.value) && r.batch_id() == new_batch) ++results_for_batch;
  }
  EXPECT_EQ(results_for_batch, 1);
  std::map<std::string, int> outcomes_per_alert;
  for (const auto& m : outcomes.Settle(seconds(1))) {
    v1::Outcome o;
    if (o.ParseFromString(m.value) && o.batch_id() == new_batch) {
      ++outcomes_per_alert[o.alert_id()];
      EXPECT_TRUE(o.accepted()) << o.error_code();
    }
  }
  EXPECT_EQ(outcomes_per_alert.size(), 5u);
  for (const auto& [alert, n] : outcomes_per_alert) EXPECT_EQ(n, 1) << alert;
}

TEST(PipelineE2ETest, EveryServiceIsHealthyExposesMetricsAndStopsCleanly) {
  for (auto& s : env->services) {
    auto health = rpc::CheckHealth("127.0.0.1:" + std::to_string(s.grpc_port), "", seconds(10));
    ASSERT_TRUE(health.ok()) << s.name << ": " << health.status();
    EXPECT_TRUE(*health) << s.name;
    // Consumer lag is exported per assigned partition; a member restarted after a SIGKILL gets
    // its partitions once the group's session timeout has retired the dead member.
    std::string body;
    EXPECT_TRUE(testing::WaitUntil(
        [&] {
          httplib::Client c("127.0.0.1", s.metrics_port);
          auto res = c.Get("/metrics");
          body = res ? res->body : "";
          return body.find("sevisflow_kafka_consumer_lag{") != std::string::npos;
        },
        seconds(90)))
        << s.name << ": " << body;
    EXPECT_THAT(body, ::testing::HasSubstr("sevisflow_" + s.name + "_")) << s.name;
  }
  for (auto& s : env->services) {
    EXPECT_EQ(s.process->Terminate(seconds(60)), 0) << s.name << ": " << s.process->LogTail();
  }
}

}  // namespace
}  // namespace sevisflow
