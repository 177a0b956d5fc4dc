// The review commands as a process: the real sevisctl binary against a fake builder
// ReviewService on a loopback port, in this test process. The fake authenticates every call
// with the real rpc::DsoDirectory (so the `authorization: Bearer` header is checked as the
// builder checks it), records the requests and answers with canned replies. Checks the request
// each command sends, what it prints and its exit code.

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/rpc/server.h"
#include "sevisflow/rpc/status.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow::sevisctl {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kToken[] = "tok-h4-review-0001";

// The fake builder: authentication as the builder does it, the org grant, canned answers.
class FakeReview final : public v1::ReviewService::Service {
 public:
  FakeReview() {
    absl::StatusOr<rpc::DsoDirectory> dsos = rpc::DsoDirectory::Create(
        {rpc::Dso{"jdoe", rpc::TokenSha256Hex(kToken), {{kOrg, "dso0000001"}}}});
    EXPECT_TRUE(dsos.ok()) << dsos.status();
    dsos_ = *std::move(dsos);
  }

  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  template <typename Request>
  Request Last() {
    std::lock_guard lock(mu_);
    Request request;
    EXPECT_TRUE(request.ParseFromString(last_[Request::descriptor()->full_name()]));
    return request;
  }

  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::WhoAmIResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, "");
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    response->set_dso(dso->name);
    for (const auto& [org, user] : dso->orgs) {
      response->add_org_ids(org);
      (*response->mutable_sevis_user_ids())[org] = user;
    }
    return grpc::Status::OK;
  }

  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    *response->add_alerts() = Alert("a-open-1", v1::ALERT_STATE_OPEN);
    return grpc::Status::OK;
  }

  grpc::Status GetAlert(grpc::ServerContext* context, const v1::GetAlertRequest* request,
                        v1::ReviewAlert* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    if (request->alert_id() != "a-open-1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no alert " + request->alert_id());
    }
    *response = Alert("a-open-1", v1::ALERT_STATE_OPEN);
    return grpc::Status::OK;
  }

  grpc::Status SelectAlerts(grpc::ServerContext* context, const v1::SelectAlertsRequest* request,
                            v1::SelectAlertsResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    for (const std::string& id : request->alert_ids()) {
      if (id == "a-batched") {
        response->add_refused(id);
        response->add_refused_reasons("alert is BATCHED");
      } else {
        response->set_changed(response->changed() + 1);
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status RejectAlerts(grpc::ServerContext* context, const v1::RejectAlertsRequest* request,
                            v1::RejectAlertsResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    if (request->reason().size() < 5) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "reason: too short");
    }
    response->set_changed(request->alert_ids_size());
    return grpc::Status::OK;
  }

  grpc::Status AddManualEvent(grpc::ServerContext* context,
                              const v1::AddManualEventRequest* request,
                              v1::AddManualEventResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    if (request->person_id() == "SIS-NO-SEVIS") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "preconditions not met:\nthe person has no SEVIS ID\n"
                          "the I-20 is not Active");
    }
    *response->mutable_alert() = Alert("m-1", v1::ALERT_STATE_OPEN);
    response->mutable_alert()->mutable_alert()->set_manual(true);
    *response->mutable_alert()->mutable_alert()->mutable_status() = request->data().status();
    return grpc::Status::OK;
  }

  grpc::Status CloseBatch(grpc::ServerContext* context, const v1::CloseBatchRequest* request,
                          v1::CloseBatchResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    response->add_batch_ids("SF000000000007");
    response->set_records(3);
    response->set_returned_to_review(1);
    return grpc::Status::OK;
  }

  grpc::Status ListBatches(grpc::ServerContext* context, const v1::ListBatchesRequest* request,
                           v1::ListBatchesResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    v1::BatchSummary* batch = response->add_batches();
    batch->set_batch_id("SF000000000007");
    batch->set_state("BUILT");
    batch->set_records(3);
    return grpc::Status::OK;
  }

  grpc::Status SetSupplemental(grpc::ServerContext* context,
                               const v1::SetSupplementalRequest* request,
                               v1::SetSupplementalResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->data().org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    *response->mutable_data() = request->data();
    response->mutable_data()->set_version(2);
    response->mutable_data()->set_updated_by(dso->name);
    return grpc::Status::OK;
  }

  grpc::Status GetSupplemental(grpc::ServerContext* context,
                               const v1::GetSupplementalRequest* request,
                               v1::GetSupplementalResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    if (request->person_id() != "SIS000123") return grpc::Status::OK;  // found = false
    response->set_found(true);
    v1::SupplementalData* data = response->mutable_data();
    data->set_org_id(request->org_id());
    data->set_person_id(request->person_id());
    data->set_admission_number("12345678901");
    data->set_version(4);
    data->set_updated_by("jdoe");
    return grpc::Status::OK;
  }

  grpc::Status QueryAudit(grpc::ServerContext* context, const v1::QueryAuditRequest* request,
                          v1::QueryAuditResponse* response) override {
    absl::StatusOr<rpc::Dso> dso = Begin(*context, *request, request->org_id());
    if (!dso.ok()) return rpc::ToGrpcStatus(dso.status());
    v1::AuditEntry* entry = response->add_entries();
    entry->set_at("2026-09-06T10:00:00Z");
    entry->set_actor("jdoe");
    entry->set_action("REJECT");
    entry->set_alert_id("a-open-1");
    return grpc::Status::OK;
  }

 private:
  static v1::ReviewAlert Alert(const std::string& id, v1::AlertState state) {
    v1::ReviewAlert review;
    review.set_state(state);
    review.mutable_alert()->set_alert_id(id);
    review.mutable_alert()->set_org_id(kOrg);
    review.mutable_alert()->set_person_id("SIS000123");
    review.mutable_alert()->set_event_type(v1::EVENT_TYPE_STATUS_TERMINATE);
    review.mutable_alert()->set_detected_at("2026-09-05T00:00:00Z");
    return review;
  }

  // Counts and records the call, then authenticates it and checks the org's grant.
  absl::StatusOr<rpc::Dso> Begin(const grpc::ServerContext& context,
                                 const google::protobuf::Message& request,
                                 const std::string& org) {
    {
      std::lock_guard lock(mu_);
      ++calls_;
      last_[request.GetDescriptor()->full_name()] = request.SerializeAsString();
    }
    absl::StatusOr<rpc::Dso> dso = dsos_.Authenticate(context);
    if (!dso.ok() || org.empty()) return dso;
    if (absl::Status granted = rpc::CheckGranted(*dso, org); !granted.ok()) return granted;
    return dso;
  }

  rpc::DsoDirectory dsos_;
  std::mutex mu_;
  int calls_ = 0;
  std::map<std::string, std::string> last_;
};

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

class ReviewCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fake_ = new FakeReview();
    runner_ = new rpc::ServerRunner(rpc::ServerOptions{});
    runner_->AddService(fake_, v1::ReviewService::service_full_name());
    absl::StatusOr<int> port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
  }
  static void TearDownTestSuite() {
    runner_->Shutdown();
    delete runner_;
    delete fake_;
  }

  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("sevisctl_review_cli_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    token_file_ = Write("token", std::string(kToken) + "\n");
    fs::permissions(token_file_, fs::perms::owner_read | fs::perms::owner_write);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    return path;
  }

  // Runs `sevisctl <args>` with only the environment given (plus PATH), stdin from `input`.
  Result Sevisctl(const std::string& args, const std::string& env = "",
                  const std::string& input = "") {
    const std::string in = Write("stdin", input);
    const std::string out = (dir_ / "stdout").string();
    const std::string err = (dir_ / "stderr").string();
    const std::string command = "env -i PATH=/usr/bin:/bin " + env + " " + SEVISCTL_BINARY +
                                " " + args + " <" + in + " >" + out + " 2>" + err;
    const int status = std::system(command.c_str());
    Result result;
    result.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ostringstream o;
    o << std::ifstream(out).rdbuf();
    result.out = o.str();
    std::ostringstream e;
    e << std::ifstream(err).rdbuf();
    result.err = e.str();
    return result;
  }

  // The builder address and the token file: every command's usual flags.
  std::string Auth() const {
    return "--builder " + runner_->address() + " --token-file " + token_file_;
  }
  std::string Org() const { return Auth() + " --org " + kOrg; }

  static FakeReview* fake_;
  static rpc::ServerRunner* runner_;
  fs::path dir_;
  std::string token_file_;
};

FakeReview* ReviewCliTest::fake_ = nullptr;
rpc::ServerRunner* ReviewCliTest::runner_ = nullptr;

TEST_F(ReviewCliTest, WhoAmIWithTheTokenFromEachSource) {
  Result r = Sevisctl("whoami " + Auth());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "dso: jdoe\nORG              SEVIS_USER_ID\nABC214F12345000  dso0000001\n");
  EXPECT_EQ(r.err, "");

  const std::string builder = "--builder " + runner_->address();
  r = Sevisctl("whoami " + builder, "SEVISFLOW_TOKEN_FILE=" + token_file_);
  EXPECT_EQ(r.code, 0) << r.err;
  r = Sevisctl("whoami --json", "SEVISFLOW_BUILDER_ADDR=" + runner_->address() +
                                    " SEVISFLOW_TOKEN=" + kToken);
  ASSERT_EQ(r.code, 0) << r.err;
  v1::WhoAmIResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  EXPECT_EQ(parsed.dso(), "jdoe");
}

TEST_F(ReviewCliTest, TokenProblems) {
  const std::string builder = "--builder " + runner_->address();
  const int before = fake_->calls();
  Result r = Sevisctl("whoami " + builder);
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no token: give --token-file FILE"));
  EXPECT_EQ(fake_->calls(), before);  // nothing was sent

  r = Sevisctl("alerts list --org " + std::string(kOrg) + " " + builder,
               "SEVISFLOW_TOKEN=tok-not-known");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("builder: UNAUTHENTICATED: "), HasSubstr("check the token")));
  EXPECT_THAT(r.err, Not(HasSubstr("tok-not-known")));

  const std::string shared = Write("shared-token", std::string(kToken) + "\n");
  fs::permissions(shared, fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  r = Sevisctl("whoami " + builder + " --token-file " + shared);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("chmod 600"));
}

TEST_F(ReviewCliTest, AnotherOrgIsPermissionDenied) {
  Result r = Sevisctl("batch list " + Auth() + " --org XYZ214F99999000");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("builder: PERMISSION_DENIED: "));
}

TEST_F(ReviewCliTest, AlertsListSendsEveryFilter) {
  Result r = Sevisctl("alerts list " + Org() +
                      " --state open --event STATUS_TERMINATE,program_extension --event "
                      "CREATE_STUDENT --person SIS000123 --errors with --min-age 2h "
                      "--max-age 7d --limit 5");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto request = fake_->Last<v1::ListAlertsRequest>();
  EXPECT_EQ(request.org_id(), kOrg);
  EXPECT_EQ(request.state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(request.event_types(),
              ElementsAre(v1::EVENT_TYPE_STATUS_TERMINATE, v1::EVENT_TYPE_PROGRAM_EXTENSION,
                          v1::EVENT_TYPE_CREATE_STUDENT));
  EXPECT_EQ(request.person_id(), "SIS000123");
  EXPECT_EQ(request.errors(), v1::ERROR_FILTER_WITH_ERRORS);
  EXPECT_EQ(request.min_age_seconds(), 2 * 3600);
  EXPECT_EQ(request.max_age_seconds(), 7 * 86400);
  EXPECT_EQ(request.limit(), 5);
  EXPECT_THAT(r.out, StartsWith("ALERT     STATE  EVENT             PERSON"));
  EXPECT_THAT(r.out, HasSubstr("a-open-1  OPEN   STATUS_TERMINATE  SIS000123"));
  EXPECT_THAT(r.out, HasSubstr("\n1 alert\n"));

  r = Sevisctl("alerts list --json " + Org());
  ASSERT_EQ(r.code, 0) << r.err;
  v1::ListAlertsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  ASSERT_EQ(parsed.alerts_size(), 1);
  EXPECT_EQ(parsed.alerts(0).alert().alert_id(), "a-open-1");
}

TEST_F(ReviewCliTest, BadArgumentsExitTwoWithoutACall) {
  const int before = fake_->calls();
  for (const std::string& args :
       {"alerts list " + Org() + " --min-age 2hours", "alerts list " + Org() + " --event NOPE",
        "alerts list " + Org() + " --min-age 7d --max-age 1d",
        "alerts list " + Org() + " --errors maybe", "alerts list " + Auth(),
        "alerts reject " + Org() + " --id a1", "alerts reject " + Org() + " --id a1 --reason ' '",
        "audit " + Org() + " --person P1 --batch SF000000000001",
        "alerts add " + Org() + " --person SIS1 --event STATUS_TERMINATE --data-json /nope.json",
        "supplemental set " + Org() + " --person SIS1 --json-file /nope.json",
        "alerts frobnicate " + Org()}) {
    Result r = Sevisctl(args);
    EXPECT_EQ(r.code, 2) << args << "\n" << r.err;
    EXPECT_EQ(r.out.find("ALERT"), std::string::npos) << args;
  }
  EXPECT_EQ(fake_->calls(), before);
}

TEST_F(ReviewCliTest, ShowPrintsTheAlertAndNotFoundFails) {
  Result r = Sevisctl("alerts show " + Org() + " --id a-open-1");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("alert: a-open-1\nstate: OPEN\nevent: STATUS_TERMINATE"));
  EXPECT_EQ(fake_->Last<v1::GetAlertRequest>().alert_id(), "a-open-1");
  r = Sevisctl("alerts show " + Org() + " --id a-gone");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("builder: NOT_FOUND: no alert a-gone"));
}

TEST_F(ReviewCliTest, SelectDeselectAndRefusals) {
  Result r = Sevisctl("alerts select " + Org() + " --id a1 --id a2");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "2 selected\n");
  auto request = fake_->Last<v1::SelectAlertsRequest>();
  EXPECT_THAT(request.alert_ids(), ElementsAre("a1", "a2"));
  EXPECT_FALSE(request.deselect());

  r = Sevisctl("alerts deselect " + Org() + " --id a1 --id a-batched");
  EXPECT_EQ(r.code, 1);  // a refusal is a failure for scripts
  EXPECT_EQ(r.out, "1 deselected\nrefused a-batched: alert is BATCHED\n");
  EXPECT_TRUE(fake_->Last<v1::SelectAlertsRequest>().deselect());
}

TEST_F(ReviewCliTest, RejectSendsTheReasonAndInvalidArgumentIsTwo) {
  Result r = Sevisctl("alerts reject " + Org() + " --id a1 --reason 'reported by hand'");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "1 rejected\n");
  EXPECT_EQ(fake_->Last<v1::RejectAlertsRequest>().reason(), "reported by hand");
  r = Sevisctl("alerts reject " + Org() + " --id a1 --reason dup");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, StartsWith("builder: INVALID_ARGUMENT: reason: too short"));
}

TEST_F(ReviewCliTest, AddManualEventFromStdinAndUnmetPreconditions) {
  Result r = Sevisctl("alerts add " + Org() +
                          " --person SIS000123 --event status_terminate --data-json -",
                      "", R"({"status": {"reason": "OTHER", "remarks": "left"}})");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto request = fake_->Last<v1::AddManualEventRequest>();
  EXPECT_EQ(request.person_id(), "SIS000123");
  EXPECT_EQ(request.event_type(), v1::EVENT_TYPE_STATUS_TERMINATE);
  EXPECT_EQ(request.data().status().reason(), "OTHER");
  EXPECT_THAT(r.out, AllOf(StartsWith("alert: m-1\n"), HasSubstr("manual: yes\n"),
                           HasSubstr("\"reason\": \"OTHER\"")));

  r = Sevisctl("alerts add " + Org() + " --person SIS-NO-SEVIS --event STATUS_TERMINATE");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "builder: FAILED_PRECONDITION: preconditions not met:\nthe person has no SEVIS ID\n"
            "the I-20 is not Active\n");
}

TEST_F(ReviewCliTest, BatchCloseAndList) {
  Result r = Sevisctl("batch close " + Org());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(fake_->Last<v1::CloseBatchRequest>().org_id(), kOrg);
  EXPECT_EQ(fake_->Last<v1::CloseBatchRequest>().user_id(), "");
  EXPECT_THAT(r.out, StartsWith("batch SF000000000007\n1 batch, 3 records, 1 returned to review"));
  r = Sevisctl("batch list " + Org());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("SF000000000007  -       BUILT  3"));
}

TEST_F(ReviewCliTest, SupplementalRoundTrip) {
  Result r = Sevisctl("supplemental get --json " + Org() + " --person SIS000123");
  ASSERT_EQ(r.code, 0) << r.err;
  // The printed JSON goes back to `set` as it is (the builder's stamps are dropped).
  const std::string file = Write("supplemental.json", r.out);
  r = Sevisctl("supplemental set " + Org() + " --person SIS000123 --json-file " + file);
  ASSERT_EQ(r.code, 0) << r.err;
  const auto request = fake_->Last<v1::SetSupplementalRequest>();
  EXPECT_FALSE(request.clear());
  EXPECT_EQ(request.data().admission_number(), "12345678901");
  EXPECT_EQ(request.data().version(), 0);
  EXPECT_EQ(request.data().updated_by(), "");
  EXPECT_THAT(r.out, StartsWith("supplemental data of SIS000123 at ABC214F12345000: version 2, "));

  r = Sevisctl("supplemental clear " + Org() + " --person SIS000123");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fake_->Last<v1::SetSupplementalRequest>().clear());
  EXPECT_THAT(r.out, StartsWith("supplemental data cleared"));

  r = Sevisctl("supplemental get " + Org() + " --person SIS000999");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("no supplemental data stored"));
}

TEST_F(ReviewCliTest, AuditByPerson) {
  Result r = Sevisctl("audit " + Org() + " --person SIS000123 --limit 20");
  ASSERT_EQ(r.code, 0) << r.err;
  const auto request = fake_->Last<v1::QueryAuditRequest>();
  EXPECT_EQ(request.person_id(), "SIS000123");
  EXPECT_EQ(request.batch_id(), "");
  EXPECT_EQ(request.limit(), 20);
  EXPECT_THAT(r.out, HasSubstr("jdoe   REJECT"));
  EXPECT_THAT(r.out, HasSubstr("\n1 entry\n"));
}

TEST_F(ReviewCliTest, UnreachableBuilderIsOneWithAHint) {
  Result r = Sevisctl("whoami --builder 127.0.0.1:1 --timeout-ms 2000 --token-file " +
                      token_file_);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("is the builder listening on 127.0.0.1:1?"));
}

TEST_F(ReviewCliTest, HelpNamesTheExitCodesAndTheTokenSources) {
  for (const char* command : {"whoami", "alerts list", "alerts add", "batch close", "audit",
                              "supplemental set"}) {
    Result r = Sevisctl(std::string(command) + " --help");
    EXPECT_EQ(r.code, 0) << command;
    EXPECT_THAT(r.out, AllOf(HasSubstr("Exit codes: 0 ok; 1 the call failed"),
                             HasSubstr("2 bad arguments"), HasSubstr("$SEVISFLOW_TOKEN_FILE")))
        << command;
    EXPECT_THAT(r.out, Not(HasSubstr("--token ")));
    EXPECT_THAT(r.out, Not(HasSubstr("--user")));
  }
}

}  // namespace
}  // namespace sevisflow::sevisctl
