#include "sevisflow/sisgen/change_stream.h"

#include <map>
#include <memory>
#include <set>

#include <gtest/gtest.h>

#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/j_context.h"

namespace sevisflow::sisgen {
namespace {

ChangeOptions Options(uint64_t seed) {
  ChangeOptions options;
  options.population.count = 5000;
  options.population.seed = 77;
  options.seed = seed;
  return options;
}

TEST(ChangeStreamTest, DeterministicAndEachChangeAlone) {
  ChangeStream a(Options(1)), b(Options(1)), other(Options(2));
  std::string bytes_a, bytes_b, bytes_other;
  for (int n = 0; n < 200; ++n) {
    Change ca = a.Next();
    EXPECT_EQ(ca.sequence, n);
    EXPECT_EQ(ca.snapshot.version(), 2 + n);
    bytes_a += ca.snapshot.SerializeAsString();
    bytes_b += b.Next().snapshot.SerializeAsString();
    bytes_other += other.Next().snapshot.SerializeAsString();
    if (n % 50 == 7) {
      EXPECT_EQ(ChangeAt(Options(1), n).snapshot.SerializeAsString(),
                ca.snapshot.SerializeAsString());
    }
  }
  EXPECT_EQ(a.produced(), 200);
  EXPECT_EQ(bytes_a, bytes_b);
  EXPECT_NE(bytes_a, bytes_other);
}

TEST(ChangeStreamTest, EveryChangeEditsThePersonsGeneratedSnapshot) {
  ChangeOptions options = Options(3);
  std::map<ChangeKind, int> kinds;
  for (int n = 0; n < 2000; ++n) {
    Change c = ChangeAt(options, n);
    ++kinds[c.kind];
    v1::SisPersonSnapshot before = GeneratePerson(options.population, c.person_index).snapshot;
    EXPECT_EQ(c.snapshot.person_id(), before.person_id());
    EXPECT_GT(c.snapshot.version(), before.version());
    before.set_version(c.snapshot.version());
    before.set_published_at(c.snapshot.published_at());
    EXPECT_NE(before.SerializeAsString(), c.snapshot.SerializeAsString())
        << ChangeKindName(c.kind) << " changed nothing for person " << c.person_index;
  }
  for (int k = 0; k < kChangeKindCount; ++k) {
    EXPECT_GT(kinds[static_cast<ChangeKind>(k)], 60) << ChangeKindName(static_cast<ChangeKind>(k));
  }
  // The weights steer the mix: address changes (30 of 100, plus fallbacks) lead.
  EXPECT_GT(kinds[ChangeKind::kAddressChange], kinds[ChangeKind::kNameChange]);
  ChangeOptions names_only = options;
  names_only.weights = {0, 0, 0, 0, 0, 0, 1};
  for (int n = 0; n < 50; ++n) EXPECT_EQ(ChangeAt(names_only, n).kind, ChangeKind::kNameChange);
}

// The SEVIS Master once SEVIS accepted the person's create (built from the create alert the
// rules make for `before`) and the student registered for the current term: the state a
// benchmark's change meets.
v1::MasterRecord MasterOf(const v1::SisPersonSnapshot& before, const v1::Alert& create,
                          const std::string& current_term) {
  v1::MasterRecord m;
  m.set_org_id(create.org_id());
  m.set_person_id(before.person_id());
  m.set_sevis_id("N0000000001");
  m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  m.set_effective_date("2026-09-20");
  m.set_registration_term(current_term);
  if (create.has_create_student()) {
    const v1::CreateStudentData& c = create.create_student();
    m.set_visa_family(v1::VISA_FAMILY_FM);
    m.set_visa_type(c.visa_type());
    m.set_last_name(c.last_name());
    m.set_first_name(c.first_name());
    m.set_middle_name(c.middle_name());
    m.set_suffix(c.suffix());
    m.set_preferred_name(c.preferred_name());
    m.set_passport_name(c.passport_name());
    m.set_birth_date(c.birth_date());
    m.set_gender(c.gender());
    m.set_birth_country(c.birth_country());
    m.set_citizenship_status(c.citizenship_status());
    m.set_citizenship_country(c.citizenship_country());
    m.set_email(c.email());
    m.set_phone(c.phone());
    m.set_admission_number(c.admission_number());
    m.set_commuter(c.commuter());
    *m.mutable_us_address() = c.us_address();
    *m.mutable_foreign_address() = c.foreign_address();
    m.set_level_of_education(c.level_of_education());
    m.set_program_start_date(c.program_start_date());
    m.set_program_end_date(c.program_end_date());
    m.set_original_program_end_date(c.program_end_date());
    m.set_initial_session_start_date(c.initial_session_start_date());
    m.set_english_proficiency_required(c.english_proficiency_required());
    m.set_english_proficiency_met(c.english_proficiency_met());
    m.set_primary_major(c.primary_major());
    m.set_secondary_major(c.secondary_major());
    m.set_minor(c.minor());
    auto* program = m.add_programs();
    program->set_status("ACTIVE");
    program->set_effective_date(m.effective_date());
    program->set_level_of_education(c.level_of_education());
    program->set_from_date(c.program_start_date());
    program->set_to_date(c.program_end_date());
    m.set_months_in_academic_term(c.months_in_academic_term());
    m.set_tuition(c.tuition());
    m.set_living_expenses(c.living_expenses());
    m.set_dependent_expenses(c.dependent_expenses());
    m.set_other_expenses(c.other_expenses());
    m.set_personal_funds(c.personal_funds());
    m.set_school_funds(c.school_funds());
    m.set_other_source_funds(c.other_source_funds());
    m.set_on_campus_employment(c.on_campus_employment());
  } else {
    const v1::CreateExchangeVisitorData& c = create.create_exchange_visitor();
    m.set_visa_family(v1::VISA_FAMILY_J);
    m.set_visa_type("03");
    m.set_last_name(c.last_name());
    m.set_first_name(c.first_name());
    m.set_middle_name(c.middle_name());
    m.set_suffix(c.suffix());
    m.set_preferred_name(c.preferred_name());
    m.set_passport_name(c.passport_name());
    m.set_birth_date(c.birth_date());
    m.set_gender(c.gender());
    m.set_birth_city(c.birth_city());
    m.set_birth_country(c.birth_country());
    m.set_birth_country_reason(c.birth_country_reason());
    m.set_citizenship_country(c.citizenship_country());
    m.set_permanent_residence_country(c.permanent_residence_country());
    m.set_email(c.email());
    m.set_phone(c.phone());
    m.set_position_code(c.position_code());
    m.set_program_category(c.program_category());
    m.set_subject_field_code(c.subject_field_code());
    m.set_program_start_date(c.program_start_date());
    m.set_program_end_date(c.program_end_date());
    m.set_original_program_end_date(c.program_end_date());
    *m.mutable_us_address() = c.us_address();
    *m.mutable_mailing_address() = c.mailing_address();
    *m.mutable_ev_financial() = c.financial();
    for (const auto& site : c.sites()) {
      auto* ms = m.add_sites();
      ms->set_site_id(site.site_id());
      ms->set_name(site.name());
      *ms->mutable_address() = site.address();
      ms->set_status("ACTIVE");
      ms->set_primary(site.primary());
      ms->set_sevis_site_id("S" + site.site_id());
    }
  }
  // Dependents and employment as SEVIS holds them after the earlier reports.
  auto add_dependents = [&](const auto& rows) {
    for (const auto& row : rows) {
      if (row.effective_status() != v1::FORM_STATUS_ACTIVE) continue;
      for (const auto& d : row.dependents()) {
        auto* md = m.add_dependents();
        md->set_dependent_id(d.dependent_id());
        md->set_dependent_sevis_id("N00000000" + d.dependent_id().substr(1));
        md->set_relationship(d.relationship());
        md->set_relationship_status("ACTIVE");
        md->set_last_name(d.name().last_name());
        md->set_first_name(d.name().first_name());
        md->set_birth_date(d.bio().birth_date());
        md->set_gender(d.bio().gender());
        md->set_birth_country(d.bio().birth_country());
        md->set_citizenship_country(d.bio().citizenship_country());
        md->set_birth_city(d.bio().birth_city());
        if constexpr (requires { d.permanent_residence_country(); }) {
          md->set_permanent_residence_country(d.permanent_residence_country());
        }
      }
      break;
    }
  };
  add_dependents(before.i20());
  add_dependents(before.ds2019());
  for (const auto& e : before.employment()) {
    auto* me = m.add_employment();
    me->set_sequence(e.sequence());
    me->set_employment_type(e.employment_type());
    me->set_start_date(e.start_date());
    me->set_end_date(e.end_date());
    me->set_recommend_employment(e.recommend_employment());
    me->set_reason(e.reason());
    me->set_academic_year_met(e.academic_year_met());
    for (const auto& er : e.employers()) {
      auto* mer = me->add_employers();
      mer->set_employer_number(er.employer_number());
      mer->set_name(er.name());
      *mer->mutable_address() = er.address();
      mer->set_start_date(er.start_date());
      mer->set_end_date(er.end_date());
    }
  }
  return m;
}

struct Rules {
  rules::Setup setup;
  std::map<std::string, v1::RunControl> run_controls;
  common::Date today;

  std::vector<rules::Detection> Detect(const v1::SisPersonSnapshot& s,
                                       const v1::MasterRecord* master) const {
    rules::MasterLookup lookup = [master](const std::string& org) -> const v1::MasterRecord* {
      return master != nullptr && master->org_id() == org ? master : nullptr;
    };
    rules::RunControlLookup rc = [this](const std::string& org) -> const v1::RunControl* {
      auto it = run_controls.find(org);
      return it == run_controls.end() ? nullptr : &it->second;
    };
    return rules::DetectAll(s, lookup, rc, setup, today);
  }
};

// What the rule book reports for each kind of change, for a student (F/M) and an exchange
// visitor (J). UNSPECIFIED: no event (the full-time change needs no report).
v1::EventType Expected(ChangeKind kind, bool j, const v1::SisPersonSnapshot& before) {
  switch (kind) {
    case ChangeKind::kAddressChange:
    case ChangeKind::kNameChange:
      return j ? v1::EVENT_TYPE_EV_BIOGRAPHICAL : v1::EVENT_TYPE_PERSONAL_INFO;
    case ChangeKind::kEnrollmentDrop: return v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD;
    case ChangeKind::kFullTimeChange: return v1::EVENT_TYPE_UNSPECIFIED;
    case ChangeKind::kProgramExtension:
      return j ? v1::EVENT_TYPE_EV_PROGRAM_EXTENSION : v1::EVENT_TYPE_PROGRAM_EXTENSION;
    case ChangeKind::kOptEmployer:
      for (const auto& e : before.employment()) {
        if (e.employment_type() == "01") return v1::EVENT_TYPE_OPT_EMPLOYER_ADD;
      }
      return v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD;
    case ChangeKind::kNewDependent:
      return j ? v1::EVENT_TYPE_EV_DEPENDENT_ADD : v1::EVENT_TYPE_DEPENDENT_ADD;
  }
  return v1::EVENT_TYPE_UNSPECIFIED;
}

TEST(ChangeStreamTest, EachKindYieldsTheRuleBooksAlert) {
  auto codes = rules::CodeTables::Load(std::string(SEVISFLOW_DEFAULT_XSD_DIR) +
                                       "/6.55/SEVISTable.xsd");
  ASSERT_TRUE(codes.ok()) << codes.status();
  Rules r;
  r.setup.preferred_name_type = "PRF";
  r.setup.codes = std::make_shared<rules::CodeTables>(*codes);
  ChangeOptions options = Options(11);
  r.today = *common::Date::Parse(options.population.today);
  for (auto& rc : RunControls(options.population)) r.run_controls[rc.org_id()] = rc;

  std::map<std::pair<ChangeKind, bool>, int> checked;
  std::map<v1::EventType, int> seen;
  for (int n = 0; n < 1500; ++n) {
    Change c = ChangeAt(options, n);
    const PopulationPerson person = GeneratePerson(options.population, c.person_index);
    const bool j = person.visa == VisaKind::kJ1;
    if (checked[{c.kind, j}] >= 25) continue;
    ++checked[{c.kind, j}];
    const v1::SisPersonSnapshot& before = person.snapshot;
    auto creates = r.Detect(before, nullptr);
    ASSERT_EQ(creates.size(), 1u) << before.person_id();
    const std::string term = before.enrollment_size() > 0 ? before.enrollment(0).term() : "";
    const v1::MasterRecord master = MasterOf(before, creates[0].alert, term);
    const auto was = r.Detect(before, &master);
    const auto now = r.Detect(c.snapshot, &master);
    // The master holds what SEVIS accepted: before the change, nothing is left to report.
    for (const auto& d : was) {
      ADD_FAILURE() << before.person_id() << " before the change: "
                    << v1::EventType_Name(d.alert.event_type());
    }
    const v1::EventType expected = Expected(c.kind, j, before);
    const std::string what = std::string(ChangeKindName(c.kind)) + (j ? " J-1 " : " F/M ") +
                             before.person_id();
    ++seen[expected];
    // The change yields exactly the rule book's event (none for a full-time change).
    if (expected == v1::EVENT_TYPE_UNSPECIFIED) {
      for (const auto& d : now) {
        ADD_FAILURE() << what << ": unexpected " << v1::EventType_Name(d.alert.event_type());
      }
      continue;
    }
    ASSERT_EQ(now.size(), 1u) << what;
    EXPECT_EQ(now[0].alert.event_type(), expected) << what;
    for (const auto& issue : now[0].alert.issues()) {
      // Auth Drop Below FC - Add always waits for the DSO's reason and start date.
      if (expected == v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD &&
          issue.code() == "DSO_INPUT_REQUIRED") {
        continue;
      }
      ADD_FAILURE() << what << " " << issue.field() << " " << issue.code() << " "
                    << issue.message();
    }
  }
  // Every kind was checked for students, and the kinds that apply to exchange visitors for them.
  for (int k = 0; k < kChangeKindCount; ++k) {
    EXPECT_GT((checked[{static_cast<ChangeKind>(k), false}]), 0)
        << ChangeKindName(static_cast<ChangeKind>(k));
  }
  for (ChangeKind k : {ChangeKind::kAddressChange, ChangeKind::kProgramExtension,
                       ChangeKind::kNewDependent, ChangeKind::kNameChange}) {
    EXPECT_GT((checked[{k, true}]), 0) << ChangeKindName(k);
  }
  // Both OPT variants occur: a new OPT request and a further employer of an existing one.
  EXPECT_GT(seen[v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD], 0);
  EXPECT_GT(seen[v1::EVENT_TYPE_OPT_EMPLOYER_ADD], 0);
  EXPECT_GT(seen[v1::EVENT_TYPE_UNSPECIFIED], 0);
}

}  // namespace
}  // namespace sevisflow::sisgen
