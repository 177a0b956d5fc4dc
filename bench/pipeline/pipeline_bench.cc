// pipeline_bench — whole-pipeline measures of issue 8 through a real Apache Kafka broker and a
// real redis-server (tests/fixtures) and the service binaries of this build tree:
//
//   detector  (2) the detector's sustained snapshots/s over N published snapshots, and in the
//                 same run a raw consume -> produce passthrough of the same records with the
//                 services' client settings; the ratio.
//   sweep     (3) the full re-evaluation of N stored persons (RunAlerts for every org: what the
//                 daily schedule calls), seconds and persons/s.
//   memory    (7) Redis bytes per stored person — new, then with a SEVIS record once every
//                 Create is imported through the importer's core — and each service's peak RSS
//                 (VmHWM).
//   latency   (6) SIS change published -> its alert visible through ReviewService.ListAlerts,
//                 p50/p95/p99/max at a paced rate.
//   all           every measure on one loaded cluster, then a summary table (--report FILE:
//                 markdown).
//
// Progress goes to stderr once a second; one "RESULT ..." line per figure to stdout. Not part of
// the test command; nothing here asserts a time. See BENCHMARKS.md ("Pipeline").

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <grpcpp/client_context.h>

#include "apply.h"
#include "harness.h"
#include "sevisflow/kafka/consumer.h"
#include "sevisflow/kafka/producer.h"
#include "sevisflow/kafka/topics.h"
#include "sevisflow/redis/client.h"
#include "sevisflow/redis/packed.h"
#include "sevisflow/rpc/client.h"
#include "sevisflow/rpc/dso_auth.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sevisflow/sisgen/change_stream.h"
#include "sevisflow/v1/batch.pb.h"
#include "sevisflow/v1/detector_service.grpc.pb.h"
#include "sevisflow/v1/review_service.grpc.pb.h"

namespace sevisflow::bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr char kConsumed[] = "sevisflow_detector_messages_consumed_total";
constexpr char kEvaluations[] = "sevisflow_detector_evaluation_seconds_count";
constexpr char kSisPersonLabel[] = "topic=\"sis.person\"";

double SecondsSince(steady_clock::time_point t) {
  return std::chrono::duration<double>(steady_clock::now() - t).count();
}

struct Flags {
  int64_t persons = -1;  // -1: the measure's own default
  std::vector<double> rates = {1000};
  int seconds = 30;
  int sample_every = 10;
  int give_up_seconds = 60;
  int64_t sync_sample = 20000;
  int partitions = 3;
  int orgs = 3;
  uint64_t seed = 1;
  std::string redis_fsync = "everysec";
  std::string report;
  std::string latencies_out;  // CSV of every followed change's latency (empty: none)
};

std::string Note(int64_t n, int64_t goal_n) {
  if (n >= goal_n) return "";
  return "reduced N=" + std::to_string(n) + " (goal N=" + std::to_string(goal_n) + ")";
}

// The run: one cluster, the persons loaded so far, the figures.
// `prefix` and `n` zero-padded to `width` digits (batch ids, SEVIS ids).
std::string Padded(const std::string& prefix, int64_t n, size_t width) {
  const std::string digits = std::to_string(n);
  return prefix + std::string(digits.size() < width ? width - digits.size() : 0, '0') + digits;
}

// What Redis holds per person in the two memory figures.
constexpr char kNewPersons[] = "new persons (SIS snapshot + emitted keys)";
constexpr char kWithSevisRecords[] =
    "with a SEVIS record (+ detector master view + importer copy)";

class Run {
 public:
  explicit Run(const Flags& flags) : flags_(flags), harness_(Options(flags)) {}

  void Start() { harness_.Start(); }

  // Publishes persons [0, n) and has the detector consume them: measure 2 when `report`.
  void LoadAndMeasureDetector(int64_t n, bool report) {
    const double publish_seconds = harness_.PublishPopulation(n);
    loaded_ = n;
    if (report) {
      std::fprintf(stderr, "[publish] %" PRId64 " snapshots in %.1fs (%.0f/s)\n", n,
                   publish_seconds, static_cast<double>(n) / publish_seconds);
    }
    ServiceProcess& detector = harness_.StartDetector();
    const int port = detector.metrics_port;
    auto consumed = [port] {
      return static_cast<int64_t>(ScrapeSum(port, kConsumed, kSisPersonLabel));
    };
    // The clock starts at the first record consumed (after the group's join and the run control
    // view's catch-up), with what was consumed by then subtracted.
    if (!testing::WaitUntil([&] { return consumed() > 0; }, milliseconds(120000))) {
      Fail("the detector consumed nothing: " + detector.process->LogTail());
    }
    const auto t0 = steady_clock::now();
    const int64_t c0 = consumed();
    const double cpu0 = CpuSeconds(detector.process->pid());
    const int64_t done = WaitProgress("detector consume", n, std::chrono::hours(3), consumed);
    const double detector_seconds = SecondsSince(t0);
    if (done < n) Fail("the detector consumed only " + std::to_string(done));
    const double detector_rate = static_cast<double>(done - c0) / detector_seconds;
    const double cpu = (CpuSeconds(detector.process->pid()) - cpu0) / detector_seconds;
    const int64_t alerts =
        static_cast<int64_t>(ScrapeSum(port, "sevisflow_detector_alerts_emitted_total"));
    std::fprintf(stderr, "[detector] %" PRId64 " snapshots, %" PRId64 " alerts published\n", n,
                 alerts);
    if (!report) return;

    const double raw_rate = Passthrough(n, /*sync=*/false);
    const int64_t sync_n = std::min<int64_t>(n, flags_.sync_sample);
    const double sync_rate = Passthrough(sync_n, /*sync=*/true);
    const std::string note = Note(n, 200000);
    Add({"2 detector", "detector snapshots/s (N=" + std::to_string(n) + ")", detector_rate,
         "snap/s", ">= 20000", detector_rate >= 20000, note});
    Add({"2 detector", "detector CPU while consuming", 100.0 * cpu, "% of a core", "", {},
         "user+system time / wall time"});
    Add({"2 detector", "raw passthrough, batched acks", raw_rate, "msg/s", "", {}, note});
    Add({"2 detector", "ratio detector / raw passthrough", 100.0 * detector_rate / raw_rate, "%",
         ">= 25%", detector_rate / raw_rate >= 0.25, ""});
    Add({"2 detector", "raw passthrough, blocking Send per record (N=" + std::to_string(sync_n) +
                           ")",
         sync_rate, "msg/s", "", {}, "the detector's per-record discipline, no work"});
    Add({"2 detector", "ratio detector / blocking passthrough", 100.0 * detector_rate / sync_rate,
         "%", "", {}, ""});
  }

  // Measure 3: RunAlerts("") over every stored person, as the daily schedule runs it.
  void Sweep() {
    ServiceProcess* detector = harness_.Find("detector");
    const int port = detector->metrics_port;
    auto evaluations = [port] { return static_cast<int64_t>(ScrapeSum(port, kEvaluations)); };
    const int64_t before = evaluations();
    auto stub = v1::DetectorService::NewStub(rpc::Dial(detector->grpc_address()));
    v1::RunAlertsResponse response;
    grpc::Status status;
    std::atomic<bool> finished{false};
    const auto t0 = steady_clock::now();
    std::thread call([&] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::hours(3));
      status = stub->RunAlerts(&context, v1::RunAlertsRequest(), &response);
      finished = true;
    });
    Progress progress("sweep", loaded_);
    while (!finished) {
      std::this_thread::sleep_for(milliseconds(200));
      progress.Update(evaluations() - before);
    }
    call.join();
    const double elapsed = SecondsSince(t0);
    progress.Finish(evaluations() - before);
    if (!status.ok()) Fail("RunAlerts: " + status.error_message());
    const double rate = static_cast<double>(response.persons()) / elapsed;
    std::fprintf(stderr, "[sweep] %" PRId64 " persons evaluated, %" PRId64 " alerts published\n",
                 response.persons(), response.alerts());
    const std::string note = Note(loaded_, 1000000);
    Add({"3 sweep", "sweep of N=" + std::to_string(loaded_) + " persons", elapsed, "s", "", {},
         note});
    Add({"3 sweep", "sweep persons/s", rate, "persons/s", ">= 16667", rate >= 1000000.0 / 60,
         ""});
    const double projected = 1000000.0 / rate;
    Add({"3 sweep", "sweep of 1M persons" + std::string(loaded_ < 1000000 ? " (projected)" : ""),
         loaded_ < 1000000 ? projected : elapsed, "s", "<= 60", projected <= 60,
         loaded_ < 1000000 ? "linear projection from the rate above" : ""});
  }

  // Measure 7. Redis bytes per person of new persons are taken over what the load stored
  // (used_memory after the load and sweep minus before them); peak RSS of every service running.
  void MemoryOfNewPersons() {
    const int64_t used = harness_.RedisUsedMemory();
    used_after_load_ = used;
    new_person_bytes_ = static_cast<double>(used - redis_baseline_) /
                        static_cast<double>(loaded_);
    std::fprintf(stderr, "[memory] %s: redis used_memory %" PRId64 " (baseline %" PRId64
                         "), %" PRId64 " keys\n",
                 kNewPersons, used, redis_baseline_, harness_.RedisKeys());
    const std::string note = Note(loaded_, 1000000);
    Add({"7 memory", std::string("Redis bytes per person, ") + kNewPersons, new_person_bytes_,
         "B", "<= 2048", new_person_bytes_ <= 2048, note});
    Add({"7 memory", std::string("Redis used_memory, ") + kNewPersons,
         static_cast<double>(used) / (1 << 20), "MiB", "", {}, note});
    KeyBreakdown();
    PeakRss(note);
  }

  // After ImportCreates: a person's bytes with a SEVIS record are the new person's plus what the
  // import added per person (used_memory after minus before it: the detector's master view and
  // the importer's copy). Taken as a difference so that the builder's review state, when the
  // builder ran in between (`all`), is not counted per person; it is reported per open alert.
  void MemoryWithSevisRecords(int64_t used_before_import, int64_t used_after_import) {
    const std::string note = Note(loaded_, 1000000);
    if (harness_.Find("builder") != nullptr && used_before_import > used_after_load_) {
      const double received = ScrapeSum(harness_.Find("builder")->metrics_port,
                                        "sevisflow_builder_alerts_received_total");
      if (received > 0) {
        Add({"7 memory", "Redis bytes per alert in review (builder)",
             static_cast<double>(used_before_import - used_after_load_) / received, "B", "", {},
             std::to_string(static_cast<int64_t>(received)) + " alerts received"});
      }
    }
    const double per_person =
        new_person_bytes_ + static_cast<double>(used_after_import - used_before_import) /
                                static_cast<double>(loaded_);
    std::fprintf(stderr, "[memory] %s: redis used_memory %" PRId64 " (before the import %" PRId64
                         "), %" PRId64 " keys\n",
                 kWithSevisRecords, used_after_import, used_before_import, harness_.RedisKeys());
    Add({"7 memory", std::string("Redis bytes per person, ") + kWithSevisRecords, per_person,
         "B", "<= 2048", per_person <= 2048, note});
    KeyBreakdown();
    PeakRss(note);
  }

  // Where a person's bytes are: MEMORY USAGE of each of a person's keys, averaged over the first
  // 200 persons (keys a person does not have are left out of that key's average), on stderr.
  void KeyBreakdown() {
    redis::ClientOptions redis_options;
    redis_options.port = harness_.redis_port();
    auto redis = redis::Client::Create(redis_options);
    if (!redis.ok()) return;
    std::map<std::string, std::pair<int64_t, int64_t>> usage;  // kind -> (bytes, keys)
    const int64_t n = std::min<int64_t>(200, loaded_);
    for (int64_t i = 0; i < n; ++i) {
      const sisgen::PopulationPerson p = sisgen::GeneratePerson(harness_.options().population, i);
      const std::string person = p.snapshot.person_id();
      const std::string master = p.org + "/" + person;
      const std::vector<std::pair<std::string, std::string>> keys = {
          {"sf:snap", "sf:snap:" + person},
          {"sf:emitted", "sf:emitted:" + person},
          {"sf:master", "sf:master:" + master},
          {"sf:importer:master", importer::ImporterMasterKey(p.org, person)}};
      for (const auto& [kind, key] : keys) {
        auto reply = (*redis)->Command({"MEMORY", "USAGE", key, "SAMPLES", "0"});
        if (!reply.ok() || reply->type != redis::Reply::Type::kInteger) continue;
        usage[kind].first += reply->integer;
        usage[kind].second += 1;
      }
    }
    for (const auto& [kind, total] : usage) {
      std::fprintf(stderr, "[memory]   %-20s %6.0f B per key (%" PRId64 " of %" PRId64
                           " persons have one)\n",
                   kind.c_str(), static_cast<double>(total.first) /
                                     static_cast<double>(total.second),
                   total.second, n);
    }
  }

  // Measure 7's steady state: SEVIS accepted every person's Create. The detector's Create
  // alerts are read back from sevis.alerts and imported through the importer's own core
  // (importer::PlanImport on an all-accepted transaction log, 250 records a batch, one batch
  // per org at a time); each master row goes to sevis.master, which the detector turns into its
  // view (sf:master), and to the importer's own copy (sf:importer:master, packed), as the
  // importer writes them. Returns when the detector has consumed every row.
  void ImportCreates() {
    const int64_t used_before = harness_.RedisUsedMemory();
    ServiceProcess* detector = harness_.Find("detector");
    const int port = detector->metrics_port;
    const int64_t alerts =
        static_cast<int64_t>(ScrapeSum(port, "sevisflow_detector_alerts_emitted_total"));
    auto consumer = kafka::Consumer::Create(
        ConsumerConfig(harness_.bootstrap(), "pipeline-bench-import", kafka::kSevisAlerts));
    auto producer =
        kafka::Producer::Create(ProducerConfig(harness_.bootstrap(), "pipeline-bench-import"));
    redis::ClientOptions redis_options;
    redis_options.port = harness_.redis_port();
    auto redis = redis::Client::Create(redis_options);
    if (!consumer.ok() || !producer.ok() || !redis.ok()) Fail("import: cannot create clients");
    const double consumed0 =
        ScrapeSum(port, kConsumed, "topic=\"" + std::string(kafka::kSevisMaster) + "\"");
    std::map<std::string, std::vector<v1::Alert>> creates;  // org -> not imported yet
    std::atomic<int64_t> failed{0};
    int64_t read = 0;
    int64_t published = 0;
    int64_t batches = 0;
    const std::string processed_at = "2026-11-24T12:00:00Z";
    auto import = [&](const std::string& org, std::vector<v1::Alert>& list) {
      if (list.empty()) return;
      ++batches;
      const std::string batch_id = Padded("BENCH", batches, 9);
      v1::BatchResult result;
      result.set_batch_id(batch_id);
      result.set_org_id(org);
      result.set_fetched_at(processed_at);
      sevisxml::TransactionLog log;
      log.batch_id = batch_id;
      log.org_id = org;
      log.status = true;
      log.process = sevisxml::LogStage{"S0000", processed_at};
      for (size_t i = 0; i < list.size(); ++i) {
        v1::BatchRecord* record = result.add_records();
        record->set_request_id(std::to_string(i + 1));
        record->set_alert_id(list[i].alert_id());
        record->set_person_id(list[i].person_id());
        record->set_event_type(list[i].event_type());
        *record->mutable_alert() = std::move(list[i]);
        sevisxml::LogRecord lr;
        lr.request_id = record->request_id();
        lr.sevis_id = Padded("N", published + 1 + static_cast<int64_t>(i), 10);
        lr.process_date = processed_at;
        lr.success = true;
        log.records.push_back(std::move(lr));
      }
      log.success_count = static_cast<int>(log.records.size());
      const importer::ImportPlan plan = importer::PlanImport(log, result);
      std::vector<std::vector<std::string>> sets;
      for (const v1::MasterRecord& m : plan.master_records) {
        const std::string key = importer::MasterKey(m.org_id(), m.person_id());
        const std::string bytes = m.SerializeAsString();
        absl::Status s = (*producer)->SendAsync(kafka::kSevisMaster, key, bytes, {},
                                                [&failed](absl::Status d) {
                                                  if (!d.ok()) failed.fetch_add(1);
                                                });
        if (!s.ok()) Fail("produce sevis.master: " + std::string(s.message()));
        sets.push_back(
            {"SET", importer::ImporterMasterKey(m.org_id(), m.person_id()), redis::Pack(bytes)});
        ++published;
      }
      auto written = (*redis)->Pipeline(sets);
      if (!written.ok()) Fail("redis: " + std::string(written.status().message()));
      list.clear();
    };
    Progress progress("import creates", alerts);
    while (read < alerts) {
      auto batch = (*consumer)->Poll(1000, milliseconds(500));
      if (!batch.ok()) Fail("consume sevis.alerts: " + std::string(batch.status().message()));
      for (const kafka::Message& m : *batch) {
        ++read;
        v1::Alert a;
        if (!a.ParseFromString(m.value)) Fail("an unreadable alert on sevis.alerts");
        if (a.event_type() != v1::EVENT_TYPE_CREATE_STUDENT &&
            a.event_type() != v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) {
          continue;
        }
        const std::string org = a.org_id();
        std::vector<v1::Alert>& list = creates[org];
        list.push_back(std::move(a));
        if (list.size() == 250) import(org, list);
      }
      progress.Update(read, std::to_string(published) + " master rows");
    }
    for (auto& [org, list] : creates) import(org, list);
    progress.Finish(read);
    (void)(*producer)->Flush(std::chrono::minutes(5));
    if (failed.load() > 0) Fail(std::to_string(failed.load()) + " master rows not acknowledged");
    (*consumer)->Close();
    WaitProgress("detector master view", published, std::chrono::hours(1), [&] {
      return static_cast<int64_t>(
          ScrapeSum(port, kConsumed, "topic=\"" + std::string(kafka::kSevisMaster) + "\"") -
          consumed0);
    });
    std::fprintf(stderr, "[import] %" PRId64 " alerts read, %" PRId64
                         " master rows in %" PRId64 " batches\n",
                 read, published, batches);
    MemoryWithSevisRecords(used_before, harness_.RedisUsedMemory());
  }

  void PeakRss(const std::string& note) {
    for (const char* name : {"detector", "builder"}) {
      ServiceProcess* s = harness_.Find(name);
      if (!s) continue;
      Add({"7 memory", std::string(name) + " peak RSS (VmHWM)",
           static_cast<double>(PeakRssBytes(s->process->pid())) / (1 << 20), "MiB", "", {},
           note});
    }
  }

  // Measure 6. The builder consumes the alerts of the loaded population first; then changes are
  // published at each rate in turn, and every `sample_every`-th is followed until ListAlerts
  // shows an alert of its person with its snapshot version or a later one.
  void Latency() {
    ServiceProcess* builder = harness_.Find("builder");
    if (!builder) builder = &harness_.StartBuilder();
    const int bport = builder->metrics_port;
    const int64_t expected = static_cast<int64_t>(
        ScrapeSum(harness_.Find("detector")->metrics_port,
                  "sevisflow_detector_alerts_emitted_total"));
    WaitProgress("builder catch-up", expected, std::chrono::hours(2), [bport] {
      return static_cast<int64_t>(ScrapeSum(bport, "sevisflow_builder_alerts_received_total"));
    });
    sisgen::ChangeOptions change_options;
    change_options.population = harness_.options().population;
    change_options.population.count = loaded_;
    change_options.seed = flags_.seed + 1000;
    // Without SEVIS Master rows every person is a new student / exchange visitor, so a change is
    // visible as the person's Create alert re-issued with the new data. Only the kinds that
    // change the Create alert's data are drawn (address, program extension, name); enrolment,
    // full-time, OPT and dependent edits change nothing a Create reports (measured: a dependent
    // added never became visible) and yield no alert.
    change_options.weights = {30, 0, 0, 15, 0, 0, 10};
    sisgen::ChangeStream stream(change_options);
    for (double rate : flags_.rates) LatencyAt(rate, *builder, change_options, stream);
  }

  void LatencyAt(double rate, ServiceProcess& builder, const sisgen::ChangeOptions& change_options,
                 sisgen::ChangeStream& stream) {
    struct Tracked {
      std::string org;
      std::string person;
      int64_t version = 0;
      steady_clock::time_point sent;
      int kind = 0;
    };
    std::mutex mu;
    std::deque<Tracked> incoming;
    std::atomic<bool> publishing{true};
    std::atomic<int64_t> sent{0};
    std::atomic<int64_t> failed{0};
    const int64_t total = static_cast<int64_t>(rate * flags_.seconds);

    std::thread publisher([&] {
      auto producer = kafka::Producer::Create(
          ProducerConfig(harness_.bootstrap(), "pipeline-bench-changes"));
      if (!producer.ok()) Fail(std::string(producer.status().message()));
      std::string value;
      const auto start = steady_clock::now();
      for (int64_t n = 0; n < total; ++n) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<steady_clock::duration>(
                        std::chrono::duration<double>(static_cast<double>(n) / rate)));
        sisgen::Change c = stream.Next();
        c.snapshot.SerializeToString(&value);
        const bool track = n % flags_.sample_every == 0;
        Tracked t;
        if (track) {
          t.org = sisgen::GeneratePerson(change_options.population, c.person_index).org;
          t.person = c.snapshot.person_id();
          t.version = c.snapshot.version();
          t.kind = static_cast<int>(c.kind);
          t.sent = steady_clock::now();
        }
        absl::Status s = (*producer)->SendAsync(
            kafka::kSisPerson, c.snapshot.person_id(), value, {},
            [&failed](absl::Status d) {
              if (!d.ok()) failed.fetch_add(1);
            });
        if (!s.ok()) Fail("produce: " + std::string(s.message()));
        sent = n + 1;
        if (track) {
          std::lock_guard<std::mutex> lock(mu);
          incoming.push_back(std::move(t));
        }
      }
      (void)(*producer)->Flush(std::chrono::minutes(2));
      publishing = false;
    });

    // One poller thread. Each cycle makes one call per followed person with a pending change
    // (the person's open alerts, as a DSO's view of one person asks; the builder reads only that
    // person's index, services/builder ListAlerts) and settles the person's pending changes.
    std::vector<double> latencies_ms;
    std::vector<std::string> csv_rows;  // for --latencies-out
    std::array<int64_t, sisgen::kChangeKindCount> unseen_by_kind{};
    int64_t unseen = 0;
    int64_t polls = 0;
    int64_t cycles = 0;
    auto stub = v1::ReviewService::NewStub(rpc::Dial(builder.grpc_address()));
    const auto give_up = seconds(flags_.give_up_seconds);
    std::vector<Tracked> pending;
    Progress progress("latency " + std::to_string(static_cast<int>(rate)) + "/s", total);
    const auto t0 = steady_clock::now();
    while (publishing || !pending.empty() || !incoming.empty()) {
      {
        std::lock_guard<std::mutex> lock(mu);
        while (!incoming.empty()) {
          pending.push_back(std::move(incoming.front()));
          incoming.pop_front();
        }
      }
      if (pending.empty()) {
        std::this_thread::sleep_for(milliseconds(1));
        continue;
      }
      ++cycles;
      std::set<std::pair<std::string, std::string>> persons;  // (org, person)
      for (const Tracked& t : pending) persons.insert({t.org, t.person});
      std::map<std::pair<std::string, std::string>, int64_t> newest;  // (org, person) -> version
      for (const auto& [org, person] : persons) {
        v1::ListAlertsRequest request;
        request.set_org_id(org);
        request.set_person_id(person);
        request.set_state(v1::ALERT_STATE_OPEN);
        request.set_limit(100);
        v1::ListAlertsResponse response;
        grpc::ClientContext context;
        rpc::SetBearerToken(context, kToken);
        context.set_deadline(std::chrono::system_clock::now() + seconds(30));
        grpc::Status status = stub->ListAlerts(&context, request, &response);
        ++polls;
        if (!status.ok()) Fail("ListAlerts: " + status.error_message());
        for (const v1::ReviewAlert& a : response.alerts()) {
          int64_t& v = newest[{org, a.alert().person_id()}];
          v = std::max(v, a.alert().snapshot_version());
        }
      }
      const auto now = steady_clock::now();
      for (size_t i = 0; i < pending.size();) {
        const Tracked& t = pending[i];
        auto it = newest.find({t.org, t.person});
        if (it != newest.end() && it->second >= t.version) {
          latencies_ms.push_back(std::chrono::duration<double, std::milli>(now - t.sent).count());
          if (!flags_.latencies_out.empty()) {
            char row[160];
            std::snprintf(row, sizeof row, "%.0f,%s,%.1f,%.1f", rate,
                          std::string(sisgen::ChangeKindName(
                                          static_cast<sisgen::ChangeKind>(t.kind)))
                              .c_str(),
                          std::chrono::duration<double, std::milli>(t.sent - t0).count(),
                          latencies_ms.back());
            csv_rows.emplace_back(row);
          }
        } else if (now - t.sent > give_up) {
          ++unseen;
          ++unseen_by_kind[static_cast<size_t>(t.kind)];
        } else {
          ++i;
          continue;
        }
        pending[i] = std::move(pending.back());
        pending.pop_back();
      }
      progress.Update(sent.load(), "pending " + std::to_string(pending.size()) + ", measured " +
                                       std::to_string(latencies_ms.size()));
      // A breath between cycles, so the poller does not take a core from the pipeline it times.
      std::this_thread::sleep_for(milliseconds(1));
    }
    publisher.join();
    progress.Finish(sent.load());
    const double elapsed = SecondsSince(t0);
    if (failed.load() > 0) Fail(std::to_string(failed.load()) + " changes not acknowledged");
    std::fprintf(stderr,
                 "[latency] %" PRId64 " changes at %.0f/s, %zu followed until visible, %" PRId64
                 " without an alert within %llds, %" PRId64 " ListAlerts in %" PRId64
                 " cycles (%.0f ms per cycle)\n",
                 total, rate, latencies_ms.size(), unseen,
                 static_cast<long long>(give_up.count()), polls, cycles,
                 cycles > 0 ? 1000.0 * elapsed / static_cast<double>(cycles) : 0.0);
    for (int k = 0; k < sisgen::kChangeKindCount; ++k) {
      if (unseen_by_kind[static_cast<size_t>(k)] == 0) continue;
      std::fprintf(stderr, "[latency]   no alert: %s x%" PRId64 "\n",
                   std::string(sisgen::ChangeKindName(static_cast<sisgen::ChangeKind>(k))).c_str(),
                   unseen_by_kind[static_cast<size_t>(k)]);
    }
    if (!flags_.latencies_out.empty()) {
      const bool fresh = !latencies_header_written_;
      std::ofstream out(flags_.latencies_out, fresh ? std::ios::trunc : std::ios::app);
      if (fresh) out << "rate,kind,sent_ms,latency_ms\n";
      latencies_header_written_ = true;
      for (const std::string& row : csv_rows) out << row << "\n";
    }
    if (latencies_ms.empty()) Fail("no change became visible through ListAlerts");
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto pct = [&](double p) {
      size_t i = static_cast<size_t>(p * static_cast<double>(latencies_ms.size() - 1));
      return latencies_ms[i];
    };
    const std::string r = std::to_string(static_cast<int>(rate)) + "/s";
    const std::string at = std::to_string(latencies_ms.size()) + " sampled over " +
                           std::to_string(flags_.seconds) + " s; poll cycle " +
                           std::to_string(static_cast<int>(
                               cycles > 0 ? 1000.0 * elapsed / static_cast<double>(cycles) : 0)) +
                           " ms";
    Add({"6 latency", "change -> ListAlerts p50 at " + r, pct(0.50), "ms", "", {}, at});
    Add({"6 latency", "change -> ListAlerts p95 at " + r, pct(0.95), "ms", "", {}, at});
    Add({"6 latency", "change -> ListAlerts p99 at " + r, pct(0.99), "ms", "<= 250",
         pct(0.99) <= 250, at});
    Add({"6 latency", "change -> ListAlerts max at " + r, latencies_ms.back(), "ms", "", {}, at});
    Add({"6 latency", "followed changes without a visible alert at " + r,
         static_cast<double>(unseen), "changes", "", {},
         "within " + std::to_string(flags_.give_up_seconds) + " s; per kind on stderr"});
  }

  void TakeRedisBaseline() { redis_baseline_ = harness_.RedisUsedMemory(); }

  void Summary(const std::string& what) {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    const std::string header = "pipeline_bench " + what + " on " + host + ", " +
                               std::to_string(std::thread::hardware_concurrency()) +
                               " hardware threads, persons loaded " + std::to_string(loaded_);
    PrintSummary(figures_, header, flags_.report);
  }

  void Stop() { harness_.Stop(); }

 private:
  static HarnessOptions Options(const Flags& flags) {
    HarnessOptions o;
    o.partitions = flags.partitions;
    o.population.seed = flags.seed;
    o.population.orgs = flags.orgs;
    o.redis_fsync = flags.redis_fsync;
    return o;
  }

  void Add(Figure f) {
    PrintResult(f);
    figures_.push_back(std::move(f));
  }

  // Consumes the first `n` records of sis.person (a group of its own, configured as
  // service::MakeConsumer configures the services': defaults, client id = group) and produces
  // each to bench.passthrough with a producer configured as service::MakeProducer's (defaults:
  // idempotent, acks=all). `sync`: a blocking Send per record then Store, as the detector
  // publishes; else every polled batch is sent asynchronously, flushed, then stored.
  double Passthrough(int64_t n, bool sync) {
    const std::string group = sync ? "bench-passthrough-sync" : "bench-passthrough";
    auto consumer = kafka::Consumer::Create(
        ConsumerConfig(harness_.bootstrap(), group, kafka::kSisPerson));
    if (!consumer.ok()) Fail(std::string(consumer.status().message()));
    auto producer = kafka::Producer::Create(ProducerConfig(harness_.bootstrap(), group));
    if (!producer.ok()) Fail(std::string(producer.status().message()));
    std::atomic<int64_t> failed{0};
    int64_t done = 0;
    std::optional<steady_clock::time_point> t0;
    Progress progress(sync ? "passthrough blocking" : "passthrough batched", n);
    const auto deadline = steady_clock::now() + std::chrono::hours(2);
    while (done < n && steady_clock::now() < deadline) {
      auto batch = (*consumer)->Poll(500, milliseconds(100));
      if (!batch.ok()) Fail(std::string(batch.status().message()));
      if (batch->empty()) continue;
      if (!t0) t0 = steady_clock::now();
      std::vector<kafka::Message>& messages = *batch;
      if (messages.size() > static_cast<size_t>(n - done)) {
        messages.resize(static_cast<size_t>(n - done));
      }
      if (sync) {
        for (const kafka::Message& m : messages) {
          if (absl::Status s = (*producer)->Send("bench.passthrough", m.key, m.value); !s.ok()) {
            Fail("send: " + std::string(s.message()));
          }
          (void)(*consumer)->Store(m);
        }
      } else {
        for (const kafka::Message& m : messages) {
          absl::Status s = (*producer)->SendAsync("bench.passthrough", m.key, m.value, {},
                                                  [&failed](absl::Status d) {
                                                    if (!d.ok()) failed.fetch_add(1);
                                                  });
          if (!s.ok()) Fail("send: " + std::string(s.message()));
        }
        if (absl::Status s = (*producer)->Flush(std::chrono::minutes(1)); !s.ok()) {
          Fail("flush: " + std::string(s.message()));
        }
        for (const kafka::Message& m : messages) (void)(*consumer)->Store(m);
      }
      done += static_cast<int64_t>(messages.size());
      progress.Update(done);
    }
    progress.Finish(done);
    if (failed.load() > 0 || done < n) Fail("passthrough incomplete");
    // The first batch's arrival marks the start (as the detector's first consumed record does).
    return static_cast<double>(done) / SecondsSince(*t0);
  }

  Flags flags_;
  Harness harness_;
  int64_t loaded_ = 0;
  int64_t redis_baseline_ = 0;
  int64_t used_after_load_ = 0;    // used_memory when MemoryOfNewPersons ran
  double new_person_bytes_ = 0;
  bool latencies_header_written_ = false;
  std::vector<Figure> figures_;
};


int RunCommand(const std::string& command, Flags flags) {
  auto persons = [&](int64_t fallback) { return flags.persons > 0 ? flags.persons : fallback; };
  Run run(flags);
  run.Start();
  run.TakeRedisBaseline();
  if (command == "detector") {
    run.LoadAndMeasureDetector(persons(200000), true);
  } else if (command == "sweep") {
    run.LoadAndMeasureDetector(persons(1000000), false);
    run.Sweep();
  } else if (command == "memory") {
    run.LoadAndMeasureDetector(persons(1000000), false);
    run.Sweep();
    run.MemoryOfNewPersons();
    run.ImportCreates();
  } else if (command == "latency") {
    run.LoadAndMeasureDetector(persons(100000), false);
    run.Latency();
  } else if (command == "all") {
    run.LoadAndMeasureDetector(persons(1000000), true);
    run.Sweep();
    run.MemoryOfNewPersons();
    run.Latency();
    run.PeakRss("after the latency run");
    // Last: with SEVIS Master rows every later change would be an update, not the Create the
    // latency measure follows.
    run.ImportCreates();
  }
  run.Summary(command);
  run.Stop();
  return 0;
}

}  // namespace
}  // namespace sevisflow::bench

int main(int argc, char** argv) {
  using sevisflow::bench::Flags;
  Flags flags;
  CLI::App app{"pipeline_bench: whole-pipeline measures (issue 8: 2, 3, 6, 7); see BENCHMARKS.md"};
  app.require_subcommand(1);
  auto common = [&flags](CLI::App* sub) {
    sub->add_option("--persons", flags.persons, "population size N (default: per measure)");
    sub->add_option("--partitions", flags.partitions, "partitions per topic")
        ->capture_default_str();
    sub->add_option("--orgs", flags.orgs, "school codes (and as many programs)")
        ->capture_default_str();
    sub->add_option("--seed", flags.seed, "sisgen seed")->capture_default_str();
    sub->add_option("--redis-fsync", flags.redis_fsync, "Redis appendfsync: everysec | always")
        ->capture_default_str();
    sub->add_option("--report", flags.report, "write the summary table as markdown to FILE");
  };
  auto latency_flags = [&flags](CLI::App* sub) {
    sub->add_option("--rate", flags.rates, "changes per second (several: one run each, in order)")
        ->delimiter(',')
        ->capture_default_str();
    sub->add_option("--seconds", flags.seconds, "seconds of changes")->capture_default_str();
    sub->add_option("--sample-every", flags.sample_every, "follow every k-th change")
        ->capture_default_str();
    sub->add_option("--latencies-out", flags.latencies_out,
                    "write every followed change's latency as CSV to FILE");
    sub->add_option("--give-up-seconds", flags.give_up_seconds,
                    "a change whose alert is not visible by then counts as unseen")
        ->capture_default_str();
  };
  std::vector<std::pair<std::string, std::string>> commands = {
      {"detector", "(2) detector snapshots/s vs raw passthrough (default N 200000)"},
      {"sweep", "(3) full re-evaluation of N stored persons (default N 1000000)"},
      {"memory", "(7) Redis bytes/person and peak RSS after the sweep (default N 1000000)"},
      {"latency", "(6) change -> ListAlerts latency (default N 100000)"},
      {"all", "every measure on one cluster, then the summary (default N 1000000)"}};
  for (const auto& [name, help] : commands) {
    CLI::App* sub = app.add_subcommand(name, help);
    common(sub);
    if (name == "latency" || name == "all") latency_flags(sub);
    if (name == "detector" || name == "all") {
      sub->add_option("--sync-sample", flags.sync_sample,
                      "records of the blocking-Send passthrough")
          ->capture_default_str();
    }
  }
  CLI11_PARSE(app, argc, argv);
  return sevisflow::bench::RunCommand(app.get_subcommands().front()->get_name(), flags);
}
