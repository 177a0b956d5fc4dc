#include "sevisflow/sisgen/change_stream.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rng.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::sisgen {
namespace {

using common::Date;

constexpr uint64_t kChangeStream = 2;

constexpr std::array<const char*, 6> kNewStreets = {"Harbor St", "Willow Ct",    "Prospect Ave",
                                                    "Birch Rd",  "Lincoln Blvd", "Chestnut St"};
constexpr std::array<const char*, 6> kNewLastNames = {"Santos", "Novak",  "Haddad",
                                                      "Moreno", "Larsen", "Kaur"};

Date TodayOf(const PopulationOptions& options) {
  auto d = Date::Parse(options.today);
  return d ? *d : *Date::Parse("2026-10-01");
}

// The current term: the term of the person's first enrolled class row (the generator writes the
// current term first).
std::string CurrentTerm(const v1::SisPersonSnapshot& s) {
  return s.enrollment_size() > 0 ? s.enrollment(0).term() : std::string();
}

// The most recent effective-dated row not after today (the rows the rules read), or -1.
template <typename Rows>
int CurrentRow(const Rows& rows, const std::string& today) {
  int best = -1;
  for (int i = 0; i < rows.size(); ++i) {
    const auto& r = rows.Get(i);
    if (r.effective_date() > today || r.effective_status() != v1::FORM_STATUS_ACTIVE) continue;
    if (best < 0 || r.effective_date() >= rows.Get(best).effective_date()) best = i;
  }
  return best;
}

void ChangeAddress(Rng& rng, v1::SisPersonSnapshot& s) {
  for (auto& a : *s.mutable_addresses()) {
    if (a.address_type() != "LOCL") continue;
    v1::Address* addr = a.mutable_address();
    addr->set_line1(std::to_string(rng.Between(3000, 9999)) + " " + rng.Pick(kNewStreets));
    if (rng.Chance(50)) {
      addr->set_line2("Unit " + std::to_string(rng.Between(1, 60)));
    } else {
      addr->clear_line2();
    }
    return;
  }
}

// Classes dropped at term start: one class of the current term stays, below every full-time
// minimum (3 units), and no reduced course load covers it.
bool DropEnrollment(v1::SisPersonSnapshot& s) {
  const std::string term = CurrentTerm(s);
  if (term.empty() || s.i20_size() == 0) return false;
  bool kept = false;
  for (auto& e : *s.mutable_enrollment()) {
    if (e.term() != term || e.status() != "E") continue;
    if (!kept) {
      kept = true;
      continue;
    }
    e.set_status("D");
  }
  s.clear_full_course_exceptions();
  return kept;
}

// Classes added at term start until full time (one more class for a full-time student).
bool AddClasses(Rng& rng, v1::SisPersonSnapshot& s, const std::string& today) {
  const std::string term = CurrentTerm(s);
  const int row = CurrentRow(s.i20(), today);
  if (term.empty() || row < 0) return false;
  const v1::Enrollment first = s.enrollment(0);
  double units = 0;
  for (const auto& e : s.enrollment()) {
    if (e.term() == term && e.status() == "E") units += e.units_taken();
  }
  const double needed = s.i20(row).min_full_time_units();
  int n = 0;
  do {
    v1::Enrollment* e = s.add_enrollment();
    *e = first;
    e->set_class_number(std::to_string(30000 + rng.Between(0, 8999) + n));
    e->set_status("E");
    e->set_instruction_mode("P");
    units += e->units_taken();
    ++n;
  } while (units < needed);
  s.clear_full_course_exceptions();
  return true;
}

// The program end date moves later: the school enters a new effective-dated row today.
bool ExtendProgram(Rng& rng, v1::SisPersonSnapshot& s, const Date& today) {
  const std::string day = today.ToString();
  const int months = rng.Between(4, 12);
  if (s.i20_size() > 0) {
    const int row = CurrentRow(s.i20(), day);
    if (row < 0) return false;
    v1::I20Form next = s.i20(row);
    next.set_effective_date(day);
    next.set_to_date(Date::Parse(next.to_date())->AddMonths(months).ToString());
    next.set_remarks("Extension: research not complete");
    *s.add_i20() = std::move(next);
    return true;
  }
  const int row = CurrentRow(s.ds2019(), day);
  if (row < 0) return false;
  v1::Ds2019Form next = s.ds2019(row);
  next.set_effective_date(day);
  next.set_program_end_date(
      Date::Parse(next.program_end_date())->AddMonths(months).ToString());
  *s.add_ds2019() = std::move(next);
  return true;
}

void FillEmployer(Rng& rng, v1::Employer* er, int number, const Date& start) {
  er->set_employer_number(number);
  er->set_name(rng.Chance(50) ? "Harborview Data Systems" : "Granite Peak Engineering");
  v1::Address* a = er->mutable_address();
  a->set_line1(std::to_string(rng.Between(100, 999)) + " Commerce Dr");
  a->set_city("Chicago");
  a->set_state("IL");
  a->set_postal_code("60601");
  er->set_ein(std::to_string(200000000 + rng.Between(0, 699999999)));
  er->set_start_date(start.ToString());
  er->set_full_part_time("FT");
  er->set_course_relevance("The role applies the analysis methods of the degree program.");
  er->set_job_title("Associate Analyst");
  er->set_supervisor_first_name("Sam");
  er->set_supervisor_last_name("Ortiz");
  er->set_supervisor_email("sam.ortiz@example.com");
  er->set_supervisor_phone("3125550142");
}

// An F-1's OPT employer: a further employer of an existing OPT authorisation, else a new
// post-completion OPT authorisation with its first employer.
bool OptEmployer(Rng& rng, v1::SisPersonSnapshot& s, const Date& today) {
  if (s.i20_size() == 0 || s.port_of_entry_size() == 0) return false;
  bool f1 = false;
  for (const auto& p : s.port_of_entry()) f1 = f1 || p.immigration_status() == "01";
  for (const auto& v : s.visas()) f1 = f1 || v.visa_type() == "01";
  if (!f1) return false;
  const Date start = today.AddDays(rng.Between(7, 30));
  int next_sequence = 1;
  for (auto& e : *s.mutable_employment()) {
    next_sequence = std::max(next_sequence, e.sequence() + 1);
    if (e.employment_type() != "01") continue;
    int number = 1;
    for (const auto& er : e.employers()) number = std::max(number, er.employer_number() + 1);
    FillEmployer(rng, e.add_employers(), number, start);
    return true;
  }
  v1::EmploymentAuthorization* e = s.add_employment();
  e->set_sequence(next_sequence);
  e->set_employment_type("01");
  // A new request: the DSO recommends it, USCIS has not approved it yet (OPT Employment - Add
  // is reported while the Request Status is not Approved).
  e->set_request_status("REQUESTED");
  e->set_completion_type("POST");
  e->set_academic_year_met(true);
  e->set_full_part_time("FT");
  e->set_start_date(start.ToString());
  e->set_end_date(start.AddMonths(12).AddDays(-1).ToString());
  FillEmployer(rng, e->add_employers(), 1, start);
  return true;
}

template <typename Dependent>
void FillDependent(Rng& rng, Dependent* d, int number, const v1::SisPersonSnapshot& s,
                   const Date& today) {
  char id[8];
  std::snprintf(id, sizeof id, "D%02d", number);
  d->set_dependent_id(id);
  d->set_relationship("02");  // a child born or joining
  d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
  v1::PersonName* n = d->mutable_name();
  n->set_name_type("PRI");
  n->set_last_name(s.names(0).last_name());
  n->set_first_name(rng.Chance(50) ? "Maya" : "Leo");
  v1::BioDemo* bio = d->mutable_bio();
  bio->set_birth_date(today.AddDays(-rng.Between(30, 2000)).ToString());
  bio->set_gender(rng.Chance(50) ? "F" : "M");
  bio->set_birth_city(s.bio().birth_city());
  bio->set_birth_country(s.bio().birth_country());
  bio->set_citizenship_country(s.bio().citizenship_country());
}

// A new dependent on every row that is or will become current (not on superseded rows).
bool AddDependent(Rng& rng, v1::SisPersonSnapshot& s, const Date& today) {
  const std::string day = today.ToString();
  auto next_number = [](const auto& rows) {
    int n = 1;
    for (const auto& r : rows) {
      for (const auto& d : r.dependents()) {
        n = std::max(n, std::atoi(d.dependent_id().c_str() + 1) + 1);  // "D07" -> 8
      }
    }
    return n;
  };
  if (s.i20_size() > 0) {
    const int row = CurrentRow(s.i20(), day);
    if (row < 0) return false;
    const int number = next_number(s.i20());
    Rng shared = rng;
    for (int i = 0; i < s.i20_size(); ++i) {
      v1::I20Form* f = s.mutable_i20(i);
      if (i != row && f->effective_date() <= day) continue;
      Rng copy = shared;  // the same dependent on every row
      FillDependent(copy, f->add_dependents(), number, s, today);
    }
    rng.Next();
    return true;
  }
  const int row = CurrentRow(s.ds2019(), day);
  if (row < 0) return false;
  const int number = next_number(s.ds2019());
  Rng shared = rng;
  for (int i = 0; i < s.ds2019_size(); ++i) {
    v1::Ds2019Form* f = s.mutable_ds2019(i);
    if (i != row && f->effective_date() <= day) continue;
    Rng copy = shared;
    auto* d = f->add_dependents();
    FillDependent(copy, d, number, s, today);
    d->set_permanent_residence_country(f->permanent_residence_country());
  }
  rng.Next();
  return true;
}

void ChangeName(Rng& rng, v1::SisPersonSnapshot& s) {
  for (auto& n : *s.mutable_names()) {
    if (n.name_type() != "PRI") continue;
    std::string last = rng.Pick(kNewLastNames);
    if (last == n.last_name()) last += "-" + std::string(kNewLastNames[0]);
    n.set_last_name(last);
    return;
  }
}

ChangeKind PickKind(Rng& rng, const std::array<int, kChangeKindCount>& weights) {
  int total = 0;
  for (int w : weights) total += std::max(w, 0);
  if (total == 0) return ChangeKind::kAddressChange;
  int roll = rng.Between(1, total);
  for (int k = 0; k < kChangeKindCount; ++k) {
    roll -= std::max(weights[static_cast<size_t>(k)], 0);
    if (roll <= 0) return static_cast<ChangeKind>(k);
  }
  return ChangeKind::kAddressChange;
}

}  // namespace

std::string_view ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAddressChange: return "address";
    case ChangeKind::kEnrollmentDrop: return "enrollment_drop";
    case ChangeKind::kFullTimeChange: return "full_time";
    case ChangeKind::kProgramExtension: return "program_extension";
    case ChangeKind::kOptEmployer: return "opt_employer";
    case ChangeKind::kNewDependent: return "new_dependent";
    case ChangeKind::kNameChange: return "name";
  }
  return "unknown";
}

Change ChangeAt(const ChangeOptions& options, int64_t sequence) {
  Rng rng = Rng::For(options.seed, kChangeStream, static_cast<uint64_t>(sequence));
  const int64_t count = std::max<int64_t>(options.population.count, 1);
  Change out;
  out.sequence = sequence;
  out.person_index = static_cast<int64_t>(rng.Next() % static_cast<uint64_t>(count));
  out.kind = PickKind(rng, options.weights);
  out.snapshot = GeneratePerson(options.population, out.person_index).snapshot;
  v1::SisPersonSnapshot& s = out.snapshot;
  const Date today = TodayOf(options.population);
  bool done = false;
  switch (out.kind) {
    case ChangeKind::kAddressChange: ChangeAddress(rng, s); done = true; break;
    case ChangeKind::kEnrollmentDrop: done = DropEnrollment(s); break;
    case ChangeKind::kFullTimeChange: done = AddClasses(rng, s, today.ToString()); break;
    case ChangeKind::kProgramExtension: done = ExtendProgram(rng, s, today); break;
    case ChangeKind::kOptEmployer: done = OptEmployer(rng, s, today); break;
    case ChangeKind::kNewDependent: done = AddDependent(rng, s, today); break;
    case ChangeKind::kNameChange: ChangeName(rng, s); done = true; break;
  }
  if (!done) {
    // The kind does not apply to this person (e.g. OPT for a J-1): an address change instead.
    out.kind = ChangeKind::kAddressChange;
    out.snapshot = GeneratePerson(options.population, out.person_index).snapshot;
    ChangeAddress(rng, out.snapshot);
  }
  out.snapshot.set_version(2 + sequence);
  out.snapshot.set_published_at(today.ToString() + "T12:00:00.000Z");
  return out;
}

}  // namespace sevisflow::sisgen
