// Closing a batch the way the builder does (libs/batching BuildBatches): plan, write and
// validate with Xerces every SEVIS document for a selection of alerts. Goal (issue 6): at least
// 20,000 records per second for build + validate on one core.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
//   ninja -C build-bench batching_bench && taskset -c 1 build-bench/bench/batching_bench

#include <cstdlib>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/str_format.h"

#include "ev_test_alerts.h"
#include "fm_test_alerts.h"
#include "sevisflow/batching/build.h"
#include "test_support.h"

namespace sevisflow::batching {
namespace {

// Every F/M and J event in turn (the realistic alerts of the XML tests), `count` records.
std::vector<v1::Alert> MixedSelection(int count) {
  const std::vector<v1::EventType> fm = sevisxml::testing::FmEventTypes();
  const std::vector<v1::EventType> ev = sevisxml::testing::AllEvEvents();
  std::vector<v1::Alert> alerts;
  alerts.reserve(count);
  for (int i = 0; i < count; ++i) {
    const size_t k = static_cast<size_t>(i) % (fm.size() + ev.size());
    alerts.push_back(k < fm.size() ? sevisxml::testing::MakeFmAlert(fm[k], i)
                                   : sevisxml::testing::MakeEvAlert(ev[k - fm.size()], i));
    alerts.back().set_alert_id(absl::StrFormat("b%019d", i));  // a requestID (<= 20)
  }
  return alerts;
}

std::vector<v1::Alert> Creates(int count) {
  std::vector<v1::Alert> alerts;
  for (int i = 0; i < count; ++i) alerts.push_back(sevisxml::testing::MakeCreateStudentAlert(i));
  return alerts;
}

const LoadedValidators& Validators() {
  static const LoadedValidators* loaded = [] {
    const char* env = std::getenv("SEVISFLOW_XSD_DIR");
    absl::StatusOr<LoadedValidators> v =
        LoadValidators(env != nullptr && *env != '\0' ? env : SEVISFLOW_DEFAULT_XSD_DIR);
    if (!v.ok()) std::abort();
    return new LoadedValidators(*std::move(v));
  }();
  return *loaded;
}

void Close(benchmark::State& state, const std::vector<v1::Alert>& alerts) {
  BuildOptions options;
  options.org_id = "ABC214F12345000";
  options.user_id = "benchdso01";
  options.issue_date = "2026-11-20";
  int64_t sequence = 0;
  int64_t records = 0;
  for (auto _ : state) {
    absl::StatusOr<BuildResult> result = BuildBatches(
        alerts, options, Validators().view(),
        [&sequence]() { return FormatBatchId("BENCH", ++sequence); },
        [](BuiltDocument document) {
          benchmark::DoNotOptimize(document.xml);
          return absl::OkStatus();
        });
    if (!result.ok() || !result->returned.empty() || !result->unplanned.empty()) {
      std::string why = !result.ok()                  ? std::string(result.status().message())
                        : !result->unplanned.empty() ? result->unplanned.front().reason
                        : result->returned.front().issues.empty()
                            ? "returned"
                            : result->returned.front().issues.front().message();
      state.SkipWithError(("a record did not go into a valid document: " + why).c_str());
      return;
    }
    records += result->records;
  }
  state.SetItemsProcessed(records);
  state.counters["records/s"] =
      benchmark::Counter(static_cast<double>(records), benchmark::Counter::kIsRate);
}

// 1,000 alerts, every F/M and J event in turn: documents of both families.
void BM_CloseMixedFmAndJ(benchmark::State& state) {
  static const std::vector<v1::Alert> alerts = MixedSelection(1000);
  Close(state, alerts);
}
BENCHMARK(BM_CloseMixedFmAndJ)->Unit(benchmark::kMillisecond);

// 600 Create Student alerts (the demo's shape): three documents.
void BM_CloseSixHundredCreates(benchmark::State& state) {
  static const std::vector<v1::Alert> alerts = Creates(600);
  Close(state, alerts);
}
BENCHMARK(BM_CloseSixHundredCreates)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sevisflow::batching
