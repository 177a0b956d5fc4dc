#include "sevisflow/sisgen/generator.h"

#include <google/protobuf/util/json_util.h>

#include <array>
#include <cstdio>
#include <string_view>

#include "rng.h"

namespace sevisflow::sisgen {
namespace {

// A synthetic origin: country code valid in SEVISTable.xsd CntryCodeWithoutType and
// BirthCntryCodeType (both checked), with names and a city typical of it.
struct Origin {
  const char* country;
  std::array<const char*, 4> first_names;
  std::array<const char*, 4> last_names;
  const char* city;
};

constexpr std::array<Origin, 10> kOrigins = {{
    {"PE", {"Jos\u00e9", "Luc\u00eda", "Mateo", "Valeria"},
     {"Garc\u00eda", "Quispe", "Rojas", "Fl\u00f3rez"}, "Lima"},
    {"MX", {"Sof\u00eda", "Andr\u00e9s", "Ximena", "Iker"},
     {"Hern\u00e1ndez", "L\u00f3pez", "Mart\u00ednez", "Pe\u00f1a"}, "Guadalajara"},
    {"PL", {"\u0141ukasz", "Zofia", "Kacper", "Ma\u0142gorzata"},
     {"Kowalski", "D\u0105browska", "W\u00f3jcik", "Nowak"}, "Krakow"},
    {"FR", {"Zo\u00eb", "Chlo\u00e9", "Fran\u00e7ois", "L\u00e9a"},
     {"Dubois", "Lef\u00e8vre", "Moreau", "Gar\u00e7on"}, "Lyon"},
    {"GM", {"J\u00fcrgen", "Lena", "Felix", "Anna"},
     {"M\u00fcller", "Schr\u00f6der", "Wei\u00df", "Becker"}, "Leipzig"},
    {"IN", {"Priya", "Arjun", "Ananya", "Rohan"}, {"Patel", "Sharma", "Iyer", "Reddy"}, "Pune"},
    {"CH", {"Wei", "Xiaoling", "Hao", "Mei"}, {"Zhang", "Wang", "Li", "Chen"}, "Chengdu"},
    {"KS", {"Minjun", "Seoyeon", "Jiho", "Hayun"}, {"Kim", "Park", "Choi", "Jung"}, "Busan"},
    {"NI", {"Chidi", "Ngozi", "Tunde", "Amaka"}, {"Okafor", "Adeyemi", "Eze", "Bello"},
     "Ibadan"},
    {"VM", {"Linh", "Minh", "Th\u1ea3o", "Kh\u00e1nh"},
     {"Nguy\u1ec5n", "Tr\u1ea7n", "Ph\u1ea1m", "L\u00ea"}, "Hue"},
}};

// SEVISTable.xsd StateCodeType, with a synthetic city and a 5-digit ZIP (USPostalType \d{5}).
struct UsPlace {
  const char* state;
  const char* city;
  const char* zip;
};
constexpr std::array<UsPlace, 5> kUsPlaces = {{{"IL", "Springfield", "62701"},
                                               {"CA", "Riverside", "92501"},
                                               {"NY", "Ithaca", "14850"},
                                               {"TX", "Austin", "78701"},
                                               {"MA", "Worcester", "01608"}}};

constexpr std::array<const char*, 6> kStreets = {"College Ave", "Elm St", "University Blvd",
                                                 "Maple Dr", "Campus Rd", "Oak Ln"};

// SEVISTable.xsd ProgSubjectCodeType (CIP codes), with the SIS plan code they stand for.
struct Program {
  const char* plan;
  const char* cip;
};
constexpr std::array<Program, 8> kMajors = {{{"CSCI", "11.0701"},
                                             {"ELEN", "14.0901"},
                                             {"MBA", "52.0201"},
                                             {"BIOL", "26.0101"},
                                             {"MATH", "27.0101"},
                                             {"ECON", "45.0601"},
                                             {"PHYS", "40.0801"},
                                             {"NURS", "51.3801"}}};
// Vocational programs for M-1 students (ProgSubjectCodeType).
constexpr std::array<Program, 3> kVocational = {
    {{"AUTO", "47.0604"}, {"CULN", "12.0503"}, {"AVIA", "49.0102"}}};

// SEVISTable.xsd EduLevelCodeType values used for degree students and for M-1 students.
constexpr std::array<const char*, 4> kDegreeLevels = {"03", "04", "05", "06"};
constexpr std::array<const char*, 1> kVocationalLevels = {"07"};
// SEVISTable.xsd GenderCodeType (M, F).
constexpr std::array<const char*, 2> kGenders = {"M", "F"};
// SEVISTable.xsd StudentCreationReason (I, S); most creates are "I".

std::string Date(int year, int month, int day) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string PersonId(const std::string& prefix, int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%07d", index);
  return prefix + buf;
}

void AddPlan(v1::SisPersonSnapshot& s, bool application, int seq, const char* type,
             const Program& program) {
  v1::AcademicPlan* p = application ? s.add_application_plans() : s.add_plans();
  p->set_career_number(0);
  p->set_sequence(seq);
  p->set_plan_type(type);
  p->set_plan(program.plan);
  p->set_cip_code(program.cip);
  p->set_active(true);
}

GeneratedPerson MakePerson(Rng& rng, const CampusOptions& options, int index) {
  GeneratedPerson out;
  const int roll = rng.Between(1, 100);
  out.kind = roll <= options.j1_percent ? Kind::kJ1
             : roll <= 20 ? Kind::kM1
             : roll <= 30 ? Kind::kF1VisaPermit
                          : Kind::kF1PortOfEntry;
  v1::SisPersonSnapshot& s = out.snapshot;
  s.set_person_id(PersonId(options.id_prefix, index + 1));
  s.set_version(1);
  s.set_published_at("2025-06-01T12:00:00.000Z");

  const Origin& origin = rng.Pick(kOrigins);
  auto* name = s.add_names();
  name->set_name_type("PRI");
  name->set_first_name(rng.Pick(origin.first_names));
  name->set_last_name(rng.Pick(origin.last_names));
  if (rng.Chance(30)) name->set_middle_name(rng.Pick(origin.first_names));
  if (rng.Chance(15)) {
    auto* preferred = s.add_names();
    preferred->set_name_type("PRF");
    preferred->set_first_name(rng.Pick(origin.first_names));
    preferred->set_last_name(name->last_name());
  }

  auto* bio = s.mutable_bio();
  bio->set_birth_date(Date(rng.Between(1994, 2006), rng.Between(1, 12), rng.Between(1, 28)));
  bio->set_gender(rng.Pick(kGenders));
  bio->set_birth_city(origin.city);
  bio->set_birth_country(origin.country);
  bio->set_citizenship_country(origin.country);
  bio->set_preferred_email("student" + std::to_string(index + 1) + "@example.edu");
  bio->set_preferred_phone("555" + std::to_string(1000000 + index));

  const int entry_year = rng.Between(2024, 2025);
  auto* poe = s.add_port_of_entry();
  poe->set_entry_date(Date(entry_year, rng.Between(1, 8), rng.Between(1, 28)));
  poe->set_admission_number(std::to_string(100000000000LL + index));
  switch (out.kind) {
    case Kind::kF1PortOfEntry: poe->set_immigration_status("01"); break;
    case Kind::kM1: poe->set_immigration_status("02"); break;
    case Kind::kJ1: poe->set_immigration_status("03"); break;
    case Kind::kF1VisaPermit: {
      poe->set_immigration_status("");  // blank: the Visa/Permit Data page decides
      auto* visa = s.add_visas();
      visa->set_visa_type("01");
      visa->set_country("USA");
      visa->set_effective_date(Date(entry_year - 1, 11, 15));
      break;
    }
  }

  const UsPlace& place = rng.Pick(kUsPlaces);
  auto* us = s.add_addresses();
  us->set_address_type("LOCL");
  us->mutable_address()->set_line1(std::to_string(rng.Between(1, 999)) + " " + rng.Pick(kStreets));
  us->mutable_address()->set_city(place.city);
  us->mutable_address()->set_state(place.state);
  us->mutable_address()->set_postal_code(place.zip);
  auto* home = s.add_addresses();
  home->set_address_type("HOME");
  home->mutable_address()->set_line1(std::to_string(rng.Between(1, 99)) + " Main Road");
  home->mutable_address()->set_city(origin.city);
  home->mutable_address()->set_country(origin.country);

  if (out.kind == Kind::kJ1) return out;  // exchange visitors have a DS-2019, not an I-20

  const bool m1 = out.kind == Kind::kM1;
  const int start_year = 2025;
  v1::I20Form current;
  current.set_effective_date(Date(2025, rng.Between(1, 5), rng.Between(1, 28)));
  current.set_effective_status(v1::FORM_STATUS_ACTIVE);
  current.set_funding_verified(true);
  current.set_school_code(options.org);
  current.set_institution("PSUNV");
  current.set_career(m1 ? "VOC" : "GRAD");
  current.set_academic_program(m1 ? "CERT" : "MS");
  current.set_issue_reason(rng.Chance(85) ? "I" : "S");
  current.set_level_of_education(m1 ? rng.Pick(kVocationalLevels) : rng.Pick(kDegreeLevels));
  current.set_from_date(Date(start_year, 8, rng.Between(15, 28)));
  current.set_to_date(Date(start_year + (m1 ? 1 : rng.Between(2, 4)), 5, rng.Between(1, 20)));
  current.set_initial_session_start_date(current.from_date());
  current.set_english_proficiency_required(true);
  current.set_english_proficiency_met(true);
  current.set_months_in_academic_term(9);
  current.set_tuition(rng.Between(12, 48) * 1000);
  current.set_living_expenses(rng.Between(12, 20) * 1000);
  const bool school_aid = rng.Chance(25);
  current.set_school_funds(school_aid ? 5000 : 0);
  if (school_aid) current.set_school_funds_comment("Departmental scholarship");
  current.set_personal_funds(current.tuition() + current.living_expenses() -
                             current.school_funds());
  if (rng.Chance(12)) {
    // An older row, superseded: the current (newer) row is what counts.
    v1::I20Form older = current;
    older.set_effective_date(Date(2024, rng.Between(1, 12), rng.Between(1, 28)));
    older.set_effective_status(v1::FORM_STATUS_INACTIVE);
    older.set_funding_verified(false);
    *s.add_i20() = older;
  }
  *s.add_i20() = current;

  if (m1) {
    AddPlan(s, false, 10, "MAJ", rng.Pick(kVocational));
  } else {
    const Program& major = rng.Pick(kMajors);
    // Some admitted students have only application plans yet.
    const bool admitted_only = rng.Chance(10);
    AddPlan(s, admitted_only, 10, "MAJ", major);
    if (rng.Chance(15)) {
      const Program& second = rng.Pick(kMajors);
      if (std::string_view(second.plan) != major.plan) AddPlan(s, admitted_only, 20, "MAJ", second);
    }
    if (rng.Chance(20)) AddPlan(s, admitted_only, 30, "MIN", rng.Pick(kMajors));
  }
  return out;
}

}  // namespace

std::vector<GeneratedPerson> GenerateCampus(const CampusOptions& options) {
  Rng rng(options.seed);
  std::vector<GeneratedPerson> people;
  people.reserve(static_cast<size_t>(std::max(options.count, 0)));
  for (int i = 0; i < options.count; ++i) people.push_back(MakePerson(rng, options, i));
  return people;
}

std::string ToJsonLine(const v1::SisPersonSnapshot& snapshot) {
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.preserve_proto_field_names = true;
  json_options.add_whitespace = false;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(snapshot, &json, json_options);
  return json;
}

}  // namespace sevisflow::sisgen
