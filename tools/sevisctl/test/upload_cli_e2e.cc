// The upload and document commands as a process: the real sevisctl binary against a fake
// uploader UploadService and a fake importer ImportService on one loopback port, in this test
// process. The fakes record each request and its `authorization` metadata and answer with
// canned replies and the uploader's documented errors. Checks the request each command sends,
// what it prints and its exit code.

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>

#include "sevisflow/rpc/server.h"
#include "sevisflow/v1/import_service.grpc.pb.h"
#include "sevisflow/v1/upload_service.grpc.pb.h"

namespace sevisflow::sevisctl {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kFailedBatch[] = "SF000000000007";   // FAILED: may be retried
constexpr char kPendingBatch[] = "SF000000000009";  // PENDING, never posted: may be cancelled
constexpr char kUploadedBatch[] = "SF000000000008"; // UPLOADED: neither

// What the fakes saw last.
struct Seen {
  std::mutex mu;
  std::string request;        // serialized
  std::string authorization;  // "" when absent
  int calls = 0;

  void Record(const grpc::ServerContext& context, const google::protobuf::Message& message) {
    std::lock_guard lock(mu);
    ++calls;
    request = message.SerializeAsString();
    auto it = context.client_metadata().find("authorization");
    authorization = it == context.client_metadata().end()
                        ? ""
                        : std::string(it->second.data(), it->second.size());
  }
  template <typename Request>
  Request Last() {
    std::lock_guard lock(mu);
    Request parsed;
    EXPECT_TRUE(parsed.ParseFromString(request));
    return parsed;
  }
};

v1::UploadState State(const std::string& batch, const std::string& state) {
  v1::UploadState upload;
  upload.set_batch_id(batch);
  upload.set_org_id(kOrg);
  upload.set_state(state);
  upload.set_updated_at("2026-09-06T10:00:00Z");
  upload.set_circuit_state("closed");
  return upload;
}

class FakeUploader final : public v1::UploadService::Service {
 public:
  explicit FakeUploader(Seen* seen) : seen_(seen) {}

  grpc::Status ListUploads(grpc::ServerContext* context, const v1::ListUploadsRequest* request,
                           v1::ListUploadsResponse* response) override {
    seen_->Record(*context, *request);
    for (const v1::UploadState& upload :
         {State(kFailedBatch, "FAILED"), State(kUploadedBatch, "UPLOADED"),
          State(kPendingBatch, "PENDING")}) {
      bool wanted = request->states().empty();
      for (const std::string& state : request->states()) wanted = wanted || state == upload.state();
      if (wanted) *response->add_uploads() = upload;
    }
    return grpc::Status::OK;
  }

  grpc::Status RetryUpload(grpc::ServerContext* context, const v1::RetryUploadRequest* request,
                           v1::RetryUploadResponse* response) override {
    seen_->Record(*context, *request);
    if (request->batch_id() == kFailedBatch) {
      *response->mutable_upload() = State(kFailedBatch, "PENDING");
      return grpc::Status::OK;
    }
    if (request->batch_id() == kUploadedBatch) {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "batch SF000000000008 is UPLOADED: only a FAILED batch is retried");
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no batch " + request->batch_id());
  }

  grpc::Status CancelUpload(grpc::ServerContext* context, const v1::CancelUploadRequest* request,
                            v1::CancelUploadResponse* response) override {
    seen_->Record(*context, *request);
    if (request->batch_id() == kPendingBatch) {
      *response->mutable_upload() = State(kPendingBatch, "CANCELLED");
      return grpc::Status::OK;
    }
    return grpc::Status(grpc::StatusCode::ABORTED, "batch changed meanwhile");
  }

 private:
  Seen* seen_;
};

class FakeImporter final : public v1::ImportService::Service {
 public:
  explicit FakeImporter(Seen* seen) : seen_(seen) {}

  grpc::Status ListDocuments(grpc::ServerContext* context,
                             const v1::ListDocumentsRequest* request,
                             v1::ListDocumentsResponse* response) override {
    seen_->Record(*context, *request);
    if (request->person_id() == "SIS000123") {
      v1::StoredDocument* doc = response->add_documents();
      doc->set_batch_id(kFailedBatch);
      doc->set_kind("I-20");
      doc->set_path("/docstore/a.pdf");
    }
    return grpc::Status::OK;
  }

 private:
  Seen* seen_;
};

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

class UploadCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    seen_ = new Seen();
    uploader_ = new FakeUploader(seen_);
    importer_ = new FakeImporter(seen_);
    runner_ = new rpc::ServerRunner(rpc::ServerOptions{});
    runner_->AddService(uploader_, v1::UploadService::service_full_name());
    runner_->AddService(importer_, v1::ImportService::service_full_name());
    absl::StatusOr<int> port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
  }
  static void TearDownTestSuite() {
    runner_->Shutdown();
    delete runner_;
    delete importer_;
    delete uploader_;
    delete seen_;
  }

  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("sevisctl_upload_cli_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }

  // Runs `sevisctl <args>` with only the environment given (plus PATH).
  // The DSO's token is in the environment unless `env` says otherwise.
  Result Sevisctl(const std::string& args, const std::string& env = "SEVISFLOW_TOKEN=tok-h3-0001") {
    const std::string out = (dir_ / "stdout").string();
    const std::string err = (dir_ / "stderr").string();
    const std::string command = "env -i PATH=/usr/bin:/bin " + env + " " + SEVISCTL_BINARY +
                                " " + args + " </dev/null >" + out + " 2>" + err;
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

  std::string Uploader() const { return "--uploader " + runner_->address(); }

  static Seen* seen_;
  static FakeUploader* uploader_;
  static FakeImporter* importer_;
  static rpc::ServerRunner* runner_;
  fs::path dir_;
};

Seen* UploadCliTest::seen_ = nullptr;
FakeUploader* UploadCliTest::uploader_ = nullptr;
FakeImporter* UploadCliTest::importer_ = nullptr;
rpc::ServerRunner* UploadCliTest::runner_ = nullptr;

TEST_F(UploadCliTest, ListSendsOrgAndStatesAndPrintsATable) {
  Result r = Sevisctl("uploads list " + Uploader() + " --org " + kOrg + " --state failed,pending");
  ASSERT_EQ(r.code, 0) << r.err;
  auto request = seen_->Last<v1::ListUploadsRequest>();
  EXPECT_EQ(request.org_id(), kOrg);
  EXPECT_THAT(request.states(), ElementsAre("FAILED", "PENDING"));
  EXPECT_EQ(seen_->authorization, "Bearer tok-h3-0001");
  EXPECT_THAT(r.out, StartsWith("BATCH           ORG              STATE    RESULTS  ATTEMPTS"));
  EXPECT_THAT(r.out, AllOf(HasSubstr("\nSF000000000007  ABC214F12345000  FAILED "),
                           HasSubstr("\nSF000000000009  ABC214F12345000  PENDING "),
                           HasSubstr("\n2 uploads\n")));
  EXPECT_EQ(r.err, "");

  // Every org, every state; the address from the environment; JSON output.
  r = Sevisctl("uploads list --json",
               "SEVISFLOW_TOKEN=tok-h3-0001 SEVISFLOW_UPLOADER_ADDR=" + runner_->address());
  ASSERT_EQ(r.code, 0) << r.err;
  request = seen_->Last<v1::ListUploadsRequest>();
  EXPECT_EQ(request.org_id(), "");
  EXPECT_THAT(request.states(), IsEmpty());
  v1::ListUploadsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(r.out, &parsed).ok()) << r.out;
  EXPECT_EQ(parsed.uploads_size(), 3);
}

TEST_F(UploadCliTest, ABadStateIsRefusedBeforeAnyCall) {
  const int before = seen_->calls;
  Result r = Sevisctl("uploads list " + Uploader() + " --state done");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--state: 'done' is not an upload state"));
  r = Sevisctl("uploads retry " + Uploader() + " --org " + kOrg + " --batch SF7");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--batch: 'SF7' is not a batch ID"));
  r = Sevisctl("uploads retry " + Uploader() + " --batch " + kFailedBatch);  // no --org
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(seen_->calls, before);
}

TEST_F(UploadCliTest, RetryAFailedBatchAndTheRefusals) {
  Result r = Sevisctl("uploads retry " + Uploader() + " --org " + kOrg + " --batch " +
                      kFailedBatch);
  ASSERT_EQ(r.code, 0) << r.err;
  auto request = seen_->Last<v1::RetryUploadRequest>();
  EXPECT_EQ(request.org_id(), kOrg);
  EXPECT_EQ(request.batch_id(), kFailedBatch);
  EXPECT_THAT(r.out, StartsWith("batch SF000000000007 sent back to work: now PENDING\n"));

  r = Sevisctl("uploads retry " + Uploader() + " --org " + kOrg + " --batch " + kUploadedBatch);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("uploader: FAILED_PRECONDITION: batch SF000000000008 is "
                                "UPLOADED"));
  EXPECT_EQ(r.out, "");

  r = Sevisctl("uploads retry " + Uploader() + " --org " + kOrg + " --batch SF000000000099");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("uploader: NOT_FOUND: no batch SF000000000099"));
}

TEST_F(UploadCliTest, CancelAPendingBatchAndAnAbortedOne) {
  Result r = Sevisctl("uploads cancel " + Uploader() + " --org " + kOrg + " --batch " +
                      kPendingBatch);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(seen_->Last<v1::CancelUploadRequest>().batch_id(), kPendingBatch);
  EXPECT_THAT(r.out, StartsWith("batch SF000000000009 cancelled: now CANCELLED\n"));

  r = Sevisctl("uploads cancel " + Uploader() + " --org " + kOrg + " --batch " + kFailedBatch);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("uploader: ABORTED: batch changed meanwhile"),
                           HasSubstr("try again")));
}

TEST_F(UploadCliTest, WithoutATokenNothingIsSent) {
  const int calls = seen_->calls;
  for (const std::string& args :
       {"uploads list " + Uploader() + " --org " + kOrg,
        "documents --importer " + runner_->address() + " --org " + kOrg + " --person SIS1"}) {
    Result r = Sevisctl(args, "");
    EXPECT_EQ(r.code, 2) << args;
    EXPECT_THAT(r.err, HasSubstr("no token")) << args;
  }
  EXPECT_EQ(seen_->calls, calls);
}

TEST_F(UploadCliTest, DocumentsOfAPersonWithTheDsoToken) {
  Result r = Sevisctl("documents --importer " + runner_->address() + " --org " + kOrg +
                          " --person SIS000123",
                      "SEVISFLOW_TOKEN=tok-h3-0001");
  ASSERT_EQ(r.code, 0) << r.err;
  auto request = seen_->Last<v1::ListDocumentsRequest>();
  EXPECT_EQ(request.org_id(), kOrg);
  EXPECT_EQ(request.person_id(), "SIS000123");
  EXPECT_EQ(seen_->authorization, "Bearer tok-h3-0001");
  EXPECT_EQ(r.out,
            "BATCH           KIND  PATH\n"
            "SF000000000007  I-20  /docstore/a.pdf\n"
            "1 document\n");

  r = Sevisctl("documents --importer " + runner_->address() + " --org " + kOrg +
               " --person SIS000999");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "BATCH  KIND  PATH\n0 documents\n");
}

TEST_F(UploadCliTest, AnUnreachableServiceNamesTheAddressAndTheFlag) {
  // A port nothing listens on: bind one, close it.
  rpc::ServerRunner closed(rpc::ServerOptions{});
  ASSERT_TRUE(closed.Start().ok());
  const std::string address = closed.address();
  closed.Shutdown();
  Result r = Sevisctl("uploads list --timeout-ms 3000 --uploader " + address);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("uploader: "), HasSubstr("is the uploader listening on " +
                                                               address)));
  r = Sevisctl("documents --timeout-ms 3000 --org " + std::string(kOrg) +
               " --person SIS000123 --importer " + address);
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, StartsWith("importer: "));
}

}  // namespace
}  // namespace sevisflow::sevisctl
