// The importer's pure core (services/importer/src/apply.h) on a downloaded transaction log:
// parse + validation against SevisTransLog.xsd (ParseTransactionLog with the cached grammar),
// the batch-level check (FindBatchFailure) and the mapping of every Record to its Outcome and
// master-row update (PlanImport). Issue 7 goal: >= 50k transaction-log records/s.
//
// Run: taskset -c 1 <build>/bench/importer_bench --benchmark_counters_tabular=true

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "apply.h"
#include "result_codes.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sevisxml/validator.h"

namespace sevisflow::importer {
namespace {

constexpr char kOrg[] = "P-1-12345";
constexpr char kBatch[] = "SFBENCH0000001";

std::string XsdDir() {
  const char* env = std::getenv("SEVISFLOW_XSD_DIR");
  return env != nullptr && *env != '\0' ? env : SEVISFLOW_DEFAULT_XSD_DIR;
}

std::string SevisId(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "N%010d", n);
  return buf;
}

sevisxml::LogAddress Corrected(int n) {
  return sevisxml::LogAddress{std::to_string(n % 900 + 1) + " MAIN ST",
                              "STE " + std::to_string(n % 7), "SPRINGFIELD", "IL",
                              "62701-" + std::to_string(1000 + n % 9000)};
}

// A synthetic batch result and its log; every value is made up. The mix, by n % 10: 0-1 Create
// Student (the log: SEVIS ID, corrected physical address), 2 Create Exchange Visitor with a
// dependent and two sites of activity (dependentSevisID, SiteIds, corrected addresses), 3 a
// create refused (S1004), 4-8 accepted updates (Registration with a corrected address, Personal
// Info, Site of Activity - Add, Dependent - Add with its dependentSevisID, Financial Info),
// 9 an update refused (S1003).
struct Fixture {
  v1::BatchResult result;
  std::map<std::string, v1::MasterRecord> current;  // by person id
  std::string xml;
  int records = 0;
};

Fixture MakeFixture(int records) {
  Fixture f;
  f.records = records;
  f.result.set_batch_id(kBatch);
  f.result.set_org_id(kOrg);
  f.result.set_upload_result_code("S0000");
  f.result.set_download_result_code("S0000");
  sevisxml::TransactionLog log;
  log.batch_id = kBatch;
  log.org_id = kOrg;
  log.system = "SEVIS-SIM";
  log.upload = sevisxml::LogStage{"S0000", "2026-03-01T09:00:00.000Z"};
  log.upload_file_name = "batch.xml";
  log.process = sevisxml::LogStage{"S0020", "2026-03-01T10:00:00.000Z"};
  log.download_result_code = "S0000";
  for (int n = 0; n < records; ++n) {
    const int kind = n % 10;
    const std::string request_id = "req-" + std::to_string(n);
    const std::string person = "person-" + std::to_string(n);
    v1::BatchRecord* rec = f.result.add_records();
    rec->set_request_id(request_id);
    rec->set_alert_id("alert-" + std::to_string(n));
    rec->set_person_id(person);
    v1::Alert* alert = rec->mutable_alert();
    sevisxml::LogRecord lr;
    lr.request_id = request_id;
    lr.user_id = "bench00001";
    lr.user_defined_a = person.substr(0, 10);
    lr.process_date = "2026-03-01T10:00:01.000Z";
    lr.success = kind != 3 && kind != 9;
    if (kind <= 1 || kind == 3) {
      rec->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
      v1::CreateStudentData* d = alert->mutable_create_student();
      d->set_visa_type("01");
      d->set_last_name("Benchperson");
      d->set_first_name("Sample");
      d->set_birth_date("2004-02-29");
      d->set_program_start_date("2026-08-20");
      d->set_program_end_date("2030-05-15");
      d->mutable_us_address()->set_line1("1 Campus Road");
      d->mutable_us_address()->set_postal_code("62701");
      if (lr.success) {
        lr.sevis_id = SevisId(n);
        lr.physical_address.corrected = Corrected(n);
        lr.physical_address.result = "S0000";
        lr.physical_address.message = "Valid";
      } else {
        lr.error_code = "S1004";
        lr.error_message = "Student exists in the SEVIS database";
      }
    } else if (kind == 2) {
      rec->set_event_type(v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR);
      v1::CreateExchangeVisitorData* d = alert->mutable_create_exchange_visitor();
      d->set_last_name("Benchvisitor");
      d->set_birth_date("1990-01-01");
      v1::DependentData* dep = d->add_dependents();
      dep->set_dependent_id("dep-" + std::to_string(n));
      dep->set_last_name("Benchvisitor");
      lr.sevis_id = SevisId(n);
      lr.dependents.push_back({SevisId(n + 1000000), "dep-" + std::to_string(n), ""});
      for (int s = 0; s < 2; ++s) {
        v1::SiteOfActivityData* site = d->add_sites();
        site->set_site_id("site-" + std::to_string(s));
        site->set_name("Site " + std::to_string(s));
        site->mutable_address()->set_line1("9 Lab Street");
        site->mutable_address()->set_postal_code("62701");
        sevisxml::LogSite ls;
        ls.address.corrected = Corrected(n + s);
        ls.address.result = "S0000";
        ls.site_id = "SOA" + std::to_string(n * 2 + s);
        ls.site_name = "SITE " + std::to_string(s);
        lr.sites.push_back(std::move(ls));
      }
    } else {
      v1::MasterRecord& m = f.current[person];
      m.set_org_id(kOrg);
      m.set_person_id(person);
      m.set_sevis_id(SevisId(n));
      m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
      m.set_last_name("Benchperson");
      lr.sevis_id = SevisId(n);
      if (kind == 4) {
        rec->set_event_type(v1::EVENT_TYPE_REGISTRATION);
        alert->mutable_registration()->set_term("2026FA");
        lr.physical_address.corrected = Corrected(n);
      } else if (kind == 5) {
        rec->set_event_type(v1::EVENT_TYPE_PERSONAL_INFO);
        alert->mutable_personal_info()->set_last_name("Benchperson");
        alert->mutable_personal_info()->set_email("p" + std::to_string(n) + "@example.edu");
      } else if (kind == 6) {
        rec->set_event_type(v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD);
        v1::SiteOfActivityData* site = alert->mutable_site_of_activity();
        site->set_site_id("site-9");
        site->set_name("Annex");
        sevisxml::LogSite ls;
        ls.address.corrected = Corrected(n);
        ls.site_id = "SOA" + std::to_string(n * 2);
        ls.site_name = "ANNEX";
        lr.sites.push_back(std::move(ls));
      } else if (kind == 7) {
        rec->set_event_type(v1::EVENT_TYPE_DEPENDENT_ADD);
        alert->mutable_dependent()->set_dependent_id("dep-" + std::to_string(n));
        alert->mutable_dependent()->set_last_name("Benchperson");
        lr.dependents.push_back({SevisId(n + 1000000), "dep-" + std::to_string(n), ""});
      } else if (kind == 8) {
        rec->set_event_type(v1::EVENT_TYPE_FINANCIAL_INFO);
        alert->mutable_financial()->set_tuition(30000 + n);
      } else {
        rec->set_event_type(v1::EVENT_TYPE_REGISTRATION);
        alert->mutable_registration()->set_term("2026FA");
        lr.error_code = "S1003";
        lr.error_message = "SEVIS ID not found";
      }
    }
    alert->set_event_type(rec->event_type());
    (lr.success ? log.success_count : log.failure_count)++;
    log.records.push_back(std::move(lr));
  }
  f.xml = sevisxml::WriteTransactionLog(log);
  return f;
}

benchmark::Counter RecordsPerSecond(int records) {
  return benchmark::Counter(static_cast<double>(records),
                            benchmark::Counter::kIsIterationInvariantRate);
}

const sevisxml::SchemaValidator& Validator() {
  static const auto* validator = [] {
    auto v = sevisxml::SchemaValidator::Load(sevisxml::TransLogSchemaPath(XsdDir()));
    if (!v.ok()) {
      std::fprintf(stderr, "cannot load SevisTransLog.xsd: %s\n", v.status().ToString().c_str());
      std::abort();
    }
    return v->release();
  }();
  return *validator;
}

// One iteration: the importer's pure work for one result (everything between reading the zip
// entry and producing to Kafka).
void BM_ImportLog(benchmark::State& state) {
  const Fixture f = MakeFixture(static_cast<int>(state.range(0)));
  const sevisxml::SchemaValidator& validator = Validator();
  const ResultCodes codes;
  const MasterLookup lookup = [&f](const std::string&,
                                   const std::string& person) -> const v1::MasterRecord* {
    auto it = f.current.find(person);
    return it == f.current.end() ? nullptr : &it->second;
  };
  size_t outcomes = 0;
  size_t masters = 0;
  for (auto _ : state) {
    auto log = sevisxml::ParseTransactionLog(f.xml, &validator);
    if (!log.ok()) {
      state.SkipWithError("log did not parse");
      return;
    }
    if (FindBatchFailure(&*log, f.result)) {
      state.SkipWithError("unexpected batch failure");
      return;
    }
    ImportPlan plan = PlanImport(*log, f.result, lookup, &codes);
    outcomes = plan.outcomes.size();
    masters = plan.master_records.size();
    benchmark::DoNotOptimize(plan);
  }
  if (outcomes != static_cast<size_t>(f.records)) state.SkipWithError("an outcome is missing");
  state.SetItemsProcessed(state.iterations() * f.records);
  state.counters["records/s"] = RecordsPerSecond(f.records);
  state.counters["master_rows"] = static_cast<double>(masters);
  state.counters["log_bytes"] = static_cast<double>(f.xml.size());
}
BENCHMARK(BM_ImportLog)->Arg(250)->Arg(10000)->Unit(benchmark::kMillisecond);

// The parts on their own.
void BM_ParseAndValidateLog(benchmark::State& state) {
  const Fixture f = MakeFixture(static_cast<int>(state.range(0)));
  const sevisxml::SchemaValidator& validator = Validator();
  for (auto _ : state) {
    auto log = sevisxml::ParseTransactionLog(f.xml, &validator);
    benchmark::DoNotOptimize(log);
  }
  state.counters["records/s"] = RecordsPerSecond(f.records);
}
BENCHMARK(BM_ParseAndValidateLog)->Arg(250)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_ParseLogWithoutValidation(benchmark::State& state) {
  const Fixture f = MakeFixture(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto log = sevisxml::ParseTransactionLog(f.xml, nullptr);
    benchmark::DoNotOptimize(log);
  }
  state.counters["records/s"] = RecordsPerSecond(f.records);
}
BENCHMARK(BM_ParseLogWithoutValidation)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_PlanImport(benchmark::State& state) {
  const Fixture f = MakeFixture(static_cast<int>(state.range(0)));
  auto log = sevisxml::ParseTransactionLog(f.xml, nullptr);
  if (!log.ok()) {
    state.SkipWithError("log did not parse");
    return;
  }
  const ResultCodes codes;
  const MasterLookup lookup = [&f](const std::string&,
                                   const std::string& person) -> const v1::MasterRecord* {
    auto it = f.current.find(person);
    return it == f.current.end() ? nullptr : &it->second;
  };
  for (auto _ : state) {
    ImportPlan plan = PlanImport(*log, f.result, lookup, &codes);
    benchmark::DoNotOptimize(plan);
  }
  state.counters["records/s"] = RecordsPerSecond(f.records);
}
BENCHMARK(BM_PlanImport)->Arg(250)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sevisflow::importer
