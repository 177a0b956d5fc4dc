#include "review_args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace sevisflow::sevisctl {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kOrg[] = "ABC214F12345000";

std::string Message(const absl::Status& status) { return std::string(status.message()); }

// --- durations ------------------------------------------------------------------------------

TEST(ParseDurationTest, AcceptsEachUnitAndSums) {
  EXPECT_EQ(*ParseDuration("90s"), 90);
  EXPECT_EQ(*ParseDuration("30m"), 1800);
  EXPECT_EQ(*ParseDuration("2h"), 7200);
  EXPECT_EQ(*ParseDuration("7d"), 7 * 86400);
  EXPECT_EQ(*ParseDuration("2w"), 14 * 86400);
  EXPECT_EQ(*ParseDuration("1d12h"), 36 * 3600);
  EXPECT_EQ(*ParseDuration(" 2H "), 7200);
  EXPECT_EQ(*ParseDuration("0h"), 0);
}

TEST(ParseDurationTest, RefusesWhatIsNotADuration) {
  for (const char* bad : {"", "2", "h", "2x", "-2h", "2h30", "1.5h", "2 h", "99999999999999d"}) {
    absl::StatusOr<int64_t> parsed = ParseDuration(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(Message(parsed.status()), HasSubstr("is not a duration")) << bad;
  }
}

// --- enums ----------------------------------------------------------------------------------

TEST(ParseAlertStateTest, NamesWithOrWithoutPrefixAnyCase) {
  EXPECT_EQ(*ParseAlertState("open"), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(*ParseAlertState("SELECTED"), v1::ALERT_STATE_SELECTED);
  EXPECT_EQ(*ParseAlertState("alert_state_failed"), v1::ALERT_STATE_FAILED);
  EXPECT_EQ(*ParseAlertState("held"), v1::ALERT_STATE_HELD);
  EXPECT_EQ(*ParseAlertState(""), v1::ALERT_STATE_UNSPECIFIED);
  EXPECT_EQ(*ParseAlertState("all"), v1::ALERT_STATE_UNSPECIFIED);
  EXPECT_THAT(Message(ParseAlertState("opened").status()), StartsWith("--state: 'opened'"));
  EXPECT_FALSE(ParseAlertState("unspecified").ok());
}

TEST(ParseEventCodeTest, StableCodes) {
  EXPECT_EQ(*ParseEventCode("STATUS_TERMINATE"), v1::EVENT_TYPE_STATUS_TERMINATE);
  EXPECT_EQ(*ParseEventCode("create_student"), v1::EVENT_TYPE_CREATE_STUDENT);
  EXPECT_EQ(*ParseEventCode("EVENT_TYPE_EV_REPRINT"), v1::EVENT_TYPE_EV_REPRINT);
  absl::StatusOr<v1::EventType> bad = ParseEventCode("TERMINATE_STATUS");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(Message(bad.status()), AllOf(StartsWith("--event: 'TERMINATE_STATUS'"),
                                           HasSubstr("docs/events.md")));
  EXPECT_FALSE(ParseEventCode("").ok());
}

TEST(ParseErrorFilterTest, WithWithoutAny) {
  EXPECT_EQ(*ParseErrorFilter("with"), v1::ERROR_FILTER_WITH_ERRORS);
  EXPECT_EQ(*ParseErrorFilter("WITHOUT"), v1::ERROR_FILTER_WITHOUT_ERRORS);
  EXPECT_EQ(*ParseErrorFilter(""), v1::ERROR_FILTER_ANY);
  EXPECT_EQ(*ParseErrorFilter("any"), v1::ERROR_FILTER_ANY);
  EXPECT_THAT(Message(ParseErrorFilter("yes").status()), StartsWith("--errors: "));
}

// --- alerts list ----------------------------------------------------------------------------

TEST(MakeListAlertsRequestTest, MapsEveryFlag) {
  ListAlertsFlags flags;
  flags.org = " " + std::string(kOrg) + " ";
  flags.state = "open";
  flags.events = {"STATUS_TERMINATE", "program_extension", "STATUS_TERMINATE"};
  flags.person = "SIS000123";
  flags.errors = "with";
  flags.min_age = "2h";
  flags.max_age = "7d";
  flags.limit = 50;
  absl::StatusOr<v1::ListAlertsRequest> request = MakeListAlertsRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->org_id(), kOrg);
  EXPECT_EQ(request->state(), v1::ALERT_STATE_OPEN);
  EXPECT_THAT(request->event_types(),
              ElementsAre(v1::EVENT_TYPE_STATUS_TERMINATE, v1::EVENT_TYPE_PROGRAM_EXTENSION));
  EXPECT_EQ(request->person_id(), "SIS000123");
  EXPECT_EQ(request->errors(), v1::ERROR_FILTER_WITH_ERRORS);
  EXPECT_EQ(request->min_age_seconds(), 7200);
  EXPECT_EQ(request->max_age_seconds(), 7 * 86400);
  EXPECT_EQ(request->limit(), 50);
}

TEST(MakeListAlertsRequestTest, DefaultsAreNoFilter) {
  ListAlertsFlags flags;
  flags.org = kOrg;
  absl::StatusOr<v1::ListAlertsRequest> request = MakeListAlertsRequest(flags);
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->state(), v1::ALERT_STATE_UNSPECIFIED);
  EXPECT_TRUE(request->event_types().empty());
  EXPECT_EQ(request->errors(), v1::ERROR_FILTER_ANY);
  EXPECT_EQ(request->min_age_seconds(), 0);
  EXPECT_EQ(request->max_age_seconds(), 0);
  EXPECT_EQ(request->limit(), 0);
}

TEST(MakeListAlertsRequestTest, RefusesBadFlagsNamingThem) {
  auto error = [](auto mutate) {
    ListAlertsFlags flags;
    flags.org = kOrg;
    mutate(flags);
    absl::StatusOr<v1::ListAlertsRequest> request = MakeListAlertsRequest(flags);
    EXPECT_FALSE(request.ok());
    return request.ok() ? std::string() : Message(request.status());
  };
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.org = " "; }), StartsWith("--org: required"));
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.min_age = "2 hours"; }),
              StartsWith("--min-age: '2 hours' is not a duration"));
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.max_age = "7"; }), StartsWith("--max-age: "));
  EXPECT_THAT(error([](ListAlertsFlags& f) {
                f.min_age = "7d";
                f.max_age = "2h";
              }),
              HasSubstr("no alert can match"));
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.limit = 10001; }), StartsWith("--limit: "));
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.limit = -1; }), StartsWith("--limit: "));
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.events = {"CREATE_STUDENT", "NOPE"}; }),
              StartsWith("--event: 'NOPE'"));
  EXPECT_THAT(error([](ListAlertsFlags& f) { f.state = "closed"; }), StartsWith("--state: "));
}

// --- show / select / reject -----------------------------------------------------------------

TEST(ReviewRequestsTest, GetAlert) {
  absl::StatusOr<v1::GetAlertRequest> request = MakeGetAlertRequest(kOrg, " a1 ");
  ASSERT_TRUE(request.ok());
  EXPECT_EQ(request->org_id(), kOrg);
  EXPECT_EQ(request->alert_id(), "a1");
  EXPECT_THAT(Message(MakeGetAlertRequest(kOrg, "").status()), StartsWith("--id: required"));
}

TEST(ReviewRequestsTest, SelectSendsEachIdOnceInOrder) {
  absl::StatusOr<v1::SelectAlertsRequest> request =
      MakeSelectAlertsRequest(kOrg, {"b", "a", " b "}, /*deselect=*/true);
  ASSERT_TRUE(request.ok());
  EXPECT_THAT(request->alert_ids(), ElementsAre("b", "a"));
  EXPECT_TRUE(request->deselect());
  EXPECT_FALSE(MakeSelectAlertsRequest(kOrg, {}, false).ok());
  EXPECT_THAT(Message(MakeSelectAlertsRequest(kOrg, {"a", " "}, false).status()),
              HasSubstr("blank"));
  EXPECT_THAT(Message(MakeSelectAlertsRequest("", {"a"}, false).status()), StartsWith("--org"));
}

TEST(ReviewRequestsTest, RejectNeedsAReason) {
  absl::StatusOr<v1::RejectAlertsRequest> request =
      MakeRejectAlertsRequest(kOrg, {"a1", "a2"}, "  duplicate of a manual entry ");
  ASSERT_TRUE(request.ok());
  EXPECT_THAT(request->alert_ids(), ElementsAre("a1", "a2"));
  EXPECT_EQ(request->reason(), "duplicate of a manual entry");
  EXPECT_THAT(Message(MakeRejectAlertsRequest(kOrg, {"a1"}, " \n").status()),
              StartsWith("--reason: required"));
}

// --- alerts add -----------------------------------------------------------------------------

AddManualEventFlags AddFlags() {
  AddManualEventFlags flags;
  flags.org = kOrg;
  flags.person = "SIS000123";
  flags.event = "status_terminate";
  return flags;
}

TEST(MakeAddManualEventRequestTest, ParsesTheDataOneof) {
  AddManualEventFlags flags = AddFlags();
  flags.subject = " dep-1 ";
  absl::StatusOr<v1::AddManualEventRequest> request = MakeAddManualEventRequest(
      flags, R"({"status": {"reason": "OTHER", "remarks": "left the programme"}})", "data.json");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->org_id(), kOrg);
  EXPECT_EQ(request->person_id(), "SIS000123");
  EXPECT_EQ(request->event_type(), v1::EVENT_TYPE_STATUS_TERMINATE);
  EXPECT_EQ(request->subject(), "dep-1");
  ASSERT_TRUE(request->data().has_status());
  EXPECT_EQ(request->data().status().reason(), "OTHER");
  EXPECT_EQ(request->data().alert_id(), "");
}

TEST(MakeAddManualEventRequestTest, NoDataIsAllowed) {
  absl::StatusOr<v1::AddManualEventRequest> request =
      MakeAddManualEventRequest(AddFlags(), " \n", "data.json");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->has_data());
}

TEST(MakeAddManualEventRequestTest, RefusesFieldsOutsideTheDataOneof) {
  absl::StatusOr<v1::AddManualEventRequest> request = MakeAddManualEventRequest(
      AddFlags(), R"({"sevisId": "N0001234567", "status": {"reason": "OTHER"}})", "data.json");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(request.status()), StartsWith("data.json: sevis_id: only the alert's data"));
  // The value is not echoed (it may be personal data).
  EXPECT_THAT(Message(request.status()), Not(HasSubstr("N0001234567")));
}

TEST(MakeAddManualEventRequestTest, RefusesBadJsonNamingTheSource) {
  absl::StatusOr<v1::AddManualEventRequest> typo = MakeAddManualEventRequest(
      AddFlags(), R"({"status": {"reasn": "OTHER"}})", "data.json");
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(Message(typo.status()), AllOf(StartsWith("data.json: "), HasSubstr("reasn"),
                                            HasSubstr("unknown field")));
  absl::StatusOr<v1::AddManualEventRequest> broken =
      MakeAddManualEventRequest(AddFlags(), R"({"status": )", "<stdin>");
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(Message(broken.status()), StartsWith("<stdin>: invalid JSON"));
}

TEST(MakeAddManualEventRequestTest, RequiresOrgPersonAndAKnownEvent) {
  AddManualEventFlags flags = AddFlags();
  flags.event = "FIRE_STUDENT";
  EXPECT_THAT(Message(MakeAddManualEventRequest(flags, "", "-").status()), StartsWith("--event"));
  flags = AddFlags();
  flags.person = "";
  EXPECT_THAT(Message(MakeAddManualEventRequest(flags, "", "-").status()),
              StartsWith("--person: required"));
}

// --- batch, supplemental, audit -------------------------------------------------------------

TEST(ReviewRequestsTest, BatchRequestsCarryTheOrgOnly) {
  absl::StatusOr<v1::CloseBatchRequest> close = MakeCloseBatchRequest(kOrg);
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(close->org_id(), kOrg);
  EXPECT_EQ(close->user_id(), "");  // the builder takes the SEVIS userID from the token
  EXPECT_FALSE(MakeCloseBatchRequest("").ok());
  ASSERT_TRUE(MakeListBatchesRequest(kOrg).ok());
  EXPECT_EQ(MakeListBatchesRequest(kOrg)->org_id(), kOrg);
}

TEST(MakeSetSupplementalRequestTest, FillsKeysAndDropsTheBuildersStamps) {
  const char* json = R"({"person_id": "SIS000123", "admission_number": "12345678901",
                         "names": [{"nameType": "PASSPORT", "lastName": "Testperson"}],
                         "updated_by": "someone", "updated_at": "2026-01-01T00:00:00Z",
                         "version": "4"})";
  absl::StatusOr<v1::SetSupplementalRequest> request =
      MakeSetSupplementalRequest(kOrg, "SIS000123", json, "s.json");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_FALSE(request->clear());
  EXPECT_EQ(request->data().org_id(), kOrg);
  EXPECT_EQ(request->data().person_id(), "SIS000123");
  EXPECT_EQ(request->data().admission_number(), "12345678901");
  ASSERT_EQ(request->data().names_size(), 1);
  EXPECT_EQ(request->data().updated_by(), "");
  EXPECT_EQ(request->data().updated_at(), "");
  EXPECT_EQ(request->data().version(), 0);
}

TEST(MakeSetSupplementalRequestTest, RefusesAnotherPersonOrOrgAndEmptyInput) {
  EXPECT_THAT(Message(MakeSetSupplementalRequest(kOrg, "SIS000123",
                                                 R"({"person_id": "SIS999"})", "s.json")
                          .status()),
              StartsWith("s.json: person_id: names another person"));
  EXPECT_THAT(Message(MakeSetSupplementalRequest(kOrg, "SIS000123",
                                                 R"({"org_id": "XYZ214F00000000"})", "s.json")
                          .status()),
              StartsWith("s.json: org_id: names another organisation"));
  EXPECT_THAT(Message(MakeSetSupplementalRequest(kOrg, "SIS000123", " ", "s.json").status()),
              StartsWith("s.json: empty"));
  EXPECT_THAT(Message(MakeSetSupplementalRequest(kOrg, "SIS000123", R"({"admision": "1"})",
                                                 "s.json")
                          .status()),
              HasSubstr("unknown field"));
}

TEST(MakeSupplementalRequestsTest, ClearAndGet) {
  absl::StatusOr<v1::SetSupplementalRequest> clear =
      MakeClearSupplementalRequest(kOrg, "SIS000123");
  ASSERT_TRUE(clear.ok());
  EXPECT_TRUE(clear->clear());
  EXPECT_EQ(clear->data().org_id(), kOrg);
  EXPECT_EQ(clear->data().person_id(), "SIS000123");
  absl::StatusOr<v1::GetSupplementalRequest> get = MakeGetSupplementalRequest(kOrg, "SIS000123");
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->person_id(), "SIS000123");
  EXPECT_FALSE(MakeGetSupplementalRequest(kOrg, "").ok());
}

TEST(MakeQueryAuditRequestTest, PersonBatchOrTheOrg) {
  absl::StatusOr<v1::QueryAuditRequest> org = MakeQueryAuditRequest(kOrg, "", "", 0);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->person_id(), "");
  EXPECT_EQ(org->batch_id(), "");
  absl::StatusOr<v1::QueryAuditRequest> batch =
      MakeQueryAuditRequest(kOrg, "", "SF000000000001", 20);
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->batch_id(), "SF000000000001");
  EXPECT_EQ(batch->limit(), 20);
  EXPECT_THAT(Message(MakeQueryAuditRequest(kOrg, "SIS1", "SF000000000001", 0).status()),
              HasSubstr("give one of them"));
  EXPECT_FALSE(MakeQueryAuditRequest(kOrg, "", "", -5).ok());
}

// --- token ----------------------------------------------------------------------------------

class TokenTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& content,
                    std::filesystem::perms perms = std::filesystem::perms::owner_read |
                                                   std::filesystem::perms::owner_write) {
    const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                                      ("sevisctl_token_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string path = (dir / name).string();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    std::filesystem::permissions(path, perms);
    return path;
  }
  EnvLookup Env() {
    return [this](const char* name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  std::map<std::string, std::string> env_;
};

TEST_F(TokenTest, FlagFileWinsOverEnvironment) {
  const std::string file = Write("flag", "s3cret-from-flag\n");
  env_["SEVISFLOW_TOKEN_FILE"] = Write("env", "s3cret-from-env-file\n");
  env_["SEVISFLOW_TOKEN"] = "s3cret-from-env";
  absl::StatusOr<Token> token = ResolveToken(file, Env());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->value, "s3cret-from-flag");
  EXPECT_EQ(token->source, "--token-file " + file);
  EXPECT_EQ(token->warning, "");
}

TEST_F(TokenTest, EnvironmentFileThenEnvironmentValue) {
  env_["SEVISFLOW_TOKEN_FILE"] = Write("env", "  s3cret-from-env-file \r\n");
  env_["SEVISFLOW_TOKEN"] = "s3cret-from-env";
  absl::StatusOr<Token> token = ResolveToken("", Env());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->value, "s3cret-from-env-file");
  EXPECT_THAT(token->source, StartsWith("$SEVISFLOW_TOKEN_FILE ("));
  env_.erase("SEVISFLOW_TOKEN_FILE");
  token = ResolveToken("", Env());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_EQ(token->value, "s3cret-from-env");
  EXPECT_EQ(token->source, "$SEVISFLOW_TOKEN");
}

TEST_F(TokenTest, NoTokenSaysWhereToPutOne) {
  absl::StatusOr<Token> token = ResolveToken("", Env());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Message(token.status()), AllOf(HasSubstr("--token-file"),
                                             HasSubstr("$SEVISFLOW_TOKEN_FILE"),
                                             HasSubstr("$SEVISFLOW_TOKEN")));
}

TEST_F(TokenTest, BadTokensAreRefusedWithoutEchoingThem) {
  const std::string empty = Write("empty", "\n");
  EXPECT_THAT(Message(ResolveToken(empty, Env()).status()), HasSubstr("the token is empty"));
  const std::string two_words = Write("two", "first-secret second-secret\n");
  absl::StatusOr<Token> token = ResolveToken(two_words, Env());
  ASSERT_FALSE(token.ok());
  EXPECT_THAT(Message(token.status()), HasSubstr("one word of printable ASCII"));
  EXPECT_THAT(Message(token.status()), Not(HasSubstr("secret")));
  EXPECT_THAT(Message(ResolveToken("/nonexistent/token", Env()).status()),
              HasSubstr("cannot read the file"));
}

TEST_F(TokenTest, WarnsWhenOthersCanReadTheFile) {
  const std::string file = Write("shared", "s3cret\n",
                                 std::filesystem::perms::owner_read |
                                     std::filesystem::perms::owner_write |
                                     std::filesystem::perms::others_read);
  absl::StatusOr<Token> token = ResolveToken(file, Env());
  ASSERT_TRUE(token.ok()) << token.status();
  EXPECT_THAT(token->warning, HasSubstr("chmod 600"));
}

TEST(ReadInputTest, FileOrStdin) {
  std::istringstream in("{\"status\": {}}");
  EXPECT_EQ(*ReadInput("-", "--data-json", in), "{\"status\": {}}");
  std::istringstream none;
  absl::StatusOr<std::string> missing = ReadInput("/nonexistent/x.json", "--data-json", none);
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(Message(missing.status()), StartsWith("--data-json: cannot read"));
  EXPECT_FALSE(ReadInput(::testing::TempDir(), "--json-file", none).ok());
}

}  // namespace
}  // namespace sevisflow::sevisctl
