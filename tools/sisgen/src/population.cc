#include "sevisflow/sisgen/population.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <utility>
#include <string_view>

#include "rng.h"
#include "sevisflow/common/clock.h"

namespace sevisflow::sisgen {
namespace {

using common::Date;

constexpr uint64_t kPersonStream = 1;

// A synthetic origin: a country code of SEVISTable.xsd (CntryCodeWithoutType, BirthCntryCodeType),
// Latin-script names as the SIS's legal (PRI) name holds them (diacritics the rule book's
// Character Conversion handles) and, where the country writes another script, the same name in
// that script (name type NAT, which SEVIS Setup maps to nothing).
struct Origin {
  const char* country;
  std::array<const char*, 4> first_names;
  std::array<const char*, 4> last_names;
  std::array<const char*, 4> native_first;  // "" = Latin-script country
  std::array<const char*, 4> native_last;
  const char* city;
  const char* postal;  // a foreign postal code
};

constexpr std::array<Origin, 14> kOrigins = {{
    {"PE", {"Jos\u00e9", "Luc\u00eda", "Mateo", "Valeria"},
     {"Garc\u00eda", "Quispe", "Rojas", "Fl\u00f3rez"}, {"", "", "", ""}, {"", "", "", ""},
     "Lima", "15001"},
    {"MX", {"Sof\u00eda", "Andr\u00e9s", "Ximena", "Iker"},
     {"Hern\u00e1ndez", "L\u00f3pez", "Mart\u00ednez", "Pe\u00f1a"}, {"", "", "", ""},
     {"", "", "", ""}, "Guadalajara", "44100"},
    {"PL", {"\u0141ukasz", "Zofia", "Kacper", "Ma\u0142gorzata"},
     {"Kowalski", "D\u0105browska", "W\u00f3jcik", "Nowak"}, {"", "", "", ""}, {"", "", "", ""},
     "Krakow", "30-001"},
    {"FR", {"Zo\u00eb", "Chlo\u00e9", "Fran\u00e7ois", "L\u00e9a"},
     {"Dubois", "Lef\u00e8vre", "Moreau", "Gar\u00e7on"}, {"", "", "", ""}, {"", "", "", ""},
     "Lyon", "69001"},
    {"GM", {"J\u00fcrgen", "Lena", "Felix", "Anna"},
     {"M\u00fcller", "Schr\u00f6der", "Wei\u00df", "Becker"}, {"", "", "", ""}, {"", "", "", ""},
     "Leipzig", "04109"},
    {"BR", {"Jo\u00e3o", "Concei\u00e7\u00e3o", "Ana", "Gabriel"},
     {"Gon\u00e7alves", "Ara\u00fajo", "Silva", "Louren\u00e7o"}, {"", "", "", ""},
     {"", "", "", ""}, "Recife", "50000-000"},
    {"IN", {"Priya", "Arjun", "Ananya", "Rohan"}, {"Patel", "Sharma", "Iyer", "Reddy"},
     {"\u092a\u094d\u0930\u093f\u092f\u093e", "\u0905\u0930\u094d\u091c\u0941\u0928",
      "\u0905\u0928\u0928\u094d\u092f\u093e", "\u0930\u094b\u0939\u0928"},
     {"\u092a\u091f\u0947\u0932", "\u0936\u0930\u094d\u092e\u093e",
      "\u0905\u092f\u094d\u092f\u0930", "\u0930\u0947\u0921\u094d\u0921\u0940"},
     "Pune", "411001"},
    {"CH", {"Wei", "Xiaoling", "Hao", "Mei"}, {"Zhang", "Wang", "Li", "Chen"},
     {"\u4f1f", "\u6653\u73b2", "\u6d69", "\u7f8e"}, {"\u5f20", "\u738b", "\u674e", "\u9648"},
     "Chengdu", "610000"},
    {"KS", {"Minjun", "Seoyeon", "Jiho", "Hayun"}, {"Kim", "Park", "Choi", "Jung"},
     {"\ubbfc\uc900", "\uc11c\uc5f0", "\uc9c0\ud638", "\ud558\uc724"},
     {"\uae40", "\ubc15", "\ucd5c", "\uc815"}, "Busan", "48058"},
    {"JA", {"Haruto", "Yui", "Sota", "Hina"}, {"Sato", "Suzuki", "Takahashi", "Tanaka"},
     {"\u967d\u7fd4", "\u7d50\u8863", "\u84bc\u592a", "\u967d\u83dc"},
     {"\u4f50\u85e4", "\u9234\u6728", "\u9ad8\u6a4b", "\u7530\u4e2d"}, "Sendai", "980-0811"},
    {"RS", {"Dmitry", "Anastasia", "Ivan", "Yekaterina"},
     {"Ivanov", "Smirnova", "Kuznetsov", "Popova"},
     {"\u0414\u043c\u0438\u0442\u0440\u0438\u0439",
      "\u0410\u043d\u0430\u0441\u0442\u0430\u0441\u0438\u044f", "\u0418\u0432\u0430\u043d",
      "\u0415\u043a\u0430\u0442\u0435\u0440\u0438\u043d\u0430"},
     {"\u0418\u0432\u0430\u043d\u043e\u0432", "\u0421\u043c\u0438\u0440\u043d\u043e\u0432\u0430",
      "\u041a\u0443\u0437\u043d\u0435\u0446\u043e\u0432", "\u041f\u043e\u043f\u043e\u0432\u0430"},
     "Kazan", "420000"},
    {"EG", {"Omar", "Nour", "Youssef", "Mariam"}, {"Hassan", "Mahmoud", "Ibrahim", "Saleh"},
     {"\u0639\u0645\u0631", "\u0646\u0648\u0631", "\u064a\u0648\u0633\u0641",
      "\u0645\u0631\u064a\u0645"},
     {"\u062d\u0633\u0646", "\u0645\u062d\u0645\u0648\u062f",
      "\u0625\u0628\u0631\u0627\u0647\u064a\u0645", "\u0635\u0627\u0644\u062d"},
     "Alexandria", "21500"},
    {"NI", {"Chidi", "Ngozi", "Tunde", "Amaka"}, {"Okafor", "Adeyemi", "Eze", "Bello"},
     {"", "", "", ""}, {"", "", "", ""}, "Ibadan", "200001"},
    {"VM", {"Linh", "Minh", "Th\u1ea3o", "Kh\u00e1nh"},
     {"Nguy\u1ec5n", "Tr\u1ea7n", "Ph\u1ea1m", "L\u00ea"}, {"", "", "", ""}, {"", "", "", ""},
     "Hue", "530000"},
}};

// Origins weighted roughly like the U.S. international student population (India and China
// first).
constexpr std::array<int, 14> kOriginWeights = {3, 4, 2, 3, 3, 4, 26, 24, 7, 4, 2, 2, 6, 10};

const Origin& PickOrigin(Rng& rng) {
  int total = 0;
  for (int w : kOriginWeights) total += w;
  int roll = rng.Between(1, total);
  for (size_t i = 0; i < kOrigins.size(); ++i) {
    roll -= kOriginWeights[i];
    if (roll <= 0) return kOrigins[i];
  }
  return kOrigins.back();
}

// SEVISTable.xsd StateCodeType with a synthetic city and a 5-digit ZIP (USPostalType \d{5}).
struct UsPlace {
  const char* state;
  const char* city;
  const char* zip;
};
constexpr std::array<UsPlace, 8> kUsPlaces = {{{"IL", "Springfield", "62701"},
                                               {"CA", "Riverside", "92501"},
                                               {"NY", "Ithaca", "14850"},
                                               {"TX", "Austin", "78701"},
                                               {"MA", "Worcester", "01608"},
                                               {"WA", "Pullman", "99163"},
                                               {"MI", "Ann Arbor", "48104"},
                                               {"GA", "Athens", "30601"}}};
constexpr std::array<const char*, 8> kStreets = {"College Ave", "Elm St",   "University Blvd",
                                                 "Maple Dr",    "Campus Rd", "Oak Ln",
                                                 "Scholar Way", "Library Pl"};

// SEVISTable.xsd ProgSubjectCodeType (CIP codes) with the SIS plan code they stand for.
struct Program {
  const char* plan;
  const char* cip;
};
constexpr std::array<Program, 10> kMajors = {{{"CSCI", "11.0701"},
                                              {"ELEN", "14.0901"},
                                              {"BUSA", "52.0201"},
                                              {"BIOL", "26.0101"},
                                              {"MATH", "27.0101"},
                                              {"ECON", "45.0601"},
                                              {"PHYS", "40.0801"},
                                              {"NURS", "51.3801"},
                                              {"STAT", "27.0501"},
                                              {"MECH", "14.1901"}}};
constexpr std::array<Program, 3> kVocational = {
    {{"AUTO", "47.0604"}, {"CULN", "12.0503"}, {"AVIA", "49.0102"}}};

constexpr std::array<const char*, 2> kGenders = {"M", "F"};

struct Employer {
  const char* name;
  const char* job;
};
constexpr std::array<Employer, 6> kEmployers = {{{"Prairie Analytics LLC", "Data Analyst"},
                                                 {"Riverbend Robotics Inc", "Engineering Intern"},
                                                 {"Lakeside Health Partners", "Research Assistant"},
                                                 {"Summit Financial Group", "Quantitative Analyst"},
                                                 {"Northwind Software", "Software Engineer"},
                                                 {"Cedar Labs", "Lab Technician"}}};

std::string Fmt(const char* format, long long value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, value);
  return buf;
}

Date D(int year, int month, int day) {
  return Date(std::chrono::year_month_day{std::chrono::year{year},
                                          std::chrono::month{static_cast<unsigned>(month)},
                                          std::chrono::day{static_cast<unsigned>(day)}});
}

int YearOf(const Date& d) { return static_cast<int>(d.ymd().year()); }
int MonthOf(const Date& d) { return static_cast<int>(static_cast<unsigned>(d.ymd().month())); }

// The academic calendar around `today`: the current and the next term.
struct Calendar {
  std::string current, next;
  Date current_begin, current_end, next_begin, next_end, as_of;
  int academic_year = 0;  // the fall of the current academic year
};

Calendar CalendarFor(const Date& today) {
  Calendar c;
  const int y = YearOf(today);
  if (MonthOf(today) >= 7) {
    c.academic_year = y;
    c.current = std::to_string(y) + "FA";
    c.current_begin = D(y, 8, 24);
    c.current_end = D(y, 12, 18);
    c.next = std::to_string(y + 1) + "SP";
    c.next_begin = D(y + 1, 1, 19);
    c.next_end = D(y + 1, 5, 14);
  } else {
    c.academic_year = y - 1;
    c.current = std::to_string(y) + "SP";
    c.current_begin = D(y, 1, 19);
    c.current_end = D(y, 5, 14);
    c.next = std::to_string(y) + "FA";
    c.next_begin = D(y, 8, 24);
    c.next_end = D(y, 12, 18);
  }
  c.as_of = c.current_begin.AddDays(14);
  return c;
}

Date TodayOf(const PopulationOptions& options) {
  auto d = Date::Parse(options.today);
  return d ? *d : D(2026, 10, 1);
}

std::string Institution(int org) { return Fmt("SG%03lld", org + 1); }

// With a `percent` chance, an older row the current one superseded: effective 2-8 months
// earlier, inactive, funding not verified, without dependents (I-20 or DS-2019).
template <typename Form>
void MaybeAddSupersededRow(Rng& rng, int percent, const Form& current,
                           google::protobuf::RepeatedPtrField<Form>* rows) {
  if (!rng.Chance(percent)) return;
  Form older = current;
  older.set_effective_date(
      Date::Parse(current.effective_date())->AddMonths(-rng.Between(2, 8)).ToString());
  older.set_effective_status(v1::FORM_STATUS_INACTIVE);
  older.set_funding_verified(false);
  older.clear_dependents();
  *rows->Add() = std::move(older);
}

void SetUsAddress(Rng& rng, v1::Address* a, bool line2) {
  const UsPlace& place = rng.Pick(kUsPlaces);
  a->set_line1(std::to_string(rng.Between(1, 2999)) + " " + rng.Pick(kStreets));
  if (line2) a->set_line2("Apt " + std::to_string(rng.Between(1, 40)));
  a->set_city(place.city);
  a->set_state(place.state);
  a->set_postal_code(place.zip);
}

v1::BioDemo MakeBio(Rng& rng, const Origin& origin, int birth_from, int birth_to) {
  v1::BioDemo bio;
  bio.set_birth_date(D(rng.Between(birth_from, birth_to), rng.Between(1, 12), rng.Between(1, 28))
                         .ToString());
  bio.set_gender(rng.Pick(kGenders));
  bio.set_birth_city(origin.city);
  bio.set_birth_country(origin.country);
  bio.set_citizenship_country(origin.country);
  return bio;
}

v1::PersonName MakeName(Rng& rng, const Origin& origin, const std::string& last) {
  v1::PersonName n;
  n.set_name_type("PRI");
  n.set_last_name(last.empty() ? rng.Pick(origin.last_names) : last.c_str());
  n.set_first_name(rng.Pick(origin.first_names));
  return n;
}

// Spouse (01) and children (02): about one person in five has any.
template <typename AddDependent>
void MakeDependents(Rng& rng, const Origin& origin, const std::string& last_name,
                    const Date& today, AddDependent add) {
  if (!rng.Chance(20)) return;
  int next = 1;
  const bool spouse = rng.Chance(75);
  const int children = spouse ? rng.Between(0, 2) : rng.Between(1, 2);
  const int year = YearOf(today);
  if (spouse) add(next++, "01", MakeName(rng, origin, last_name),
                  MakeBio(rng, origin, year - 40, year - 22));
  for (int c = 0; c < children; ++c) {
    add(next++, "02", MakeName(rng, origin, last_name), MakeBio(rng, origin, year - 12, year - 1));
  }
}

void AddNames(Rng& rng, const Origin& origin, v1::SisPersonSnapshot& s) {
  const int first = rng.Between(0, 3);
  const int last = rng.Between(0, 3);
  auto* name = s.add_names();
  name->set_name_type("PRI");
  name->set_first_name(origin.first_names[first]);
  name->set_last_name(origin.last_names[last]);
  if (rng.Chance(30)) name->set_middle_name(rng.Pick(origin.first_names));
  if (rng.Chance(15)) {
    auto* preferred = s.add_names();
    preferred->set_name_type("PRF");
    preferred->set_first_name(rng.Pick(origin.first_names));
    preferred->set_last_name(name->last_name());
  }
  if (std::string_view(origin.native_first[0]).empty() || !rng.Chance(60)) return;
  auto* native = s.add_names();
  native->set_name_type("NAT");
  native->set_first_name(origin.native_first[first]);
  native->set_last_name(origin.native_last[last]);
}

// Port of entry rows (some with an earlier entry) and visa rows. `status` is the immigration
// status code; blank_status leaves the newest row blank so the Visa/Permit page decides.
void AddEntry(Rng& rng, v1::SisPersonSnapshot& s, const std::string& status, bool blank_status,
              const Date& program_start, int64_t index) {
  const Date entry = program_start.AddDays(-rng.Between(3, 25));
  if (rng.Chance(30)) {
    auto* earlier = s.add_port_of_entry();
    earlier->set_immigration_status(status);
    earlier->set_admission_number(Fmt("%011lld", 20000000000LL + index * 7));
    earlier->set_entry_date(entry.AddMonths(-rng.Between(5, 20)).ToString());
  }
  auto* poe = s.add_port_of_entry();
  poe->set_immigration_status(blank_status ? "" : status);
  poe->set_admission_number(Fmt("%011lld", 10000000000LL + index));
  poe->set_entry_date(entry.ToString());
  if (blank_status || rng.Chance(70)) {
    auto* visa = s.add_visas();
    visa->set_visa_type(status);
    visa->set_country("USA");
    visa->set_effective_date(entry.AddDays(-rng.Between(20, 90)).ToString());
  }
}

void AddAddresses(Rng& rng, const Origin& origin, v1::SisPersonSnapshot& s) {
  auto* us = s.add_addresses();
  us->set_address_type("LOCL");
  SetUsAddress(rng, us->mutable_address(), rng.Chance(40));
  auto* home = s.add_addresses();
  home->set_address_type("HOME");
  home->mutable_address()->set_line1(std::to_string(rng.Between(1, 999)) + " " +
                                     rng.Pick(kStreets));
  home->mutable_address()->set_city(origin.city);
  home->mutable_address()->set_postal_code(origin.postal);
  home->mutable_address()->set_country(origin.country);
}

void AddPlan(google::protobuf::RepeatedPtrField<v1::AcademicPlan>* plans, int seq,
             const char* type, const Program& program, const std::string& suffix) {
  v1::AcademicPlan* p = plans->Add();
  p->set_career_number(0);
  p->set_sequence(seq);
  p->set_plan_type(type);
  p->set_plan(std::string(program.plan) + suffix);
  p->set_cip_code(program.cip);
  p->set_active(true);
}

void AddTerms(v1::SisPersonSnapshot& s, const Calendar& cal, const std::string& institution,
              const std::string& career) {
  for (int t = 0; t < 2; ++t) {
    auto* term = s.add_terms();
    term->set_institution(institution);
    term->set_career(career);
    term->set_term(t == 0 ? cal.current : cal.next);
    term->set_begin_date((t == 0 ? cal.current_begin : cal.next_begin).ToString());
    term->set_end_date((t == 0 ? cal.current_end : cal.next_end).ToString());
  }
}

// Classes of the current term (and, for half the persons, the next term's early enrolment).
// Full time unless part_time; 3-unit classes, a few online.
void AddEnrollment(Rng& rng, v1::SisPersonSnapshot& s, const Calendar& cal,
                   const std::string& institution, const std::string& career, double min_units,
                   bool part_time, int64_t index) {
  const int needed = static_cast<int>((min_units + 2.999) / 3);
  const int classes = part_time ? rng.Between(1, std::max(1, needed - 1))
                                : needed + (rng.Chance(40) ? 1 : 0);
  auto add = [&](const std::string& term, int n, int base) {
    for (int c = 0; c < n; ++c) {
      auto* e = s.add_enrollment();
      e->set_institution(institution);
      e->set_career(career);
      e->set_term(term);
      e->set_units_taken(3);
      e->set_class_number(std::to_string(base + static_cast<int>((index * 7 + c * 131) % 9000)));
      e->set_instruction_mode(rng.Chance(8) ? "OL" : "P");
      e->set_status("E");
    }
  };
  add(cal.current, classes, 10000);
  if (rng.Chance(10)) {  // a class dropped early in the term, replaced by the ones above
    auto* dropped = s.add_enrollment();
    dropped->set_institution(institution);
    dropped->set_career(career);
    dropped->set_term(cal.current);
    dropped->set_units_taken(3);
    dropped->set_class_number(std::to_string(19000 + static_cast<int>(index % 900)));
    dropped->set_instruction_mode("P");
    dropped->set_status("D");
  }
  if (rng.Chance(50)) add(cal.next, needed, 20000);
}

void AddEmployer(Rng& rng, v1::EmploymentAuthorization* e, int number, const Date& start) {
  const Employer& pick = rng.Pick(kEmployers);
  auto* er = e->add_employers();
  er->set_employer_number(number);
  er->set_name(pick.name);
  SetUsAddress(rng, er->mutable_address(), false);
  er->set_ein(Fmt("%09lld", 100000000LL + rng.Between(0, 899999999)));
  er->set_start_date(start.ToString());
  er->set_full_part_time(e->full_part_time());
  er->set_course_relevance("The position applies the coursework of the student's major.");
  er->set_job_title(pick.job);
  er->set_supervisor_first_name("Ann");
  er->set_supervisor_last_name("Lee");
  er->set_supervisor_email("supervisor" + std::to_string(number) + "@example.com");
  er->set_supervisor_phone(Fmt("217555%04lld", rng.Between(0, 9999)));
}

// F-1 employment: CPT (type 02), pre-completion OPT (01) and off-campus (03) authorisations.
void AddEmployment(Rng& rng, v1::SisPersonSnapshot& s, const Calendar& cal, const Date& from,
                   const Date& today) {
  const int roll = rng.Between(1, 100);
  if (roll > 22 || today < from.AddMonths(9)) return;  // the first year: no practical training
  auto* e = s.add_employment();
  e->set_sequence(1);
  e->set_request_status("APPROVED");
  e->set_full_part_time(rng.Chance(70) ? "PT" : "FT");
  if (roll <= 12) {  // CPT for the current term
    e->set_employment_type("02");
    e->set_start_date(cal.current_begin.ToString());
    e->set_end_date(cal.current_end.ToString());
    AddEmployer(rng, e, 1, cal.current_begin);
  } else if (roll <= 20) {  // pre-completion OPT, part time during the term
    e->set_employment_type("01");
    e->set_completion_type("PRE");
    e->set_academic_year_met(true);
    e->set_full_part_time("PT");
    e->set_start_date(cal.current_begin.ToString());
    e->set_end_date(cal.next_end.ToString());
    const int employers = rng.Chance(25) ? 2 : 1;
    for (int n = 1; n <= employers; ++n) AddEmployer(rng, e, n, cal.current_begin.AddDays(7 * n));
  } else {  // off-campus employment for severe economic hardship
    e->set_employment_type("03");
    e->set_reason("01");
    e->set_recommend_employment(true);
    e->set_start_date(cal.next_begin.ToString());
    e->set_end_date(cal.next_begin.AddMonths(12).AddDays(-1).ToString());
  }
}

void MakeStudent(Rng& rng, const PopulationOptions& options, const Origin& origin,
                 const Date& today, const Calendar& cal, PopulationPerson& out) {
  v1::SisPersonSnapshot& s = out.snapshot;
  const bool m1 = out.visa == VisaKind::kM1;
  const int org = rng.Between(0, std::max(options.orgs, 1) - 1);
  out.org = SchoolCodes(options)[static_cast<size_t>(org)];
  const std::string institution = Institution(org);
  // Career, level (EduLevelCodeType), length in years and full-time minimum units.
  std::string career = "VOC", program_suffix = "-CERT";
  const char* level = "07";
  int years = 1;
  double min_units = 12;
  if (!m1) {
    const int r = rng.Between(1, 100);
    if (r <= 40) {
      career = "UGRD", program_suffix = "-BS", level = "03", years = 4, min_units = 12;
    } else if (r <= 85) {
      career = "GRAD", program_suffix = "-MS", level = "04", years = 2, min_units = 9;
    } else {
      career = "GRAD", program_suffix = "-PHD", level = "05", years = 5, min_units = 9;
    }
  }
  // Started in a fall term such that the program has not ended yet.
  const int started_years_ago = rng.Between(0, years - 1);
  const int start_year = cal.academic_year - started_years_ago;
  const Date from = D(start_year, 8, rng.Between(15, 28));
  const Date to = D(start_year + years, 5, rng.Between(1, 20));
  AddEntry(rng, s, m1 ? "02" : "01", !m1 && rng.Chance(10), from, out.index);
  AddAddresses(rng, origin, s);

  const Program& major = m1 ? rng.Pick(kVocational) : rng.Pick(kMajors);
  v1::I20Form current;
  current.set_effective_date(from.AddMonths(-rng.Between(3, 6)).ToString());
  current.set_effective_status(v1::FORM_STATUS_ACTIVE);
  current.set_funding_verified(true);
  current.set_school_code(out.org);
  current.set_institution(institution);
  current.set_career(career);
  current.set_academic_program(std::string(major.plan) + program_suffix);
  current.set_issue_reason(rng.Chance(90) ? "I" : "S");
  current.set_level_of_education(level);
  current.set_from_date(from.ToString());
  current.set_to_date(to.ToString());
  current.set_initial_session_start_date(from.ToString());
  current.set_english_proficiency_required(true);
  current.set_english_proficiency_met(true);
  if (rng.Chance(50)) {
    current.set_english_proficiency_notes("TOEFL " + std::to_string(rng.Between(80, 118)));
  }
  current.set_months_in_academic_term(9);
  current.set_tuition(rng.Between(12, 55) * 1000);
  current.set_living_expenses(rng.Between(12, 22) * 1000);
  current.set_campus_id("MAIN");
  current.set_min_full_time_units(min_units);
  const bool school_aid = rng.Chance(25);
  if (school_aid) {
    current.set_school_funds(rng.Between(2, 30) * 1000);
    current.set_school_funds_comment(career == "GRAD" ? "Graduate assistantship"
                                                      : "Departmental scholarship");
  }
  if (!m1 && rng.Chance(20)) current.set_on_campus_employment(rng.Between(3, 12) * 1000);

  const std::string last_name = s.names(0).last_name();
  MakeDependents(rng, origin, last_name, today,
                 [&](int n, const char* relationship, v1::PersonName name, v1::BioDemo bio) {
                   auto* d = current.add_dependents();
                   d->set_dependent_id(Fmt("D%02lld", n));
                   d->set_relationship(relationship);
                   d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
                   *d->mutable_name() = std::move(name);
                   *d->mutable_bio() = std::move(bio);
                 });
  if (current.dependents_size() > 0) {
    current.set_dependent_expenses(5000 * current.dependents_size());
  }
  current.set_personal_funds(current.tuition() + current.living_expenses() +
                             current.dependent_expenses() - current.school_funds() -
                             current.on_campus_employment());
  if (current.personal_funds() < 0) current.set_personal_funds(0);

  // History: an older row superseded by the current one (its to_date was earlier).
  MaybeAddSupersededRow(rng, 25, current, s.mutable_i20());
  *s.add_i20() = current;
  // A future-dated row: an extension the school has entered that takes effect later. The rules
  // keep it and start counting it on its date.
  if (rng.Chance(8)) {
    v1::I20Form future = current;
    future.set_effective_date(today.AddDays(rng.Between(15, 120)).ToString());
    future.set_to_date(to.AddMonths(rng.Between(4, 12)).ToString());
    future.set_remarks("Program extension approved");
    *s.add_i20() = future;
  }

  const bool admitted_only = !m1 && start_year == cal.academic_year && rng.Chance(10);
  auto* plans = admitted_only ? s.mutable_application_plans() : s.mutable_plans();
  AddPlan(plans, 10, "MAJ", major, program_suffix);
  if (!m1 && rng.Chance(12)) {
    const Program& second = rng.Pick(kMajors);
    if (std::string_view(second.plan) != major.plan) {
      AddPlan(plans, 20, "MAJ", second, program_suffix);
    }
  }
  if (!m1 && career == "UGRD" && rng.Chance(25)) {
    AddPlan(plans, 30, "MIN", rng.Pick(kMajors), "-MIN");
  }
  if (!admitted_only && rng.Chance(50)) {
    AddPlan(s.mutable_application_plans(), 10, "MAJ", major, program_suffix);
  }
  auto* matr = s.add_program_actions();
  matr->set_institution(institution);
  matr->set_career(career);
  matr->set_academic_program(current.academic_program());
  matr->set_action("MATR");
  matr->set_effective_date(from.ToString());
  auto* admit = s.add_application_actions();
  admit->set_institution(institution);
  admit->set_career(career);
  admit->set_academic_program(current.academic_program());
  admit->set_action("ADMT");
  admit->set_effective_date(from.AddMonths(-rng.Between(4, 8)).ToString());

  // Enrolment in the run control's terms: about 7% part time with a reduced course load.
  const bool part_time = rng.Chance(7);
  AddEnrollment(rng, s, cal, institution, career, min_units, part_time, out.index);
  if (part_time) {
    auto* rcl = s.add_full_course_exceptions();
    rcl->set_institution(institution);
    rcl->set_career(career);
    rcl->set_term(cal.current);
    rcl->set_exception(rng.Chance(50) ? "ACAD" : "MED");
    rcl->set_required_units(0);
  }
  AddTerms(s, cal, institution, career);
  if (!m1) AddEmployment(rng, s, cal, from, today);
}

// SEVIS EVCategoryCodeType student categories and the non-student ones used here, with a
// position code (EVPositionCodeType).
struct JCategory {
  const char* category;
  const char* position;
  bool student;
};
constexpr std::array<JCategory, 5> kJCategories = {{{"1B", "213", true},
                                                    {"1B", "213", true},
                                                    {"1D", "216", true},
                                                    {"1A", "212", true},
                                                    {"1C", "215", true}}};

void MakeExchangeVisitor(Rng& rng, const PopulationOptions& options, const Origin& origin,
                         const Date& today, const Calendar& cal, PopulationPerson& out) {
  v1::SisPersonSnapshot& s = out.snapshot;
  const int org = rng.Between(0, std::max(options.orgs, 1) - 1);
  out.org = ProgramNumbers(options)[static_cast<size_t>(org)];
  const std::string institution = Institution(org);
  const std::string career = "GRAD";
  const JCategory& cat = rng.Pick(kJCategories);
  const int years = rng.Between(1, 2);
  const int start_year = cal.academic_year - rng.Between(0, years - 1);
  const Date start = D(start_year, 8, rng.Between(15, 28));
  const Date end = D(start_year + years, 5, rng.Between(1, 20));
  AddEntry(rng, s, "03", false, start, out.index);
  AddAddresses(rng, origin, s);
  // Exchange visitors also have a mailing address (DS-2019 MailAddress): the program office
  // for a few, else the U.S. address.
  auto* mail = s.add_addresses();
  mail->set_address_type("MAIL");
  if (rng.Chance(20)) {
    mail->mutable_address()->set_line1("1 University Plaza");
    mail->mutable_address()->set_line2("International Programs Office");
    mail->mutable_address()->set_city("Springfield");
    mail->mutable_address()->set_state("IL");
    mail->mutable_address()->set_postal_code("62703");
  } else {
    *mail->mutable_address() = s.addresses(0).address();
  }

  const Program& field = rng.Pick(kMajors);
  v1::Ds2019Form current;
  current.set_effective_date(start.AddMonths(-rng.Between(3, 6)).ToString());
  current.set_effective_status(v1::FORM_STATUS_ACTIVE);
  current.set_funding_verified(true);
  current.set_program_number(out.org);
  current.set_institution(institution);
  current.set_career(career);
  current.set_program_category(cat.category);
  current.set_position_code(cat.position);
  current.set_subject_field_code(field.cip);
  current.set_subject_field_remarks("Graduate exchange");
  current.set_program_start_date(start.ToString());
  current.set_program_end_date(end.ToString());
  current.set_permanent_residence_country(origin.country);
  current.set_citizenship_country(origin.country);
  auto* f = current.mutable_financial();
  f->set_program_sponsor_funds(rng.Between(0, 30) * 1000);
  f->set_personal_funds(rng.Between(5, 25) * 1000);
  auto* site = current.add_sites();
  site->set_site_id("S1");
  site->set_name("Main Campus");
  SetUsAddress(rng, site->mutable_address(), false);
  site->set_status(v1::FORM_STATUS_ACTIVE);
  site->set_primary(true);
  site->set_effective_date(current.effective_date());
  if (rng.Chance(15)) {
    auto* lab = current.add_sites();
    lab->set_site_id("S2");
    lab->set_name("Research Park");
    SetUsAddress(rng, lab->mutable_address(), false);
    lab->set_status(v1::FORM_STATUS_ACTIVE);
    lab->set_effective_date(current.effective_date());
  }
  const std::string last_name = s.names(0).last_name();
  MakeDependents(rng, origin, last_name, today,
                 [&](int n, const char* relationship, v1::PersonName name, v1::BioDemo bio) {
                   auto* d = current.add_dependents();
                   d->set_dependent_id(Fmt("D%02lld", n));
                   d->set_relationship(relationship);
                   d->set_relationship_status(v1::RELATIONSHIP_STATUS_ACTIVE);
                   *d->mutable_name() = std::move(name);
                   d->set_permanent_residence_country(origin.country);
                   *d->mutable_bio() = std::move(bio);
                 });
  MaybeAddSupersededRow(rng, 20, current, s.mutable_ds2019());
  *s.add_ds2019() = current;
  if (rng.Chance(8)) {
    v1::Ds2019Form future = current;
    future.set_effective_date(today.AddDays(rng.Between(15, 120)).ToString());
    future.set_program_end_date(end.AddMonths(rng.Between(3, 12)).ToString());
    *s.add_ds2019() = future;
  }
  AddPlan(s.mutable_plans(), 10, "MAJ", field, "-EX");
  if (cat.student) {
    auto* ta = s.add_term_activations();
    ta->set_institution(institution);
    ta->set_career(career);
    ta->set_term(cal.current);
    AddEnrollment(rng, s, cal, institution, career, 9, false, out.index);
    AddTerms(s, cal, institution, career);
  }
}

}  // namespace

std::vector<std::string> SchoolCodes(const PopulationOptions& options) {
  std::vector<std::string> out;
  for (int k = 0; k < std::max(options.orgs, 1); ++k) {
    out.push_back("SGN214F" + Fmt("%05lld", 10000 + k) + "000");
  }
  return out;
}

std::vector<std::string> ProgramNumbers(const PopulationOptions& options) {
  std::vector<std::string> out;
  for (int k = 0; k < std::max(options.orgs, 1); ++k) {
    out.push_back("P-1-" + Fmt("%05lld", 20000 + k));
  }
  return out;
}

std::vector<v1::RunControl> RunControls(const PopulationOptions& options) {
  const Calendar cal = CalendarFor(TodayOf(options));
  std::vector<v1::RunControl> out;
  auto add = [&](const std::string& org, int k, v1::VisaFamily family,
                 const std::vector<std::string>& careers) {
    v1::RunControl rc;
    rc.set_org_id(org);
    rc.set_visa_family(family);
    rc.set_validate_cip(false);
    if (family == v1::VISA_FAMILY_FM) {
      rc.set_complete_after_days_f(30);
      rc.set_complete_after_days_m(15);
    }
    for (const std::string& career : careers) {
      auto* t = rc.add_terms();
      t->set_institution(Institution(k));
      t->set_career(career);
      t->set_current_term(cal.current);
      t->set_current_term_begin_date(cal.current_begin.ToString());
      t->set_current_term_end_date(cal.current_end.ToString());
      t->set_next_term(cal.next);
      t->set_next_term_begin_date(cal.next_begin.ToString());
      t->set_as_of_date(cal.as_of.ToString());
    }
    out.push_back(std::move(rc));
  };
  const auto schools = SchoolCodes(options);
  for (size_t k = 0; k < schools.size(); ++k) {
    add(schools[k], static_cast<int>(k), v1::VISA_FAMILY_FM, {"UGRD", "GRAD", "VOC"});
  }
  const auto programs = ProgramNumbers(options);
  for (size_t k = 0; k < programs.size(); ++k) {
    add(programs[k], static_cast<int>(k), v1::VISA_FAMILY_J, {"GRAD"});
  }
  return out;
}

std::string PopulationPersonId(const PopulationOptions& options, int64_t index) {
  return options.id_prefix + Fmt("%09lld", index + 1);
}

PopulationPerson GeneratePerson(const PopulationOptions& options, int64_t index) {
  Rng rng = Rng::For(options.seed, kPersonStream, static_cast<uint64_t>(index));
  const Date today = TodayOf(options);
  const Calendar cal = CalendarFor(today);
  PopulationPerson out;
  out.index = index;
  const int roll = rng.Between(1, 100);
  out.visa = roll <= options.j1_percent                        ? VisaKind::kJ1
             : roll <= options.j1_percent + options.m1_percent ? VisaKind::kM1
                                                               : VisaKind::kF1;
  v1::SisPersonSnapshot& s = out.snapshot;
  s.set_person_id(PopulationPersonId(options, index));
  s.set_version(1);
  s.set_published_at(today.ToString() + "T06:00:00.000Z");

  const Origin& origin = PickOrigin(rng);
  AddNames(rng, origin, s);
  const int year = YearOf(today);
  const bool j1 = out.visa == VisaKind::kJ1;
  *s.mutable_bio() = MakeBio(rng, origin, year - (j1 ? 45 : 32), year - 18);
  s.mutable_bio()->set_preferred_email("p" + std::to_string(index + 1) + "@example.edu");
  s.mutable_bio()->set_preferred_phone(Fmt("217%07lld", index % 10000000));
  if (j1) {
    MakeExchangeVisitor(rng, options, origin, today, cal, out);
  } else {
    MakeStudent(rng, options, origin, today, cal, out);
  }
  return out;
}

void ForEachPerson(const PopulationOptions& options,
                   const std::function<bool(const PopulationPerson&)>& visit) {
  for (int64_t i = 0; i < options.count; ++i) {
    if (!visit(GeneratePerson(options, i))) return;
  }
}

}  // namespace sevisflow::sisgen
