#pragma once
// The simulator's SEVIS: per organisation, the people it holds (with their SEVIS IDs), the
// batch IDs used and each batch's processed result, plus upload counters for /sim/stats.
// Pure state and business rules; not thread-safe (the service holds one lock around it) and
// serialisable to JSON so the data folder survives a restart.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "sevisflow/sevisxml/transaction_log.h"
#include "sim_batch_document.h"

namespace sevisflow::sim {

struct PersonEntry {
  std::string sevis_id;
  DocumentKind kind = DocumentKind::kStudent;
  std::string last_name;
  std::string first_name;
  std::string birth_date;
  std::string status = "INITIAL";
};

struct StoredBatch {
  std::string org_id;
  std::string batch_id;
  int64_t available_at_ms = 0;  // Unix ms from which the download returns the result zip
  sevisxml::TransactionLog log;  // the full processed log (Upload, Process, Download)
  std::vector<std::string> form_sevis_ids;  // one I-20 / DS-2019 PDF each
};

// What processing one batch did: one log record per top-level record, in document order.
struct ProcessOutcome {
  std::vector<sevisxml::LogRecord> records;
  std::vector<std::string> form_sevis_ids;  // created with printForm="true"
  int success_count = 0;
  int failure_count = 0;
};

// What SEVIS makes of an update event given the record's status (see README "Business
// rules"): error_code set = refused; otherwise the record's status afterwards.
struct StatusRuling {
  std::string error_code;
  std::string new_status;
};
StatusRuling JudgeStatusEvent(DocumentKind kind, const std::string& status,
                              const std::string& event, const std::string& detail);

class SevisDatabase {
 public:
  // Applies the document's records for org_id and returns their results. Rules, in order per
  // record: a requestID already seen in this batch -> S1071; a create for a person the org
  // already holds, or created earlier in this batch (same LastName + FirstName + BirthDate,
  // ignoring ASCII case) -> S1004 (S2141 for exchange visitors); an update for a SEVIS ID the
  // org does not hold -> S1003 (S2001); an event the record's status forbids ->
  // JudgeStatusEvent's code; otherwise success (an accepted status event moves the record's
  // status), and a create gets the next SEVIS ID.
  // Every new dependent of a successful record (CreateDependent, Dependent/Add) gets a log
  // Dependent with the next SEVIS ID and its UserDefinedA/B echoed.
  // An accepted record's sites of activity (CreateEV sites, SiteOfActivity/Add) each get a log
  // SiteOfActivity with the org's next SiteId (NextSiteId) and the address check of its
  // address (CheckAddress); an Edit keeps the SiteId it sent. An accepted record's USAddress
  // and MailingAddress / MailAddress come back as Physical* / Mailing* address checks.
  // registered_users: the org's SEVIS user IDs; when given, a record whose userID is not one of
  // them fails with S1001 (S2154), checked right after the duplicate requestID.
  ProcessOutcome Process(const std::string& org_id, const BatchDocument& doc,
                         const std::string& process_time,
                         const std::set<std::string>* registered_users = nullptr);

  bool HasBatch(std::string_view org_id, std::string_view batch_id) const;
  const StoredBatch* FindBatch(std::string_view org_id, std::string_view batch_id) const;
  void AddBatch(StoredBatch batch);

  // Counts one upload request for (org, batch) as sent in the form, accepted or not.
  void CountUpload(std::string_view org_id, std::string_view batch_id, bool accepted);
  // {"total_uploads": N, "accepted_uploads": N,
  //  "uploads_by_batch": {"<batch id>": N}, "accepted_by_batch": {"<batch id>": N},
  //  "orgs": {"<org id>": {"<batch id>": {"uploads": N, "accepted": N}}}}
  std::string StatsJson() const;

  size_t person_count(std::string_view org_id) const;
  const PersonEntry* FindPerson(std::string_view org_id, std::string_view sevis_id) const;

  std::string Serialize() const;
  static absl::StatusOr<SevisDatabase> Deserialize(std::string_view json);

 private:
  struct UploadCount {
    int64_t uploads = 0;
    int64_t accepted = 0;
  };
  struct OrgState {
    std::map<std::string, PersonEntry, std::less<>> people;  // by SEVIS ID
    std::map<std::string, StoredBatch, std::less<>> batches;  // by batch ID
    std::map<std::string, UploadCount, std::less<>> uploads;  // by batch ID as sent in the form
    uint64_t next_site_number = 1;
  };

  std::string NextSevisId();
  // "SOA" + 9 digits, counted per organisation (SiteIdType: 1-50 characters).
  std::string NextSiteId(std::string_view org_id);
  // The log's SiteOfActivity and Physical / Mailing entries of an accepted record.
  void AddSitesAndAddresses(std::string_view org_id, const std::vector<SentSite>& sites,
                            const SentAddresses& addresses, sevisxml::LogRecord* record);
  // One log Dependent per new dependent of an accepted record, each with the next SEVIS ID.
  void AddDependents(const std::vector<NewDependent>& dependents, sevisxml::LogRecord* record);

  uint64_t next_sevis_number_ = 1;
  int64_t total_uploads_ = 0;
  std::map<std::string, OrgState, std::less<>> orgs_;
};

}  // namespace sevisflow::sim
