#include "services/builder/src/builder.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/builder/src/batch_planner.h"
#include "sevisflow/common/logging.h"
#include "sevisflow/sevisxml/student_document.h"

namespace sevisflow::builder {

using sevisflow::v1::Alert;
using sevisflow::v1::ReviewAlert;

std::string AlertKey(const std::string& alert_id) { return absl::StrCat("sf:alert:", alert_id); }
std::string OpenKey(const std::string& org_id) { return absl::StrCat("sf:org:", org_id, ":open"); }
std::string BatchKey(const std::string& batch_id) { return absl::StrCat("sf:batch:", batch_id); }
std::string BatchSeqKey(const std::string& org_id) {
  return absl::StrCat("sf:batch-seq:", org_id);
}
std::string OrgBatchesKey(const std::string& org_id) {
  return absl::StrCat("sf:org:", org_id, ":batches");
}

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 10000;

// SET NX the alert and index it in the org's open set in one step, so a crash between the two
// cannot leave a stored alert that review never shows.
constexpr char kStoreNewAlertScript[] = R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
)lua";

constexpr char kMarkProcessedScript[] = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'state', ARGV[1])
  return 1
end
return 0
)lua";

std::shared_ptr<spdlog::logger> Log() { return common::Logger("builder"); }

int64_t MillisOf(common::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// Detection time of an alert in ms since the epoch (the open set's order); `fallback` when the
// alert carries no parsable RFC 3339 time.
int64_t DetectedMillis(const Alert& alert, int64_t fallback) {
  absl::Time t;
  std::string error;
  if (alert.detected_at().empty() ||
      !absl::ParseTime(absl::RFC3339_full, alert.detected_at(), &t, &error)) {
    return fallback;
  }
  return absl::ToUnixMillis(t);
}

absl::Status CheckExec(const std::vector<redis::Reply>& replies, const std::string& what) {
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

}  // namespace

Builder::Builder(BuilderOptions options, redis::Client& redis,
                 const sevisxml::SchemaValidator& validator, BatchPublisher publisher,
                 const common::Clock& clock, common::MetricsRegistry& metrics)
    : options_(std::move(options)),
      redis_(redis),
      validator_(validator),
      publisher_(std::move(publisher)),
      clock_(clock),
      metrics_(metrics),
      alerts_new_(metrics.GetCounter("sevisflow_builder_alerts_received_total",
                                     "Alerts consumed from sevis.alerts", {{"result", "new"}})),
      alerts_duplicate_(metrics.GetCounter("sevisflow_builder_alerts_received_total",
                                           "Alerts consumed from sevis.alerts",
                                           {{"result", "duplicate"}})),
      alerts_selected_(metrics.GetCounter("sevisflow_builder_alerts_selected_total",
                                          "Alerts moved to SELECTED (review or auto-select)")),
      batches_built_(metrics.GetCounter("sevisflow_builder_batches_built_total",
                                        "Batch documents published to sevis.batches")),
      validation_failures_(metrics.GetCounter(
          "sevisflow_builder_validation_failures_total",
          "Alerts returned to review because their record failed XSD validation")),
      outcomes_(metrics.GetCounter("sevisflow_builder_outcomes_total",
                                   "Outcomes applied from sevis.outcomes")),
      records_per_batch_(metrics.GetHistogram("sevisflow_builder_records_per_batch",
                                              "Records per published batch document", {},
                                              {1, 5, 10, 25, 50, 100, 150, 200, 250})) {}

bool Builder::AutoSelect(const std::string& org_id) const {
  auto it = options_.orgs.find(org_id);
  if (it != options_.orgs.end() && it->second.auto_select.has_value()) {
    return *it->second.auto_select;
  }
  return options_.auto_select;
}

void Builder::RefreshOpenGauge(const std::string& org_id) {
  absl::StatusOr<redis::Reply> count = redis_.Command({"ZCARD", OpenKey(org_id)});
  if (!count.ok()) return;  // the next write refreshes it
  metrics_
      .GetGauge("sevisflow_builder_open_alerts", "Alerts in review (open, selected, failed)",
                {{"org", org_id}})
      .Set(static_cast<double>(count->integer));
}

absl::Status Builder::HandleAlert(const Alert& alert) {
  if (alert.alert_id().empty() || alert.org_id().empty()) {
    return absl::InvalidArgumentError("alert without alert_id or org_id");
  }
  if (alert.alert_id().find_first_of(":/\\") != std::string::npos ||
      alert.alert_id().size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError("alert_id is not a valid SEVIS requestID");
  }
  ReviewAlert review;
  *review.mutable_alert() = alert;
  review.set_state(sevisflow::v1::ALERT_STATE_OPEN);
  const bool select = AutoSelect(alert.org_id()) && IsSelectable(review) &&
                      CheckBuildable(alert).ok();
  if (select) review.set_state(sevisflow::v1::ALERT_STATE_SELECTED);

  std::lock_guard lock(mu_);
  const int64_t score = DetectedMillis(alert, MillisOf(clock_.Now()));
  absl::StatusOr<redis::Reply> stored =
      redis_.Eval(kStoreNewAlertScript, {AlertKey(alert.alert_id()), OpenKey(alert.org_id())},
                  {review.SerializeAsString(), std::to_string(score), alert.alert_id()});
  if (!stored.ok()) return stored.status();
  if (stored->integer == 0) {
    alerts_duplicate_.Inc();
    Log()->debug("alert {} already known, ignored", alert.alert_id());
    return absl::OkStatus();
  }
  alerts_new_.Inc();
  if (select) alerts_selected_.Inc();
  Log()->info("alert {} stored for org {} person {} state {}", alert.alert_id(), alert.org_id(),
              common::PersonRef(alert.person_id()),
              sevisflow::v1::AlertState_Name(review.state()));
  RefreshOpenGauge(alert.org_id());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Builder::Stored>> Builder::LoadAlerts(
    const std::vector<std::string>& ids) {
  std::vector<Stored> out(ids.size());
  if (ids.empty()) return out;
  std::vector<std::vector<std::string>> commands;
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

absl::StatusOr<std::vector<std::string>> Builder::OpenIds(const std::string& org_id) {
  absl::StatusOr<redis::Reply> reply = redis_.Command({"ZRANGE", OpenKey(org_id), "0", "-1"});
  if (!reply.ok()) return reply.status();
  std::vector<std::string> ids;
  for (const redis::Reply& e : reply->elements) ids.push_back(e.str);
  return ids;
}

absl::Status Builder::SaveAlert(const ReviewAlert& alert) {
  return redis_.Set(AlertKey(alert.alert().alert_id()), alert.SerializeAsString());
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
  ApplyOutcome(outcome, stored.alert);
  const std::string& org = stored.alert.alert().org_id();
  // ACCEPTED leaves review; FAILED comes back to it with SEVIS's reason.
  std::vector<std::string> index =
      stored.alert.state() == sevisflow::v1::ALERT_STATE_ACCEPTED
          ? std::vector<std::string>{"ZREM", OpenKey(org), outcome.alert_id()}
          : std::vector<std::string>{
                "ZADD", OpenKey(org),
                std::to_string(DetectedMillis(stored.alert.alert(), MillisOf(clock_.Now()))),
                outcome.alert_id()};
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(
      {{"MULTI"},
       {"SET", AlertKey(outcome.alert_id()), stored.alert.SerializeAsString()},
       index,
       {"EXEC"}});
  if (!replies.ok()) return replies.status();
  if (absl::Status status = CheckExec(*replies, "apply outcome"); !status.ok()) return status;
  if (!outcome.batch_id().empty()) {
    absl::StatusOr<redis::Reply> marked =
        redis_.Eval(kMarkProcessedScript, {BatchKey(outcome.batch_id())}, {kBatchProcessed});
    if (!marked.ok()) return marked.status();
  }
  outcomes_.Inc();
  Log()->info("outcome for alert {} batch {}: {}", outcome.alert_id(), outcome.batch_id(),
              sevisflow::v1::AlertState_Name(stored.alert.state()));
  RefreshOpenGauge(org);
  return absl::OkStatus();
}

absl::StatusOr<sevisflow::v1::ListAlertsResponse> Builder::ListAlerts(
    const sevisflow::v1::ListAlertsRequest& request) {
  if (request.org_id().empty()) return absl::InvalidArgumentError("org_id is required");
  const int limit =
      request.limit() <= 0 ? kDefaultListLimit : std::min(request.limit(), kMaxListLimit);
  const auto state = request.state();
  absl::StatusOr<std::vector<std::string>> ids = OpenIds(request.org_id());
  if (!ids.ok()) return ids.status();
  // Alerts that left review are found through their batches, newest first.
  const bool in_review_only = state == sevisflow::v1::ALERT_STATE_OPEN ||
                              state == sevisflow::v1::ALERT_STATE_SELECTED;
  if (!in_review_only) {
    absl::StatusOr<redis::Reply> batches =
        redis_.Command({"ZREVRANGE", OrgBatchesKey(request.org_id()), "0", "-1"});
    if (!batches.ok()) return batches.status();
    std::set<std::string> seen(ids->begin(), ids->end());
    std::vector<std::vector<std::string>> commands;
    for (const redis::Reply& b : batches->elements) {
      commands.push_back({"HGET", BatchKey(b.str), "alert_ids"});
    }
    absl::StatusOr<std::vector<redis::Reply>> lists = redis_.Pipeline(commands);
    if (!lists.ok()) return lists.status();
    for (const redis::Reply& list : *lists) {
      if (list.type != redis::Reply::Type::kString) continue;
      for (absl::string_view id : absl::StrSplit(list.str, ',', absl::SkipEmpty())) {
        if (seen.insert(std::string(id)).second) ids->push_back(std::string(id));
      }
    }
  }
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(*ids);
  if (!loaded.ok()) return loaded.status();
  sevisflow::v1::ListAlertsResponse response;
  for (Stored& stored : *loaded) {
    if (!stored.found) continue;
    if (state != sevisflow::v1::ALERT_STATE_UNSPECIFIED && stored.alert.state() != state) continue;
    *response.add_alerts() = std::move(stored.alert);
    if (response.alerts_size() >= limit) break;
  }
  return response;
}

absl::StatusOr<sevisflow::v1::SelectAlertsResponse> Builder::SelectAlerts(
    const sevisflow::v1::SelectAlertsRequest& request) {
  if (request.org_id().empty()) return absl::InvalidArgumentError("org_id is required");
  std::vector<std::string> ids(request.alert_ids().begin(), request.alert_ids().end());
  std::lock_guard lock(mu_);
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(ids);
  if (!loaded.ok()) return loaded.status();
  sevisflow::v1::SelectAlertsResponse response;
  for (size_t i = 0; i < ids.size(); ++i) {
    Stored& stored = (*loaded)[i];
    ReviewAlert& alert = stored.alert;
    if (!stored.found || alert.alert().org_id() != request.org_id()) {
      response.add_refused(ids[i]);
      continue;
    }
    if (request.deselect()) {
      if (alert.state() != sevisflow::v1::ALERT_STATE_SELECTED) continue;
      alert.set_state(sevisflow::v1::ALERT_STATE_OPEN);
    } else {
      if (!IsSelectable(alert) || !CheckBuildable(alert.alert()).ok()) {
        response.add_refused(ids[i]);
        continue;
      }
      if (alert.state() == sevisflow::v1::ALERT_STATE_SELECTED) continue;
      alert.set_state(sevisflow::v1::ALERT_STATE_SELECTED);
      alerts_selected_.Inc();
    }
    if (absl::Status status = SaveAlert(alert); !status.ok()) return status;
    response.set_changed(response.changed() + 1);
  }
  return response;
}

absl::StatusOr<std::string> Builder::ResolveUserId(const std::string& org_id,
                                                   const std::string& caller_user,
                                                   const std::string& request_user) const {
  std::string user = caller_user;
  if (user.empty()) user = request_user;
  if (user.empty()) {
    auto it = options_.orgs.find(org_id);
    if (it != options_.orgs.end()) user = it->second.user_id;
  }
  if (user.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no SEVIS user ID: set x-sevis-user, user_id, or orgs.", org_id, ".user_id"));
  }
  if (absl::Status status = CheckUserId(user); !status.ok()) return status;
  return user;
}

absl::StatusOr<sevisflow::v1::CloseBatchResponse> Builder::CloseBatch(const std::string& org_id,
                                                                      const std::string& user_id) {
  if (org_id.empty()) return absl::InvalidArgumentError("org_id is required");
  if (absl::Status status = CheckUserId(user_id); !status.ok()) return status;
  std::lock_guard lock(mu_);
  // A batch left RESERVED by an earlier failure goes out first, under its own ID.
  if (absl::StatusOr<int> republished = RepublishReservedLocked(); !republished.ok()) {
    return republished.status();
  }
  return CloseBatchLocked(org_id, user_id);
}

absl::StatusOr<sevisflow::v1::CloseBatchResponse> Builder::CloseBatchLocked(
    const std::string& org_id, const std::string& user_id) {
  absl::StatusOr<std::vector<std::string>> ids = OpenIds(org_id);
  if (!ids.ok()) return ids.status();
  absl::StatusOr<std::vector<Stored>> loaded = LoadAlerts(*ids);
  if (!loaded.ok()) return loaded.status();
  std::vector<Alert> selected;
  for (Stored& stored : *loaded) {
    if (stored.found && stored.alert.state() == sevisflow::v1::ALERT_STATE_SELECTED &&
        stored.alert.alert().org_id() == org_id) {
      selected.push_back(std::move(*stored.alert.mutable_alert()));
    }
  }
  sevisflow::v1::CloseBatchResponse response;
  if (selected.empty()) return response;

  Plan plan = PlanDocuments(selected, options_.max_records_per_document);
  for (const Unplanned& u : plan.unplanned) {
    Log()->warn("alert {} not batched: {}", selected[u.alert_index].alert_id(), u.reason);
  }
  for (const PlannedDocument& document : plan.documents) {
    std::vector<Alert> alerts;
    alerts.reserve(document.alert_indexes.size());
    for (size_t i : document.alert_indexes) alerts.push_back(selected[i]);
    int records = 0;
    absl::StatusOr<std::optional<std::string>> batch_id =
        BuildOne(org_id, user_id, std::move(alerts), &records);
    if (!batch_id.ok()) return batch_id.status();
    if (batch_id->has_value()) {
      response.add_batch_ids(**batch_id);
      response.set_records(response.records() + records);
    }
  }
  RefreshOpenGauge(org_id);
  return response;
}

absl::Status Builder::ReturnToReview(const Alert& alert,
                                     const std::vector<sevisflow::v1::ValidationIssue>& issues) {
  ReviewAlert review;
  *review.mutable_alert() = alert;
  review.set_state(sevisflow::v1::ALERT_STATE_OPEN);
  for (const auto& issue : issues) *review.add_review_issues() = issue;
  validation_failures_.Inc();
  Log()->warn("alert {} of person {} failed XSD validation; back in review", alert.alert_id(),
              common::PersonRef(alert.person_id()));
  return SaveAlert(review);
}

absl::StatusOr<std::optional<std::string>> Builder::BuildOne(const std::string& org_id,
                                                             const std::string& user_id,
                                                             std::vector<Alert> alerts,
                                                             int* records) {
  absl::StatusOr<int64_t> sequence = redis_.Incr(BatchSeqKey(org_id));
  if (!sequence.ok()) return sequence.status();
  absl::StatusOr<std::string> batch_id = FormatBatchId(options_.batch_id_prefix, *sequence);
  if (!batch_id.ok()) return batch_id.status();

  auto build = [&](const std::vector<Alert>& subset) -> absl::StatusOr<std::string> {
    sevisxml::StudentBatch batch;
    batch.batch_id = *batch_id;
    batch.org_id = org_id;
    batch.user_id = user_id;
    for (const Alert& alert : subset) {
      batch.records.push_back(sevisxml::StudentRecord{alert.alert_id(), &alert});
    }
    return sevisxml::BuildStudentDocument(batch);
  };

  absl::StatusOr<std::string> xml = build(alerts);
  if (!xml.ok()) return xml.status();
  std::vector<sevisxml::XmlError> errors = validator_.Validate(*xml);
  if (!errors.empty()) {
    // Find the culprits: each record alone, in a document of its own. Valid ones stay.
    std::vector<Alert> valid;
    for (Alert& alert : alerts) {
      absl::StatusOr<std::string> single = build({alert});
      std::vector<sevisxml::XmlError> own =
          single.ok() ? validator_.Validate(*single)
                      : std::vector<sevisxml::XmlError>{
                            {0, 0, "", std::string(single.status().message())}};
      if (own.empty()) {
        valid.push_back(std::move(alert));
      } else if (absl::Status s = ReturnToReview(alert, XsdIssues(own)); !s.ok()) {
        return s;
      }
    }
    alerts = std::move(valid);
    if (alerts.empty()) return std::optional<std::string>();
    xml = build(alerts);
    if (!xml.ok()) return xml.status();
    errors = validator_.Validate(*xml);
    if (!errors.empty()) {
      // Valid one by one, invalid together: every record goes back with the document's errors.
      for (const Alert& alert : alerts) {
        if (absl::Status s = ReturnToReview(alert, XsdIssues(errors)); !s.ok()) return s;
      }
      return std::optional<std::string>();
    }
  }

  sevisflow::v1::BatchDocument document =
      MakeBatchDocument(*batch_id, org_id, user_id, std::move(*xml), alerts,
                        common::FormatRfc3339(clock_.Now()));
  std::vector<std::string> alert_ids;
  for (const Alert& alert : alerts) alert_ids.push_back(alert.alert_id());

  // Reserve: the batch with its document, and its alerts BATCHED, in one transaction, before
  // anything is published. A crash after this point re-publishes the same document.
  std::vector<std::vector<std::string>> commands;
  commands.push_back({"MULTI"});
  commands.push_back({"HSET", BatchKey(*batch_id), "org", org_id, "state", kBatchReserved,
                      "user_id", user_id, "alert_ids", absl::StrJoin(alert_ids, ","), "records",
                      std::to_string(alerts.size()), "created_at", document.created_at(),
                      "document", document.SerializeAsString()});
  commands.push_back({"ZADD", OrgBatchesKey(org_id), std::to_string(MillisOf(clock_.Now())),
                      *batch_id});
  commands.push_back({"SADD", kReservedBatchesKey, *batch_id});
  for (const Alert& alert : alerts) {
    ReviewAlert review;
    *review.mutable_alert() = alert;
    review.set_state(sevisflow::v1::ALERT_STATE_BATCHED);
    review.set_batch_id(*batch_id);
    commands.push_back({"SET", AlertKey(alert.alert_id()), review.SerializeAsString()});
    commands.push_back({"ZREM", OpenKey(org_id), alert.alert_id()});
  }
  commands.push_back({"EXEC"});
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  if (absl::Status status = CheckExec(*replies, "reserve batch"); !status.ok()) return status;

  if (absl::Status status = PublishReserved(*batch_id, document); !status.ok()) {
    return absl::UnavailableError(absl::StrCat("batch ", *batch_id,
                                               " is reserved but not published yet (it will be "
                                               "re-published): ",
                                               status.message()));
  }
  *records = static_cast<int>(alerts.size());
  records_per_batch_.Observe(static_cast<double>(alerts.size()));
  Log()->info("batch {} for org {} published with {} records", *batch_id, org_id,
              alerts.size());
  return std::optional<std::string>(*batch_id);
}

absl::Status Builder::PublishReserved(const std::string& batch_id,
                                      const sevisflow::v1::BatchDocument& document) {
  if (absl::Status status = publisher_(document); !status.ok()) return status;
  absl::StatusOr<std::vector<redis::Reply>> replies =
      redis_.Pipeline({{"MULTI"},
                       {"HSET", BatchKey(batch_id), "state", kBatchBuilt},
                       {"HDEL", BatchKey(batch_id), "document"},
                       {"SREM", kReservedBatchesKey, batch_id},
                       {"EXEC"}});
  if (!replies.ok()) return replies.status();
  if (absl::Status status = CheckExec(*replies, "mark batch built"); !status.ok()) return status;
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
    absl::StatusOr<std::string> user = ResolveUserId(org, "", "");
    if (!user.ok()) {
      Log()->warn("close timer: org {} skipped: {}", org, std::string(user.status().message()));
      continue;
    }
    absl::StatusOr<sevisflow::v1::CloseBatchResponse> closed = CloseBatch(org, *user);
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
  std::vector<std::vector<std::string>> commands;
  for (const redis::Reply& id : ids->elements) {
    commands.push_back({"HMGET", BatchKey(id.str), "org", "records", "state", "created_at"});
  }
  absl::StatusOr<std::vector<redis::Reply>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  sevisflow::v1::ListBatchesResponse response;
  for (size_t i = 0; i < replies->size(); ++i) {
    const redis::Reply& r = (*replies)[i];
    if (r.type != redis::Reply::Type::kArray || r.elements.size() != 4) continue;
    sevisflow::v1::BatchSummary* summary = response.add_batches();
    summary->set_batch_id(ids->elements[i].str);
    summary->set_org_id(r.elements[0].str);
    int records = 0;
    if (!r.elements[1].str.empty()) records = std::atoi(r.elements[1].str.c_str());
    summary->set_records(records);
    summary->set_state(r.elements[2].str);
    summary->set_created_at(r.elements[3].str);
  }
  return response;
}

}  // namespace sevisflow::builder
