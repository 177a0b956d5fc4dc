// The review loop end to end (issue 7): a record SEVIS rejects comes back into review with
// SEVIS's code and message, the DSO fixes the data and resubmits, and the second batch is
// accepted. The four services and sevis-sim run as real processes against a real Kafka broker,
// redis-server and TLS (e2e_cluster.h); the DSO works over the builder's ReviewService with a
// bearer token, and through the real sevisctl binary.
//
// The rejection is SEVIS's own rule (sevis-sim sim_database.cc): two SIS people with the same
// family name, given name and birth date are one person to SEVIS, so of two creates in one
// batch the second fails with S1004 ("... a duplicate of other record(s) within this XML").
// The DSO sees the code and message on the alert, cannot select it again as it is, corrects the
// birth date in the SIS, and the new snapshot's create (which supersedes the failed alert) is
// accepted in a second batch.
//
// Tests run in order and share the cluster:
//  1. the loop above; every alert has exactly one outcome per batch; nothing is lost;
//  2. `sevisctl uploads list` shows both batches downloaded (and `uploads retry|cancel` relay
//     the uploader's refusals), `sevisctl documents` the PDF filed for each accepted create, in
//     its batch.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "e2e_cluster.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/testing/process.h"
#include "sevisflow/v1/alert.pb.h"
#include "sevisflow/v1/import_service.grpc.pb.h"
#include "sevisflow/v1/master.pb.h"
#include "sevisflow/v1/outcome.pb.h"
#include "sevisflow/v1/review_service.grpc.pb.h"
#include "sevisflow/v1/sis_person.pb.h"

namespace sevisflow {
namespace {

using e2e::kOrg;
using e2e::kUser;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kToken[] = "tok-e2e-review-loop-0001";
constexpr char kDso[] = "jdoe";
constexpr char kFirst[] = "RLA0000001";   // sisgen's person
constexpr char kSecond[] = "RLB0000001";  // the same person keyed in again under another id

// The DSO, granted kOrg, on every service's API.
std::string DsosYaml() {
  return std::string("dsos:\n  ") + kDso + ":\n    token_sha256: " +
         rpc::TokenSha256Hex(kToken) + "\n    orgs:\n      " + kOrg + ": {user_id: " + kUser +
         "}\n";
}

// The DSO selects and closes by hand: no auto-select, no timer.
std::string BuilderYaml() {
  return std::string("builder:\n  auto_select: false\n  close_interval_seconds: 0\n") +
         "  auto_close_selected: 0\norgs:\n  " + kOrg + ":\n    user_id: " + kUser + "\n" +
         DsosYaml();
}

class Loop : public ::testing::Environment {
 public:
  void SetUp() override { cluster.Start(); }
  void TearDown() override { cluster.Stop(); }
  e2e::Cluster cluster{{.name = "review_loop_e2e",
                        .builder = BuilderYaml(),
                        .dsos = DsosYaml(),
                        .partitions = 1}};
};
Loop* const loop = static_cast<Loop*>(::testing::AddGlobalTestEnvironment(new Loop));
e2e::Cluster* const env = &loop->cluster;

// The DSO's side of the builder's ReviewService, with the bearer token on every call.
class Dso {
 public:
  Dso()
      : stub_(v1::ReviewService::NewStub(rpc::Dial(env->Get("builder").grpc_address()))) {}

  std::vector<v1::ReviewAlert> Alerts(const std::string& person) {
    v1::ListAlertsRequest request;
    request.set_org_id(kOrg);
    request.set_person_id(person);
    v1::ListAlertsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    grpc::Status status = stub_->ListAlerts(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.alerts().begin(), response.alerts().end()};
  }
  grpc::Status Get(const std::string& alert_id, v1::ReviewAlert* alert) {
    v1::GetAlertRequest request;
    request.set_org_id(kOrg);
    request.set_alert_id(alert_id);
    grpc::ClientContext context;
    Prepare(context);
    return stub_->GetAlert(&context, request, alert);
  }
  v1::SelectAlertsResponse Select(const std::vector<std::string>& ids) {
    v1::SelectAlertsRequest request;
    request.set_org_id(kOrg);
    for (const auto& id : ids) request.add_alert_ids(id);
    v1::SelectAlertsResponse response;
    grpc::ClientContext context;
    Prepare(context);
    grpc::Status status = stub_->SelectAlerts(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  v1::CloseBatchResponse Close() {
    v1::CloseBatchRequest request;
    request.set_org_id(kOrg);
    v1::CloseBatchResponse response;
    grpc::ClientContext context;
    Prepare(context);
    grpc::Status status = stub_->CloseBatch(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

 private:
  static void Prepare(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + seconds(20));
    rpc::SetBearerToken(context, kToken);
  }
  std::unique_ptr<v1::ReviewService::Stub> stub_;
};

// The person's alerts of one event.
std::vector<v1::ReviewAlert> OfEvent(const std::vector<v1::ReviewAlert>& alerts,
                                     v1::EventType event) {
  std::vector<v1::ReviewAlert> out;
  for (const auto& a : alerts) {
    if (a.alert().event_type() == event) out.push_back(a);
  }
  return out;
}

// The one Create Student alert of `person` in `state`, polled for up to `timeout`.
std::optional<v1::ReviewAlert> WaitForCreate(Dso& dso, const std::string& person,
                                             v1::AlertState state, milliseconds timeout) {
  std::optional<v1::ReviewAlert> found;
  testing::WaitUntil(
      [&] {
        for (const auto& a : OfEvent(dso.Alerts(person), v1::EVENT_TYPE_CREATE_STUDENT)) {
          if (a.state() == state) found = a;
        }
        return found.has_value();
      },
      timeout);
  return found;
}

std::string Dump(Dso& dso, const std::string& person) {
  std::string out;
  for (const auto& a : dso.Alerts(person)) {
    out += a.alert().alert_id() + " " + v1::AlertState_Name(a.state()) + " " +
           v1::EventType_Name(a.alert().event_type()) + " batch=" + a.batch_id() + "\n";
  }
  return out;
}

// The same date one day later (one day earlier at the end of a month): sisgen's days are 1-28.
std::string NextDay(const std::string& date) {
  int y = 0, m = 0, d = 0;
  EXPECT_EQ(std::sscanf(date.c_str(), "%d-%d-%d", &y, &m, &d), 3) << date;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d < 28 ? d + 1 : d - 1);
  return buf;
}

void Publish(const v1::SisPersonSnapshot& snapshot) {
  kafka::ProducerOptions options;
  options.brokers = env->broker->bootstrap();
  auto producer = kafka::Producer::Create(options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  ASSERT_TRUE((*producer)
                  ->Send(kafka::kSisPerson, snapshot.person_id(), snapshot.SerializeAsString())
                  .ok());
}

struct CliRun {
  int code = -1;
  std::string out;
};

// The real sevisctl binary; stdout captured, stderr into the test's log.
CliRun Sevisctl(const std::string& args) {
  CliRun run;
  const std::string command = e2e::Bin("tools/sevisctl/sevisctl") + " " + args;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    run.out.append(buffer.data(), n);
  }
  const int status = ::pclose(pipe);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string TokenFile() {
  const std::string path = env->dir + "/dso-token";
  std::ofstream(path) << kToken << "\n";
  ::chmod(path.c_str(), 0600);
  return path;
}

// What test 1 leaves for test 2.
struct LoopResult {
  std::string batch1, batch2;
  std::string accepted_person;  // accepted in batch1
  std::string fixed_person;     // failed in batch1, accepted in batch2
} loop1;  // written by test 1, read by test 2

TEST(ReviewLoopE2ETest, ARejectedCreateComesBackInReviewIsFixedAndAcceptedInANewBatch) {
  e2e::TopicReader people(env->broker->bootstrap(), kafka::kSisPerson);
  e2e::TopicReader alerts(env->broker->bootstrap(), kafka::kSevisAlerts);
  e2e::TopicReader outcomes(env->broker->bootstrap(), kafka::kSevisOutcomes);
  e2e::TopicReader master(env->broker->bootstrap(), kafka::kSevisMaster);
  Dso dso;

  // The SIS: one student from sisgen, then the same person keyed in again under a second id.
  ASSERT_EQ(env->Sisgen(1, 21, "RLA"), 0);
  v1::SisPersonSnapshot first;
  ASSERT_TRUE(people.WaitFor(
      [&](const auto& seen) {
        for (const auto& m : seen) {
          if (m.key == kFirst && first.ParseFromString(m.value)) return true;
        }
        return false;
      },
      seconds(30)));
  v1::SisPersonSnapshot second = first;
  second.set_person_id(kSecond);
  Publish(second);

  // Both creates reach review, OPEN and clean; the DSO selects them and closes one batch.
  auto a = WaitForCreate(dso, kFirst, v1::ALERT_STATE_OPEN, seconds(60));
  auto b = WaitForCreate(dso, kSecond, v1::ALERT_STATE_OPEN, seconds(30));
  ASSERT_TRUE(a && b) << Dump(dso, kFirst) << Dump(dso, kSecond)
                      << env->Get("detector").process->LogTail();
  EXPECT_THAT(a->alert().issues(), IsEmpty());
  EXPECT_THAT(b->alert().issues(), IsEmpty());
  v1::SelectAlertsResponse selected = dso.Select({a->alert().alert_id(), b->alert().alert_id()});
  EXPECT_EQ(selected.changed(), 2);
  EXPECT_THAT(selected.refused(), IsEmpty());
  v1::CloseBatchResponse closed = dso.Close();
  ASSERT_EQ(closed.batch_ids_size(), 1) << closed.DebugString();
  EXPECT_EQ(closed.records(), 2);
  loop1.batch1 = closed.batch_ids(0);

  // SEVIS accepts one and rejects the other as a duplicate: the rejected one is back in review,
  // FAILED, with SEVIS's code and message, through ListAlerts and GetAlert.
  std::optional<v1::ReviewAlert> accepted, failed;
  ASSERT_TRUE(testing::WaitUntil(
      [&] {
        accepted.reset();
        failed.reset();
        for (const char* person : {kFirst, kSecond}) {
          for (const auto& x : OfEvent(dso.Alerts(person), v1::EVENT_TYPE_CREATE_STUDENT)) {
            if (x.state() == v1::ALERT_STATE_ACCEPTED) accepted = x;
            if (x.state() == v1::ALERT_STATE_FAILED) failed = x;
          }
        }
        return accepted && failed;
      },
      seconds(90)))
      << Dump(dso, kFirst) << Dump(dso, kSecond) << env->Get("uploader").process->LogTail()
      << env->Get("importer").process->LogTail();
  loop1.accepted_person = accepted->alert().person_id();
  loop1.fixed_person = failed->alert().person_id();
  ASSERT_NE(loop1.accepted_person, loop1.fixed_person);
  EXPECT_EQ(accepted->batch_id(), loop1.batch1);
  EXPECT_EQ(failed->batch_id(), loop1.batch1);
  ASSERT_EQ(failed->review_issues_size(), 1) << failed->DebugString();
  EXPECT_EQ(failed->review_issues(0).field(), "sevis");
  EXPECT_EQ(failed->review_issues(0).code(), "S1004");
  EXPECT_THAT(failed->review_issues(0).message(),
              HasSubstr("Student exists in the SEVIS database"));
  const std::string failed_id = failed->alert().alert_id();
  v1::ReviewAlert got;
  ASSERT_TRUE(dso.Get(failed_id, &got).ok());
  EXPECT_EQ(got.state(), v1::ALERT_STATE_FAILED);
  ASSERT_EQ(got.review_issues_size(), 1);
  EXPECT_EQ(got.review_issues(0).code(), "S1004");

  // The DSO sees it with sevisctl too.
  CliRun shown = Sevisctl("alerts show --builder " + env->Get("builder").grpc_address() +
                       " --token-file " + TokenFile() + " --org " + kOrg + " --id " + failed_id);
  EXPECT_EQ(shown.code, 0);
  EXPECT_THAT(shown.out, HasSubstr("state: FAILED"));
  EXPECT_THAT(shown.out, HasSubstr("S1004"));

  // As it is, it cannot be resubmitted: the data must be fixed first.
  v1::SelectAlertsResponse refused = dso.Select({failed_id});
  EXPECT_EQ(refused.changed(), 0);
  ASSERT_EQ(refused.refused_size(), 1);
  EXPECT_EQ(refused.refused(0), failed_id);

  // The fix: the birth date was keyed in wrongly; the SIS publishes the corrected snapshot.
  v1::SisPersonSnapshot fixed = first;
  fixed.set_person_id(loop1.fixed_person);
  fixed.set_version(first.version() + 1);
  fixed.mutable_bio()->set_birth_date(NextDay(first.bio().birth_date()));
  Publish(fixed);

  // Its create supersedes the failed alert; the DSO selects it and closes a second batch.
  auto c = WaitForCreate(dso, loop1.fixed_person, v1::ALERT_STATE_OPEN, seconds(60));
  ASSERT_TRUE(c) << Dump(dso, loop1.fixed_person);
  EXPECT_NE(c->alert().alert_id(), failed_id);
  EXPECT_EQ(c->alert().create_student().birth_date(), fixed.bio().birth_date());
  ASSERT_TRUE(dso.Get(failed_id, &got).ok());
  EXPECT_EQ(got.state(), v1::ALERT_STATE_SUPERSEDED);
  EXPECT_EQ(got.superseded_by(), c->alert().alert_id());
  selected = dso.Select({c->alert().alert_id()});
  EXPECT_EQ(selected.changed(), 1);
  closed = dso.Close();
  ASSERT_EQ(closed.batch_ids_size(), 1) << closed.DebugString();
  EXPECT_EQ(closed.records(), 1);
  loop1.batch2 = closed.batch_ids(0);
  EXPECT_NE(loop1.batch2, loop1.batch1);

  auto done = WaitForCreate(dso, loop1.fixed_person, v1::ALERT_STATE_ACCEPTED, seconds(90));
  ASSERT_TRUE(done) << Dump(dso, loop1.fixed_person) << env->Get("uploader").process->LogTail();
  EXPECT_EQ(done->alert().alert_id(), c->alert().alert_id());
  EXPECT_EQ(done->batch_id(), loop1.batch2);
  EXPECT_THAT(done->review_issues(), IsEmpty());

  // Exactly one outcome per alert per batch, matching the alert's end state.
  std::map<std::pair<std::string, std::string>, int> per_alert_batch;
  std::map<std::string, v1::Outcome> by_alert;
  for (const auto& m : outcomes.Settle(seconds(3))) {
    v1::Outcome o;
    if (!o.ParseFromString(m.value) || o.org_id() != kOrg) continue;
    ++per_alert_batch[{o.alert_id(), o.batch_id()}];
    by_alert[o.alert_id()] = o;
  }
  for (const auto& [key, n] : per_alert_batch) {
    EXPECT_EQ(n, 1) << key.first << " in " << key.second;
  }
  ASSERT_EQ(by_alert.size(), 3u);
  EXPECT_TRUE(by_alert[accepted->alert().alert_id()].accepted());
  EXPECT_EQ(by_alert[accepted->alert().alert_id()].batch_id(), loop1.batch1);
  EXPECT_FALSE(by_alert[failed_id].accepted());
  EXPECT_EQ(by_alert[failed_id].error_code(), "S1004");
  EXPECT_EQ(by_alert[failed_id].batch_id(), loop1.batch1);
  EXPECT_TRUE(by_alert[c->alert().alert_id()].accepted());
  EXPECT_EQ(by_alert[c->alert().alert_id()].batch_id(), loop1.batch2);

  // Nothing lost: every alert the detector published for the two people is in review, in a
  // state that follows from its history; both people have their own SEVIS ID.
  std::set<std::string> published;
  for (const auto& m : alerts.Settle(seconds(2))) {
    v1::Alert x;
    if (x.ParseFromString(m.value) &&
        (x.person_id() == kFirst || x.person_id() == kSecond)) {
      published.insert(x.alert_id());
    }
  }
  EXPECT_TRUE(published.contains(accepted->alert().alert_id()));
  EXPECT_TRUE(published.contains(failed_id));
  EXPECT_TRUE(published.contains(c->alert().alert_id()));
  for (const std::string& id : published) {
    v1::ReviewAlert x;
    ASSERT_TRUE(dso.Get(id, &x).ok()) << id;
    if (by_alert.contains(id)) {
      EXPECT_EQ(x.state(), id == failed_id ? v1::ALERT_STATE_SUPERSEDED
                                           : v1::ALERT_STATE_ACCEPTED)
          << id;
    } else {
      // An alert never batched (an event found once the person had a SEVIS record).
      EXPECT_TRUE(x.state() == v1::ALERT_STATE_OPEN || x.state() == v1::ALERT_STATE_HELD)
          << id << " " << v1::AlertState_Name(x.state());
    }
  }
  std::map<std::string, std::string> sevis_ids;
  ASSERT_TRUE(master.WaitFor(
      [&](const auto& seen) {
        for (const auto& m : seen) {
          v1::MasterRecord r;
          if (!m.is_tombstone && r.ParseFromString(m.value) && r.org_id() == kOrg) {
            sevis_ids[r.person_id()] = r.sevis_id();
          }
        }
        return sevis_ids.contains(kFirst) && sevis_ids.contains(kSecond);
      },
      seconds(30)));
  EXPECT_NE(sevis_ids[kFirst], sevis_ids[kSecond]);
  EXPECT_EQ(sevis_ids[loop1.fixed_person], by_alert[c->alert().alert_id()].sevis_id());

  // SEVIS saw each batch once.
  auto stats = env->SimStats();
  EXPECT_EQ(stats["uploads_by_batch"][loop1.batch1].get<int>(), 1) << stats.dump();
  EXPECT_EQ(stats["uploads_by_batch"][loop1.batch2].get<int>(), 1) << stats.dump();
}

TEST(ReviewLoopE2ETest, SevisctlListsTheUploadsAndTheFiledDocuments) {
  ASSERT_FALSE(loop1.batch2.empty()) << "needs the review loop test";

  // Both batches downloaded at the uploader.
  const std::string uploads = "uploads list --uploader " +
                              env->Get("uploader").grpc_address() + " --token-file " +
                              TokenFile() + " --org " + kOrg +
                              " --state downloaded";
  CliRun run;
  EXPECT_TRUE(testing::WaitUntil(
      [&] {
        run = Sevisctl(uploads);
        return run.code == 0 && run.out.find(loop1.batch1 + "  " + kOrg + "  DOWNLOADED") !=
                                    std::string::npos &&
               run.out.find(loop1.batch2 + "  " + kOrg + "  DOWNLOADED") != std::string::npos;
      },
      seconds(30)))
      << run.out;
  EXPECT_THAT(run.out, HasSubstr("\n2 uploads\n"));

  // A downloaded batch is not retried, an unknown one is not found: the uploader's refusals
  // reach the operator as a message and exit code 1 (stderr captured with stdout here).
  const std::string uploader = " --uploader " + env->Get("uploader").grpc_address() +
                               " --token-file " + TokenFile() + " --org " + kOrg + " 2>&1";
  run = Sevisctl("uploads retry --batch " + loop1.batch1 + uploader);
  EXPECT_EQ(run.code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("uploader: FAILED_PRECONDITION: "));
  run = Sevisctl("uploads cancel --batch SF000000009999" + uploader);
  EXPECT_EQ(run.code, 1) << run.out;
  EXPECT_THAT(run.out, HasSubstr("uploader: NOT_FOUND: "));

  // Each accepted create's I-20 is filed under the person and the batch that created it; the
  // batch that rejected the second person filed nothing for them.
  const std::string importer = env->Get("importer").grpc_address();
  for (const auto& [person, batch] : {std::pair{loop1.accepted_person, loop1.batch1},
                                      std::pair{loop1.fixed_person, loop1.batch2}}) {
    const std::string args = "documents --importer " + importer + " --token-file " +
                             TokenFile() + " --org " + kOrg + " --person " + person;
    EXPECT_TRUE(testing::WaitUntil(
        [&] {
          run = Sevisctl(args);
          return run.code == 0 && run.out.find("\n1 document\n") != std::string::npos;
        },
        seconds(30)))
        << person << ": " << run.out;
    EXPECT_THAT(run.out, HasSubstr("\n" + batch + "  "));
    EXPECT_THAT(run.out, HasSubstr("/" + person + "/"));

    // The same over gRPC: one PDF of this batch, for the DSO's token only.
    auto stub = v1::ImportService::NewStub(rpc::Dial(importer));
    v1::ListDocumentsRequest request;
    request.set_org_id(kOrg);
    request.set_person_id(person);
    v1::ListDocumentsResponse response;
    {
      grpc::ClientContext anonymous;
      anonymous.set_deadline(std::chrono::system_clock::now() + seconds(10));
      EXPECT_EQ(stub->ListDocuments(&anonymous, request, &response).error_code(),
                grpc::StatusCode::UNAUTHENTICATED);
      v1::ListDocumentsRequest other = request;
      other.set_org_id("XYZ214F99999000");
      grpc::ClientContext wrong_org;
      rpc::SetBearerToken(wrong_org, kToken);
      wrong_org.set_deadline(std::chrono::system_clock::now() + seconds(10));
      EXPECT_EQ(stub->ListDocuments(&wrong_org, other, &response).error_code(),
                grpc::StatusCode::PERMISSION_DENIED);
      EXPECT_EQ(response.documents_size(), 0);
    }
    grpc::ClientContext context;
    rpc::SetBearerToken(context, kToken);
    context.set_deadline(std::chrono::system_clock::now() + seconds(10));
    ASSERT_TRUE(stub->ListDocuments(&context, request, &response).ok());
    ASSERT_EQ(response.documents_size(), 1) << response.DebugString();
    EXPECT_EQ(response.documents(0).batch_id(), batch);
    EXPECT_EQ(response.documents(0).kind(), "pdf");
  }
}

}  // namespace
}  // namespace sevisflow
