// DSO supplemental data (sis.supplemental): ValidateSupplemental names the refused field, and
// MergeSupplemental puts the overlay over the SIS snapshot (overlay wins, other persons and
// other organisations untouched) so the rules see what the DSO entered. Synthetic people only.
#include "sevisflow/rules/supplemental.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sevisflow/rules/j_context.h"
#include "test_snapshots.h"

namespace sevisflow::rules {
namespace {

using testing::ActiveJMaster;
using testing::ActiveMaster;
using testing::BaselineToday;
using testing::FallRunControl;
using testing::JRunControl;
using testing::OfType;
using testing::RegisteredF1;
using testing::ValidJ1;

constexpr char kSchool[] = "ABC214F12345000";
constexpr char kOtherSchool[] = "XYZ214F99999000";
constexpr char kProgram[] = "P-1-12345";

v1::I20Dependent I20Dep(const std::string& id, const std::string& last_name) {
  v1::I20Dependent d;
  d.set_dependent_id(id);
  d.set_relationship("02");
  d.set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d.mutable_name()->set_name_type("PRI");
  d.mutable_name()->set_last_name(last_name);
  d.mutable_name()->set_first_name("Ana");
  d.mutable_bio()->set_birth_date("2020-06-01");
  d.mutable_bio()->set_gender("F");
  d.mutable_bio()->set_birth_city("Lima");
  d.mutable_bio()->set_birth_country("PE");
  d.mutable_bio()->set_citizenship_country("PE");
  return d;
}

v1::Ds2019Dependent Ds2019Dep(const std::string& id, const std::string& last_name) {
  v1::Ds2019Dependent d;
  d.set_dependent_id(id);
  d.set_relationship("01");
  d.set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  d.mutable_name()->set_name_type("PRI");
  d.mutable_name()->set_last_name(last_name);
  d.mutable_name()->set_first_name("Greta");
  d.mutable_bio()->set_birth_date("1999-01-02");
  d.mutable_bio()->set_gender("F");
  d.mutable_bio()->set_birth_city("Bremen");
  d.mutable_bio()->set_birth_country("GM");
  d.mutable_bio()->set_citizenship_country("GM");
  d.set_permanent_residence_country("GM");
  return d;
}

v1::SupplementalData Overlay(const std::string& org, const std::string& person = "SIS000001") {
  v1::SupplementalData o;
  o.set_org_id(org);
  o.set_person_id(person);
  o.set_updated_by("DSO One");
  o.set_updated_at("2026-09-10T10:00:00.000Z");
  o.set_version(1);
  return o;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

// ---- ValidateSupplemental ------------------------------------------------------------------

TEST(ValidateSupplementalTest, AFullOverlayIsAccepted) {
  v1::SupplementalData o = Overlay(kSchool);
  *o.add_i20_dependents() = I20Dep("D1", "Quispe");
  *o.add_i20_dependents() = I20Dep("D2", "Quispe");
  *o.add_ds2019_dependents() = Ds2019Dep("J1", "Schulz");
  auto* passport = o.add_names();
  passport->set_name_type("PAS");
  passport->set_last_name("GARCIA");
  o.set_us_address_explanation_code("OO");
  o.set_us_address_explanation("Staying with relatives");
  o.set_mailing_address_explanation_code("OB");
  o.set_birth_country_reason("01");
  o.set_admission_number("12345678901");
  EXPECT_TRUE(ValidateSupplemental(o).ok()) << ValidateSupplemental(o);
  // Nothing but the keys is required.
  EXPECT_TRUE(ValidateSupplemental(Overlay(kSchool)).ok());
}

TEST(ValidateSupplementalTest, OrgAndPersonAreRequired) {
  v1::SupplementalData o = Overlay(kSchool);
  o.set_org_id("  ");
  EXPECT_EQ(ValidateSupplemental(o), absl::InvalidArgumentError("org_id: required"));
  o = Overlay(kSchool);
  o.set_person_id("");
  EXPECT_EQ(ValidateSupplemental(o), absl::InvalidArgumentError("person_id: required"));
  // The first '/' of the topic key ends the org.
  o = Overlay("ABC/214");
  EXPECT_EQ(ValidateSupplemental(o).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(ValidateSupplemental(o)).rfind("org_id: ", 0), 0u);
}

TEST(ValidateSupplementalTest, DependentIdsAreRequiredAndUniqueTrimmed) {
  v1::SupplementalData o = Overlay(kSchool);
  *o.add_i20_dependents() = I20Dep("D1", "Quispe");
  *o.add_i20_dependents() = I20Dep(" D1 ", "Mamani");
  const absl::Status dup = ValidateSupplemental(o);
  EXPECT_EQ(dup, absl::InvalidArgumentError("i20_dependents[1].dependent_id: duplicate"));
  // The reason names the field, never the data.
  EXPECT_EQ(Message(dup).find("Mamani"), std::string::npos);
  EXPECT_EQ(Message(dup).find("D1"), std::string::npos);

  o.mutable_i20_dependents(1)->set_dependent_id("");
  EXPECT_EQ(ValidateSupplemental(o),
            absl::InvalidArgumentError("i20_dependents[1].dependent_id: required"));
  o.mutable_i20_dependents(1)->set_dependent_id("D2");
  EXPECT_TRUE(ValidateSupplemental(o).ok());

  *o.add_ds2019_dependents() = Ds2019Dep("  ", "Schulz");
  EXPECT_EQ(ValidateSupplemental(o),
            absl::InvalidArgumentError("ds2019_dependents[0].dependent_id: required"));
  o.mutable_ds2019_dependents(0)->set_dependent_id("J1");
  *o.add_ds2019_dependents() = Ds2019Dep("J1", "Schulz");
  EXPECT_EQ(ValidateSupplemental(o),
            absl::InvalidArgumentError("ds2019_dependents[1].dependent_id: duplicate"));
  // The same id in the two lists is not a duplicate: they belong to different forms.
  o.mutable_ds2019_dependents(1)->set_dependent_id("D1");
  EXPECT_TRUE(ValidateSupplemental(o).ok());
}

TEST(ValidateSupplementalTest, NameTypesAreRequiredAndUnique) {
  v1::SupplementalData o = Overlay(kSchool);
  o.add_names()->set_last_name("GARCIA");
  EXPECT_EQ(ValidateSupplemental(o), absl::InvalidArgumentError("names[0].name_type: required"));
  o.mutable_names(0)->set_name_type("PAS");
  o.add_names()->set_name_type("PAS ");
  EXPECT_EQ(ValidateSupplemental(o), absl::InvalidArgumentError("names[1].name_type: duplicate"));
  o.mutable_names(1)->set_name_type("PRF");
  EXPECT_TRUE(ValidateSupplemental(o).ok());
}

TEST(ValidateSupplementalTest, CodesOfTheWrongLengthAreRefused) {
  struct Case {
    void (*set)(v1::SupplementalData&, const std::string&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::SupplementalData& o, const std::string& v) { o.set_us_address_explanation_code(v); },
       "us_address_explanation_code"},
      {[](v1::SupplementalData& o,
          const std::string& v) { o.set_mailing_address_explanation_code(v); },
       "mailing_address_explanation_code"},
      {[](v1::SupplementalData& o, const std::string& v) { o.set_birth_country_reason(v); },
       "birth_country_reason"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    for (const char* bad : {"O", "OOO", "123"}) {
      v1::SupplementalData o = Overlay(kSchool);
      c.set(o, bad);
      const absl::Status s = ValidateSupplemental(o);
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
      EXPECT_EQ(Message(s), std::string(c.field) + ": must be 2 characters") << bad;
    }
    for (const char* good : {"", "OO", " 01 "}) {
      v1::SupplementalData o = Overlay(kSchool);
      c.set(o, good);
      EXPECT_TRUE(ValidateSupplemental(o).ok()) << "'" << good << "'";
    }
  }
}

// ---- MergeSupplemental -------------------------------------------------------------------

v1::SisPersonSnapshot F1WithDependent() {
  v1::SisPersonSnapshot s = RegisteredF1();
  *s.mutable_i20(0)->add_dependents() = I20Dep("D1", "SisName");
  return s;
}

TEST(MergeSupplementalTest, NoOverlayLeavesTheSnapshotAsItIs) {
  const v1::SisPersonSnapshot s = F1WithDependent();
  EXPECT_EQ(MergeSupplemental(s, {}).SerializeAsString(), s.SerializeAsString());
  EXPECT_EQ(MergeSupplemental(s, {Overlay(kSchool)}).SerializeAsString(), s.SerializeAsString());
}

TEST(MergeSupplementalTest, ADependentWithASisIdReplacesItOthersAreAppended) {
  const v1::SisPersonSnapshot s = F1WithDependent();
  v1::SupplementalData o = Overlay(kSchool);
  *o.add_i20_dependents() = I20Dep(" D1", "OverlayName");  // ids compare trimmed
  o.mutable_i20_dependents(0)->set_relationship("01");
  *o.add_i20_dependents() = I20Dep("D2", "Added");
  const v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  const auto& deps = merged.i20(0).dependents();
  ASSERT_EQ(deps.size(), 2);
  // Replaced whole: the overlay wins over every SIS value of the dependent.
  EXPECT_EQ(deps[0].SerializeAsString(), o.i20_dependents(0).SerializeAsString());
  EXPECT_EQ(deps[0].name().last_name(), "OverlayName");
  EXPECT_EQ(deps[0].relationship(), "01");
  EXPECT_EQ(deps[1].dependent_id(), "D2");
  EXPECT_EQ(deps[1].name().last_name(), "Added");
  // Pure: the input is untouched.
  EXPECT_EQ(s.i20(0).dependents_size(), 1);
  EXPECT_EQ(s.i20(0).dependents(0).name().last_name(), "SisName");
}

TEST(MergeSupplementalTest, EveryRowOfTheOrgGetsTheOverlay) {
  v1::SisPersonSnapshot s = F1WithDependent();
  v1::I20Form older = s.i20(0);
  older.set_effective_date("2025-01-10");
  older.set_us_address_explanation_code("OB");
  *s.add_i20() = older;
  v1::SupplementalData o = Overlay(kSchool);
  *o.add_i20_dependents() = I20Dep("D3", "Added");
  o.set_us_address_explanation_code("OO");
  o.set_us_address_explanation("Living with a host family");
  const v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  ASSERT_EQ(merged.i20_size(), 2);
  for (const v1::I20Form& row : merged.i20()) {
    SCOPED_TRACE(row.effective_date());
    ASSERT_EQ(row.dependents_size(), 2);
    EXPECT_EQ(row.dependents(1).dependent_id(), "D3");
    EXPECT_EQ(row.us_address_explanation_code(), "OO");
    EXPECT_EQ(row.us_address_explanation(), "Living with a host family");
  }
}

TEST(MergeSupplementalTest, BlankOverlayValuesKeepTheSisValues) {
  v1::SisPersonSnapshot s = RegisteredF1();
  s.mutable_i20(0)->set_us_address_explanation_code("OB");
  s.mutable_i20(0)->set_us_address_explanation("SIS text");
  s.mutable_port_of_entry(0)->set_admission_number("99999999999");
  v1::SupplementalData o = Overlay(kSchool);
  o.set_us_address_explanation_code("  ");
  o.set_us_address_explanation("Overlay text");
  const v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  EXPECT_EQ(merged.i20(0).us_address_explanation_code(), "OB");
  EXPECT_EQ(merged.i20(0).us_address_explanation(), "Overlay text");
  EXPECT_EQ(merged.port_of_entry(0).admission_number(), "99999999999");
}

TEST(MergeSupplementalTest, NamesReplaceTheirTypeOrAreAdded) {
  v1::SisPersonSnapshot s = RegisteredF1();
  auto* preferred = s.add_names();
  preferred->set_name_type("PRF");
  preferred->set_first_name("Pepe");
  v1::SupplementalData o = Overlay(kSchool);
  auto* overlay_preferred = o.add_names();
  overlay_preferred->set_name_type("PRF ");
  overlay_preferred->set_first_name("Joe");
  auto* passport = o.add_names();
  passport->set_name_type("PAS");
  passport->set_last_name("GARCIA");
  passport->set_first_name("JOSE LUIS");
  const v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  ASSERT_EQ(merged.names_size(), 3);
  EXPECT_EQ(merged.names(0).SerializeAsString(), s.names(0).SerializeAsString());  // legal kept
  EXPECT_EQ(merged.names(1).first_name(), "Joe");
  EXPECT_EQ(merged.names(2).name_type(), "PAS");
  EXPECT_EQ(merged.names(2).first_name(), "JOSE LUIS");
}

TEST(MergeSupplementalTest, AdmissionNumberGoesToTheNewestPortOfEntryRow) {
  v1::SisPersonSnapshot s = RegisteredF1();
  s.clear_port_of_entry();
  auto add_row = [&](const std::string& date, const std::string& number) {
    auto* row = s.add_port_of_entry();
    row->set_immigration_status("01");
    row->set_entry_date(date);
    row->set_admission_number(number);
  };
  add_row("2026-08-15", "11111111111");  // newest by entry date
  add_row("", "22222222222");            // undated: oldest
  add_row("2025-08-15", "33333333333");
  v1::SupplementalData o = Overlay(kSchool);
  o.set_admission_number("44444444444");
  v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  EXPECT_EQ(merged.port_of_entry(0).admission_number(), "44444444444");
  EXPECT_EQ(merged.port_of_entry(1).admission_number(), "22222222222");
  EXPECT_EQ(merged.port_of_entry(2).admission_number(), "33333333333");

  // A tie on the entry date goes to the later row of the feed.
  s.mutable_port_of_entry(2)->set_entry_date("2026-08-15");
  merged = MergeSupplemental(s, {o});
  EXPECT_EQ(merged.port_of_entry(0).admission_number(), "11111111111");
  EXPECT_EQ(merged.port_of_entry(2).admission_number(), "44444444444");

  // No row at all: one is added holding only the number (the visa selection is unchanged).
  s.clear_port_of_entry();
  merged = MergeSupplemental(s, {o});
  ASSERT_EQ(merged.port_of_entry_size(), 1);
  EXPECT_EQ(merged.port_of_entry(0).admission_number(), "44444444444");
  EXPECT_EQ(merged.port_of_entry(0).immigration_status(), "");
  EXPECT_EQ(merged.port_of_entry(0).entry_date(), "");
}

TEST(MergeSupplementalTest, Ds2019FieldsAndDependents) {
  v1::SisPersonSnapshot s = ValidJ1();
  *s.mutable_ds2019(0)->add_dependents() = Ds2019Dep("J1", "SisName");
  s.mutable_ds2019(0)->set_birth_country_reason("02");
  v1::SupplementalData o = Overlay(kProgram, s.person_id());
  *o.add_ds2019_dependents() = Ds2019Dep("J1", "OverlayName");
  *o.add_ds2019_dependents() = Ds2019Dep("J2", "Added");
  *o.add_i20_dependents() = I20Dep("D1", "IgnoredOnADs2019");
  o.set_us_address_explanation_code("OP");
  o.set_us_address_explanation("At a partner site");
  o.set_mailing_address_explanation_code("OM");
  o.set_mailing_address_explanation("Mail to the department");
  o.set_birth_country_reason("01");
  const v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  const v1::Ds2019Form& ds = merged.ds2019(0);
  ASSERT_EQ(ds.dependents_size(), 2);
  EXPECT_EQ(ds.dependents(0).name().last_name(), "OverlayName");
  EXPECT_EQ(ds.dependents(1).dependent_id(), "J2");
  EXPECT_EQ(ds.us_address_explanation_code(), "OP");
  EXPECT_EQ(ds.us_address_explanation(), "At a partner site");
  EXPECT_EQ(ds.mailing_address_explanation_code(), "OM");
  EXPECT_EQ(ds.mailing_address_explanation(), "Mail to the department");
  EXPECT_EQ(ds.birth_country_reason(), "01");
  EXPECT_TRUE(merged.i20().empty());  // no I-20 row is invented for I-20 dependents
}

TEST(MergeSupplementalTest, OtherPersonsOverlaysAreIgnored) {
  const v1::SisPersonSnapshot s = F1WithDependent();
  v1::SupplementalData o = Overlay(kSchool, "SIS000999");
  *o.add_i20_dependents() = I20Dep("D1", "OverlayName");
  o.add_names()->set_name_type("PRI");
  o.set_admission_number("44444444444");
  EXPECT_EQ(MergeSupplemental(s, {o}).SerializeAsString(), s.SerializeAsString());
}

TEST(MergeSupplementalTest, AnOverlayTouchesOnlyTheFormRowsOfItsOrg) {
  v1::SisPersonSnapshot s = F1WithDependent();
  // A second school's I-20 (a transfer) with its own dependent D1.
  v1::I20Form other = s.i20(0);
  other.set_school_code(kOtherSchool);
  other.set_us_address_explanation_code("OB");
  *s.add_i20() = other;
  v1::SupplementalData o = Overlay(kSchool);
  *o.add_i20_dependents() = I20Dep("D1", "OverlayName");
  *o.add_i20_dependents() = I20Dep("D2", "Added");
  o.set_us_address_explanation_code("OO");
  const v1::SisPersonSnapshot merged = MergeSupplemental(s, {o});
  EXPECT_EQ(merged.i20(0).dependents_size(), 2);
  EXPECT_EQ(merged.i20(0).dependents(0).name().last_name(), "OverlayName");
  EXPECT_EQ(merged.i20(0).us_address_explanation_code(), "OO");
  // Org B's row is exactly the SIS row.
  EXPECT_EQ(merged.i20(1).SerializeAsString(), s.i20(1).SerializeAsString());
}

TEST(MergeSupplementalTest, AnOverlayOfAnOrgTheSnapshotDoesNotHoldIsIgnored) {
  const v1::SisPersonSnapshot s = F1WithDependent();
  v1::SupplementalData o = Overlay(kOtherSchool);
  *o.add_i20_dependents() = I20Dep("D1", "OverlayName");
  auto* passport = o.add_names();
  passport->set_name_type("PAS");
  passport->set_last_name("GARCIA");
  o.set_admission_number("44444444444");
  EXPECT_EQ(MergeSupplemental(s, {o}).SerializeAsString(), s.SerializeAsString());
  // The school code matches trimmed.
  v1::SupplementalData padded = Overlay(std::string(" ") + kSchool + " ");
  padded.set_admission_number("44444444444");
  EXPECT_EQ(MergeSupplemental(s, {padded}).port_of_entry(0).admission_number(), "44444444444");
}

TEST(MergeSupplementalTest, BetweenTwoOrgsTheLaterEntryWinsForPersonValues) {
  v1::SisPersonSnapshot s = RegisteredF1();
  v1::I20Form other = s.i20(0);
  other.set_school_code(kOtherSchool);
  *s.add_i20() = other;
  v1::SupplementalData a = Overlay(kSchool);
  a.set_admission_number("11111111111");
  a.set_updated_at("2026-09-10T10:00:00.000Z");
  v1::SupplementalData b = Overlay(kOtherSchool);
  b.set_admission_number("22222222222");
  b.set_updated_at("2026-09-11T10:00:00.000Z");
  EXPECT_EQ(MergeSupplemental(s, {a, b}).port_of_entry(0).admission_number(), "22222222222");
  EXPECT_EQ(MergeSupplemental(s, {b, a}).port_of_entry(0).admission_number(), "22222222222");
  b.set_updated_at("2026-09-09T10:00:00.000Z");
  EXPECT_EQ(MergeSupplemental(s, {b, a}).port_of_entry(0).admission_number(), "11111111111");
}

// ---- Through the rules -------------------------------------------------------------------

std::vector<Detection> Detect(const v1::SisPersonSnapshot& s, const v1::MasterRecord& master,
                              const v1::RunControl& rc, const Setup& setup = {}) {
  MasterLookup ml = [&](const std::string& org) -> const v1::MasterRecord* {
    return master.org_id() == org ? &master : nullptr;
  };
  RunControlLookup rl = [&](const std::string& org) -> const v1::RunControl* {
    return rc.org_id() == org ? &rc : nullptr;
  };
  return DetectAll(s, ml, rl, setup, BaselineToday());
}

TEST(SupplementalDetectionTest, AnOverlayDependentGivesDependentAddForAnF1) {
  const v1::SisPersonSnapshot s = RegisteredF1();
  ASSERT_TRUE(s.i20(0).dependents().empty());
  // The quiet baseline: nothing without the overlay.
  EXPECT_TRUE(Detect(s, ActiveMaster(), FallRunControl()).empty());

  v1::SupplementalData o = Overlay(kSchool);
  *o.add_i20_dependents() = I20Dep("D9", "Quispe");
  ASSERT_TRUE(ValidateSupplemental(o).ok());
  const auto detections = Detect(MergeSupplemental(s, {o}), ActiveMaster(), FallRunControl());
  ASSERT_EQ(detections.size(), 1u);
  const v1::Alert& alert = detections[0].alert;
  EXPECT_EQ(alert.event_type(), v1::EVENT_TYPE_DEPENDENT_ADD);
  EXPECT_EQ(alert.org_id(), kSchool);
  EXPECT_EQ(alert.subject(), "D9");
  EXPECT_EQ(alert.sevis_id(), "N0001234567");
  ASSERT_TRUE(alert.has_dependent());
  EXPECT_EQ(alert.dependent().dependent_id(), "D9");
  EXPECT_EQ(alert.dependent().last_name(), "Quispe");
  EXPECT_EQ(alert.dependent().first_name(), "Ana");
  EXPECT_EQ(alert.dependent().birth_date(), "2020-06-01");
  EXPECT_EQ(alert.dependent().relationship(), "02");

  // Another person's overlay, or another school's, gives nothing.
  EXPECT_TRUE(Detect(MergeSupplemental(s, {Overlay(kSchool, "SIS000777")}), ActiveMaster(),
                     FallRunControl())
                  .empty());
  v1::SupplementalData elsewhere = o;
  elsewhere.set_org_id(kOtherSchool);
  EXPECT_TRUE(
      Detect(MergeSupplemental(s, {elsewhere}), ActiveMaster(), FallRunControl()).empty());
}

TEST(SupplementalDetectionTest, AnOverlayDependentGivesEvDependentAddForAJ1) {
  const v1::SisPersonSnapshot s = ValidJ1();
  EXPECT_TRUE(Detect(s, ActiveJMaster(), JRunControl()).empty());
  v1::SupplementalData o = Overlay(kProgram, s.person_id());
  *o.add_ds2019_dependents() = Ds2019Dep("J9", "Schulz");
  ASSERT_TRUE(ValidateSupplemental(o).ok());
  const auto detections = Detect(MergeSupplemental(s, {o}), ActiveJMaster(), JRunControl());
  const auto adds = OfType(detections, v1::EVENT_TYPE_EV_DEPENDENT_ADD);
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(detections.size(), 1u);
  const v1::Alert& alert = adds[0].alert;
  EXPECT_EQ(alert.org_id(), kProgram);
  EXPECT_EQ(alert.subject(), "J9");
  EXPECT_EQ(alert.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(alert.dependent().last_name(), "Schulz");
  EXPECT_EQ(alert.dependent().permanent_residence_country(), "GM");
}

TEST(SupplementalDetectionTest, OverlayValuesWinInTheComparisonWithSevis) {
  // SEVIS holds an admission number the SIS lacks; the DSO entered it: nothing to report.
  v1::SisPersonSnapshot s = RegisteredF1();
  v1::MasterRecord master = ActiveMaster();
  master.set_admission_number("12345678901");
  const auto without = Detect(s, master, FallRunControl());
  EXPECT_EQ(OfType(without, v1::EVENT_TYPE_PERSONAL_INFO).size(), 1u);
  v1::SupplementalData o = Overlay(kSchool);
  o.set_admission_number("12345678901");
  EXPECT_TRUE(Detect(MergeSupplemental(s, {o}), master, FallRunControl()).empty());
  // A different one is reported with the overlay's value.
  o.set_admission_number("10987654321");
  const auto changed = OfType(Detect(MergeSupplemental(s, {o}), master, FallRunControl()),
                              v1::EVENT_TYPE_PERSONAL_INFO);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].alert.personal_info().admission_number(), "10987654321");
}

}  // namespace
}  // namespace sevisflow::rules
