// The rules core (libs/rules): person-evaluations per second of DetectFm — every F/M event of
// the rule book for one person — on one core. Goal (issue 4): >= 200k/s.
//
// The campus is tools/sisgen's (synthetic people, names in several scripts), enriched so every
// event group has work: enrolled classes, dependents, employment authorisations with
// employers. 90% of the students have a SEVIS Master row that mirrors their SIS data (the
// steady state: every comparison runs and most find nothing), 10% have none (Create Student).
//
// Run: <build>/bench/rules_bench --benchmark_counters_tabular=true

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "sevisflow/names/names.h"
#include "sevisflow/rules/code_tables.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/selection.h"
#include "sevisflow/sisgen/generator.h"

namespace sevisflow::rules {
namespace {

const common::Date kToday = *common::Date::Parse("2026-10-01");
constexpr char kOrg[] = "ABC214F12345000";

std::string XsdDir() {
  const char* env = std::getenv("SEVISFLOW_XSD_DIR");
  return env != nullptr && *env != '\0' ? env : SEVISFLOW_DEFAULT_XSD_DIR;
}

void Enrich(v1::SisPersonSnapshot& s, int n) {
  if (s.i20().empty()) return;
  v1::I20Form& i20 = *s.mutable_i20(s.i20_size() - 1);
  i20.set_min_full_time_units(9);
  // Programs still running on the benchmark day (the generator starts them in 2025).
  if (i20.to_date() < "2027-01-01") i20.set_to_date("2027-05-15");
  for (int c = 0; c < 3 + n % 2; ++c) {
    auto* e = s.add_enrollment();
    e->set_institution(i20.institution());
    e->set_career(i20.career());
    e->set_term("2026FA");
    e->set_class_number(std::to_string(10000 + c));
    e->set_instruction_mode(c == 2 ? "OL" : "P");
    e->set_units_taken(3);
    e->set_status("E");
  }
  if (n % 5 == 0) {
    auto* d = i20.add_dependents();
    d->set_dependent_id("D01");
    d->set_relationship("01");
    d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
    d->mutable_name()->set_last_name(s.names(0).last_name());
    d->mutable_name()->set_first_name("Ana");
    d->mutable_bio()->set_birth_date("2002-01-01");
    d->mutable_bio()->set_gender("F");
    d->mutable_bio()->set_birth_country(s.bio().birth_country());
    d->mutable_bio()->set_citizenship_country(s.bio().citizenship_country());
  }
  if (n % 4 == 0) {
    auto* e = s.add_employment();
    e->set_sequence(1);
    e->set_employment_type(n % 8 == 0 ? "01" : "02");
    e->set_start_date("2026-06-01");
    e->set_end_date("2027-05-31");
    e->set_request_status("APPROVED");
    e->set_completion_type("POST");
    e->set_full_part_time("FT");
    auto* emp = e->add_employers();
    emp->set_employer_number(1);
    emp->set_name("Prairie Analytics LLC");
    emp->mutable_address()->set_line1("400 Main St");
    emp->mutable_address()->set_city("Springfield");
    emp->mutable_address()->set_state("IL");
    emp->mutable_address()->set_postal_code("62701");
    emp->set_start_date("2026-06-15");
  }
}

// What SEVIS would hold after accepting everything (names as converted).
v1::MasterRecord MirrorMaster(const v1::SisPersonSnapshot& s) {
  v1::MasterRecord m;
  m.set_org_id(kOrg);
  m.set_person_id(s.person_id());
  m.set_sevis_id("N0000000001");
  m.set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  auto visa = SelectFmVisa(s, false);
  m.set_visa_type(visa ? visa->visa_type : "01");
  const v1::PersonName& name = s.names(0);
  m.set_last_name(names::ConvertFullName(name.last_name()));
  m.set_first_name(names::ConvertFullName(name.first_name()));
  m.set_middle_name(names::ConvertFullName(name.middle_name()));
  for (const auto& other : s.names()) {
    if (other.name_type() != "PRF") continue;
    std::string joined = other.first_name();
    if (!other.middle_name().empty()) joined += " " + other.middle_name();
    if (!other.last_name().empty()) joined += " " + other.last_name();
    m.set_preferred_name(names::ConvertPreferredName(joined));
  }
  m.set_birth_date(s.bio().birth_date());
  m.set_gender(s.bio().gender());
  m.set_birth_country(s.bio().birth_country());
  m.set_citizenship_country(s.bio().citizenship_country());
  m.set_email(s.bio().preferred_email());
  m.set_phone(s.bio().preferred_phone());
  if (!s.port_of_entry().empty()) m.set_admission_number(s.port_of_entry(0).admission_number());
  for (const auto& a : s.addresses()) {
    if (a.address_type() == "LOCL") *m.mutable_us_address() = a.address();
    if (a.address_type() == "HOME") *m.mutable_foreign_address() = a.address();
  }
  const v1::I20Form& i20 = s.i20(s.i20_size() - 1);
  m.set_level_of_education(i20.level_of_education());
  m.set_program_start_date(i20.from_date());
  m.set_program_end_date(i20.to_date());
  m.set_original_program_end_date(i20.to_date());
  m.set_initial_session_start_date(i20.initial_session_start_date());
  m.set_english_proficiency_required(i20.english_proficiency_required());
  m.set_english_proficiency_met(i20.english_proficiency_met());
  Setup setup;
  Majors majors = SelectMajors(s, setup, m.visa_type());
  m.set_primary_major(majors.primary);
  m.set_secondary_major(majors.secondary);
  m.set_minor(majors.minor);
  m.set_months_in_academic_term(i20.months_in_academic_term());
  m.set_tuition(i20.tuition());
  m.set_living_expenses(i20.living_expenses());
  m.set_personal_funds(i20.personal_funds());
  m.set_school_funds(i20.school_funds());
  m.set_registration_term("2026FA");
  m.set_effective_date("2026-09-01");
  for (const auto& d : i20.dependents()) {
    auto* md = m.add_dependents();
    md->set_dependent_id(d.dependent_id());
    md->set_relationship(d.relationship());
    md->set_relationship_status("ACTIVE");
    md->set_last_name(names::ConvertFullName(d.name().last_name()));
    md->set_first_name(names::ConvertFullName(d.name().first_name()));
    md->set_birth_date(d.bio().birth_date());
    md->set_gender(d.bio().gender());
    md->set_birth_country(d.bio().birth_country());
    md->set_citizenship_country(d.bio().citizenship_country());
  }
  for (const auto& e : s.employment()) {
    auto* me = m.add_employment();
    me->set_sequence(e.sequence());
    me->set_employment_type(e.employment_type());
    me->set_start_date(e.start_date());
    me->set_end_date(e.end_date());
    for (const auto& emp : e.employers()) {
      auto* mm = me->add_employers();
      mm->set_employer_number(emp.employer_number());
      mm->set_name(emp.name());
      *mm->mutable_address() = emp.address();
      mm->set_start_date(emp.start_date());
    }
  }
  return m;
}

struct Campus {
  std::vector<v1::SisPersonSnapshot> snapshots;
  std::vector<std::optional<v1::MasterRecord>> masters;
  // The same masters, each one update behind the SIS (tuition and e-mail): every person with a
  // master raises Financial Info and Personal Info, the cost of a day with many changes.
  std::vector<std::optional<v1::MasterRecord>> stale_masters;
  v1::RunControl run_control;
  Setup setup;
};

const Campus& GetCampus() {
  static const Campus* campus = [] {
    auto* c = new Campus();
    sisgen::CampusOptions options;
    options.count = 2000;
    options.seed = 7;
    options.org = kOrg;
    options.j1_percent = 0;
    int n = 0;
    for (auto& person : sisgen::GenerateCampus(options)) {
      Enrich(person.snapshot, n);
      c->masters.push_back(n % 10 == 9 ? std::nullopt
                                       : std::optional<v1::MasterRecord>(
                                             MirrorMaster(person.snapshot)));
      auto stale = c->masters.back();
      if (stale) {
        stale->set_tuition(stale->tuition() + 1);
        stale->set_email("old-" + stale->email());
      }
      c->stale_masters.push_back(std::move(stale));
      c->snapshots.push_back(std::move(person.snapshot));
      ++n;
    }
    c->run_control.set_org_id(kOrg);
    c->run_control.set_validate_cip(true);
    c->run_control.set_complete_after_days_f(30);
    c->run_control.set_complete_after_days_m(15);
    for (const char* career : {"GRAD", "VOC"}) {
      auto* t = c->run_control.add_terms();
      t->set_institution("PSUNV");
      t->set_career(career);
      t->set_current_term("2026FA");
      t->set_current_term_begin_date("2026-08-20");
      t->set_current_term_end_date("2026-12-15");
      t->set_next_term("2027SP");
      t->set_next_term_begin_date("2027-01-12");
      t->set_as_of_date("2026-09-01");
    }
    c->setup.preferred_name_type = "PRF";
    c->setup.online_instruction_modes = {"OL"};
    if (auto tables = CodeTables::Load(XsdDir() + "/6.55/SEVISTable.xsd"); tables.ok()) {
      c->setup.codes = std::make_shared<CodeTables>(std::move(*tables));
    }
    return c;
  }();
  return *campus;
}

// One iteration = one person evaluated by every F/M rule. Arg 0: the steady state (SEVIS holds
// what the SIS holds); arg 1: every SEVIS row one update behind.
void BM_DetectFm(benchmark::State& state) {
  const Campus& campus = GetCampus();
  const auto& masters = state.range(0) == 0 ? campus.masters : campus.stale_masters;
  size_t i = 0;
  int64_t alerts = 0;
  for (auto _ : state) {
    const auto& master = masters[i];
    MasterLookup ml = [&master](const std::string&) { return master ? &*master : nullptr; };
    RunControlLookup rl = [&campus](const std::string&) { return &campus.run_control; };
    auto detections = DetectFm(campus.snapshots[i], ml, rl, campus.setup, kToday);
    alerts += static_cast<int64_t>(detections.size());
    benchmark::DoNotOptimize(detections);
    if (++i == campus.snapshots.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["alerts_per_person"] =
      benchmark::Counter(static_cast<double>(alerts) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_DetectFm)->ArgName("stale")->Arg(0)->Arg(1);

// What the campus raises (printed once, so a change in the mix is visible next to the figures).
void BM_EventMix(benchmark::State& state) {
  const Campus& campus = GetCampus();
  std::map<std::string, int> mix;
  for (auto _ : state) {
    mix.clear();
    for (size_t i = 0; i < campus.snapshots.size(); ++i) {
      const auto& master = campus.masters[i];
      MasterLookup ml = [&master](const std::string&) { return master ? &*master : nullptr; };
      RunControlLookup rl = [&campus](const std::string&) { return &campus.run_control; };
      for (const auto& d : DetectFm(campus.snapshots[i], ml, rl, campus.setup, kToday)) {
        ++mix[v1::EventType_Name(d.alert.event_type())];
      }
    }
  }
  for (const auto& [event, count] : mix) state.counters[event] = count;
}
BENCHMARK(BM_EventMix)->Iterations(1);

// Name conversion alone (ICU), the most expensive shared step: a non-ASCII name.
void BM_ConvertFullName(benchmark::State& state) {
  const std::string name = "Garc\u00eda N\u00fa\u00f1ez \u00c6sa";
  for (auto _ : state) benchmark::DoNotOptimize(names::ConvertFullName(name));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ConvertFullName);

}  // namespace
}  // namespace sevisflow::rules
