#include "build_offline.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/batch.pb.h"
#include "test_support.h"

namespace sevisflow::sevisctl {
namespace {

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using sevisxml::testing::MakeCreateStudentAlert;
using sevisxml::testing::ReadFile;
using sevisxml::testing::RunXmllint;
using sevisxml::testing::XsdDir;

// The org of MakeCreateStudentAlert.
constexpr char kOrg[] = "BOS214F00123000";
constexpr char kUser[] = "dso0000001";

std::string JsonLine(const v1::Alert& alert) {
  std::string json;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(alert, &json).ok());
  return json + "\n";
}

std::string JsonLines(const std::vector<v1::Alert>& alerts) {
  std::string out;
  for (const v1::Alert& alert : alerts) out += JsonLine(alert);
  return out;
}

std::vector<v1::Alert> Creates(int count) {
  std::vector<v1::Alert> alerts;
  for (int n = 0; n < count; ++n) alerts.push_back(MakeCreateStudentAlert(n));
  return alerts;
}

// A J Reprint (UpdateEV/ExchangeVisitor/Reprint) of a synthetic exchange visitor.
v1::Alert EvReprint(int n) {
  v1::Alert alert;
  alert.set_alert_id("alert-ev-reprint-" + std::to_string(n));
  alert.set_org_id(kOrg);
  alert.set_person_id("EV" + std::to_string(5000 + n));
  alert.set_visa_family(v1::VISA_FAMILY_J);
  alert.set_event_type(v1::EVENT_TYPE_EV_REPRINT);
  alert.set_sevis_id("N00000" + std::to_string(10000 + n));
  alert.set_detected_at("2025-03-14T09:30:00Z");
  alert.mutable_ev_status()->set_reason("05");
  return alert;
}

// The lines of `text`, without the newlines.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

class BuildOfflineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("sevisctl_build_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  BuildFlags Flags(const std::string& alerts_path) {
    BuildFlags flags;
    flags.alerts = alerts_path;
    flags.org = kOrg;
    flags.user = kUser;
    flags.out = (dir_ / "out").string();
    flags.xsd_dir = XsdDir();
    return flags;
  }

  int Run(const BuildFlags& flags, const std::string& stdin_text = "") {
    std::istringstream in(stdin_text);
    std::ostringstream out;
    std::ostringstream err;
    const int code = RunBuild(flags, in, out, err);
    out_ = out.str();
    err_ = err.str();
    return code;
  }

  // The files written to the out folder, by name.
  std::vector<std::string> OutFiles() const {
    std::vector<std::string> names;
    if (!fs::exists(dir_ / "out")) return names;
    for (const auto& entry : fs::directory_iterator(dir_ / "out")) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  v1::BatchDocument Records(const std::string& batch_id) const {
    v1::BatchDocument document;
    const std::string json = ReadFile((dir_ / "out" / (batch_id + ".records.json")).string());
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &document).ok()) << json;
    return document;
  }

  fs::path dir_;
  std::string out_;
  std::string err_;
};

// --- ParseAlerts ----------------------------------------------------------------------------

TEST(ParseAlertsTest, KeepsTheOrgsAlertsInFileOrder) {
  v1::Alert other = MakeCreateStudentAlert(7);
  other.set_org_id("XYZ214F99999000");
  const std::string text = JsonLine(MakeCreateStudentAlert(2)) + "\n  \n" + JsonLine(other) +
                           JsonLine(MakeCreateStudentAlert(1));
  LoadedAlerts loaded = ParseAlerts("A.jsonl", text, kOrg);
  EXPECT_THAT(loaded.errors, IsEmpty());
  ASSERT_THAT(loaded.alerts, SizeIs(2));
  EXPECT_EQ(loaded.alerts[0].alert_id(), "alert-create-2");
  EXPECT_EQ(loaded.alerts[1].alert_id(), "alert-create-1");
  EXPECT_THAT(loaded.lines, ElementsAre(1, 5));  // lines 2 and 3 are blank
  EXPECT_EQ(loaded.other_orgs, 1);
}

TEST(ParseAlertsTest, EveryBadLineIsNamedWithoutItsValues) {
  v1::Alert no_id = MakeCreateStudentAlert(3);
  no_id.clear_alert_id();
  v1::Alert no_org = MakeCreateStudentAlert(4);
  no_org.clear_org_id();
  const std::string text = JsonLine(MakeCreateStudentAlert(1)) +             // 1
                           "{\"alertId\": \"x\", \"personId\": SIS0001}\n" +  // 2
                           "{\"alertId\": \"y\", \"lastName\": \"Doe\"}\n" +  // 3
                           JsonLine(no_id) +                                   // 4
                           JsonLine(no_org) +                                  // 5
                           JsonLine(MakeCreateStudentAlert(1));                // 6
  LoadedAlerts loaded = ParseAlerts("A.jsonl", text, kOrg);
  ASSERT_THAT(loaded.errors, SizeIs(5));
  EXPECT_THAT(loaded.errors[0].ToString(), StartsWith("A.jsonl:2: invalid JSON"));
  EXPECT_THAT(loaded.errors[0].ToString(), Not(HasSubstr("SIS0001")));
  EXPECT_EQ(loaded.errors[1].ToString(), "A.jsonl:3: lastName: unknown field");
  EXPECT_EQ(loaded.errors[2].ToString(), "A.jsonl:4: alert_id: required");
  EXPECT_EQ(loaded.errors[3].ToString(), "A.jsonl:5: org_id: required");
  EXPECT_EQ(loaded.errors[4].ToString(),
            "A.jsonl:6: alert_id: also on line 1 (a requestID must be unique)");
}

// --- RunBuild -------------------------------------------------------------------------------

TEST_F(BuildOfflineTest, SixHundredCreatesMakeThreeValidDocumentsWithUniqueIds) {
  const std::vector<v1::Alert> alerts = Creates(600);
  ASSERT_EQ(Run(Flags(Write("A.jsonl", JsonLines(alerts)))), kBuildOk) << err_;
  const std::vector<std::string> lines = Lines(out_);
  ASSERT_THAT(lines, SizeIs(3)) << out_;
  const std::string out = (dir_ / "out").string();
  EXPECT_EQ(lines[0], "SF000000000001\tFM\t250 records\t" + out + "/SF000000000001.xml");
  EXPECT_EQ(lines[1], "SF000000000002\tFM\t250 records\t" + out + "/SF000000000002.xml");
  EXPECT_EQ(lines[2], "SF000000000003\tFM\t100 records\t" + out + "/SF000000000003.xml");
  EXPECT_THAT(OutFiles(), ElementsAre("SF000000000001.records.json", "SF000000000001.xml",
                                      "SF000000000002.records.json", "SF000000000002.xml",
                                      "SF000000000003.records.json", "SF000000000003.xml"));
  EXPECT_EQ(err_, "3 documents, 600 records\n");

  // Each document is valid for an independent validator, names its own batch ID, and every
  // alert is in exactly one document, once, in input order.
  const std::string xsd = sevisxml::StudentSchemaPath(XsdDir());
  std::vector<std::string> request_ids;
  for (const char* id : {"SF000000000001", "SF000000000002", "SF000000000003"}) {
    const std::string path = out + "/" + id + ".xml";
    const sevisxml::testing::XmllintResult lint = RunXmllint(xsd, path);
    EXPECT_EQ(lint.exit_code, 0) << lint.output;
    EXPECT_THAT(ReadFile(path), HasSubstr(std::string("<BatchID>") + id + "</BatchID>"));
    const v1::BatchDocument records = Records(id);
    EXPECT_EQ(records.batch_id(), id);
    EXPECT_EQ(records.org_id(), kOrg);
    EXPECT_EQ(records.user_id(), kUser);
    EXPECT_EQ(records.visa_family(), v1::VISA_FAMILY_FM);
    EXPECT_EQ(records.schema_version(), "6.55");
    EXPECT_TRUE(records.xml().empty());
    for (const v1::BatchRecord& record : records.records()) {
      EXPECT_EQ(record.request_id(), record.alert_id());
      EXPECT_FALSE(record.has_alert());
      EXPECT_EQ(record.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
      request_ids.push_back(record.request_id());
    }
  }
  ASSERT_THAT(request_ids, SizeIs(600));
  for (size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(request_ids[i], alerts[i].alert_id());
  }
  const v1::BatchDocument first = Records("SF000000000001");
  EXPECT_EQ(first.records(0).person_id(), alerts[0].person_id());
}

TEST_F(BuildOfflineTest, MixedFamiliesGiveOneDocumentPerFamily) {
  std::vector<v1::Alert> alerts = {MakeCreateStudentAlert(1), EvReprint(1),
                                   MakeCreateStudentAlert(2), EvReprint(2)};
  const int code = Run(Flags(Write("A.jsonl", JsonLines(alerts))));
  // The F/M document: always one, with exactly the two students, valid.
  const std::vector<std::string> lines = Lines(out_);
  const std::string out = (dir_ / "out").string();
  ASSERT_THAT(lines, Not(IsEmpty())) << err_;
  EXPECT_EQ(lines[0], "SF000000000001\tFM\t2 records\t" + out + "/SF000000000001.xml");
  const v1::BatchDocument fm = Records("SF000000000001");
  ASSERT_EQ(fm.records_size(), 2);
  EXPECT_EQ(fm.records(0).alert_id(), "alert-create-1");
  EXPECT_EQ(fm.records(1).alert_id(), "alert-create-2");
  EXPECT_EQ(RunXmllint(sevisxml::StudentSchemaPath(XsdDir()), out + "/SF000000000001.xml")
                .exit_code,
            0);
  // The J document (its own ID, the exchange-visitor schema). While the exchange-visitor
  // writer cannot write an alert, it comes back as returned (exit 3) and only F/M is asserted.
  if (code == kBuildIncomplete) {
    GTEST_LOG_(WARNING) << "J alerts were returned, J document not asserted:\n" << err_;
    EXPECT_THAT(lines, SizeIs(1));
    EXPECT_THAT(err_, HasSubstr("alert-ev-reprint-1 (EV_REPRINT) returned: "));
    return;
  }
  ASSERT_EQ(code, kBuildOk) << err_;
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(lines[1], "SF000000000002\tJ\t2 records\t" + out + "/SF000000000002.xml");
  const v1::BatchDocument j = Records("SF000000000002");
  EXPECT_EQ(j.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(j.schema_version(), "6.27");
  ASSERT_EQ(j.records_size(), 2);
  EXPECT_EQ(j.records(0).alert_id(), "alert-ev-reprint-1");
  EXPECT_EQ(j.records(1).alert_id(), "alert-ev-reprint-2");
  const sevisxml::testing::XmllintResult lint =
      RunXmllint(sevisxml::ExchangeVisitorSchemaPath(XsdDir()), out + "/SF000000000002.xml");
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
}

TEST_F(BuildOfflineTest, ABadLineRefusesTheWholeFileAndWritesNothing) {
  const std::string path = Write("A.jsonl", JsonLine(MakeCreateStudentAlert(1)) +
                                                "{\"alertId\": \"x\", \"orgId\": }\n" +
                                                JsonLine(MakeCreateStudentAlert(2)));
  EXPECT_EQ(Run(Flags(path)), kBuildBadInput);
  EXPECT_THAT(err_, StartsWith(path + ":2: invalid JSON"));
  EXPECT_EQ(out_, "");
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(BuildOfflineTest, BadFlagsAreNamedAndNothingIsWritten) {
  BuildFlags flags = Flags(Write("A.jsonl", JsonLines(Creates(2))));
  flags.user = "short";
  flags.batch_prefix = "SF-";
  flags.max_per_section = 251;
  flags.first_sequence = 0;
  EXPECT_EQ(Run(flags), kBuildBadInput);
  EXPECT_THAT(err_, HasSubstr("--user: "));
  EXPECT_THAT(err_, HasSubstr("--batch-prefix: "));
  EXPECT_THAT(err_, HasSubstr("--max-per-section: must be between 1 and 250"));
  EXPECT_THAT(err_, HasSubstr("--first-sequence: must be at least 1"));
  EXPECT_FALSE(fs::exists(dir_ / "out"));

  flags = Flags(Write("A.jsonl", JsonLines(Creates(2))));
  flags.batch_prefix = "ABCDEFGHIJKL";  // 12 characters: sequences 1..99 fit
  flags.first_sequence = 99;
  flags.max_per_section = 1;            // two documents: 99 and 100, which does not fit
  EXPECT_EQ(Run(flags), kBuildBadInput);
  EXPECT_THAT(err_, StartsWith("--first-sequence: "));
  EXPECT_FALSE(fs::exists(dir_ / "out"));

  flags = Flags(Write("A.jsonl", JsonLines(Creates(2))));
  flags.xsd_dir = (dir_ / "no-such-bundle").string();
  EXPECT_EQ(Run(flags), kBuildBadInput);
  EXPECT_THAT(err_, StartsWith("--xsd-dir: "));
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(BuildOfflineTest, AnotherOrgsFileIsRefused) {
  BuildFlags flags = Flags(Write("A.jsonl", JsonLines(Creates(3))));
  flags.org = "XYZ214F99999000";
  EXPECT_EQ(Run(flags), kBuildBadInput);
  EXPECT_THAT(err_, HasSubstr("--org: no alert of XYZ214F99999000 in"));
  EXPECT_THAT(err_, HasSubstr("3 alerts of other organisations"));
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(BuildOfflineTest, AnEmptyFileBuildsNothing) {
  EXPECT_EQ(Run(Flags(Write("A.jsonl", "\n"))), kBuildOk);
  EXPECT_EQ(out_, "");
  EXPECT_THAT(err_, HasSubstr("nothing to build"));
  EXPECT_THAT(OutFiles(), IsEmpty());
}

TEST_F(BuildOfflineTest, ReturnedAndUnplannedAlertsExitThreeAndTheRestIsWritten) {
  v1::Alert bad_gender = MakeCreateStudentAlert(2);
  bad_gender.set_alert_id("alert-bad-gender");
  bad_gender.mutable_create_student()->set_gender("Q");
  v1::Alert no_sevis_id = MakeCreateStudentAlert(3);
  no_sevis_id.set_alert_id("alert-no-sevis-id");
  no_sevis_id.set_event_type(v1::EVENT_TYPE_STATUS_TERMINATE);
  no_sevis_id.mutable_status()->set_reason("OTHER");
  const std::vector<v1::Alert> alerts = {MakeCreateStudentAlert(1), bad_gender, no_sevis_id,
                                         MakeCreateStudentAlert(4)};
  const std::string path = Write("A.jsonl", JsonLines(alerts));
  ASSERT_EQ(Run(Flags(path)), kBuildIncomplete) << err_;
  ASSERT_THAT(Lines(out_), SizeIs(1));
  EXPECT_THAT(out_, StartsWith("SF000000000001\tFM\t2 records\t"));
  const v1::BatchDocument records = Records("SF000000000001");
  ASSERT_EQ(records.records_size(), 2);
  EXPECT_EQ(records.records(0).alert_id(), "alert-create-1");
  EXPECT_EQ(records.records(1).alert_id(), "alert-create-4");
  EXPECT_EQ(RunXmllint(sevisxml::StudentSchemaPath(XsdDir()),
                       (dir_ / "out" / "SF000000000001.xml").string())
                .exit_code,
            0);
  // The returned record: its line, id, event, the element path and the validator's message.
  EXPECT_THAT(err_, HasSubstr(path + ":2: alert alert-bad-gender (CREATE_STUDENT) returned: "
                                     "XSD_INVALID: /SEVISBatchCreateUpdateStudent/"));
  EXPECT_THAT(err_, HasSubstr("Gender: value '...' not in enumeration\n"));
  EXPECT_THAT(err_, Not(HasSubstr("'Q'")));  // the offending value may be personal data
  EXPECT_THAT(err_, HasSubstr(path + ":3: alert alert-no-sevis-id (STATUS_TERMINATE) not "
                                     "planned: EVENT_TYPE_STATUS_TERMINATE is an update and the "
                                     "alert has no SEVIS ID\n"));
  EXPECT_THAT(err_, HasSubstr("1 document, 2 records; 1 returned; 1 not planned\n"));
}

TEST_F(BuildOfflineTest, ReturnedMessagesLeaveOutTheOffendingValue) {
  v1::Alert long_name = MakeCreateStudentAlert(1);
  long_name.set_alert_id("alert-long-name");
  // LastName is \D+: a digit breaks the pattern; the quote inside must not end the redaction.
  long_name.mutable_create_student()->set_last_name("O'Verylongname 4th");
  ASSERT_EQ(Run(Flags(Write("A.jsonl", JsonLine(long_name) +
                                           JsonLine(MakeCreateStudentAlert(2))))),
            kBuildIncomplete)
      << err_;
  EXPECT_THAT(err_, HasSubstr("alert alert-long-name (CREATE_STUDENT) returned: XSD_INVALID: "));
  EXPECT_THAT(err_, HasSubstr("LastName: "));
  EXPECT_THAT(err_, Not(HasSubstr("Verylong")));
}

TEST_F(BuildOfflineTest, OptionsAreRespected) {
  BuildFlags flags = Flags("-");
  flags.batch_prefix = "TEST";
  flags.first_sequence = 41;
  flags.max_per_section = 2;
  v1::Alert other = MakeCreateStudentAlert(9);
  other.set_org_id("XYZ214F99999000");
  other.set_alert_id("alert-other-org");
  ASSERT_EQ(Run(flags, JsonLines(Creates(5)) + JsonLine(other)), kBuildOk) << err_;
  const std::vector<std::string> lines = Lines(out_);
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[0], StartsWith("TEST0000000041\tFM\t2 records\t"));
  EXPECT_THAT(lines[1], StartsWith("TEST0000000042\tFM\t2 records\t"));
  EXPECT_THAT(lines[2], StartsWith("TEST0000000043\tFM\t1 record\t"));
  EXPECT_EQ(err_, "3 documents, 5 records; 1 alerts of other organisations skipped\n");
  EXPECT_EQ(Records("TEST0000000041").org_id(), kOrg);
}

TEST_F(BuildOfflineTest, ExistingDocumentsAreNeverOverwritten) {
  const BuildFlags flags = Flags(Write("A.jsonl", JsonLines(Creates(3))));
  ASSERT_EQ(Run(flags), kBuildOk) << err_;
  const std::string xml = ReadFile((dir_ / "out" / "SF000000000001.xml").string());
  ASSERT_FALSE(xml.empty());
  // The same run again would reuse SF000000000001: refused, the first document kept.
  EXPECT_EQ(Run(flags), kBuildBadInput);
  EXPECT_THAT(err_, HasSubstr("SF000000000001.xml already exists"));
  EXPECT_EQ(ReadFile((dir_ / "out" / "SF000000000001.xml").string()), xml);
  // Another sequence is fine.
  BuildFlags next = flags;
  next.first_sequence = 2;
  EXPECT_EQ(Run(next), kBuildOk) << err_;
  EXPECT_THAT(OutFiles(), ElementsAre("SF000000000001.records.json", "SF000000000001.xml",
                                      "SF000000000002.records.json", "SF000000000002.xml"));
}

TEST_F(BuildOfflineTest, AnUnreadableFileIsBadInput) {
  EXPECT_EQ(Run(Flags((dir_ / "missing.jsonl").string())), kBuildBadInput);
  EXPECT_THAT(err_, HasSubstr("missing.jsonl: cannot read the file"));
}

TEST(RecordsJsonTest, MapsRequestIdsToAlertPersonAndEvent) {
  batching::BuiltDocument document;
  document.batch_id = "SF000000000009";
  document.family = v1::VISA_FAMILY_FM;
  document.xml = "<SEVISBatchCreateUpdateStudent/>";
  document.alerts = {MakeCreateStudentAlert(1)};
  const std::string json = RecordsJson(document, kOrg, kUser);
  EXPECT_THAT(json, AllOf(HasSubstr("\"batch_id\": \"SF000000000009\""),
                          HasSubstr("\"request_id\": \"alert-create-1\""),
                          HasSubstr("\"person_id\": \"SIS1001\""),
                          HasSubstr("\"event_type\": \"EVENT_TYPE_CREATE_STUDENT\""),
                          HasSubstr("\"schema_version\": \"6.55\"")));
  // Neither the XML nor the alert's data (names, birth date) is repeated.
  EXPECT_THAT(json, Not(HasSubstr("SEVISBatchCreateUpdateStudent")));
  EXPECT_THAT(json, Not(HasSubstr("Samplewood")));
}

}  // namespace
}  // namespace sevisflow::sevisctl
