#include "test_support.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace sevisflow::sevisxml::testing {

std::string XsdDir() {
  if (const char* env = std::getenv("SEVISFLOW_XSD_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return SEVISFLOW_DEFAULT_XSD_DIR;
}

std::string ExamplesDir() {
  return (std::filesystem::path(XsdDir()).parent_path() / "examples").string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string WriteTempFile(const std::string& name, const std::string& content) {
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / absl::StrCat("sevisxml_test_", getpid());
  std::filesystem::create_directories(dir);
  const std::string path = (dir / name).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

XmllintResult RunXmllint(const std::string& xsd, const std::string& file) {
  XmllintResult result;
  const std::string command =
      absl::StrCat("xmllint --noout --schema '", xsd, "' '", file, "' 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

sevisflow::v1::Alert MakeCreateStudentAlert(int n) {
  sevisflow::v1::Alert alert;
  alert.set_alert_id(absl::StrCat("alert-create-", n));
  alert.set_org_id("BOS214F00123000");
  alert.set_person_id(absl::StrCat("SIS", 1000 + n));
  alert.set_visa_family(sevisflow::v1::VISA_FAMILY_FM);
  alert.set_event_type(sevisflow::v1::EVENT_TYPE_CREATE_STUDENT);
  alert.set_detected_at("2025-03-14T09:30:00Z");
  sevisflow::v1::CreateStudentData* d = alert.mutable_create_student();
  d->set_visa_type("01");
  d->set_last_name(n % 2 == 0 ? "Testperson" : "Samplewood");
  d->set_first_name(n % 2 == 0 ? "Alexa" : "Mei");
  d->set_middle_name(n % 2 == 0 ? "" : "Lin");
  d->set_birth_date("2003-07-0" + std::to_string(1 + n % 9));
  d->set_gender(n % 2 == 0 ? "F" : "M");
  d->set_birth_city("Lyon");
  d->set_birth_country("FR");
  d->set_citizenship_country("FR");
  if (n % 2 == 1) d->set_email(absl::StrCat("student", n, "@example.edu"));
  d->set_issue_reason("I");
  if (n % 2 == 1) {
    sevisflow::v1::Address* us = d->mutable_us_address();
    us->set_line1("100 Example Street");
    us->set_line2("Apt 4");
    us->set_city("Boston");
    us->set_state("MA");
    us->set_postal_code("02115");
  }
  sevisflow::v1::Address* foreign = d->mutable_foreign_address();
  foreign->set_line1("12 Rue Fictive");
  foreign->set_city("Lyon");
  foreign->set_country("FR");
  foreign->set_postal_code("69001");
  d->set_level_of_education("04");
  d->set_primary_major("11.0701");
  d->set_secondary_major("00.0000");
  d->set_minor("00.0000");
  d->set_program_start_date("2025-08-25");
  d->set_program_end_date("2029-05-15");
  d->set_english_proficiency_required(n % 2 == 1);
  d->set_english_proficiency_met(true);
  d->set_english_proficiency_notes("Native speaker of an English-medium school");
  d->set_months_in_academic_term(9);
  d->set_tuition(42000);
  d->set_living_expenses(18000);
  if (n % 2 == 1) {
    d->set_dependent_expenses(3000);
    d->set_other_expenses(1200);
    d->set_other_expenses_comment("Books and insurance");
    d->set_school_funds(5000);
    d->set_school_funds_comment("Merit scholarship");
    d->set_on_campus_employment(2000);
  }
  d->set_personal_funds(60000);
  d->set_remarks(absl::StrCat("Synthetic test record ", n));
  return alert;
}

}  // namespace sevisflow::sevisxml::testing
