#include "detect_offline.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sevisflow::sevisctl {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kToday[] = "2026-09-05";

common::Date D(const char* iso) { return *common::Date::Parse(iso); }

// A synthetic F-1 student that satisfies Create Student (no real person).
v1::SisPersonSnapshot Student(const std::string& person_id, int64_t version = 3) {
  v1::SisPersonSnapshot s;
  s.set_person_id(person_id);
  s.set_version(version);
  auto* n = s.add_names();
  n->set_name_type("PRI");
  n->set_last_name("Testperson");
  n->set_first_name("Alexandra");
  auto* bio = s.mutable_bio();
  bio->set_birth_date("2003-04-05");
  bio->set_gender("F");
  bio->set_birth_city("Lima");
  bio->set_birth_country("PE");
  bio->set_citizenship_country("PE");
  bio->set_preferred_email("student@example.edu");
  s.add_port_of_entry()->set_immigration_status("01");
  auto* us = s.add_addresses();
  us->set_address_type("LOCL");
  us->mutable_address()->set_line1("12 College Ave");
  us->mutable_address()->set_city("Springfield");
  us->mutable_address()->set_state("IL");
  us->mutable_address()->set_postal_code("62701");
  auto* home = s.add_addresses();
  home->set_address_type("HOME");
  home->mutable_address()->set_line1("Av. Siempre Viva 742");
  home->mutable_address()->set_city("Lima");
  home->mutable_address()->set_country("PE");
  auto* i20 = s.add_i20();
  i20->set_effective_date("2026-01-10");
  i20->set_effective_status(v1::FORM_STATUS_ACTIVE);
  i20->set_funding_verified(true);
  i20->set_school_code(kOrg);
  i20->set_institution("UNIV1");
  i20->set_career("GRAD");
  i20->set_issue_reason("I");
  i20->set_level_of_education("04");
  i20->set_from_date("2026-08-20");
  i20->set_to_date("2028-05-15");
  i20->set_months_in_academic_term(9);
  i20->set_tuition(30000);
  i20->set_living_expenses(15000);
  i20->set_personal_funds(45000);
  auto* plan = s.add_plans();
  plan->set_plan_type("MAJ");
  plan->set_plan("CSCI-MS");
  plan->set_cip_code("11.0701");
  plan->set_active(true);
  return s;
}

v1::MasterRecord Master(const std::string& person_id, const std::string& org = kOrg) {
  v1::MasterRecord m;
  m.set_org_id(org);
  m.set_person_id(person_id);
  m.set_sevis_id("N0001234567");
  m.set_visa_family(v1::VISA_FAMILY_FM);
  m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  m.set_visa_type("01");
  return m;
}

v1::RunControl FallRunControl() {
  v1::RunControl rc;
  rc.set_org_id(kOrg);
  rc.set_visa_family(v1::VISA_FAMILY_FM);
  v1::TermSelection* row = rc.add_terms();
  row->set_institution("UNIV1");
  row->set_career("GRAD");
  row->set_current_term("2026FA");
  row->set_current_term_begin_date("2026-08-20");
  row->set_current_term_end_date("2026-12-15");
  row->set_next_term("2027SP");
  row->set_next_term_begin_date("2027-01-12");
  row->set_as_of_date("2026-09-01");
  return rc;
}

std::string Json(const google::protobuf::Message& m) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

// A folder of its own per test, under the test framework's temporary directory.
class DetectOfflineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) / "sevisctl_detect" /
           (std::string(info->test_suite_name()) + "." + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }

  std::string Write(const std::string& name, const std::string& content) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  DetectInputs Inputs(const std::string& snapshots) {
    DetectInputs in;
    in.snapshots_path = Write("S.jsonl", snapshots);
    in.xsd_dir = SEVISFLOW_DEFAULT_XSD_DIR;
    in.today = D(kToday);
    return in;
  }

  DetectFlags Flags(const std::string& snapshots) {
    DetectFlags flags;
    flags.snapshots = Write("S.jsonl", snapshots);
    flags.today = kToday;
    flags.xsd_dir = SEVISFLOW_DEFAULT_XSD_DIR;
    return flags;
  }

  struct Run {
    int code;
    std::string out;
    std::string err;
  };
  Run RunIt(const DetectFlags& flags) {
    const common::FakeClock clock(common::TimePoint{});
    std::ostringstream out, err;
    const int code = RunDetect(flags, clock, out, err);
    return {code, out.str(), err.str()};
  }

  std::filesystem::path dir_;
};

std::vector<v1::EventType> Events(const std::vector<v1::Alert>& alerts) {
  std::vector<v1::EventType> out;
  for (const auto& a : alerts) out.push_back(a.event_type());
  return out;
}

bool HasCreateStudent(const std::vector<v1::Alert>& alerts, const std::string& person) {
  for (const auto& a : alerts) {
    if (a.event_type() == v1::EVENT_TYPE_CREATE_STUDENT && a.person_id() == person) return true;
  }
  return false;
}

// --- Good runs ----------------------------------------------------------------------------

TEST_F(DetectOfflineTest, CreateStudentWithoutMasterRow) {
  const DetectResult result = DetectFiles(Inputs(Json(Student("SIS000001")) + "\n"));
  ASSERT_THAT(result.errors, IsEmpty());
  ASSERT_THAT(result.alerts, SizeIs(1));
  const v1::Alert& alert = result.alerts[0];
  EXPECT_EQ(alert.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
  EXPECT_EQ(alert.person_id(), "SIS000001");
  EXPECT_EQ(alert.org_id(), kOrg);
  EXPECT_EQ(alert.snapshot_version(), 3);
  EXPECT_EQ(alert.detected_at(), "2026-09-05T00:00:00Z");
  EXPECT_THAT(alert.alert_id(), SizeIs(20));
  EXPECT_TRUE(alert.has_create_student());
}

// A synthetic J-1 exchange visitor that satisfies Create Exchange Visitor (no real person).
v1::SisPersonSnapshot Visitor(const std::string& person_id) {
  v1::SisPersonSnapshot s;
  s.set_person_id(person_id);
  s.set_version(2);
  auto* n = s.add_names();
  n->set_name_type("PRI");
  n->set_last_name("Testvisitor");
  n->set_first_name("Kim");
  auto* bio = s.mutable_bio();
  bio->set_birth_date("1998-07-14");
  bio->set_gender("F");
  bio->set_birth_city("Bremen");
  bio->set_birth_country("GM");
  bio->set_citizenship_country("GM");
  bio->set_preferred_email("visitor@example.edu");
  s.add_port_of_entry()->set_immigration_status("03");
  auto* d = s.add_ds2019();
  d->set_effective_date("2026-05-01");
  d->set_effective_status(v1::FORM_STATUS_ACTIVE);
  d->set_funding_verified(true);
  d->set_program_number("P-1-12345");
  d->set_program_category("1B");
  d->set_position_code("213");
  d->set_subject_field_code("11.0701");
  d->set_program_start_date("2026-08-20");
  d->set_program_end_date("2027-05-15");
  d->set_permanent_residence_country("GM");
  d->set_citizenship_country("GM");
  d->mutable_financial()->set_personal_funds(30000);
  return s;
}

TEST_F(DetectOfflineTest, MixedFileGivesBothFamilies) {
  // One file, an F-1 student and a J-1 exchange visitor: the person's visa decides the rule
  // book, the organisation is the school code or the program number.
  const DetectResult result = DetectFiles(
      Inputs(Json(Student("SIS000001")) + "\n" + Json(Visitor("SIS000002")) + "\n"));
  ASSERT_THAT(result.errors, IsEmpty());
  ASSERT_THAT(result.alerts, SizeIs(2));
  EXPECT_EQ(result.alerts[0].event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
  EXPECT_EQ(result.alerts[0].visa_family(), v1::VISA_FAMILY_FM);
  EXPECT_EQ(result.alerts[0].org_id(), kOrg);
  EXPECT_EQ(result.alerts[1].event_type(), v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
  EXPECT_EQ(result.alerts[1].visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(result.alerts[1].org_id(), "P-1-12345");
  EXPECT_TRUE(result.alerts[1].has_create_exchange_visitor());
}

TEST_F(DetectOfflineTest, CommandPrintsOneJsonAlertPerLine) {
  DetectFlags flags = Flags(Json(Student("SIS000001")) + "\n\n");
  const Run run = RunIt(flags);
  EXPECT_EQ(run.code, kDetectOk);
  EXPECT_EQ(run.err, "");
  ASSERT_THAT(run.out, Not(IsEmpty()));
  ASSERT_EQ(run.out.back(), '\n');
  const std::string line = run.out.substr(0, run.out.size() - 1);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  v1::Alert parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok());
  EXPECT_EQ(parsed.event_type(), v1::EVENT_TYPE_CREATE_STUDENT);
  // Protobuf's JSON mapping with default options: camelCase names, enum names.
  EXPECT_THAT(line, HasSubstr("\"eventType\":\"EVENT_TYPE_CREATE_STUDENT\""));
  EXPECT_THAT(line, HasSubstr("\"detectedAt\":\"2026-09-05T00:00:00Z\""));
  // Exactly what DetectFiles found, printed by MessageToJsonString.
  DetectInputs in = Inputs(Json(Student("SIS000001")) + "\n");
  EXPECT_EQ(line, Json(DetectFiles(in).alerts.at(0)));
}

TEST_F(DetectOfflineTest, NoAlertsIsSuccess) {
  v1::SisPersonSnapshot s = Student("SIS000001");
  s.mutable_i20(0)->set_funding_verified(false);  // Create Student's trigger fails
  const Run run = RunIt(Flags(Json(s) + "\n"));
  EXPECT_EQ(run.code, kDetectOk);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "");
}

TEST_F(DetectOfflineTest, MasterRowOfTheSameSchoolMeansNoCreateStudent) {
  DetectInputs in = Inputs(Json(Student("SIS000001")) + "\n");
  in.master_path = Write("M.jsonl", Json(Master("SIS000001")) + "\n");
  const DetectResult result = DetectFiles(in);
  ASSERT_THAT(result.errors, IsEmpty());
  EXPECT_FALSE(HasCreateStudent(result.alerts, "SIS000001"));
}

TEST_F(DetectOfflineTest, MasterRowOfAnotherSchoolOrPersonDoesNotCount) {
  DetectInputs in = Inputs(Json(Student("SIS000001")) + "\n");
  in.master_path = Write("M.jsonl", Json(Master("SIS000001", "XYZ214F99999000")) + "\n" +
                                        Json(Master("SIS000002")) + "\n");
  const DetectResult result = DetectFiles(in);
  ASSERT_THAT(result.errors, IsEmpty());
  EXPECT_THAT(Events(result.alerts), ElementsAre(v1::EVENT_TYPE_CREATE_STUDENT));
}

TEST_F(DetectOfflineTest, DeletedMasterRowCountsAsAbsent) {
  v1::MasterRecord deleted = Master("SIS000001");
  deleted.set_deleted(true);
  DetectInputs in = Inputs(Json(Student("SIS000001")) + "\n");
  in.master_path = Write("M.jsonl", Json(deleted) + "\n");
  DetectResult result = DetectFiles(in);
  ASSERT_THAT(result.errors, IsEmpty());
  EXPECT_TRUE(HasCreateStudent(result.alerts, "SIS000001"));

  // Read as a topic dump: the later line of a key wins.
  in.master_path = Write("M.jsonl", Json(Master("SIS000001")) + "\n" + Json(deleted) + "\n");
  result = DetectFiles(in);
  ASSERT_THAT(result.errors, IsEmpty());
  EXPECT_TRUE(HasCreateStudent(result.alerts, "SIS000001"));

  in.master_path = Write("M.jsonl", Json(deleted) + "\n" + Json(Master("SIS000001")) + "\n");
  result = DetectFiles(in);
  ASSERT_THAT(result.errors, IsEmpty());
  EXPECT_FALSE(HasCreateStudent(result.alerts, "SIS000001"));
}

TEST_F(DetectOfflineTest, MasterIndexFind) {
  LoadedMaster loaded = ParseMaster("M.jsonl", Json(Master("SIS000001")) + "\n");
  ASSERT_THAT(loaded.errors, IsEmpty());
  EXPECT_TRUE(loaded.master.Find(kOrg, "SIS000001") != nullptr);
  EXPECT_FALSE(loaded.master.Find(kOrg, "SIS000002") != nullptr);
  EXPECT_FALSE(loaded.master.Find("XYZ214F99999000", "SIS000001") != nullptr);

  // The lookup handed to the rules already hides deleted records (MasterLookup's contract).
  v1::MasterRecord deleted = Master("SIS000001");
  deleted.set_deleted(true);
  loaded = ParseMaster("M.jsonl", Json(Master("SIS000001")) + "\n" + Json(deleted) + "\n");
  ASSERT_THAT(loaded.errors, IsEmpty());
  EXPECT_EQ(loaded.master.size(), 1u);
  EXPECT_FALSE(loaded.master.Find(kOrg, "SIS000001") != nullptr);
}

TEST_F(DetectOfflineTest, DuplicatePersonKeepsTheHigherVersion) {
  for (bool higher_first : {true, false}) {
    SCOPED_TRACE(higher_first ? "higher first" : "higher last");
    v1::SisPersonSnapshot older = Student("SIS000001", 2);
    older.mutable_i20(0)->set_school_code("XYZ214F99999000");
    const v1::SisPersonSnapshot newer = Student("SIS000001", 5);
    const std::string text = higher_first ? Json(newer) + "\n" + Json(older) + "\n"
                                          : Json(older) + "\n" + Json(newer) + "\n";
    const LoadedSnapshots loaded = ParseSnapshots("S.jsonl", text);
    ASSERT_THAT(loaded.errors, IsEmpty());
    ASSERT_THAT(loaded.snapshots, SizeIs(1));
    EXPECT_EQ(loaded.snapshots[0].version(), 5);

    const DetectResult result = DetectFiles(Inputs(text));
    ASSERT_THAT(result.errors, IsEmpty());
    ASSERT_THAT(result.alerts, SizeIs(1));
    EXPECT_EQ(result.alerts[0].snapshot_version(), 5);
    EXPECT_EQ(result.alerts[0].org_id(), kOrg);
  }
}

TEST_F(DetectOfflineTest, DuplicatePersonSameVersionMustBeIdentical) {
  const std::string same = Json(Student("SIS000001", 4)) + "\n";
  EXPECT_THAT(ParseSnapshots("S.jsonl", same + same).errors, IsEmpty());

  v1::SisPersonSnapshot other = Student("SIS000001", 4);
  other.mutable_bio()->set_gender("M");
  const LoadedSnapshots loaded =
      ParseSnapshots("S.jsonl", same + Json(Student("SIS000002")) + "\n" + Json(other) + "\n");
  ASSERT_THAT(loaded.errors, SizeIs(1));
  EXPECT_EQ(loaded.errors[0].ToString(),
            "S.jsonl:3: version: same person_id and version as line 1 but other content");

  // A higher version settles it.
  const LoadedSnapshots settled = ParseSnapshots(
      "S.jsonl", same + Json(other) + "\n" + Json(Student("SIS000001", 6)) + "\n");
  EXPECT_THAT(settled.errors, IsEmpty());
  ASSERT_THAT(settled.snapshots, SizeIs(1));
  EXPECT_EQ(settled.snapshots[0].version(), 6);
}

TEST_F(DetectOfflineTest, OrderIsDeterministic) {
  const std::string a = Json(Student("SIS000001")), b = Json(Student("SIS000002")),
                    c = Json(Student("SIS000003"));
  DetectFlags flags = Flags(c + "\n" + a + "\n" + b + "\n");
  const Run first = RunIt(flags);
  flags = Flags(b + "\n" + c + "\n" + a + "\n");
  const Run second = RunIt(flags);
  EXPECT_EQ(first.code, kDetectOk);
  EXPECT_EQ(first.out, second.out);

  const DetectResult result = DetectFiles(Inputs(c + "\n" + a + "\n" + b + "\n"));
  ASSERT_THAT(result.alerts, SizeIs(3));
  EXPECT_EQ(result.alerts[0].person_id(), "SIS000001");
  EXPECT_EQ(result.alerts[1].person_id(), "SIS000002");
  EXPECT_EQ(result.alerts[2].person_id(), "SIS000003");
}

TEST(SortAlertsTest, ByPersonOrgEventSubjectThenId) {
  auto make = [](const char* person, const char* org, v1::EventType event, const char* subject,
                 const char* id) {
    v1::Alert a;
    a.set_person_id(person);
    a.set_org_id(org);
    a.set_event_type(event);
    a.set_subject(subject);
    a.set_alert_id(id);
    return a;
  };
  std::vector<v1::Alert> alerts = {
      make("P2", "A", v1::EVENT_TYPE_CREATE_STUDENT, "", "1"),
      make("P1", "B", v1::EVENT_TYPE_CREATE_STUDENT, "", "2"),
      make("P1", "A", v1::EVENT_TYPE_REGISTRATION, "", "3"),
      make("P1", "A", v1::EVENT_TYPE_DEPENDENT_ADD, "D2", "4"),
      make("P1", "A", v1::EVENT_TYPE_DEPENDENT_ADD, "D1", "6"),
      make("P1", "A", v1::EVENT_TYPE_DEPENDENT_ADD, "D1", "5"),
  };
  SortAlerts(alerts);
  std::vector<std::string> ids;
  for (const auto& a : alerts) ids.push_back(a.alert_id());
  EXPECT_THAT(ids, ElementsAre("5", "6", "4", "3", "2", "1"));
}

TEST_F(DetectOfflineTest, BlankLinesAreSkippedAndCounted) {
  const std::string text = "\n  \n" + Json(Student("SIS000001")) + "\r\n\n{\"personId\": \"\"}\n";
  const LoadedSnapshots loaded = ParseSnapshots("S.jsonl", text);
  EXPECT_THAT(loaded.snapshots, SizeIs(1));
  ASSERT_THAT(loaded.errors, SizeIs(1));
  EXPECT_EQ(loaded.errors[0].ToString(), "S.jsonl:5: person_id: required");
}

// --- Bad snapshots --------------------------------------------------------------------------

TEST_F(DetectOfflineTest, BadJsonOnLineTwo) {
  const std::string text = Json(Student("SIS000001")) +
                           "\n{\"personId\": \"SIS000002\", \"names\": [{\"lastName\": "
                           "\"Testperson\" \"firstName\": \"Alexandra\"}]}\n";
  const LoadedSnapshots loaded = ParseSnapshots("S.jsonl", text);
  ASSERT_THAT(loaded.errors, SizeIs(1));
  const std::string message = loaded.errors[0].ToString();
  EXPECT_THAT(message, StartsWith("S.jsonl:2: invalid JSON: "));
  // The parser's echo of the input is not repeated: it holds personal data.
  EXPECT_THAT(message, AllOf(Not(HasSubstr("Testperson")), Not(HasSubstr("Alexandra")),
                             Not(HasSubstr("\n"))));
}

TEST_F(DetectOfflineTest, UnknownFieldIsRefused) {
  const LoadedSnapshots loaded = ParseSnapshots(
      "S.jsonl",
      "{\"personId\": \"SIS1\", \"versoin\": 3}\n"
      "{\"personId\": \"SIS2\", \"names\": [{\"nameType\": \"PRI\", \"first\": \"X\"}]}\n");
  ASSERT_THAT(loaded.errors, SizeIs(2));
  EXPECT_EQ(loaded.errors[0].ToString(), "S.jsonl:1: versoin: unknown field");
  EXPECT_EQ(loaded.errors[1].ToString(), "S.jsonl:2: names[0].first: unknown field");
}

TEST_F(DetectOfflineTest, WrongTypeNamesTheFieldNotTheValue) {
  const LoadedSnapshots loaded = ParseSnapshots(
      "S.jsonl",
      "{\"personId\": \"SIS1\", \"bio\": {\"birthDate\": 20030405}}\n"
      "{\"personId\": \"SIS1\", \"version\": \"three\"}\n"
      "{\"personId\": \"SIS1\", \"i20\": [{\"effectiveStatus\": \"SECRET\"}]}\n");
  ASSERT_THAT(loaded.errors, SizeIs(3));
  EXPECT_EQ(loaded.errors[0].ToString(), "S.jsonl:1: bio.birth_date: expected a string");
  EXPECT_EQ(loaded.errors[1].ToString(), "S.jsonl:2: version: expected an integer");
  EXPECT_EQ(loaded.errors[2].ToString(),
            "S.jsonl:3: i20[0].effective_status: not a value of sevisflow.v1.FormStatus");
}

TEST_F(DetectOfflineTest, MissingPersonId) {
  const LoadedSnapshots loaded =
      ParseSnapshots("S.jsonl", Json(Student("SIS1")) + "\n" + Json(Student("SIS2")) + "\n" +
                                    Json(Student("  ")) + "\n");
  ASSERT_THAT(loaded.errors, SizeIs(1));
  EXPECT_EQ(loaded.errors[0].ToString(), "S.jsonl:3: person_id: required");
}

TEST_F(DetectOfflineTest, NotAnObject) {
  const LoadedSnapshots loaded = ParseSnapshots("S.jsonl", "[1, 2]\n");
  ASSERT_THAT(loaded.errors, SizeIs(1));
  EXPECT_THAT(loaded.errors[0].ToString(), StartsWith("S.jsonl:1: invalid JSON: "));
}

TEST_F(DetectOfflineTest, FileErrorsNameThePathAsGiven) {
  DetectInputs in = Inputs("{\"personId\": \"SIS1\"}\n{oops}\n");
  const DetectResult result = DetectFiles(in);
  ASSERT_THAT(result.errors, SizeIs(1));
  EXPECT_THAT(result.errors[0].ToString(), StartsWith(in.snapshots_path + ":2: invalid JSON: "));

  in.snapshots_path = (dir_ / "missing.jsonl").string();
  EXPECT_THAT(DetectFiles(in).errors,
              ElementsAre(InputError{in.snapshots_path, 0, "cannot read the file"}));
}

// --- Bad master ----------------------------------------------------------------------------

TEST_F(DetectOfflineTest, MasterRequiresOrgAndPerson) {
  v1::MasterRecord no_org = Master("SIS000003");
  no_org.clear_org_id();
  v1::MasterRecord no_person = Master("");
  const LoadedMaster loaded =
      ParseMaster("M.jsonl", Json(Master("SIS000001")) + "\n\n" + Json(no_org) + "\n" +
                                 Json(no_person) + "\n{\"orgId\": \"X\", \"deleted\": 1}\n");
  EXPECT_EQ(FormatErrors(loaded.errors),
            "M.jsonl:3: org_id: required\n"
            "M.jsonl:4: person_id: required\n"
            "M.jsonl:5: deleted: expected true or false\n");
  EXPECT_EQ(loaded.master.size(), 1u);
}

// --- Bad run control -------------------------------------------------------------------------

TEST_F(DetectOfflineTest, RunControlSingleObject) {
  v1::RunControl rc = FallRunControl();
  const LoadedRunControls good = ParseRunControls("RC.json", Json(rc));
  ASSERT_THAT(good.errors, IsEmpty());
  ASSERT_EQ(good.by_org.count(kOrg), 1u);
  EXPECT_EQ(good.by_org.at(kOrg).line, 1);

  rc.mutable_terms(0)->set_as_of_date("2026-10-05");
  const LoadedRunControls bad = ParseRunControls("RC.json", Json(rc) + "\n");
  EXPECT_EQ(FormatErrors(bad.errors),
            "RC.json:1: terms[0].as_of_date: 2026-10-05 is more than 30 days after the current "
            "term begins (2026-08-20)\n");
  EXPECT_THAT(bad.by_org, IsEmpty());
}

TEST_F(DetectOfflineTest, RunControlPrettyPrintedObjectUsesItsFirstLine) {
  const std::string text =
      "\n{\n  \"orgId\": \"ABC214F12345000\",\n  \"terms\": [{\n    \"institution\": \"UNIV1\"\n"
      "  }]\n}\n";
  const LoadedRunControls loaded = ParseRunControls("RC.json", text);
  EXPECT_EQ(FormatErrors(loaded.errors),
            "RC.json:2: terms[0].career: required\n"
            "RC.json:2: terms[0].current_term: required\n"
            "RC.json:2: terms[0].current_term_begin_date: required\n"
            "RC.json:2: terms[0].as_of_date: required\n");
}

TEST_F(DetectOfflineTest, RunControlArrayElementsKeepTheirLines) {
  v1::RunControl second = FallRunControl();
  second.set_org_id("XYZ214F99999000");
  second.mutable_terms(0)->set_as_of_date("2026-10-05");
  v1::RunControl third = FallRunControl();
  third.set_org_id("QRS214F11111000");
  const std::string text =
      "[\n  " + Json(FallRunControl()) + ",\n  " + Json(second) + ",\n\n  " + Json(third) + "\n]\n";
  const LoadedRunControls loaded = ParseRunControls("RC.json", text);
  EXPECT_EQ(FormatErrors(loaded.errors),
            "RC.json:3: terms[0].as_of_date: 2026-10-05 is more than 30 days after the current "
            "term begins (2026-08-20)\n");
  EXPECT_EQ(loaded.by_org.size(), 2u);
  EXPECT_EQ(loaded.by_org.at("QRS214F11111000").line, 5);
  EXPECT_THAT(ParseRunControls("RC.json", "[]").errors, IsEmpty());
  EXPECT_THAT(ParseRunControls("RC.json", "").errors, IsEmpty());
}

TEST_F(DetectOfflineTest, RunControlJsonLines) {
  v1::RunControl second = FallRunControl();
  second.set_org_id("XYZ214F99999000");
  second.mutable_terms(0)->clear_as_of_date();
  second.set_complete_after_days_f(61);
  const std::string text = Json(FallRunControl()) + "\n" + Json(second) + "\n" +
                           Json(FallRunControl()) + "\n{\"orgId\": \"A\", \"color\": 1}\n";
  const LoadedRunControls loaded = ParseRunControls("RC.json", text);
  EXPECT_EQ(FormatErrors(loaded.errors),
            "RC.json:2: complete_after_days_f: 61 is outside 0..60\n"
            "RC.json:2: terms[0].as_of_date: required\n"
            "RC.json:3: org_id: a run control for this org_id is already on line 1\n"
            "RC.json:4: color: unknown field\n");
}

TEST_F(DetectOfflineTest, RunControlBrokenJson) {
  EXPECT_EQ(FormatErrors(ParseRunControls("RC.json", "\n{\"orgId\": \"A\",\n").errors),
            "RC.json:2: invalid JSON: value not terminated\n");
  EXPECT_EQ(FormatErrors(ParseRunControls("RC.json", "[{\"orgId\": \"A\"} {}]").errors),
            "RC.json:1: invalid JSON: expected ',' between array elements\n");
  EXPECT_EQ(FormatErrors(ParseRunControls("RC.json", "[\n{},\n]").errors),
            "RC.json:3: invalid JSON: ',' after the last array element\n");
  // Brackets inside strings do not confuse the splitter.
  const LoadedRunControls quoted =
      ParseRunControls("RC.json", "{\"orgId\": \"A{[\\\"\", \"terms\": []}\n{\"orgId\": 1}");
  EXPECT_EQ(FormatErrors(quoted.errors),
            "RC.json:1: terms: at least one institution and career row is required\n"
            "RC.json:2: org_id: expected a string\n");
}

TEST_F(DetectOfflineTest, RunControlWarningsGoToStderrOnly) {
  v1::RunControl rc = FallRunControl();
  rc.mutable_terms(0)->set_as_of_date("2026-09-10");  // after kToday
  DetectFlags flags = Flags(Json(Student("SIS000001")) + "\n");
  flags.run_control = Write("RC.json", Json(rc) + "\n");
  const Run run = RunIt(flags);
  EXPECT_EQ(run.code, kDetectOk);
  EXPECT_THAT(run.out, HasSubstr("EVENT_TYPE_CREATE_STUDENT"));
  EXPECT_EQ(run.err, flags.run_control +
                         ":1: warning: terms[0].as_of_date: 2026-09-10 is after today "
                         "(2026-09-05); Registration and Auth Drop Below FC do not fire until "
                         "then\n");
}

// --- Whole-input refusal, --today, setup, XSD --------------------------------------------

TEST_F(DetectOfflineTest, ABadFileRefusesTheWholeRun) {
  v1::RunControl rc = FallRunControl();
  rc.mutable_terms(0)->set_as_of_date("2026-10-05");
  DetectFlags flags = Flags(Json(Student("SIS000001")) + "\n");
  flags.master = Write("M.jsonl", "{\"personId\": \"SIS000009\"}\n");
  flags.run_control = Write("RC.json", Json(rc));
  const Run run = RunIt(flags);
  EXPECT_EQ(run.code, kDetectBadInput);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, flags.master + ":1: org_id: required\n" + flags.run_control +
                         ":1: terms[0].as_of_date: 2026-10-05 is more than 30 days after the "
                         "current term begins (2026-08-20)\n");
}

TEST_F(DetectOfflineTest, ErrorsAreCappedAtTwenty) {
  std::string text;
  for (int i = 0; i < 25; ++i) text += "{\"personId\": \"\"}\n";
  const Run run = RunIt(Flags(text));
  EXPECT_EQ(run.code, kDetectBadInput);
  EXPECT_EQ(run.out, "");
  std::vector<std::string> lines;
  std::istringstream in(run.err);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_THAT(lines, SizeIs(21));
  EXPECT_THAT(lines[0], HasSubstr("S.jsonl:1: person_id: required"));
  EXPECT_THAT(lines[19], HasSubstr("S.jsonl:20: person_id: required"));
  EXPECT_EQ(lines[20], "... 5 more");
}

TEST_F(DetectOfflineTest, FormatErrors) {
  EXPECT_EQ(FormatErrors({}), "");
  const std::vector<InputError> errors = {{"a", 1, "x: y"}, {"b", 0, "z"}, {"c", 3, "w"}};
  EXPECT_EQ(FormatErrors(errors), "a:1: x: y\nb: z\nc:3: w\n");
  EXPECT_EQ(FormatErrors(errors, 2), "a:1: x: y\nb: z\n... 1 more\n");
}

TEST_F(DetectOfflineTest, Today) {
  const common::FakeClock clock(common::TimePoint{} + std::chrono::hours(24 * 365 + 23));
  EXPECT_EQ(ResolveToday("", clock)->ToString(), "1971-01-01");
  EXPECT_EQ(ResolveToday("2026-02-28", clock)->ToString(), "2026-02-28");
  for (const char* bad : {"2026-02-30", "tomorrow", "2026-9-5", "2026-09-05T00:00:00Z"}) {
    absl::StatusOr<common::Date> today = ResolveToday(bad, clock);
    EXPECT_EQ(today.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(today.status().message()), StartsWith("--today: ")) << bad;
  }
}

TEST_F(DetectOfflineTest, BadTodayIsAnErrorNamingTheFlag) {
  DetectFlags flags = Flags(Json(Student("SIS000001")) + "\n");
  flags.today = "2026-13-01";
  const Run run = RunIt(flags);
  EXPECT_EQ(run.code, kDetectBadInput);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "--today: '2026-13-01' is not a date YYYY-MM-DD\n");
}

TEST_F(DetectOfflineTest, SetupFile) {
  LoadedSetup loaded = ParseSetup("SETUP.yaml",
                                  "legal_name_type: LEG\n"
                                  "dummy_first_name: FNU\n"
                                  "major_plan_types: [MAJ, MJ2]\n");
  ASSERT_THAT(loaded.errors, IsEmpty());
  EXPECT_EQ(loaded.setup.legal_name_type, "LEG");
  EXPECT_EQ(loaded.setup.dummy_first_name, "FNU");
  EXPECT_THAT(loaded.setup.major_plan_types, ElementsAre("MAJ", "MJ2"));
  EXPECT_THAT(loaded.setup.minor_plan_types, ElementsAre("MIN"));  // default kept
  EXPECT_EQ(loaded.setup.us_address_type, "LOCL");

  loaded = ParseSetup("SETUP.yaml",
                      "# comment\n"
                      "dummy_firstname: FNU\n"
                      "legal_name_type: \"\"\n");
  EXPECT_EQ(FormatErrors(loaded.errors),
            "SETUP.yaml:3: legal_name_type: must not be empty\n"
            "SETUP.yaml:2: dummy_firstname: unknown key\n");

  loaded = ParseSetup("SETUP.yaml", "detector:\n  setup:\n    legal_name_type: PRI\n");
  ASSERT_THAT(loaded.errors, SizeIs(1));
  EXPECT_THAT(loaded.errors[0].ToString(),
              StartsWith("SETUP.yaml:1: detector: unknown key (the file holds the keys"));

  loaded = ParseSetup("SETUP.yaml", "legal_name_type: [PRI\n");
  ASSERT_THAT(loaded.errors, SizeIs(1));
  EXPECT_THAT(loaded.errors[0].ToString(), StartsWith("SETUP.yaml:"));
  EXPECT_THAT(loaded.errors[0].message, StartsWith("invalid YAML: "));

  EXPECT_THAT(LoadSetup("").errors, IsEmpty());
}

TEST_F(DetectOfflineTest, SetupIsAppliedToTheRules) {
  // Without a name of the legal name type the alert still fires, with an issue on the name.
  DetectInputs in = Inputs(Json(Student("SIS000001")) + "\n");
  const DetectResult plain = DetectFiles(in);
  in.setup_path = Write("SETUP.yaml", "legal_name_type: LEG\n");
  const DetectResult other = DetectFiles(in);
  ASSERT_THAT(plain.errors, IsEmpty());
  ASSERT_THAT(other.errors, IsEmpty());
  ASSERT_THAT(plain.alerts, SizeIs(1));
  ASSERT_THAT(other.alerts, SizeIs(1));
  EXPECT_NE(Json(plain.alerts[0]), Json(other.alerts[0]));
}

TEST_F(DetectOfflineTest, CodesComeFromTheXsdBundle) {
  v1::SisPersonSnapshot s = Student("SIS000001");
  s.mutable_bio()->set_birth_country("Q9");  // not a SEVIS country code
  DetectInputs in = Inputs(Json(s) + "\n");
  const DetectResult result = DetectFiles(in);
  ASSERT_THAT(result.alerts, SizeIs(1));
  bool flagged = false;
  for (const auto& issue : result.alerts[0].issues()) {
    flagged = flagged || issue.field() == "bio.birth_country";
  }
  EXPECT_TRUE(flagged);

  in.xsd_dir = (dir_ / "no-such-bundle").string();
  const DetectResult refused = DetectFiles(in);
  EXPECT_THAT(refused.alerts, IsEmpty());
  ASSERT_THAT(refused.errors, SizeIs(1));
  EXPECT_THAT(refused.errors[0].ToString(),
              StartsWith("--xsd-dir: cannot read SEVIS code tables from "));
}

// --- Parser messages ------------------------------------------------------------------------

TEST(DescribeJsonErrorTest, DropsTheEchoOfTheInput) {
  EXPECT_EQ(DescribeJsonError("Expected , or } after key:value pair.\n_id\": \"Secret Name\" "
                              "\"x\": 1}\n                    ^"),
            "invalid JSON: Expected , or } after key:value pair");
  EXPECT_EQ(DescribeJsonError("(bio.birth_date): invalid value 20030405 for type TYPE_STRING"),
            "bio.birth_date: expected a string");
  EXPECT_EQ(DescribeJsonError("(x): invalid value 1.5 for type TYPE_DOUBLE"),
            "x: expected a number");
  EXPECT_EQ(DescribeJsonError("(x): something about \"a value\" here"),
            "x: something about \"...\" here");
  EXPECT_EQ(DescribeJsonError(": Root element must be a message."),
            "invalid JSON: Root element must be a message");
  EXPECT_EQ(DescribeJsonError("(a.b[2]) c: Cannot find field."), "a.b[2].c: unknown field");
  EXPECT_EQ(DescribeJsonError(""), "invalid JSON");
}

}  // namespace
}  // namespace sevisflow::sevisctl
