#include "services/builder/src/builder.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/builder/src/review_state.h"
#include "sevisflow/batching/planner.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/rules/detect.h"
#include "sevisflow/rules/events.h"
#include "sevisflow/rules/supplemental.h"
#include "sevisflow/sevisxml/document.h"

namespace sevisflow::builder {

using sevisflow::v1::Alert;
using sevisflow::v1::AlertState;
using sevisflow::v1::AuditEntry;
using sevisflow::v1::ReviewAlert;

std::string AlertKey(const std::string& alert_id) { return absl::StrCat("sf:alert:", alert_id); }
std::string OpenKey(const std::string& org_id) { return absl::StrCat("sf:org:", org_id, ":open"); }
std::string PersonOpenKey(const std::string& org_id, const std::string& person_id) {
  return absl::StrCat("sf:org:", org_id, ":open-person:", person_id);
}
std::string UndatedOpenKey(const std::string& org_id) {
  return absl::StrCat("sf:org:", org_id, ":open-undated");
}
std::string SelectedKey(const std::string& org_id) {
  return absl::StrCat("sf:org:", org_id, ":selected");
}
std::string DoneKey(const std::string& org_id) { return absl::StrCat("sf:org:", org_id, ":done"); }
std::string CurrentKey(const std::string& org_id) {
  return absl::StrCat("sf:org:", org_id, ":current");
}
std::string InflightKey(const std::string& org_id, const std::string& person_id) {
  return absl::StrCat("sf:org:", org_id, ":inflight:", person_id);
}
std::string HeldKey(const std::string& org_id, const std::string& person_id) {
  return absl::StrCat("sf:org:", org_id, ":held:", person_id);
}
std::string BatchKey(const std::string& batch_id) { return absl::StrCat("sf:batch:", batch_id); }
std::string BatchSeqKey(const std::string& org_id) {
  return absl::StrCat("sf:batch-seq:", org_id);
}
std::string OrgBatchesKey(const std::string& org_id) {
  return absl::StrCat("sf:org:", org_id, ":batches");
}
std::string SupplementalKey(const std::string& org_id, const std::string& person_id) {
  return absl::StrCat("sf:review-supp:", org_id, ":", person_id);
}
std::string AuditKey(const std::string& org_id) { return absl::StrCat("sf:audit:", org_id); }
std::string PersonAuditKey(const std::string& org_id, const std::string& person_id) {
  return absl::StrCat("sf:audit:", org_id, ":person:", person_id);
}
std::string BatchAuditKey(const std::string& org_id, const std::string& batch_id) {
  return absl::StrCat("sf:audit:", org_id, ":batch:", batch_id);
}

std::string SupersedeKey(const Alert& alert) {
  return absl::StrCat(alert.person_id(), "|", rules::EventCode(alert.event_type()), "|",
                      alert.subject());
}

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 10000;
// The org-wide audit list in Redis keeps the newest entries; sevis.audit keeps them all.
constexpr int kOrgAuditKept = 100000;
constexpr int kAuditFlushChunk = 500;
constexpr char kProbeBatchId[] = "00000000000000";
// ListAlerts loads its candidates this many per pipeline and stops once `limit` matched.
constexpr size_t kListPage = 500;
// The index rebuild reads the open set this many ids at a time.
constexpr int kRebuildPage = 500;
// Content of kReviewIndexKey: the version of the review indexes this code maintains.
constexpr char kReviewIndexVersion[] = "1";
// Larger age bounds (seconds) cover every representable time: no score bound.
constexpr int64_t kMaxAgeBoundSeconds = 1'000'000'000'000'000;

using CommandList = std::vector<std::vector<std::string>>;

std::shared_ptr<spdlog::logger> Log() { return common::Logger("builder"); }

int64_t MillisOf(common::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Detection time of an alert in ms since the epoch; nullopt when the alert carries no parsable
// RFC 3339 time.
std::optional<int64_t> ParsedDetectedMillis(const Alert& alert) {
  absl::Time t;
  std::string error;
  if (alert.detected_at().empty() ||
      !absl::ParseTime(absl::RFC3339_full, alert.detected_at(), &t, &error)) {
    return std::nullopt;
  }
  return absl::ToUnixMillis(t);
}

// Detection time of an alert in ms since the epoch (the open set's order); `fallback` when the
// alert carries no parsable RFC 3339 time.
int64_t DetectedMillis(const Alert& alert, int64_t fallback) {
  return ParsedDetectedMillis(alert).value_or(fallback);
}

// Puts an alert in review: the open set and its indexes (the person's set; the undated set for
// an alert without a detection time, which the open set scores with `fallback_ms`), always in
// the same transaction so that they never disagree.
void AddToReview(CommandList& commands, const Alert& alert, int64_t fallback_ms) {
  const std::optional<int64_t> detected = ParsedDetectedMillis(alert);
  const std::string score = std::to_string(detected.value_or(fallback_ms));
  const std::string& org = alert.org_id();
  commands.push_back({"ZADD", OpenKey(org), score, alert.alert_id()});
  commands.push_back({"ZADD", PersonOpenKey(org, alert.person_id()), score, alert.alert_id()});
  if (!detected.has_value()) {
    commands.push_back({"ZADD", UndatedOpenKey(org), score, alert.alert_id()});
  }
}

// Takes an alert out of review: the open set and its indexes.
void RemoveFromReview(CommandList& commands, const Alert& alert) {
  const std::string& org = alert.org_id();
  commands.push_back({"ZREM", OpenKey(org), alert.alert_id()});
  commands.push_back({"ZREM", PersonOpenKey(org, alert.person_id()), alert.alert_id()});
  if (!ParsedDetectedMillis(alert).has_value()) {
    commands.push_back({"ZREM", UndatedOpenKey(org), alert.alert_id()});
  }
}

// A flat WITHSCORES reply as (score, member) pairs.
std::vector<std::pair<double, std::string>> ScoredMembers(const redis::Reply& reply) {
  std::vector<std::pair<double, std::string>> out;
  out.reserve(reply.elements.size() / 2);
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    out.emplace_back(std::strtod(reply.elements[i + 1].str.c_str(), nullptr),
                     reply.elements[i].str);
  }
  return out;
}

// Members of several sorted sets merged in one sorted set's order (score, then member), once.
std::vector<std::string> MergeByScore(std::vector<std::pair<double, std::string>> scored) {
  std::sort(scored.begin(), scored.end());
  scored.erase(std::unique(scored.begin(), scored.end(),
                           [](const auto& a, const auto& b) { return a.second == b.second; }),
               scored.end());
  std::vector<std::string> ids;
  ids.reserve(scored.size());
  for (auto& [score, id] : scored) ids.push_back(std::move(id));
  return ids;
}

// `text` with Redis glob characters escaped, for a SCAN MATCH pattern.
std::string GlobEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Every key matching `pattern` (SCAN, so Redis is never blocked), each once.
absl::StatusOr<std::vector<std::string>> ScanKeys(redis::Client& redis,
                                                  const std::string& pattern) {
  std::set<std::string> keys;
  std::string cursor = "0";
  do {
    absl::StatusOr<redis::Reply> reply =
        redis.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!reply.ok()) return reply.status();
    if (reply->type != redis::Reply::Type::kArray || reply->elements.size() != 2) {
      return absl::InternalError("SCAN: unexpected reply");
    }
    cursor = reply->elements[0].str;
    for (const redis::Reply& key : reply->elements[1].elements) keys.insert(key.str);
  } while (cursor != "0");
  return std::vector<std::string>(keys.begin(), keys.end());
}

absl::Status CheckReplies(const std::vector<redis::Reply>& replies, const std::string& what) {
  if (replies.empty()) return absl::InternalError(absl::StrCat(what, ": no reply"));
  for (const redis::Reply& reply : replies) {
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
  }
  const redis::Reply& exec = replies.back();
  if (exec.type != redis::Reply::Type::kArray) {
    return absl::AbortedError(absl::StrCat(what, ": transaction not executed"));
  }
  for (const redis::Reply& reply : exec.elements) {
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
  }
  return absl::OkStatus();
}

std::string StateName(AlertState state) {
  std::string name = sevisflow::v1::AlertState_Name(state);
  constexpr std::string_view kPrefix = "ALERT_STATE_";
  if (name.rfind(kPrefix, 0) == 0) name.erase(0, kPrefix.size());
  return name;
}

// Why an alert cannot be selected, "" when it can.
std::string RefusalReason(const ReviewAlert& alert) {
  if (alert.state() == sevisflow::v1::ALERT_STATE_HELD) {
    return absl::StrCat("held: batch ", alert.held_by_batch(), " of this person awaits results");
  }
  if (HasIssues(alert)) return "has validation errors: fix the data and detect again";
  if (!IsSelectable(alert)) return absl::StrCat("is ", StateName(alert.state()));
  if (absl::Status s = batching::CheckBuildable(alert.alert()); !s.ok()) {
    return std::string(s.message());
  }
  return "";
}

// "i20_dependents=1 names=1 ..." : which parts of an overlay are set, without their values.
std::string SupplementalSummary(const sevisflow::v1::SupplementalData& data) {
  std::vector<std::string> parts;
  if (data.i20_dependents_size() > 0) {
    parts.push_back(absl::StrCat("i20_dependents=", data.i20_dependents_size()));
  }
  if (data.ds2019_dependents_size() > 0) {
    parts.push_back(absl::StrCat("ds2019_dependents=", data.ds2019_dependents_size()));
  }
  if (data.names_size() > 0) parts.push_back(absl::StrCat("names=", data.names_size()));
  if (!data.us_address_explanation_code().empty() || !data.us_address_explanation().empty()) {
    parts.push_back("us_address_explanation");
  }
  if (!data.mailing_address_explanation_code().empty() ||
      !data.mailing_address_explanation().empty()) {
    parts.push_back("mailing_address_explanation");
  }
  if (!data.birth_country_reason().empty()) parts.push_back("birth_country_reason");
  if (!data.admission_number().empty()) parts.push_back("admission_number");
  return parts.empty() ? "empty" : absl::StrJoin(parts, " ");
}

}  // namespace

Builder::Builder(BuilderOptions options, redis::Client& redis, batching::Validators validators,
                 BuilderPorts ports, const common::Clock& clock,
                 common::MetricsRegistry& metrics)
    : options_(std::move(options)),
      redis_(redis),
      validators_(validators),
      ports_(std::move(ports)),
      clock_(clock),
      metrics_(metrics),
      alerts_new_(metrics.GetCounter("sevisflow_builder_alerts_received_total",
                                     "Alerts consumed from sevis.alerts", {{"result", "new"}})),
      alerts_duplicate_(metrics.GetCounter("sevisflow_builder_alerts_received_total",
                                           "Alerts consumed from sevis.alerts",
                                           {{"result", "duplicate"}})),
      alerts_superseded_(metrics.GetCounter(
          "sevisflow_builder_alerts_superseded_total",
          "Unbatched alerts replaced by a newer alert for the same person, event and subject")),
      alerts_held_(metrics.GetCounter("sevisflow_builder_alerts_held_total",
                                      "Alerts held because the person's batch awaits results")),
      alerts_released_(metrics.GetCounter("sevisflow_builder_alerts_released_total",
                                          "Held alerts released after the results came in")),
      alerts_selected_(metrics.GetCounter("sevisflow_builder_alerts_selected_total",
                                          "Alerts moved to SELECTED (review or auto-select)")),
      alerts_rejected_(metrics.GetCounter("sevisflow_builder_alerts_rejected_total",
                                          "Alerts rejected by a DSO")),
      manual_added_(metrics.GetCounter("sevisflow_builder_manual_events_total",
                                       "Manual events added by DSOs")),
      batches_built_(metrics.GetCounter("sevisflow_builder_batches_built_total",
                                        "Batch documents published to sevis.batches")),
      validation_failures_(metrics.GetCounter(
          "sevisflow_builder_validation_failures_total",
          "Alerts returned to review because their record failed XSD validation")),
      outcomes_(metrics.GetCounter("sevisflow_builder_outcomes_total",
                                   "Outcomes applied from sevis.outcomes")),
      audit_published_(metrics.GetCounter("sevisflow_builder_audit_published_total",
                                          "Audit entries acknowledged on sevis.audit")),
      records_per_batch_(metrics.GetHistogram("sevisflow_builder_records_per_batch",
                                              "Records per published batch document", {},
                                              {1, 5, 10, 25, 50, 100, 150, 200, 250, 500})) {}

std::string Builder::Now() const { return common::FormatRfc3339(clock_.Now()); }

bool Builder::AutoSelects(const std::string& org_id, sevisflow::v1::EventType event) const {
  bool enabled = options_.auto_select;
  const std::set<sevisflow::v1::EventType>* events = &options_.auto_select_events;
  auto it = options_.orgs.find(org_id);
  if (it != options_.orgs.end()) {
    if (it->second.auto_select.has_value()) enabled = *it->second.auto_select;
    if (it->second.auto_select_events.has_value()) events = &*it->second.auto_select_events;
  }
  return enabled && (events->empty() || events->contains(event));
}

std::string Builder::BatchIdPrefix(const std::string& org_id) const {
  auto it = options_.orgs.find(org_id);
  if (it != options_.orgs.end() && !it->second.batch_id_prefix.empty()) {
    return it->second.batch_id_prefix;
  }
  return options_.batch_id_prefix;
}

std::string Builder::SystemUserId(const std::string& org_id) const {
  auto it = options_.orgs.find(org_id);
  return it == options_.orgs.end() ? "" : it->second.user_id;
}

void Builder::RefreshOpenGauge(const std::string& org_id) {
  absl::StatusOr<redis::Reply> count = redis_.Command({"ZCARD", OpenKey(org_id)});
  if (!count.ok()) return;  // the next write refreshes it
  metrics_
      .GetGauge("sevisflow_builder_open_alerts",
                "Alerts in review (open, selected, failed, held)", {{"org", org_id}})
      .Set(static_cast<double>(count->integer));
}

AuditEntry Builder::Entry(const Actor& actor, const std::string& org,
                          const std::string& action) const {
  AuditEntry entry;
  entry.set_at(Now());
  entry.set_actor(actor.name);
  entry.set_sevis_user_id(actor.sevis_user_id);
  entry.set_org_id(org);
  entry.set_action(action);
  return entry;
}

AuditEntry Builder::AlertEntry(const Actor& actor, const Alert& alert,
                               const std::string& action) const {
  AuditEntry entry = Entry(actor, alert.org_id(), action);
  entry.set_person_id(alert.person_id());
  entry.set_alert_id(alert.alert_id());
  entry.set_event_type(alert.event_type());
  return entry;
}

void Builder::Stamp(ReviewAlert& alert, const Actor& actor) const {
  alert.set_updated_at(Now());
  alert.set_updated_by(actor.name);
}

void Builder::Audit(Commands& commands, AuditEntry entry) {
  const std::string blob = entry.SerializeAsString();
  const std::string org_key = AuditKey(entry.org_id());
  commands.push_back({"LPUSH", org_key, blob});
  commands.push_back({"LTRIM", org_key, "0", std::to_string(kOrgAuditKept - 1)});
  if (!entry.person_id().empty()) {
    commands.push_back({"LPUSH", PersonAuditKey(entry.org_id(), entry.person_id()), blob});
  }
  if (!entry.batch_id().empty()) {
    commands.push_back({"LPUSH", BatchAuditKey(entry.org_id(), entry.batch_id()), blob});
  }
  commands.push_back({"RPUSH", kAuditOutboxKey, blob});
}

absl::Status Builder::Exec(const Commands& commands, const std::string& what) {
  if (commands.empty()) return absl::OkStatus();
  Commands wrapped;
  wrapped.reserve(commands.size() + 2);
  wrapped.push_back({"MULTI"});
  wrapped.insert(wrapped.end(), commands.begin(), commands.end());
  wrapped.push_back({"EXEC"});
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(wrapped);
  if (!replies.ok()) return replies.status();
  return CheckReplies(*replies, what);
}

absl::StatusOr<std::vector<Builder::Stored>> Builder::LoadAlerts(
    const std::vector<std::string>& ids) {
  std::vector<Stored> out(ids.size());
  if (ids.empty()) return out;
  Commands commands;
  commands.reserve(ids.size());
  for (const std::string& id : ids) commands.push_back({"GET", AlertKey(id)});
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < ids.size(); ++i) {
    const redis::Reply& reply = (*replies)[i];
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
    if (reply.type != redis::Reply::Type::kString) continue;
    if (!out[i].alert.ParseFromString(reply.str)) {
      return absl::DataLossError(absl::StrCat("stored alert ", ids[i], " does not parse"));
    }
    out[i].found = true;
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> Builder::Members(const std::string& key, bool zset) {
  absl::StatusOr<redis::Reply> reply =
      zset ? redis_.Command({"ZRANGE", key, "0", "-1"}) : redis_.Command({"SMEMBERS", key});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  ids.reserve(reply->elements.size());
  for (const redis::Reply& e : reply->elements) ids.push_back(e.str);
  return ids;
}

absl::StatusOr<std::string> Builder::InflightBatch(const std::string& org_id,
                                                   const std::string& person_id) {
  absl::StatusOr<redis::Reply> reply =
      redis_.Command({"HVALS", InflightKey(org_id, person_id)});
  if (!reply.ok()) return reply.status();
  if (reply->elements.empty()) return std::string();
  return reply->elements.front().str;
}

// ---------------------------------------------------------------------------------------------
// Alerts in

absl::Status Builder::HandleAlert(const Alert& alert) {
  if (alert.alert_id().empty() || alert.org_id().empty()) {
    return absl::InvalidArgumentError("alert without alert_id or org_id");
  }
  if (!batching::RequestIdFor(alert).ok()) {
    return absl::InvalidArgumentError("alert_id is not a valid SEVIS requestID");
  }
  if (alert.person_id().empty()) return absl::InvalidArgumentError("alert without person_id");
  std::lock_guard lock(mu_);
  if (absl::Status s = StoreAlertLocked(alert, Actor{kSystemActor, ""}, "", nullptr); !s.ok()) {
    return s;
  }
  if (absl::StatusOr<std::optional<sevisflow::v1::CloseBatchResponse>> closed =
          MaybeAutoCloseLocked(alert.org_id(), Actor{kSystemActor, SystemUserId(alert.org_id())});
      !closed.ok()) {
    // The alerts stay selected; the next alert, selection or timer closes them.
    Log()->warn("auto-close of org {} failed: {}", alert.org_id(),
                std::string(closed.status().message()));
  }
  return absl::OkStatus();
}

absl::Status Builder::StoreAlertLocked(const Alert& alert, const Actor& actor,
                                       const std::string& action, ReviewAlert* stored) {
  const std::string& org = alert.org_id();
  absl::StatusOr<std::vector<Stored>> existing = LoadAlerts({alert.alert_id()});
  if (!existing.ok()) return existing.status();
  if (existing->front().found) {
    alerts_duplicate_.Inc();
    Log()->debug("alert {} already known, ignored", alert.alert_id());
    if (stored != nullptr) *stored = existing->front().alert;
    return absl::OkStatus();
  }
  const std::string key = SupersedeKey(alert);
  absl::StatusOr<redis::Reply> current_id = redis_.Command({"HGET", CurrentKey(org), key});
  if (!current_id.ok()) return current_id.status();

  ReviewAlert review;
  *review.mutable_alert() = alert;
  review.set_state(sevisflow::v1::ALERT_STATE_OPEN);
  Stamp(review, actor);
  Commands commands;
  const int64_t now_ms = MillisOf(clock_.Now());

  auto entry_for = [&](const ReviewAlert& a, const std::string& what) {
    return AlertEntry(actor, a.alert(), what);
  };

  bool make_current = true;
  if (current_id->type == redis::Reply::Type::kString && current_id->str != alert.alert_id()) {
    absl::StatusOr<std::vector<Stored>> current = LoadAlerts({current_id->str});
    if (!current.ok()) return current.status();
    if (current->front().found) {
      ReviewAlert& old = current->front().alert;
      const bool newer = IsNewer(alert, old.alert());
      if (!newer) make_current = false;
      if (IsUnbatched(old.state())) {
        ReviewAlert& loser = newer ? old : review;
        const std::string& winner_id = newer ? alert.alert_id() : old.alert().alert_id();
        loser.set_state(sevisflow::v1::ALERT_STATE_SUPERSEDED);
        loser.set_superseded_by(winner_id);
        Stamp(loser, Actor{kSystemActor, ""});
        if (newer) {
          commands.push_back({"SET", AlertKey(old.alert().alert_id()), old.SerializeAsString()});
          RemoveFromReview(commands, old.alert());
          commands.push_back({"SREM", SelectedKey(org), old.alert().alert_id()});
          commands.push_back(
              {"SREM", HeldKey(org, old.alert().person_id()), old.alert().alert_id()});
          commands.push_back(
              {"ZADD", DoneKey(org), std::to_string(now_ms), old.alert().alert_id()});
        }
        AuditEntry entry = entry_for(loser, "SUPERSEDE");
        entry.set_detail(absl::StrCat("superseded by ", winner_id));
        Audit(commands, std::move(entry));
        alerts_superseded_.Inc();
      }
    }
  }
  if (make_current) commands.push_back({"HSET", CurrentKey(org), key, alert.alert_id()});

  if (review.state() == sevisflow::v1::ALERT_STATE_OPEN) {
    absl::StatusOr<std::string> inflight = InflightBatch(org, alert.person_id());
    if (!inflight.ok()) return inflight.status();
    if (!inflight->empty()) {
      review.set_state(sevisflow::v1::ALERT_STATE_HELD);
      review.set_held_by_batch(*inflight);
      commands.push_back({"SADD", HeldKey(org, alert.person_id()), alert.alert_id()});
      AuditEntry entry = entry_for(review, "HOLD");
      entry.set_batch_id(*inflight);
      entry.set_detail(absl::StrCat("batch ", *inflight, " awaits results"));
      Audit(commands, std::move(entry));
      alerts_held_.Inc();
    } else if (action.empty() && AutoSelects(org, alert.event_type()) &&
               RefusalReason(review).empty()) {
      review.set_state(sevisflow::v1::ALERT_STATE_SELECTED);
      commands.push_back({"SADD", SelectedKey(org), alert.alert_id()});
      AuditEntry entry = entry_for(review, "SELECT");
      entry.set_detail("auto-select");
      Audit(commands, std::move(entry));
      alerts_selected_.Inc();
    }
    AddToReview(commands, alert, now_ms);
  } else {
    commands.push_back({"ZADD", DoneKey(org), std::to_string(now_ms), alert.alert_id()});
  }
  if (!action.empty()) {
    AuditEntry entry = entry_for(review, action);
    entry.set_sevis_user_id(actor.sevis_user_id);
    Audit(commands, std::move(entry));
  }
  commands.push_back({"SET", AlertKey(alert.alert_id()), review.SerializeAsString()});
  if (absl::Status s = Exec(commands, "store alert"); !s.ok()) return s;
  alerts_new_.Inc();
  Log()->info("alert {} stored for org {} person {} state {}", alert.alert_id(), org,
              common::PersonRef(alert.person_id()), StateName(review.state()));
  RefreshOpenGauge(org);
  if (stored != nullptr) *stored = std::move(review);
  return absl::OkStatus();
}

absl::Status Builder::HandleOutcome(const sevisflow::v1::Outcome& outcome) {
  if (outcome.alert_id().empty()) return absl::InvalidArgumentError("outcome without alert_id");
  std::lock_guard lock(mu_);
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts({outcome.alert_id()});
  if (!loaded.ok()) return loaded.status();
  Stored& stored = loaded->front();
  if (!stored.found) {
    Log()->warn("outcome for unknown alert {} (batch {}) ignored", outcome.alert_id(),
                outcome.batch_id());
    return absl::OkStatus();
  }
  const AlertState before = stored.alert.state();
  ApplyOutcome(outcome, stored.alert);
  Stamp(stored.alert, Actor{kSystemActor, ""});
  const std::string& org = stored.alert.alert().org_id();
  const std::string& person = stored.alert.alert().person_id();
  Commands commands;
  commands.push_back({"SET", AlertKey(outcome.alert_id()), stored.alert.SerializeAsString()});
  // ACCEPTED leaves review; FAILED comes back to it with SEVIS's reason.
  if (stored.alert.state() == sevisflow::v1::ALERT_STATE_ACCEPTED) {
    RemoveFromReview(commands, stored.alert.alert());
  } else {
    AddToReview(commands, stored.alert.alert(), MillisOf(clock_.Now()));
  }
  commands.push_back({"HDEL", InflightKey(org, person), outcome.alert_id()});
  if (before != stored.alert.state()) {
    AuditEntry entry = AlertEntry(Actor{kSystemActor, ""}, stored.alert.alert(), "OUTCOME");
    entry.set_batch_id(outcome.batch_id());
    entry.set_detail(outcome.accepted()
                         ? "accepted by SEVIS"
                         : absl::StrCat("rejected by SEVIS: ", outcome.error_code()));
    Audit(commands, std::move(entry));
  }
  if (!outcome.batch_id().empty()) {
    // Only an existing batch changes state (an outcome never creates a batch hash).
    absl::StatusOr<redis::Reply> exists = redis_.Command({"EXISTS", BatchKey(outcome.batch_id())});
    if (!exists.ok()) return exists.status();
    if (exists->integer == 1) {
      commands.push_back({"HSET", BatchKey(outcome.batch_id()), "state", kBatchProcessed});
    }
  }
  if (absl::Status s = Exec(commands, "apply outcome"); !s.ok()) return s;
  outcomes_.Inc();
  Log()->info("outcome for alert {} batch {}: {}", outcome.alert_id(), outcome.batch_id(),
              StateName(stored.alert.state()));
  absl::StatusOr<redis::Reply> left = redis_.Command({"HLEN", InflightKey(org, person)});
  if (!left.ok()) return left.status();
  if (left->integer == 0) {
    if (absl::Status s = ReleaseHeldLocked(org, person); !s.ok()) return s;
  }
  RefreshOpenGauge(org);
  return absl::OkStatus();
}

absl::Status Builder::ReleaseHeldLocked(const std::string& org_id, const std::string& person_id) {
  absl::StatusOr<std::vector<std::string>> ids = Members(HeldKey(org_id, person_id), false);
  if (!ids.ok()) return ids.status();
  if (ids->empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(*ids);
  if (!loaded.ok()) return loaded.status();
  Commands commands;
  int released = 0;
  bool selected_any = false;
  for (Stored& stored : *loaded) {
    if (!stored.found || stored.alert.state() != sevisflow::v1::ALERT_STATE_HELD) continue;
    ReviewAlert& alert = stored.alert;
    const std::string batch = alert.held_by_batch();
    alert.set_state(sevisflow::v1::ALERT_STATE_OPEN);
    alert.clear_held_by_batch();
    Stamp(alert, Actor{kSystemActor, ""});
    std::string detail = absl::StrCat("batch ", batch, " has its results");
    if (AutoSelects(org_id, alert.alert().event_type()) && RefusalReason(alert).empty()) {
      alert.set_state(sevisflow::v1::ALERT_STATE_SELECTED);
      commands.push_back({"SADD", SelectedKey(org_id), alert.alert().alert_id()});
      absl::StrAppend(&detail, "; auto-selected");
      selected_any = true;
      alerts_selected_.Inc();
    }
    commands.push_back({"SET", AlertKey(alert.alert().alert_id()), alert.SerializeAsString()});
    AuditEntry entry = AlertEntry(Actor{kSystemActor, ""}, alert.alert(), "RELEASE");
    entry.set_batch_id(batch);
    entry.set_detail(detail);
    Audit(commands, std::move(entry));
    ++released;
  }
  commands.push_back({"DEL", HeldKey(org_id, person_id)});
  if (absl::Status s = Exec(commands, "release held alerts"); !s.ok()) return s;
  alerts_released_.Inc(released);
  if (released > 0) {
    Log()->info("{} held alerts of person {} in org {} released", released,
                common::PersonRef(person_id), org_id);
  }
  if (selected_any) {
    absl::StatusOr<std::optional<sevisflow::v1::CloseBatchResponse>> closed =
        MaybeAutoCloseLocked(org_id, Actor{kSystemActor, SystemUserId(org_id)});
    if (!closed.ok()) {
      Log()->warn("auto-close of org {} failed: {}", org_id,
                  std::string(closed.status().message()));
    }
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Review

absl::StatusOr<std::vector<std::string>> Builder::ReviewCandidates(
    const sevisflow::v1::ListAlertsRequest& request, int64_t now_ms) {
  const std::string& org = request.org_id();
  const int64_t min_age = request.min_age_seconds();
  const int64_t max_age = request.max_age_seconds();
  // Before EnsureReviewIndexes the indexes may miss data of an older version: whole open set.
  if (!review_indexes_ready_.load()) return Members(OpenKey(org), true);
  if (!request.person_id().empty()) return Members(PersonOpenKey(org, request.person_id()), true);
  if (min_age <= 0 && max_age <= 0) return Members(OpenKey(org), true);
  // min_age <= now - detected <= max_age, both in ms: a window of the open set's scores.
  const std::string lo = max_age > 0 && max_age < kMaxAgeBoundSeconds
                             ? std::to_string(now_ms - max_age * 1000)
                             : "-inf";
  const std::string hi = min_age > 0 && min_age < kMaxAgeBoundSeconds
                             ? std::to_string(now_ms - min_age * 1000)
                             : (min_age > 0 ? "-inf" : "+inf");
  absl::StatusOr<redis::Reply> window =
      redis_.Command({"ZRANGEBYSCORE", OpenKey(org), lo, hi, "WITHSCORES"});
  if (!window.ok()) return window.status();
  std::vector<std::pair<double, std::string>> scored = ScoredMembers(*window);
  // An alert without a detection time is 0 s old whatever its score (the time it was stored):
  // it can match a max_age, never a min_age.
  if (min_age <= 0) {
    absl::StatusOr<redis::Reply> undated =
        redis_.Command({"ZRANGE", UndatedOpenKey(org), "0", "-1", "WITHSCORES"});
    if (!undated.ok()) return undated.status();
    for (auto& entry : ScoredMembers(*undated)) scored.push_back(std::move(entry));
  }
  return MergeByScore(std::move(scored));
}

absl::StatusOr<std::vector<std::string>> Builder::PersonsInReview(
    const std::string& org_id, const std::map<std::string, std::string>& persons) {
  if (!review_indexes_ready_.load()) return Members(OpenKey(org_id), true);
  Commands commands;
  for (const auto& [person, batch] : persons) {
    commands.push_back({"ZRANGE", PersonOpenKey(org_id, person), "0", "-1", "WITHSCORES"});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<std::pair<double, std::string>> scored;
  for (const redis::Reply& reply : *replies) {
    if (reply.is_error()) return redis::ErrorReplyToStatus(reply.str);
    for (auto& entry : ScoredMembers(reply)) scored.push_back(std::move(entry));
  }
  return MergeByScore(std::move(scored));
}

absl::StatusOr<sevisflow::v1::ListAlertsResponse> Builder::ListAlerts(
    const sevisflow::v1::ListAlertsRequest& request) {
  if (request.org_id().empty()) return absl::InvalidArgumentError("org_id is required");
  if (request.min_age_seconds() < 0 || request.max_age_seconds() < 0) {
    return absl::InvalidArgumentError("min_age_seconds / max_age_seconds must be >= 0");
  }
  const int limit =
      request.limit() <= 0 ? kDefaultListLimit : std::min(request.limit(), kMaxListLimit);
  const AlertState state = request.state();
  const std::string& org = request.org_id();
  const int64_t now_ms = MillisOf(clock_.Now());
  // The order: alerts in review by detection time (oldest first, then id), then (other states)
  // rejected and superseded ones latest first, then those of batches, newest batch first. The
  // candidates below keep that order; an id left out could not pass the filters further down.
  absl::StatusOr<std::vector<std::string>> ids = ReviewCandidates(request, now_ms);
  if (!ids.ok()) return ids.status();
  const bool in_review_only =
      state == sevisflow::v1::ALERT_STATE_OPEN || state == sevisflow::v1::ALERT_STATE_SELECTED ||
      state == sevisflow::v1::ALERT_STATE_FAILED || state == sevisflow::v1::ALERT_STATE_HELD;
  if (!in_review_only) {
    std::set<std::string> seen(ids->begin(), ids->end());
    auto add = [&](const std::string& id) {
      if (seen.insert(id).second) ids->push_back(id);
    };
    if (state == sevisflow::v1::ALERT_STATE_UNSPECIFIED ||
        state == sevisflow::v1::ALERT_STATE_REJECTED ||
        state == sevisflow::v1::ALERT_STATE_SUPERSEDED) {
      absl::StatusOr<redis::Reply> done = redis_.Command({"ZREVRANGE", DoneKey(org), "0", "-1"});
      if (!done.ok()) return done.status();
      for (const redis::Reply& e : done->elements) add(e.str);
    }
    // Alerts in or past a batch are found through the org's batches, newest first.
    absl::StatusOr<redis::Reply> batches =
        redis_.Command({"ZREVRANGE", OrgBatchesKey(org), "0", "-1"});
    if (!batches.ok()) return batches.status();
    Commands commands;
    for (const redis::Reply& b : batches->elements) {
      commands.push_back({"HGET", BatchKey(b.str), "alert_ids"});
    }
    absl::StatusOr<std::vector<redis::Reply>> lists = redis_.Pipeline(commands);
    if (!lists.ok()) return lists.status();
    for (const redis::Reply& list : *lists) {
      if (list.type != redis::Reply::Type::kString) continue;
      for (absl::string_view id : absl::StrSplit(list.str, ',', absl::SkipEmpty())) {
        add(std::string(id));
      }
    }
  }
  const std::set<int> events(request.event_types().begin(), request.event_types().end());
  auto matches = [&](const ReviewAlert& alert) {
    if (alert.alert().org_id() != org) return false;
    if (state != sevisflow::v1::ALERT_STATE_UNSPECIFIED && alert.state() != state) return false;
    if (!events.empty() && !events.contains(alert.alert().event_type())) return false;
    if (!request.person_id().empty() && alert.alert().person_id() != request.person_id()) {
      return false;
    }
    if (request.errors() == sevisflow::v1::ERROR_FILTER_WITH_ERRORS && !HasIssues(alert)) {
      return false;
    }
    if (request.errors() == sevisflow::v1::ERROR_FILTER_WITHOUT_ERRORS && HasIssues(alert)) {
      return false;
    }
    const int64_t age_ms = now_ms - DetectedMillis(alert.alert(), now_ms);
    if (request.min_age_seconds() > 0 && age_ms < request.min_age_seconds() * 1000) return false;
    if (request.max_age_seconds() > 0 && age_ms > request.max_age_seconds() * 1000) return false;
    return true;
  };
  // Loaded a page at a time: a listing stops reading once `limit` alerts matched.
  sevisflow::v1::ListAlertsResponse response;
  for (size_t first = 0; first < ids->size() && response.alerts_size() < limit;
       first += kListPage) {
    const size_t last = std::min(ids->size(), first + kListPage);
    absl::StatusOr<std::vector<Stored>> loaded =
        LoadAlerts(std::vector<std::string>(ids->begin() + first, ids->begin() + last));
    if (!loaded.ok()) return loaded.status();
    for (Stored& stored : *loaded) {
      if (!stored.found || !matches(stored.alert)) continue;
      *response.add_alerts() = std::move(stored.alert);
      if (response.alerts_size() >= limit) break;
    }
  }
  return response;
}

absl::StatusOr<ReviewAlert> Builder::GetAlert(const std::string& org_id,
                                              const std::string& alert_id) {
  if (org_id.empty() || alert_id.empty()) {
    return absl::InvalidArgumentError("org_id and alert_id are required");
  }
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts({alert_id});
  if (!loaded.ok()) return loaded.status();
  if (!loaded->front().found || loaded->front().alert.alert().org_id() != org_id) {
    return absl::NotFoundError(absl::StrCat("no alert ", alert_id, " in org ", org_id));
  }
  return std::move(loaded->front().alert);
}

absl::StatusOr<sevisflow::v1::SelectAlertsResponse> Builder::SelectAlerts(
    const Actor& actor, const sevisflow::v1::SelectAlertsRequest& request) {
  const std::string& org = request.org_id();
  if (org.empty()) return absl::InvalidArgumentError("org_id is required");
  std::vector<std::string> ids(request.alert_ids().begin(), request.alert_ids().end());
  std::lock_guard lock(mu_);
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(ids);
  if (!loaded.ok()) return loaded.status();
  sevisflow::v1::SelectAlertsResponse response;
  auto refuse = [&](const std::string& id, const std::string& reason) {
    response.add_refused(id);
    response.add_refused_reasons(reason);
  };
  Commands commands;
  for (size_t i = 0; i < ids.size(); ++i) {
    Stored& stored = (*loaded)[i];
    ReviewAlert& alert = stored.alert;
    if (!stored.found || alert.alert().org_id() != org) {
      refuse(ids[i], absl::StrCat("no such alert in org ", org));
      continue;
    }
    if (request.deselect()) {
      if (alert.state() != sevisflow::v1::ALERT_STATE_SELECTED) continue;
      alert.set_state(sevisflow::v1::ALERT_STATE_OPEN);
      commands.push_back({"SREM", SelectedKey(org), ids[i]});
    } else {
      if (alert.state() == sevisflow::v1::ALERT_STATE_SELECTED) continue;
      std::string reason = RefusalReason(alert);
      if (reason.empty()) {
        absl::StatusOr<std::string> inflight = InflightBatch(org, alert.alert().person_id());
        if (!inflight.ok()) return inflight.status();
        if (!inflight->empty()) {
          reason = absl::StrCat("held: batch ", *inflight, " of this person awaits results");
        }
      }
      if (!reason.empty()) {
        refuse(ids[i], reason);
        continue;
      }
      alert.set_state(sevisflow::v1::ALERT_STATE_SELECTED);
      commands.push_back({"SADD", SelectedKey(org), ids[i]});
      alerts_selected_.Inc();
    }
    Stamp(alert, actor);
    commands.push_back({"SET", AlertKey(ids[i]), alert.SerializeAsString()});
    AuditEntry entry =
        AlertEntry(actor, alert.alert(), request.deselect() ? "DESELECT" : "SELECT");
    Audit(commands, std::move(entry));
    response.set_changed(response.changed() + 1);
  }
  if (absl::Status s = Exec(commands, "select alerts"); !s.ok()) return s;
  if (!request.deselect() && response.changed() > 0) {
    absl::StatusOr<std::optional<sevisflow::v1::CloseBatchResponse>> closed =
        MaybeAutoCloseLocked(org, actor);
    if (!closed.ok()) return closed.status();
    if (closed->has_value()) {
      for (const std::string& id : (*closed)->batch_ids()) response.add_batch_ids(id);
    }
  }
  return response;
}

absl::StatusOr<sevisflow::v1::RejectAlertsResponse> Builder::RejectAlerts(
    const Actor& actor, const sevisflow::v1::RejectAlertsRequest& request) {
  const std::string& org = request.org_id();
  if (org.empty()) return absl::InvalidArgumentError("org_id is required");
  if (request.reason().empty()) return absl::InvalidArgumentError("reason is required");
  if (request.reason().size() > 1000) {
    return absl::InvalidArgumentError("reason: at most 1000 characters");
  }
  std::vector<std::string> ids(request.alert_ids().begin(), request.alert_ids().end());
  std::lock_guard lock(mu_);
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(ids);
  if (!loaded.ok()) return loaded.status();
  sevisflow::v1::RejectAlertsResponse response;
  Commands commands;
  const std::string now_ms = std::to_string(MillisOf(clock_.Now()));
  for (size_t i = 0; i < ids.size(); ++i) {
    Stored& stored = (*loaded)[i];
    ReviewAlert& alert = stored.alert;
    if (!stored.found || alert.alert().org_id() != org) {
      response.add_refused(ids[i]);
      response.add_refused_reasons(absl::StrCat("no such alert in org ", org));
      continue;
    }
    if (!IsUnbatched(alert.state())) {
      response.add_refused(ids[i]);
      response.add_refused_reasons(absl::StrCat("is ", StateName(alert.state())));
      continue;
    }
    alert.set_state(sevisflow::v1::ALERT_STATE_REJECTED);
    alert.set_reject_reason(request.reason());
    alert.clear_held_by_batch();
    Stamp(alert, actor);
    commands.push_back({"SET", AlertKey(ids[i]), alert.SerializeAsString()});
    RemoveFromReview(commands, alert.alert());
    commands.push_back({"SREM", SelectedKey(org), ids[i]});
    commands.push_back({"SREM", HeldKey(org, alert.alert().person_id()), ids[i]});
    commands.push_back({"ZADD", DoneKey(org), now_ms, ids[i]});
    AuditEntry entry = AlertEntry(actor, alert.alert(), "REJECT");
    entry.set_detail(request.reason());
    Audit(commands, std::move(entry));
    response.set_changed(response.changed() + 1);
    alerts_rejected_.Inc();
  }
  if (absl::Status s = Exec(commands, "reject alerts"); !s.ok()) return s;
  RefreshOpenGauge(org);
  return response;
}

absl::StatusOr<sevisflow::v1::AddManualEventResponse> Builder::AddManualEvent(
    const Actor& actor, const sevisflow::v1::AddManualEventRequest& request) {
  const std::string& org = request.org_id();
  if (org.empty()) return absl::InvalidArgumentError("org_id is required");
  if (request.person_id().empty()) return absl::InvalidArgumentError("person_id is required");
  const rules::EventInfo* info = rules::FindEvent(request.event_type());
  if (info == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "event_type: ", sevisflow::v1::EventType_Name(request.event_type()), " is not an event"));
  }
  if (!info->manual) {
    return absl::InvalidArgumentError(
        absl::StrCat("event_type: ", info->code, " (", info->rule_book_name,
                     ") is detected by the rules and cannot be added by hand"));
  }
  if (request.data().data_case() == Alert::DATA_NOT_SET) {
    return absl::InvalidArgumentError(
        absl::StrCat("data: ", info->code, " needs its event data (docs/events.md)"));
  }
  if (!ports_.check_manual) {
    return absl::FailedPreconditionError("manual events need builder.detector_address");
  }
  sevisflow::v1::CheckManualEventRequest check;
  check.set_person_id(request.person_id());
  check.set_org_id(org);
  check.set_event_type(request.event_type());
  check.set_subject(request.subject());
  absl::StatusOr<sevisflow::v1::CheckManualEventResponse> checked = ports_.check_manual(check);
  if (!checked.ok()) return checked.status();
  if (!checked->allowed()) {
    std::string message = absl::StrCat(info->code, ": preconditions not met:");
    for (const std::string& unmet : checked->unmet()) absl::StrAppend(&message, "\n- ", unmet);
    return absl::FailedPreconditionError(message);
  }
  if (checked->sevis_id().empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(info->code, ": the person has no SEVIS record in org ", org));
  }
  if (checked->visa_family() != info->family) {
    return absl::FailedPreconditionError(absl::StrCat(
        info->code, " is an event of ", sevisflow::v1::VisaFamily_Name(info->family),
        " and the person is ", sevisflow::v1::VisaFamily_Name(checked->visa_family())));
  }

  // The alert: the DSO's data, the person's SEVIS identity, a deterministic id.
  Alert alert;
  alert.CopyFrom(request.data());
  alert.clear_changes();
  alert.clear_issues();
  Alert data_only;
  data_only.CopyFrom(alert);
  alert.set_alert_id(rules::AlertId(org, request.person_id(), request.event_type(),
                                    absl::StrCat("manual:", request.subject()), data_only));
  alert.set_org_id(org);
  alert.set_person_id(request.person_id());
  alert.set_visa_family(info->family);
  alert.set_event_type(request.event_type());
  alert.set_subject(request.subject());
  alert.set_sevis_id(checked->sevis_id());
  alert.set_detected_at(Now());
  alert.set_manual(true);

  // The record must be schema-valid before it is accepted into review.
  const sevisxml::SchemaValidator* validator =
      info->family == sevisflow::v1::VISA_FAMILY_J ? validators_.ev : validators_.student;
  if (validator == nullptr) return absl::InternalError("no schema loaded for the event's family");
  sevisxml::DocumentSpec spec;
  spec.batch_id = kProbeBatchId;
  spec.org_id = org;
  spec.user_id = actor.sevis_user_id.size() == batching::kUserIdLength ? actor.sevis_user_id
                                                                        : "probeuser0";
  spec.family = info->family;
  spec.records.push_back(sevisxml::DocumentRecord{alert.alert_id(), &alert});
  absl::StatusOr<std::string> xml = sevisxml::BuildDocument(spec);
  if (!xml.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("data: ", xml.status().message()));
  }
  if (std::vector<sevisxml::XmlError> errors = validator->Validate(*xml); !errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("data does not make a valid SEVIS record:\n", sevisxml::FormatErrors(errors)));
  }

  std::lock_guard lock(mu_);
  sevisflow::v1::AddManualEventResponse response;
  if (absl::Status s = StoreAlertLocked(alert, actor, "MANUAL_ADD", response.mutable_alert());
      !s.ok()) {
    return s;
  }
  manual_added_.Inc();
  return response;
}

// ---------------------------------------------------------------------------------------------
// Batches

absl::StatusOr<sevisflow::v1::CloseBatchResponse> Builder::CloseBatch(const Actor& actor,
                                                                      const std::string& org_id) {
  if (org_id.empty()) return absl::InvalidArgumentError("org_id is required");
  if (absl::Status status = batching::CheckUserId(actor.sevis_user_id); !status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("the SEVIS userID of ", actor.name,
                                                   " for org ", org_id, ": ", status.message()));
  }
  std::lock_guard lock(mu_);
  // A batch left RESERVED by an earlier failure goes out first, under its own ID.
  if (absl::StatusOr<int> republished = RepublishReservedLocked(); !republished.ok()) {
    return republished.status();
  }
  return CloseBatchLocked(actor, org_id);
}

absl::StatusOr<std::optional<sevisflow::v1::CloseBatchResponse>> Builder::MaybeAutoCloseLocked(
    const std::string& org_id, const Actor& actor) {
  if (options_.auto_close_selected <= 0) return std::nullopt;
  absl::StatusOr<redis::Reply> count = redis_.Command({"SCARD", SelectedKey(org_id)});
  if (!count.ok()) return count.status();
  if (count->integer < options_.auto_close_selected) return std::nullopt;
  if (!batching::CheckUserId(actor.sevis_user_id).ok()) {
    Log()->warn("org {} has {} selected alerts but no SEVIS userID to close them with", org_id,
                count->integer);
    return std::nullopt;
  }
  Log()->info("org {}: {} alerts selected, closing a batch", org_id, count->integer);
  absl::StatusOr<sevisflow::v1::CloseBatchResponse> closed = CloseBatchLocked(actor, org_id);
  if (!closed.ok()) return closed.status();
  return std::optional<sevisflow::v1::CloseBatchResponse>(*std::move(closed));
}

absl::StatusOr<sevisflow::v1::CloseBatchResponse> Builder::CloseBatchLocked(
    const Actor& actor, const std::string& org_id) {
  absl::StatusOr<std::vector<std::string>> ids = Members(SelectedKey(org_id), false);
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(*ids);
  if (!loaded.ok()) return loaded.status();
  sevisflow::v1::CloseBatchResponse response;
  std::vector<ReviewAlert> selected;
  Commands stale;
  for (size_t i = 0; i < ids->size(); ++i) {
    Stored& stored = (*loaded)[i];
    if (stored.found && stored.alert.state() == sevisflow::v1::ALERT_STATE_SELECTED &&
        stored.alert.alert().org_id() == org_id) {
      selected.push_back(std::move(stored.alert));
    } else {
      stale.push_back({"SREM", SelectedKey(org_id), (*ids)[i]});
    }
  }
  if (absl::Status s = Exec(stale, "drop stale selections"); !s.ok()) return s;
  if (selected.empty()) return response;
  // Oldest detection first (then id), so earlier alerts go into earlier documents.
  const int64_t now_ms = MillisOf(clock_.Now());
  std::stable_sort(selected.begin(), selected.end(),
                   [now_ms](const ReviewAlert& a, const ReviewAlert& b) {
                     const int64_t ta = DetectedMillis(a.alert(), now_ms);
                     const int64_t tb = DetectedMillis(b.alert(), now_ms);
                     if (ta != tb) return ta < tb;
                     return a.alert().alert_id() < b.alert().alert_id();
                   });
  std::vector<Alert> alerts;
  alerts.reserve(selected.size());
  for (const ReviewAlert& r : selected) alerts.push_back(r.alert());

  batching::BuildOptions build_options;
  build_options.org_id = org_id;
  build_options.user_id = actor.sevis_user_id;
  build_options.max_records_per_section = options_.max_records_per_section;
  build_options.print_form = options_.print_form;
  const std::string prefix = BatchIdPrefix(org_id);
  std::map<std::string, std::string> batched_persons;  // person -> the batch just made

  auto next_id = [&]() -> absl::StatusOr<std::string> {
    absl::StatusOr<int64_t> sequence = redis_.Incr(BatchSeqKey(org_id));
    if (!sequence.ok()) return sequence.status();
    return batching::FormatBatchId(prefix, *sequence);
  };
  auto sink = [&](batching::BuiltDocument built) -> absl::Status {
    const std::string batch_id = built.batch_id;
    sevisflow::v1::BatchDocument document = batching::MakeBatchDocument(
        built.batch_id, org_id, actor.sevis_user_id, built.family, std::move(built.xml),
        built.alerts, Now());
    std::vector<std::string> alert_ids;
    for (const Alert& alert : built.alerts) alert_ids.push_back(alert.alert_id());
    // Reserve: the batch with its document, and its alerts BATCHED, in one transaction, before
    // anything is published. A crash after this point re-publishes the same document.
    Commands commands;
    commands.push_back({"HSET", BatchKey(batch_id), "org", org_id, "state", kBatchReserved,
                        "user_id", actor.sevis_user_id, "closed_by", actor.name, "family",
                        sevisflow::v1::VisaFamily_Name(built.family), "alert_ids",
                        absl::StrJoin(alert_ids, ","), "records",
                        std::to_string(built.alerts.size()), "created_at",
                        document.created_at(), "document", document.SerializeAsString()});
    commands.push_back({"ZADD", OrgBatchesKey(org_id), std::to_string(MillisOf(clock_.Now())),
                        batch_id});
    commands.push_back({"SADD", kReservedBatchesKey, batch_id});
    for (const Alert& alert : built.alerts) {
      ReviewAlert review;
      *review.mutable_alert() = alert;
      review.set_state(sevisflow::v1::ALERT_STATE_BATCHED);
      review.set_batch_id(batch_id);
      Stamp(review, actor);
      commands.push_back({"SET", AlertKey(alert.alert_id()), review.SerializeAsString()});
      RemoveFromReview(commands, alert);
      commands.push_back({"SREM", SelectedKey(org_id), alert.alert_id()});
      commands.push_back({"HSET", InflightKey(org_id, alert.person_id()), alert.alert_id(),
                          batch_id});
      AuditEntry entry = AlertEntry(actor, alert, "CLOSE_BATCH");
      entry.set_batch_id(batch_id);
      Audit(commands, std::move(entry));
      batched_persons.emplace(alert.person_id(), batch_id);
    }
    AuditEntry summary = Entry(actor, org_id, "CLOSE_BATCH");
    summary.set_batch_id(batch_id);
    summary.set_detail(absl::StrCat(built.alerts.size(), " records, ",
                                    sevisflow::v1::VisaFamily_Name(built.family)));
    Audit(commands, std::move(summary));
    if (absl::Status s = Exec(commands, "reserve batch"); !s.ok()) return s;
    if (absl::Status s = PublishReserved(batch_id, document); !s.ok()) {
      return absl::UnavailableError(absl::StrCat(
          "batch ", batch_id, " is reserved but not published yet (it will be re-published): ",
          s.message()));
    }
    records_per_batch_.Observe(static_cast<double>(built.alerts.size()));
    Log()->info("batch {} for org {} published with {} records", batch_id, org_id,
                built.alerts.size());
    response.add_batch_ids(batch_id);
    response.set_records(response.records() + static_cast<int>(built.alerts.size()));
    return absl::OkStatus();
  };
  absl::StatusOr<batching::BuildResult> result =
      batching::BuildBatches(alerts, build_options, validators_, next_id, sink);
  if (!result.ok()) return result.status();

  // Records that failed validation or could not be planned go back to review with the reason.
  Commands commands;
  auto back_to_review = [&](const Alert& alert,
                            const std::vector<sevisflow::v1::ValidationIssue>& issues) {
    ReviewAlert review;
    *review.mutable_alert() = alert;
    review.set_state(sevisflow::v1::ALERT_STATE_OPEN);
    for (const auto& issue : issues) *review.add_review_issues() = issue;
    Stamp(review, actor);
    commands.push_back({"SET", AlertKey(alert.alert_id()), review.SerializeAsString()});
    commands.push_back({"SREM", SelectedKey(org_id), alert.alert_id()});
    AuditEntry entry = AlertEntry(actor, alert, "RETURN_TO_REVIEW");
    entry.set_detail(issues.empty() ? "" : issues.front().message().substr(0, 300));
    Audit(commands, std::move(entry));
    validation_failures_.Inc();
    Log()->warn("alert {} of person {} could not be batched; back in review", alert.alert_id(),
                common::PersonRef(alert.person_id()));
  };
  for (const batching::ReturnedAlert& returned : result->returned) {
    back_to_review(returned.alert, returned.issues);
  }
  for (const batching::Unplanned& unplanned : result->unplanned) {
    sevisflow::v1::ValidationIssue issue;
    issue.set_code("NOT_BUILDABLE");
    issue.set_field("alert");
    issue.set_message(unplanned.reason);
    back_to_review(alerts[unplanned.alert_index], {issue});
  }
  response.set_returned_to_review(
      static_cast<int>(result->returned.size() + result->unplanned.size()));

  // The other alerts in review of the persons just batched are held until the results come.
  if (!batched_persons.empty()) {
    absl::StatusOr<std::vector<std::string>> open = PersonsInReview(org_id, batched_persons);
    if (!open.ok()) return open.status();
    absl::StatusOr<std::vector<Stored>> open_alerts = LoadAlerts(*open);
    if (!open_alerts.ok()) return open_alerts.status();
    for (Stored& stored : *open_alerts) {
      ReviewAlert& alert = stored.alert;
      if (!stored.found || alert.state() != sevisflow::v1::ALERT_STATE_OPEN ||
          !batched_persons.contains(alert.alert().person_id())) {
        continue;
      }
      const std::string& inflight = batched_persons.at(alert.alert().person_id());
      alert.set_state(sevisflow::v1::ALERT_STATE_HELD);
      alert.set_held_by_batch(inflight);
      Stamp(alert, Actor{kSystemActor, ""});
      commands.push_back({"SET", AlertKey(alert.alert().alert_id()), alert.SerializeAsString()});
      commands.push_back(
          {"SADD", HeldKey(org_id, alert.alert().person_id()), alert.alert().alert_id()});
      AuditEntry entry = AlertEntry(Actor{kSystemActor, ""}, alert.alert(), "HOLD");
      entry.set_batch_id(inflight);
      entry.set_detail(absl::StrCat("batch ", inflight, " awaits results"));
      Audit(commands, std::move(entry));
      alerts_held_.Inc();
    }
  }
  if (absl::Status s = Exec(commands, "return to review"); !s.ok()) return s;
  RefreshOpenGauge(org_id);
  return response;
}

absl::Status Builder::PublishReserved(const std::string& batch_id,
                                      const sevisflow::v1::BatchDocument& document) {
  if (absl::Status status = ports_.publish_batch(document); !status.ok()) return status;
  absl::StatusOr<std::vector<redis::Reply>> replies =
      redis_.Pipeline({{"MULTI"},
                       {"HSET", BatchKey(batch_id), "state", kBatchBuilt},
                       {"HDEL", BatchKey(batch_id), "document"},
                       {"SREM", kReservedBatchesKey, batch_id},
                       {"EXEC"}});
  if (!replies.ok()) return replies.status();
  if (absl::Status status = CheckReplies(*replies, "mark batch built"); !status.ok()) {
    return status;
  }
  batches_built_.Inc();
  return absl::OkStatus();
}

absl::StatusOr<int> Builder::RepublishReserved() {
  std::lock_guard lock(mu_);
  return RepublishReservedLocked();
}

absl::StatusOr<int> Builder::RepublishReservedLocked() {
  absl::StatusOr<redis::Reply> members = redis_.Command({"SMEMBERS", kReservedBatchesKey});
  if (!members.ok()) return members.status();
  int published = 0;
  for (const redis::Reply& member : members->elements) {
    const std::string& batch_id = member.str;
    absl::StatusOr<std::map<std::string, std::string>> batch = redis_.HGetAll(BatchKey(batch_id));
    if (!batch.ok()) return batch.status();
    auto state = batch->find("state");
    auto doc = batch->find("document");
    if (state == batch->end() || state->second != kBatchReserved || doc == batch->end()) {
      // Published already (the SREM was lost) or gone: nothing to send.
      if (absl::StatusOr<redis::Reply> r =
              redis_.Command({"SREM", kReservedBatchesKey, batch_id});
          !r.ok()) {
        return r.status();
      }
      continue;
    }
    sevisflow::v1::BatchDocument document;
    if (!document.ParseFromString(doc->second)) {
      return absl::DataLossError(absl::StrCat("reserved batch ", batch_id, " does not parse"));
    }
    if (absl::Status status = PublishReserved(batch_id, document); !status.ok()) return status;
    records_per_batch_.Observe(static_cast<double>(document.records_size()));
    Log()->info("reserved batch {} of org {} re-published", batch_id, document.org_id());
    ++published;
  }
  return published;
}

void Builder::CloseAllConfiguredOrgs() {
  for (const auto& [org, org_options] : options_.orgs) {
    if (!batching::CheckUserId(org_options.user_id).ok()) {
      Log()->warn("close timer: org {} skipped: orgs.{}.user_id is not set", org, org);
      continue;
    }
    absl::StatusOr<sevisflow::v1::CloseBatchResponse> closed =
        CloseBatch(Actor{kSystemActor, org_options.user_id}, org);
    if (!closed.ok()) {
      Log()->error("close timer: org {}: {}", org, std::string(closed.status().message()));
    } else if (closed->batch_ids_size() > 0) {
      Log()->info("close timer: org {}: {} batches, {} records", org, closed->batch_ids_size(),
                  closed->records());
    }
  }
}

absl::StatusOr<sevisflow::v1::ListBatchesResponse> Builder::ListBatches(
    const sevisflow::v1::ListBatchesRequest& request) {
  if (request.org_id().empty()) return absl::InvalidArgumentError("org_id is required");
  absl::StatusOr<redis::Reply> ids =
      redis_.Command({"ZREVRANGE", OrgBatchesKey(request.org_id()), "0", "-1"});
  if (!ids.ok()) return ids.status();
  Commands commands;
  for (const redis::Reply& id : ids->elements) {
    commands.push_back({"HMGET", BatchKey(id.str), "org", "records", "state", "created_at",
                        "family", "user_id", "closed_by"});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  sevisflow::v1::ListBatchesResponse response;
  for (size_t i = 0; i < replies->size(); ++i) {
    const redis::Reply& r = (*replies)[i];
    if (r.type != redis::Reply::Type::kArray || r.elements.size() != 7) continue;
    sevisflow::v1::BatchSummary* summary = response.add_batches();
    summary->set_batch_id(ids->elements[i].str);
    summary->set_org_id(r.elements[0].str);
    int records = 0;
    if (!r.elements[1].str.empty()) records = std::atoi(r.elements[1].str.c_str());
    summary->set_records(records);
    summary->set_state(r.elements[2].str);
    summary->set_created_at(r.elements[3].str);
    sevisflow::v1::VisaFamily family = sevisflow::v1::VISA_FAMILY_FM;
    if (!r.elements[4].str.empty()) sevisflow::v1::VisaFamily_Parse(r.elements[4].str, &family);
    summary->set_visa_family(family);
    summary->set_user_id(r.elements[5].str);
    summary->set_closed_by(r.elements[6].str);
  }
  return response;
}

// ---------------------------------------------------------------------------------------------
// Supplemental data and audit

absl::StatusOr<sevisflow::v1::SetSupplementalResponse> Builder::SetSupplemental(
    const Actor& actor, const sevisflow::v1::SetSupplementalRequest& request) {
  sevisflow::v1::SupplementalData data = request.data();
  if (absl::Status s = rules::ValidateSupplemental(data); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("data.", s.message()));
  }
  if (!ports_.publish_supplemental) return absl::InternalError("no supplemental publisher");
  const std::string org = data.org_id();
  const std::string person = data.person_id();
  std::lock_guard lock(mu_);
  absl::StatusOr<std::optional<std::string>> previous = redis_.Get(SupplementalKey(org, person));
  if (!previous.ok()) return previous.status();
  int64_t version = 0;
  if (previous->has_value()) {
    sevisflow::v1::SupplementalData old;
    if (old.ParseFromString(**previous)) version = old.version();
  }
  data.set_updated_by(actor.name);
  data.set_updated_at(Now());
  data.set_version(version + 1);
  const std::string key = absl::StrCat(org, "/", person);
  // Kafka first: the detector applies what is on the topic; the Redis copy only answers Get.
  if (absl::Status s = ports_.publish_supplemental(
          key, request.clear() ? std::nullopt : std::optional(data));
      !s.ok()) {
    return s;
  }
  Commands commands;
  if (request.clear()) {
    commands.push_back({"DEL", SupplementalKey(org, person)});
  } else {
    commands.push_back({"SET", SupplementalKey(org, person), data.SerializeAsString()});
  }
  AuditEntry entry =
      Entry(actor, org, request.clear() ? "SUPPLEMENTAL_CLEAR" : "SUPPLEMENTAL_SET");
  entry.set_person_id(person);
  entry.set_detail(request.clear() ? "cleared" : SupplementalSummary(data));
  Audit(commands, std::move(entry));
  if (absl::Status s = Exec(commands, "store supplemental data"); !s.ok()) return s;
  sevisflow::v1::SetSupplementalResponse response;
  if (!request.clear()) *response.mutable_data() = std::move(data);
  return response;
}

absl::StatusOr<sevisflow::v1::GetSupplementalResponse> Builder::GetSupplemental(
    const sevisflow::v1::GetSupplementalRequest& request) {
  if (request.org_id().empty() || request.person_id().empty()) {
    return absl::InvalidArgumentError("org_id and person_id are required");
  }
  absl::StatusOr<std::optional<std::string>> value =
      redis_.Get(SupplementalKey(request.org_id(), request.person_id()));
  if (!value.ok()) return value.status();
  sevisflow::v1::GetSupplementalResponse response;
  if (value->has_value()) {
    if (!response.mutable_data()->ParseFromString(**value)) {
      return absl::DataLossError("stored supplemental data does not parse");
    }
    response.set_found(true);
  }
  return response;
}

absl::StatusOr<sevisflow::v1::QueryAuditResponse> Builder::QueryAudit(
    const sevisflow::v1::QueryAuditRequest& request) {
  if (request.org_id().empty()) return absl::InvalidArgumentError("org_id is required");
  if (!request.person_id().empty() && !request.batch_id().empty()) {
    return absl::InvalidArgumentError("give person_id or batch_id, not both");
  }
  const int limit =
      request.limit() <= 0 ? kDefaultListLimit : std::min(request.limit(), kMaxListLimit);
  std::string key = AuditKey(request.org_id());
  if (!request.person_id().empty()) key = PersonAuditKey(request.org_id(), request.person_id());
  if (!request.batch_id().empty()) key = BatchAuditKey(request.org_id(), request.batch_id());
  absl::StatusOr<redis::Reply> reply =
      redis_.Command({"LRANGE", key, "0", std::to_string(limit - 1)});
  if (!reply.ok()) return reply.status();
  sevisflow::v1::QueryAuditResponse response;
  for (const redis::Reply& e : reply->elements) {
    if (!response.add_entries()->ParseFromString(e.str)) {
      return absl::DataLossError("stored audit entry does not parse");
    }
  }
  return response;
}

absl::StatusOr<int> Builder::EnsureReviewIndexes() {
  std::lock_guard lock(mu_);
  absl::StatusOr<std::optional<std::string>> marker = redis_.Get(kReviewIndexKey);
  if (!marker.ok()) return marker.status();
  if (marker->has_value() && **marker == kReviewIndexVersion) {
    review_indexes_ready_ = true;
    return 0;
  }
  // Open sets written without the indexes (or an empty Redis): rebuild each org's indexes from
  // its open set. Nothing else writes meanwhile (start-up, one builder per Redis).
  absl::StatusOr<std::vector<std::string>> open_keys = ScanKeys(redis_, OpenKey("*"));
  if (!open_keys.ok()) return open_keys.status();
  constexpr std::string_view kPrefix = "sf:org:";
  constexpr std::string_view kSuffix = ":open";
  int rebuilt = 0;
  for (const std::string& key : *open_keys) {
    if (key.size() <= kPrefix.size() + kSuffix.size()) continue;
    const std::string org =
        key.substr(kPrefix.size(), key.size() - kPrefix.size() - kSuffix.size());
    if (OpenKey(org) != key) continue;
    if (absl::Status s = RebuildReviewIndexesLocked(org); !s.ok()) return s;
    ++rebuilt;
  }
  if (absl::Status s = redis_.Set(kReviewIndexKey, kReviewIndexVersion); !s.ok()) return s;
  review_indexes_ready_ = true;
  Log()->info("review indexes rebuilt for {} orgs", rebuilt);
  return rebuilt;
}

absl::Status Builder::RebuildReviewIndexesLocked(const std::string& org_id) {
  // What is there already (a rebuild that stopped half-way) goes first.
  absl::StatusOr<std::vector<std::string>> stale =
      ScanKeys(redis_, PersonOpenKey(GlobEscape(org_id), "*"));
  if (!stale.ok()) return stale.status();
  stale->push_back(UndatedOpenKey(org_id));
  for (size_t first = 0; first < stale->size(); first += kListPage) {
    const size_t last = std::min(stale->size(), first + kListPage);
    if (absl::StatusOr<int64_t> deleted =
            redis_.Del(std::vector<std::string>(stale->begin() + first, stale->begin() + last));
        !deleted.ok()) {
      return deleted.status();
    }
  }
  size_t indexed = 0;
  for (int64_t first = 0;; first += kRebuildPage) {
    absl::StatusOr<redis::Reply> page =
        redis_.Command({"ZRANGE", OpenKey(org_id), std::to_string(first),
                        std::to_string(first + kRebuildPage - 1), "WITHSCORES"});
    if (!page.ok()) return page.status();
    std::vector<std::string> ids;
    std::vector<std::string> scores;
    for (size_t i = 0; i + 1 < page->elements.size(); i += 2) {
      ids.push_back(page->elements[i].str);
      scores.push_back(page->elements[i + 1].str);
    }
    if (ids.empty()) break;
    absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(ids);
    if (!loaded.ok()) return loaded.status();
    Commands commands;
    for (size_t i = 0; i < ids.size(); ++i) {
      const Stored& stored = (*loaded)[i];
      // An id without its alert, or of another org, can never be listed: left out.
      if (!stored.found || stored.alert.alert().org_id() != org_id) continue;
      const Alert& alert = stored.alert.alert();
      commands.push_back({"ZADD", PersonOpenKey(org_id, alert.person_id()), scores[i], ids[i]});
      if (!ParsedDetectedMillis(alert).has_value()) {
        commands.push_back({"ZADD", UndatedOpenKey(org_id), scores[i], ids[i]});
      }
      ++indexed;
    }
    if (absl::Status s = Exec(commands, "rebuild review indexes"); !s.ok()) return s;
    if (ids.size() < static_cast<size_t>(kRebuildPage)) break;
  }
  Log()->info("review indexes of org {} rebuilt: {} alerts", org_id, indexed);
  return absl::OkStatus();
}

absl::StatusOr<int> Builder::FlushAudit() {
  if (!ports_.publish_audit) return 0;
  std::lock_guard lock(audit_mu_);
  int flushed = 0;
  while (true) {
    absl::StatusOr<redis::Reply> chunk = redis_.Command(
        {"LRANGE", kAuditOutboxKey, "0", std::to_string(kAuditFlushChunk - 1)});
    if (!chunk.ok()) return chunk.status();
    if (chunk->elements.empty()) return flushed;
    int sent = 0;
    absl::Status failure;
    for (const redis::Reply& e : chunk->elements) {
      AuditEntry entry;
      if (entry.ParseFromString(e.str)) {
        if (absl::Status s = ports_.publish_audit(entry); !s.ok()) {
          failure = s;
          break;
        }
      }
      ++sent;
    }
    // Only what was acknowledged leaves the outbox (a crash in between re-sends: at least once).
    if (sent > 0) {
      absl::StatusOr<redis::Reply> trimmed =
          redis_.Command({"LTRIM", kAuditOutboxKey, std::to_string(sent), "-1"});
      if (!trimmed.ok()) return trimmed.status();
      flushed += sent;
      audit_published_.Inc(sent);
    }
    if (!failure.ok()) return failure;
  }
}

}  // namespace sevisflow::builder
