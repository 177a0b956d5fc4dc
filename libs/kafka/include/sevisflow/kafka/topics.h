#pragma once
// The topic catalogue: every topic sevisflow uses, with its partitioning and retention, in one
// place. `sevisctl topics ensure`, scripts/local-up.sh and the test fixtures all create topics
// from DefaultTopics(), so a new topic is added here and nowhere else.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sevisflow::kafka {

// SIS person snapshots keyed by SIS person id; compacted (latest snapshot per person).
inline constexpr char kSisPerson[] = "sis.person";
inline constexpr char kSisPersonDlq[] = "sis.person.dlq";
// One Alert per reportable event, keyed by organisation.
inline constexpr char kSevisAlerts[] = "sevis.alerts";
inline constexpr char kSevisAlertsDlq[] = "sevis.alerts.dlq";
// Closed batches (SEVIS batch XML documents), keyed by organisation.
inline constexpr char kSevisBatches[] = "sevis.batches";
inline constexpr char kSevisBatchesDlq[] = "sevis.batches.dlq";
// Upload results (zip reference + transaction log), keyed by batch id.
inline constexpr char kSevisResults[] = "sevis.results";
inline constexpr char kSevisResultsDlq[] = "sevis.results.dlq";
// What SEVIS holds for each person, keyed by person; compacted.
inline constexpr char kSevisMaster[] = "sevis.master";
// Per-alert outcomes for SIS write-back and builder holds.
inline constexpr char kSevisOutcomes[] = "sevis.outcomes";
// Run control of the SEVIS Alerts process per school code / program number (RunControl),
// keyed by org_id; compacted. The detector is its only writer and keeps a Redis view of it.
inline constexpr char kSevisRunControl[] = "sevis.runcontrol";
// DSO-entered SEVIS data the SIS lacks (SupplementalData), keyed by "<org>/<person>";
// compacted. The builder's ReviewService writes it; the detector merges it into snapshots.
inline constexpr char kSisSupplemental[] = "sis.supplemental";
inline constexpr char kSisSupplementalDlq[] = "sis.supplemental.dlq";
// The review audit log (AuditEntry), keyed by organisation; kept forever.
inline constexpr char kSevisAudit[] = "sevis.audit";

// Suffix of dead-letter topics: "<topic>.dlq".
inline constexpr char kDlqSuffix[] = ".dlq";

struct TopicSpec {
  std::string name;
  int partitions = 3;
  // -1: the broker's default.replication.factor (Kafka >= 2.4), so the same catalogue works on a
  // single local broker and on a 3-broker cluster.
  int replication_factor = -1;
  bool compacted = false;
  // Topic-level configs (cleanup.policy, retention.ms, max.message.bytes ...).
  std::map<std::string, std::string> configs;
};

// The catalogue with `partitions` partitions per topic (>= 1).
std::vector<TopicSpec> DefaultTopics(int partitions);

// "<topic>.dlq".
std::string DlqTopicFor(std::string_view topic);

}  // namespace sevisflow::kafka
