// Hot paths of libs/sevisxml: building a 250-record student document, validating it against the
// cached 6.55 grammar, both together for a document mixing creates and updates (the builder's
// target is 20k records/s built and validated on one core), and reading a log.
//
// Run: <build>/bench/sevisxml_bench --benchmark_counters_tabular=true

#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"

#include "sevisflow/sevisxml/student_document.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"
#include "sevisflow/v1/alert.pb.h"

namespace sevisflow::sevisxml {
namespace {

constexpr int kRecordsPerDocument = 250;  // the SEVIS maximum per section

std::string XsdDir() {
  const char* env = std::getenv("SEVISFLOW_XSD_DIR");
  return env != nullptr && *env != '\0' ? env : SEVISFLOW_DEFAULT_XSD_DIR;
}

// A synthetic person; every value is made up.
v1::Alert SyntheticAlert(int n) {
  v1::Alert alert;
  alert.set_alert_id("bench-" + std::to_string(n));
  alert.set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  alert.set_detected_at("2025-03-14T09:30:00Z");
  v1::CreateStudentData* d = alert.mutable_create_student();
  d->set_visa_type("01");
  d->set_last_name("Benchperson");
  d->set_first_name("Sample");
  d->set_middle_name("Middle");
  d->set_birth_date("2004-02-29");
  d->set_gender("U");
  d->set_birth_city("Springfield");
  d->set_birth_country("BR");
  d->set_citizenship_country("BR");
  d->set_email("bench" + std::to_string(n) + "@example.edu");
  d->set_issue_reason("I");
  v1::Address* us = d->mutable_us_address();
  us->set_line1("1 Campus Road");
  us->set_city("Springfield");
  us->set_state("IL");
  us->set_postal_code("62701");
  v1::Address* foreign = d->mutable_foreign_address();
  foreign->set_line1("Rua Exemplo 10");
  foreign->set_city("Campinas");
  foreign->set_country("BR");
  d->set_level_of_education("05");
  d->set_primary_major("52.0201");
  d->set_secondary_major("00.0000");
  d->set_minor("00.0000");
  d->set_program_start_date("2025-08-25");
  d->set_program_end_date("2027-05-15");
  d->set_english_proficiency_required(true);
  d->set_english_proficiency_met(true);
  d->set_months_in_academic_term(9);
  d->set_tuition(40000);
  d->set_living_expenses(20000);
  d->set_personal_funds(65000);
  return alert;
}

// A synthetic update of `event` for person n, with the data the rules fill (every value made up).
v1::Alert SyntheticUpdate(v1::EventType event, int n) {
  v1::Alert alert;
  alert.set_alert_id("bench-update-" + std::to_string(n));
  alert.set_event_type(event);
  alert.set_visa_family(v1::VISA_FAMILY_FM);
  alert.set_sevis_id(absl::StrCat("N", 1000000000 + n));
  alert.set_detected_at("2026-02-03T08:15:00Z");
  v1::Address us;
  us.set_line1("1 Campus Road");
  us.set_city("Springfield");
  us.set_state("IL");
  us.set_postal_code("62701");
  v1::Address foreign;
  foreign.set_line1("Rua Exemplo 10");
  foreign.set_city("Campinas");
  foreign.set_country("BR");
  switch (event) {
    case v1::EVENT_TYPE_REGISTRATION: {
      v1::RegistrationData* r = alert.mutable_registration();
      r->set_current_session_start_date("2026-01-20");
      r->set_current_session_end_date("2026-05-08");
      r->set_next_session_start_date("2026-08-31");
      r->set_email("bench" + std::to_string(n) + "@example.edu");
      *r->mutable_us_address() = us;
      *r->mutable_foreign_address() = foreign;
      break;
    }
    case v1::EVENT_TYPE_PERSONAL_INFO: {
      v1::PersonalInfoData* p = alert.mutable_personal_info();
      p->set_last_name("Benchperson");
      p->set_first_name("Sample");
      p->set_middle_name("Middle");
      p->set_birth_date("2004-02-29");
      p->set_gender("U");
      p->set_birth_country("BR");
      p->set_citizenship_country("BR");
      p->set_phone("217-555-0100");
      p->set_email("bench" + std::to_string(n) + "@example.edu");
      *p->mutable_us_address() = us;
      *p->mutable_foreign_address() = foreign;
      break;
    }
    case v1::EVENT_TYPE_DEPENDENT_ADD: {
      v1::DependentData* d = alert.mutable_dependent();
      d->set_dependent_id(absl::StrCat("D", n));
      d->set_relationship("01");
      d->set_visa_type("04");
      d->set_last_name("Benchperson");
      d->set_first_name("Partner");
      d->set_birth_date("2003-01-15");
      d->set_gender("F");
      d->set_birth_country("BR");
      d->set_citizenship_country("BR");
      break;
    }
    case v1::EVENT_TYPE_FINANCIAL_INFO: {
      v1::FinancialData* f = alert.mutable_financial();
      f->set_months_in_academic_term(9);
      f->set_tuition(41000);
      f->set_living_expenses(20000);
      f->set_personal_funds(66000);
      break;
    }
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD: {
      v1::EmploymentData* e = alert.mutable_employment();
      e->set_start_date("2027-06-01");
      e->set_end_date("2028-05-31");
      e->set_full_part_time("FT");
      e->set_completion_type("POST");
      e->set_academic_year_met(true);
      v1::EmployerData* employer = e->add_employers();
      employer->set_name("Example Analytics Inc");
      *employer->mutable_address() = us;
      employer->set_course_relevance("Applies the statistics coursework of the program.");
      employer->set_full_part_time("FT");
      employer->set_start_date("2027-06-01");
      break;
    }
    case v1::EVENT_TYPE_PROGRAM_EXTENSION:
      alert.mutable_program()->set_program_end_date("2027-12-18");
      alert.mutable_program()->set_remarks("Research delayed by a documented illness");
      break;
    default:  // Status - Verify
      alert.mutable_status()->set_effective_date("2025-07-01");
      break;
  }
  return alert;
}

// The mixed document: one record in five is a Create Student, the others cycle through
// Registration, Personal Info, Dependent - Add, Financial Info, OPT Employment - Add, Program -
// Extension and Status - Verify.
std::vector<v1::Alert> MixedAlerts() {
  constexpr v1::EventType kUpdates[] = {
      v1::EVENT_TYPE_REGISTRATION,  v1::EVENT_TYPE_PERSONAL_INFO,
      v1::EVENT_TYPE_DEPENDENT_ADD, v1::EVENT_TYPE_FINANCIAL_INFO,
      v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD, v1::EVENT_TYPE_PROGRAM_EXTENSION,
      v1::EVENT_TYPE_STATUS_VERIFY};
  std::vector<v1::Alert> alerts;
  alerts.reserve(kRecordsPerDocument);
  for (int i = 0; i < kRecordsPerDocument; ++i) {
    alerts.push_back(i % 5 == 0 ? SyntheticAlert(i)
                                : SyntheticUpdate(kUpdates[i % std::size(kUpdates)], i));
  }
  return alerts;
}

struct Fixture {
  std::vector<v1::Alert> alerts;
  StudentBatch batch;
  std::string document;
  std::vector<v1::Alert> mixed_alerts;
  DocumentSpec mixed;
  std::string mixed_document;
  std::unique_ptr<SchemaValidator> student;
  std::unique_ptr<SchemaValidator> translog;
  std::string log_xml;

  Fixture() {
    alerts.reserve(kRecordsPerDocument);
    for (int i = 0; i < kRecordsPerDocument; ++i) alerts.push_back(SyntheticAlert(i));
    batch.batch_id = "BENCH000000001";
    batch.org_id = "BOS214F00123000";
    batch.user_id = "tdso-00001";
    for (int i = 0; i < kRecordsPerDocument; ++i) {
      batch.records.push_back(StudentRecord{"bench-" + std::to_string(i), &alerts[i]});
    }
    document = BuildStudentDocument(batch).value();
    mixed_alerts = MixedAlerts();
    mixed.batch_id = "BENCH000000002";
    mixed.org_id = batch.org_id;
    mixed.user_id = batch.user_id;
    mixed.family = v1::VISA_FAMILY_FM;
    for (int i = 0; i < kRecordsPerDocument; ++i) {
      mixed.records.push_back(DocumentRecord{"mixed-" + std::to_string(i), &mixed_alerts[i]});
    }
    mixed_document = BuildStudentDocument(mixed).value();
    student = SchemaValidator::Load(StudentSchemaPath(XsdDir())).value();
    translog = SchemaValidator::Load(TransLogSchemaPath(XsdDir())).value();
    TransactionLog log;
    log.batch_id = batch.batch_id;
    log.org_id = batch.org_id;
    log.status = true;
    log.upload = LogStage{"S0000", "2025-03-14T10:00:00Z"};
    log.process = LogStage{"S0000", "2025-03-15T02:00:00Z"};
    log.success_count = kRecordsPerDocument;
    for (int i = 0; i < kRecordsPerDocument; ++i) {
      LogRecord record;
      record.request_id = "bench-" + std::to_string(i);
      record.sevis_id = "N00000" + std::to_string(10000 + i);
      record.user_id = batch.user_id;
      record.process_date = "2025-03-15T02:00:01Z";
      record.success = true;
      log.records.push_back(record);
    }
    log_xml = WriteTransactionLog(log);
  }
};

Fixture& Shared() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_BuildStudentDocument(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto xml = BuildStudentDocument(f.batch);
    benchmark::DoNotOptimize(xml);
  }
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kRecordsPerDocument, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BuildStudentDocument)->Unit(benchmark::kMillisecond);

void BM_ValidateStudentDocument(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto errors = f.student->Validate(f.document);
    if (!errors.empty()) state.SkipWithError("document unexpectedly invalid");
    benchmark::DoNotOptimize(errors);
  }
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kRecordsPerDocument, benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * f.document.size()));
}
BENCHMARK(BM_ValidateStudentDocument)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->ThreadRange(1, 2);

// The builder service's path for one document: build the mixed create/update document and
// validate it with Xerces (target: >= 20,000 records/s on one core).
void BM_BuildAndValidateMixedStudentDocument(benchmark::State& state) {
  Fixture& f = Shared();
  if (!f.student->Validate(f.mixed_document).empty()) {
    state.SkipWithError("mixed document unexpectedly invalid");
    return;
  }
  for (auto _ : state) {
    auto xml = BuildStudentDocument(f.mixed);
    auto errors = f.student->Validate(*xml);
    if (!errors.empty()) state.SkipWithError("document unexpectedly invalid");
    benchmark::DoNotOptimize(errors);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerDocument);
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kRecordsPerDocument, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BuildAndValidateMixedStudentDocument)->Unit(benchmark::kMillisecond);

void BM_BuildMixedStudentDocument(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto xml = BuildStudentDocument(f.mixed);
    benchmark::DoNotOptimize(xml);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerDocument);
}
BENCHMARK(BM_BuildMixedStudentDocument)->Unit(benchmark::kMillisecond);

void BM_ValidateMixedStudentDocument(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto errors = f.student->Validate(f.mixed_document);
    benchmark::DoNotOptimize(errors);
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerDocument);
}
BENCHMARK(BM_ValidateMixedStudentDocument)->Unit(benchmark::kMillisecond);

void BM_ParseTransactionLogValidated(benchmark::State& state) {
  Fixture& f = Shared();
  for (auto _ : state) {
    auto log = ParseTransactionLog(f.log_xml, f.translog.get());
    if (!log.ok()) state.SkipWithError("log unexpectedly invalid");
    benchmark::DoNotOptimize(log);
  }
  state.counters["records/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kRecordsPerDocument, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseTransactionLogValidated)->Unit(benchmark::kMillisecond);

void BM_LoadStudentSchema(benchmark::State& state) {
  const std::string path = StudentSchemaPath(XsdDir());
  for (auto _ : state) {
    auto validator = SchemaValidator::Load(path);
    benchmark::DoNotOptimize(validator);
  }
}
BENCHMARK(BM_LoadStudentSchema)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace sevisflow::sevisxml
