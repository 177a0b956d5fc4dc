#include "sim_database.h"

#include <cstdio>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "sim_fields.h"

namespace sevisflow::sim {
namespace {

using nlohmann::json;

// SEVIS treats a create as the same person when family name, given name and birth date match.
using PersonKey = std::tuple<std::string, std::string, std::string>;

PersonKey KeyOf(const std::string& last, const std::string& first, const std::string& birth) {
  return {absl::AsciiStrToUpper(last), absl::AsciiStrToUpper(first), birth};
}

sevisxml::LogRecord Failed(sevisxml::LogRecord r, std::string_view code) {
  r.success = false;
  r.error_code = std::string(code);
  r.error_message = ResultMessage(code);
  return r;
}

json StageToJson(const std::optional<sevisxml::LogStage>& s) {
  if (!s) return nullptr;
  return {{"result_code", s->result_code}, {"timestamp", s->timestamp}};
}

std::optional<sevisxml::LogStage> StageFromJson(const json& j) {
  if (j.is_null()) return std::nullopt;
  return sevisxml::LogStage{j.at("result_code").get<std::string>(),
                            j.at("timestamp").get<std::string>()};
}

json AddressToJson(const std::optional<sevisxml::LogAddress>& a) {
  if (!a) return nullptr;
  return {{"address1", a->address1}, {"address2", a->address2}, {"city", a->city},
          {"state", a->state},       {"postal_code", a->postal_code}};
}

std::optional<sevisxml::LogAddress> AddressFromJson(const json& j) {
  if (j.is_null()) return std::nullopt;
  return sevisxml::LogAddress{j.at("address1").get<std::string>(),
                              j.at("address2").get<std::string>(), j.at("city").get<std::string>(),
                              j.at("state").get<std::string>(),
                              j.at("postal_code").get<std::string>()};
}

json CheckToJson(const sevisxml::LogAddressCheck& c) {
  return {{"provided", AddressToJson(c.provided)},
          {"corrected", AddressToJson(c.corrected)},
          {"result", c.result},
          {"message", c.message}};
}

// State files written before address checks existed have none: an absent key is empty.
sevisxml::LogAddressCheck CheckFromJson(const json& parent, const char* key) {
  sevisxml::LogAddressCheck c;
  if (!parent.contains(key)) return c;
  const json& j = parent.at(key);
  c.provided = AddressFromJson(j.at("provided"));
  c.corrected = AddressFromJson(j.at("corrected"));
  c.result = j.at("result").get<std::string>();
  c.message = j.at("message").get<std::string>();
  return c;
}

json LogToJson(const sevisxml::TransactionLog& log) {
  json records = json::array();
  for (const auto& r : log.records) {
    json deps = json::array();
    for (const auto& d : r.dependents) {
      deps.push_back({{"dependent_sevis_id", d.dependent_sevis_id},
                      {"user_defined_a", d.user_defined_a},
                      {"user_defined_b", d.user_defined_b}});
    }
    json sites = json::array();
    for (const auto& site : r.sites) {
      sites.push_back({{"site_id", site.site_id},
                       {"site_name", site.site_name},
                       {"address", CheckToJson(site.address)}});
    }
    records.push_back({{"request_id", r.request_id},
                       {"sevis_id", r.sevis_id},
                       {"user_id", r.user_id},
                       {"user_defined_a", r.user_defined_a},
                       {"user_defined_b", r.user_defined_b},
                       {"process_date", r.process_date},
                       {"success", r.success},
                       {"error_code", r.error_code},
                       {"error_message", r.error_message},
                       {"dependents", deps},
                       {"sites", sites},
                       {"physical_address", CheckToJson(r.physical_address)},
                       {"mailing_address", CheckToJson(r.mailing_address)}});
  }
  return {{"batch_id", log.batch_id},
          {"org_id", log.org_id},
          {"status", log.status},
          {"system", log.system},
          {"upload", StageToJson(log.upload)},
          {"upload_file_name", log.upload_file_name},
          {"process", StageToJson(log.process)},
          {"success_count", log.success_count},
          {"failure_count", log.failure_count},
          {"records", records},
          {"download_result_code",
           log.download_result_code ? json(*log.download_result_code) : json(nullptr)}};
}

sevisxml::TransactionLog LogFromJson(const json& j) {
  sevisxml::TransactionLog log;
  log.batch_id = j.at("batch_id").get<std::string>();
  log.org_id = j.at("org_id").get<std::string>();
  log.status = j.at("status").get<bool>();
  log.system = j.at("system").get<std::string>();
  log.upload = StageFromJson(j.at("upload"));
  log.upload_file_name = j.at("upload_file_name").get<std::string>();
  log.process = StageFromJson(j.at("process"));
  log.success_count = j.at("success_count").get<int>();
  log.failure_count = j.at("failure_count").get<int>();
  for (const json& jr : j.at("records")) {
    sevisxml::LogRecord r;
    r.request_id = jr.at("request_id").get<std::string>();
    r.sevis_id = jr.at("sevis_id").get<std::string>();
    r.user_id = jr.at("user_id").get<std::string>();
    r.user_defined_a = jr.at("user_defined_a").get<std::string>();
    r.user_defined_b = jr.at("user_defined_b").get<std::string>();
    r.process_date = jr.at("process_date").get<std::string>();
    r.success = jr.at("success").get<bool>();
    r.error_code = jr.at("error_code").get<std::string>();
    r.error_message = jr.at("error_message").get<std::string>();
    for (const json& jd : jr.at("dependents")) {
      r.dependents.push_back({jd.at("dependent_sevis_id").get<std::string>(),
                              jd.at("user_defined_a").get<std::string>(),
                              jd.at("user_defined_b").get<std::string>()});
    }
    if (jr.contains("sites")) {
      for (const json& js : jr.at("sites")) {
        sevisxml::LogSite site;
        site.site_id = js.at("site_id").get<std::string>();
        site.site_name = js.at("site_name").get<std::string>();
        site.address = CheckFromJson(js, "address");
        r.sites.push_back(std::move(site));
      }
    }
    r.physical_address = CheckFromJson(jr, "physical_address");
    r.mailing_address = CheckFromJson(jr, "mailing_address");
    log.records.push_back(std::move(r));
  }
  if (!j.at("download_result_code").is_null()) {
    log.download_result_code = j.at("download_result_code").get<std::string>();
  }
  return log;
}

}  // namespace

StatusRuling JudgeStatusEvent(DocumentKind kind, const std::string& status,
                              const std::string& event, const std::string& detail) {
  const bool live = status == "INITIAL" || status == "ACTIVE";
  if (kind == DocumentKind::kStudent) {
    // A cancelled record takes no update at all; a terminated or completed one only a reprint.
    if (status == "CANCELED" || (!live && event != "Reprint")) {
      return {std::string(kStudentNotInitialOrActive), ""};
    }
    if (event == "Registration") return {"", "ACTIVE"};
    if (event == "Status" && detail == "Cancel") {
      if (status != "INITIAL") return {std::string(kStudentMustBeInitial), ""};
      return {"", "CANCELED"};
    }
    if (event == "Status" && (detail == "Complete" || detail == "Terminate")) {
      if (status != "ACTIVE") return {std::string(kStudentMustBeActive), ""};
      return {"", detail == "Complete" ? "COMPLETED" : "TERMINATED"};
    }
    return {"", status};
  }
  if (!live) return {std::string(kVisitorWrongStatus), ""};
  if (event == "Validate") {
    if (status != "INITIAL") return {std::string(kVisitorWrongStatus), ""};
    return {"", "ACTIVE"};
  }
  if (event == "Status" && (detail == "Invalid" || detail == "NoShow")) {
    if (status != "INITIAL") return {std::string(kVisitorWrongStatus), ""};
    return {"", detail == "Invalid" ? "INVALID" : "NO SHOW"};
  }
  if (event == "Status" && detail == "Terminate") {
    if (status != "ACTIVE") return {std::string(kVisitorWrongStatus), ""};
    return {"", "TERMINATED"};
  }
  return {"", status};
}

std::string SevisDatabase::NextSevisId() {
  char buf[16];
  std::snprintf(buf, sizeof buf, "N%010llu",
                static_cast<unsigned long long>(next_sevis_number_++ % 10000000000ULL));
  return buf;
}

void SevisDatabase::AddDependents(const std::vector<NewDependent>& dependents,
                                  sevisxml::LogRecord* record) {
  for (const NewDependent& d : dependents) {
    record->dependents.push_back({NextSevisId(), d.user_defined_a, d.user_defined_b});
  }
}

std::string SevisDatabase::NextSiteId(std::string_view org_id) {
  auto org = orgs_.find(org_id);
  if (org == orgs_.end()) org = orgs_.emplace(std::string(org_id), OrgState{}).first;
  char buf[16];
  std::snprintf(buf, sizeof buf, "SOA%09llu",
                static_cast<unsigned long long>(org->second.next_site_number++ % 1000000000ULL));
  return buf;
}

void SevisDatabase::AddSitesAndAddresses(std::string_view org_id,
                                         const std::vector<SentSite>& sites,
                                         const SentAddresses& addresses,
                                         sevisxml::LogRecord* record) {
  for (const SentSite& sent : sites) {
    sevisxml::LogSite site;
    if (sent.address) site.address = CheckAddress(*sent.address);
    site.site_id = sent.edit && !sent.site_id.empty() ? sent.site_id : NextSiteId(org_id);
    site.site_name = sent.name;
    record->sites.push_back(std::move(site));
  }
  if (addresses.physical) record->physical_address = CheckAddress(*addresses.physical);
  if (addresses.mailing) record->mailing_address = CheckAddress(*addresses.mailing);
}

ProcessOutcome SevisDatabase::Process(const std::string& org_id, const BatchDocument& doc,
                                      const std::string& process_time,
                                      const std::set<std::string>* registered_users) {
  OrgState& org = orgs_[org_id];
  const bool student = doc.kind == DocumentKind::kStudent;
  ProcessOutcome out;
  std::set<std::string> request_ids;
  std::set<PersonKey> known;
  for (const auto& [id, p] : org.people) {
    if (p.kind == doc.kind) known.insert(KeyOf(p.last_name, p.first_name, p.birth_date));
  }
  auto unknown_user = [&](const std::string& user_id) {
    return registered_users != nullptr && !registered_users->contains(user_id);
  };
  auto base = [&](const std::string& request_id, const std::string& user_id,
                  const std::string& uda, const std::string& udb) {
    sevisxml::LogRecord r;
    r.request_id = request_id;
    r.user_id = user_id;
    r.user_defined_a = uda;
    r.user_defined_b = udb;
    r.process_date = process_time;
    r.success = true;
    return r;
  };

  for (const CreateRecord& c : doc.creates) {
    sevisxml::LogRecord r = base(c.request_id, c.user_id, c.user_defined_a, c.user_defined_b);
    PersonKey key = KeyOf(c.last_name, c.first_name, c.birth_date);
    if (!request_ids.insert(c.request_id).second) {
      r = Failed(std::move(r), kDuplicateRequest);
    } else if (unknown_user(c.user_id)) {
      r = Failed(std::move(r), student ? kStudentUserInvalid : kVisitorUserInvalid);
    } else if (known.contains(key)) {
      // Also covers a second create of one person inside this same document (S1004 text).
      r = Failed(std::move(r), student ? kStudentExists : kVisitorExists);
    } else {
      known.insert(std::move(key));
      PersonEntry person{NextSevisId(), doc.kind, c.last_name, c.first_name, c.birth_date,
                         "INITIAL"};
      r.sevis_id = person.sevis_id;
      AddDependents(c.new_dependents, &r);
      AddSitesAndAddresses(org_id, c.sites, c.addresses, &r);
      if (c.print_form) out.form_sevis_ids.push_back(person.sevis_id);
      org.people.emplace(person.sevis_id, std::move(person));
    }
    (r.success ? out.success_count : out.failure_count)++;
    out.records.push_back(std::move(r));
  }

  for (const UpdateRecord& u : doc.updates) {
    sevisxml::LogRecord r = base(u.request_id, u.user_id, u.user_defined_a, u.user_defined_b);
    r.sevis_id = u.sevis_id;
    auto it = org.people.find(u.sevis_id);
    if (!request_ids.insert(u.request_id).second) {
      r = Failed(std::move(r), kDuplicateRequest);
    } else if (unknown_user(u.user_id)) {
      r = Failed(std::move(r), student ? kStudentUserInvalid : kVisitorUserInvalid);
    } else if (it == org.people.end() || it->second.kind != doc.kind) {
      r = Failed(std::move(r), student ? kStudentNotFound : kVisitorNotFound);
    } else if (StatusRuling ruling =
                   JudgeStatusEvent(doc.kind, it->second.status, u.event, u.event_detail);
               !ruling.error_code.empty()) {
      r = Failed(std::move(r), ruling.error_code);
    } else {
      it->second.status = ruling.new_status;
      AddDependents(u.new_dependents, &r);
      AddSitesAndAddresses(org_id, u.sites, u.addresses, &r);
    }
    (r.success ? out.success_count : out.failure_count)++;
    out.records.push_back(std::move(r));
  }
  return out;
}

bool SevisDatabase::HasBatch(std::string_view org_id, std::string_view batch_id) const {
  return FindBatch(org_id, batch_id) != nullptr;
}

const StoredBatch* SevisDatabase::FindBatch(std::string_view org_id,
                                            std::string_view batch_id) const {
  auto org = orgs_.find(org_id);
  if (org == orgs_.end()) return nullptr;
  auto it = org->second.batches.find(batch_id);
  return it == org->second.batches.end() ? nullptr : &it->second;
}

void SevisDatabase::AddBatch(StoredBatch batch) {
  OrgState& org = orgs_[batch.org_id];
  std::string id = batch.batch_id;
  org.batches.insert_or_assign(std::move(id), std::move(batch));
}

void SevisDatabase::CountUpload(std::string_view org_id, std::string_view batch_id,
                                bool accepted) {
  ++total_uploads_;
  auto org = orgs_.find(org_id);
  if (org == orgs_.end()) org = orgs_.emplace(std::string(org_id), OrgState{}).first;
  auto it = org->second.uploads.find(batch_id);
  if (it == org->second.uploads.end()) {
    it = org->second.uploads.emplace(std::string(batch_id), UploadCount{}).first;
  }
  ++it->second.uploads;
  if (accepted) ++it->second.accepted;
}

std::string SevisDatabase::StatsJson() const {
  json by_org = json::object();
  json uploads_by_batch = json::object();
  json accepted_by_batch = json::object();
  int64_t accepted_total = 0;
  for (const auto& [org_id, org] : orgs_) {
    if (org.uploads.empty()) continue;
    json batches = json::object();
    for (const auto& [batch_id, n] : org.uploads) {
      batches[batch_id] = {{"uploads", n.uploads}, {"accepted", n.accepted}};
      uploads_by_batch[batch_id] = uploads_by_batch.value(batch_id, int64_t{0}) + n.uploads;
      accepted_by_batch[batch_id] = accepted_by_batch.value(batch_id, int64_t{0}) + n.accepted;
      accepted_total += n.accepted;
    }
    by_org[org_id] = std::move(batches);
  }
  return json{{"total_uploads", total_uploads_},
              {"accepted_uploads", accepted_total},
              {"uploads_by_batch", uploads_by_batch},
              {"accepted_by_batch", accepted_by_batch},
              {"orgs", by_org}}
      .dump();
}

size_t SevisDatabase::person_count(std::string_view org_id) const {
  auto org = orgs_.find(org_id);
  return org == orgs_.end() ? 0 : org->second.people.size();
}

const PersonEntry* SevisDatabase::FindPerson(std::string_view org_id,
                                             std::string_view sevis_id) const {
  auto org = orgs_.find(org_id);
  if (org == orgs_.end()) return nullptr;
  auto it = org->second.people.find(sevis_id);
  return it == org->second.people.end() ? nullptr : &it->second;
}

std::string SevisDatabase::Serialize() const {
  json orgs = json::object();
  for (const auto& [org_id, org] : orgs_) {
    json people = json::array();
    for (const auto& [id, p] : org.people) {
      people.push_back({{"sevis_id", p.sevis_id},
                        {"kind", p.kind == DocumentKind::kStudent ? "student" : "ev"},
                        {"last_name", p.last_name},
                        {"first_name", p.first_name},
                        {"birth_date", p.birth_date},
                        {"status", p.status}});
    }
    json batches = json::array();
    for (const auto& [id, b] : org.batches) {
      batches.push_back({{"batch_id", b.batch_id},
                         {"available_at_ms", b.available_at_ms},
                         {"log", LogToJson(b.log)},
                         {"form_sevis_ids", b.form_sevis_ids}});
    }
    json uploads = json::object();
    for (const auto& [id, n] : org.uploads) {
      uploads[id] = {{"uploads", n.uploads}, {"accepted", n.accepted}};
    }
    orgs[org_id] = {{"people", people},
                    {"batches", batches},
                    {"uploads", uploads},
                    {"next_site_number", org.next_site_number}};
  }
  return json{{"version", 1},
              {"next_sevis_number", next_sevis_number_},
              {"total_uploads", total_uploads_},
              {"orgs", orgs}}
      .dump(1);
}

absl::StatusOr<SevisDatabase> SevisDatabase::Deserialize(std::string_view text) {
  try {
    json j = json::parse(text);
    if (j.at("version").get<int>() != 1) {
      return absl::InvalidArgumentError("sevis-sim state: unsupported version");
    }
    SevisDatabase db;
    db.next_sevis_number_ = j.at("next_sevis_number").get<uint64_t>();
    db.total_uploads_ = j.at("total_uploads").get<int64_t>();
    for (const auto& [org_id, jo] : j.at("orgs").items()) {
      OrgState& org = db.orgs_[org_id];
      org.next_site_number = jo.value("next_site_number", uint64_t{1});
      for (const json& jp : jo.at("people")) {
        PersonEntry p;
        p.sevis_id = jp.at("sevis_id").get<std::string>();
        p.kind = jp.at("kind").get<std::string>() == "ev" ? DocumentKind::kExchangeVisitor
                                                           : DocumentKind::kStudent;
        p.last_name = jp.at("last_name").get<std::string>();
        p.first_name = jp.at("first_name").get<std::string>();
        p.birth_date = jp.at("birth_date").get<std::string>();
        p.status = jp.at("status").get<std::string>();
        std::string id = p.sevis_id;
        org.people.emplace(std::move(id), std::move(p));
      }
      for (const json& jb : jo.at("batches")) {
        StoredBatch b;
        b.org_id = org_id;
        b.batch_id = jb.at("batch_id").get<std::string>();
        b.available_at_ms = jb.at("available_at_ms").get<int64_t>();
        b.log = LogFromJson(jb.at("log"));
        b.form_sevis_ids = jb.at("form_sevis_ids").get<std::vector<std::string>>();
        std::string id = b.batch_id;
        org.batches.emplace(std::move(id), std::move(b));
      }
      for (const auto& [batch_id, ju] : jo.at("uploads").items()) {
        org.uploads[batch_id] = {ju.at("uploads").get<int64_t>(), ju.at("accepted").get<int64_t>()};
      }
    }
    return db;
  } catch (const json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("sevis-sim state: ", e.what()));
  }
}

}  // namespace sevisflow::sim
