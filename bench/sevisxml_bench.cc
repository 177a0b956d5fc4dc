// Hot paths of libs/sevisxml: building a 250-record student document, validating it against the
// cached 6.55 grammar (the builder's target is 20k records/s validated), and reading a log.
//
// Run: <build>/bench/sevisxml_bench --benchmark_counters_tabular=true

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

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

struct Fixture {
  std::vector<v1::Alert> alerts;
  StudentBatch batch;
  std::string document;
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
