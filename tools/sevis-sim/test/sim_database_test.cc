#include "sim_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sevisflow::sim {
namespace {

using ::testing::ElementsAre;

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kTime[] = "2026-11-23T20:15:00.123Z";

CreateRecord Create(std::string request_id, std::string last, std::string first,
                    std::string birth, bool print = true) {
  CreateRecord c;
  c.request_id = std::move(request_id);
  c.user_id = "dso0000001";
  c.user_defined_a = "UDA";
  c.user_defined_b = "UDB";
  c.last_name = std::move(last);
  c.first_name = std::move(first);
  c.birth_date = std::move(birth);
  c.print_form = print;
  return c;
}

UpdateRecord Update(std::string request_id, std::string sevis_id) {
  UpdateRecord u;
  u.request_id = std::move(request_id);
  u.sevis_id = std::move(sevis_id);
  u.user_id = "dso0000001";
  u.event = "Registration";
  return u;
}

BatchDocument Doc(std::vector<CreateRecord> creates, std::vector<UpdateRecord> updates = {},
                  DocumentKind kind = DocumentKind::kStudent) {
  BatchDocument d;
  d.kind = kind;
  d.creates = std::move(creates);
  d.updates = std::move(updates);
  return d;
}

TEST(SevisDatabaseTest, NewDependentsOfAcceptedRecordsGetSevisIdsAndEchoUserDefined) {
  SevisDatabase db;
  CreateRecord c = Create("r1", "Testperson", "Alpha", "2001-02-03");
  c.new_dependents = {{"D1", "B1"}, {"D2", ""}};
  CreateRecord dup = Create("r2", "Testperson", "Alpha", "2001-02-03");  // S1004
  dup.new_dependents = {{"D9", ""}};
  ProcessOutcome out = db.Process(kOrg, Doc({c, dup}), kTime);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.records[0].sevis_id, "N0000000001");
  ASSERT_EQ(out.records[0].dependents.size(), 2u);
  EXPECT_EQ(out.records[0].dependents[0].dependent_sevis_id, "N0000000002");
  EXPECT_EQ(out.records[0].dependents[0].user_defined_a, "D1");
  EXPECT_EQ(out.records[0].dependents[0].user_defined_b, "B1");
  EXPECT_EQ(out.records[0].dependents[1].dependent_sevis_id, "N0000000003");
  EXPECT_EQ(out.records[0].dependents[1].user_defined_a, "D2");
  EXPECT_FALSE(out.records[1].success);
  EXPECT_TRUE(out.records[1].dependents.empty());

  UpdateRecord add = Update("u1", "N0000000001");
  add.event = "Dependent";
  add.new_dependents = {{"D3", ""}};
  ProcessOutcome later = db.Process(kOrg, Doc({}, {add}), kTime);
  ASSERT_EQ(later.records.size(), 1u);
  ASSERT_EQ(later.records[0].dependents.size(), 1u);
  EXPECT_EQ(later.records[0].dependents[0].dependent_sevis_id, "N0000000004");
  EXPECT_EQ(later.records[0].dependents[0].user_defined_a, "D3");
}

TEST(SevisDatabaseTest, CreatesGetSequentialSevisIdsAndEchoRequestFields) {
  SevisDatabase db;
  ProcessOutcome out = db.Process(
      kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03"),
                 Create("r2", "Sampleton", "Beta", "2000-12-31", /*print=*/false)}),
      kTime);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_EQ(out.success_count, 2);
  EXPECT_EQ(out.failure_count, 0);
  EXPECT_EQ(out.records[0].sevis_id, "N0000000001");
  EXPECT_EQ(out.records[1].sevis_id, "N0000000002");
  EXPECT_EQ(out.records[0].request_id, "r1");
  EXPECT_EQ(out.records[0].user_id, "dso0000001");
  EXPECT_EQ(out.records[0].user_defined_a, "UDA");
  EXPECT_EQ(out.records[0].user_defined_b, "UDB");
  EXPECT_EQ(out.records[0].process_date, kTime);
  EXPECT_TRUE(out.records[0].success);
  EXPECT_TRUE(out.records[0].error_code.empty());
  // Only printForm="true" records get a form PDF.
  EXPECT_THAT(out.form_sevis_ids, ElementsAre("N0000000001"));
  const PersonEntry* p = db.FindPerson(kOrg, "N0000000002");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->status, "INITIAL");
  EXPECT_EQ(db.person_count(kOrg), 2u);
}

TEST(SevisDatabaseTest, SamePersonInSameBatchOrLaterBatchIsS1004) {
  SevisDatabase db;
  ProcessOutcome first = db.Process(
      kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03"),
                 Create("r2", "TESTPERSON", "alpha", "2001-02-03")}),
      kTime);
  EXPECT_TRUE(first.records[0].success);
  EXPECT_FALSE(first.records[1].success);
  EXPECT_EQ(first.records[1].error_code, "S1004");
  EXPECT_TRUE(first.records[1].sevis_id.empty());
  EXPECT_FALSE(first.records[1].error_message.empty());
  EXPECT_EQ(first.failure_count, 1);

  ProcessOutcome again =
      db.Process(kOrg, Doc({Create("r9", "Testperson", "Alpha", "2001-02-03")}), kTime);
  EXPECT_EQ(again.records[0].error_code, "S1004");
  EXPECT_TRUE(again.form_sevis_ids.empty());
  // A different birth date is a different person.
  ProcessOutcome other =
      db.Process(kOrg, Doc({Create("r10", "Testperson", "Alpha", "2001-02-04")}), kTime);
  EXPECT_TRUE(other.records[0].success);
  EXPECT_EQ(other.records[0].sevis_id, "N0000000002");
}

TEST(SevisDatabaseTest, PeopleAreKeptPerOrganisation) {
  SevisDatabase db;
  db.Process(kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03")}), kTime);
  ProcessOutcome other = db.Process("XYZ214F99999000",
                                    Doc({Create("r1", "Testperson", "Alpha", "2001-02-03")}),
                                    kTime);
  EXPECT_TRUE(other.records[0].success);
  // SEVIS IDs are global, so the other org's student gets the next number.
  EXPECT_EQ(other.records[0].sevis_id, "N0000000002");
  // ...and the first org cannot update the other org's student.
  ProcessOutcome update = db.Process(kOrg, Doc({}, {Update("u1", "N0000000002")}), kTime);
  EXPECT_EQ(update.records[0].error_code, "S1003");
}

TEST(SevisDatabaseTest, DuplicateRequestIdInBatchIsS1071) {
  SevisDatabase db;
  ProcessOutcome out = db.Process(kOrg,
                                  Doc({Create("same", "Testperson", "Alpha", "2001-02-03"),
                                       Create("same", "Sampleton", "Beta", "2000-12-31")},
                                      {Update("same", "N0000000001")}),
                                  kTime);
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_TRUE(out.records[0].success);
  EXPECT_EQ(out.records[1].error_code, "S1071");
  EXPECT_EQ(out.records[1].error_message, "Duplicate request found for student");
  EXPECT_EQ(out.records[2].error_code, "S1071");
  EXPECT_EQ(db.person_count(kOrg), 1u);
}

TEST(SevisDatabaseTest, UpdatesNeedAKnownSevisId) {
  SevisDatabase db;
  db.Process(kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03")}), kTime);
  ProcessOutcome out = db.Process(
      kOrg, Doc({}, {Update("u1", "N0000000001"), Update("u2", "N0000000099")}), kTime);
  ASSERT_EQ(out.records.size(), 2u);
  EXPECT_TRUE(out.records[0].success);
  EXPECT_EQ(out.records[0].sevis_id, "N0000000001");
  EXPECT_FALSE(out.records[1].success);
  EXPECT_EQ(out.records[1].error_code, "S1003");
  EXPECT_EQ(out.records[1].sevis_id, "N0000000099");
  EXPECT_EQ(out.success_count, 1);
  EXPECT_EQ(out.failure_count, 1);
}

UpdateRecord Event(std::string request_id, std::string sevis_id, std::string event,
                   std::string detail = "") {
  UpdateRecord u = Update(std::move(request_id), std::move(sevis_id));
  u.event = std::move(event);
  u.event_detail = std::move(detail);
  return u;
}

TEST(SevisDatabaseTest, AcceptedStatusEventsMoveTheStudentsStatus) {
  SevisDatabase db;
  db.Process(kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03"),
                        Create("r2", "Sampleton", "Beta", "2000-12-31")}),
             kTime);
  // Terminate and Complete need ACTIVE; Registration makes an INITIAL student ACTIVE.
  ProcessOutcome early = db.Process(kOrg, Doc({}, {Event("u1", "N0000000001", "Status",
                                                         "Terminate")}), kTime);
  EXPECT_EQ(early.records[0].error_code, "S1054");
  EXPECT_EQ(early.records[0].error_message, "Student status must be active for this action");
  EXPECT_EQ(db.FindPerson(kOrg, "N0000000001")->status, "INITIAL");
  ProcessOutcome reg = db.Process(
      kOrg, Doc({}, {Event("u2", "N0000000001", "Registration"),
                     Event("u3", "N0000000001", "Status", "Terminate"),
                     Event("u4", "N0000000001", "Registration"),
                     Event("u5", "N0000000001", "Reprint")}),
      kTime);
  ASSERT_EQ(reg.records.size(), 4u);
  EXPECT_TRUE(reg.records[0].success);
  EXPECT_TRUE(reg.records[1].success);
  // Judged against the status the earlier record of the same batch left.
  EXPECT_EQ(reg.records[2].error_code, "S1106");
  EXPECT_TRUE(reg.records[3].success);  // a terminated record can still be reprinted
  EXPECT_EQ(db.FindPerson(kOrg, "N0000000001")->status, "TERMINATED");

  // Cancel needs INITIAL; a cancelled record takes no update, not even a reprint.
  ProcessOutcome cancel = db.Process(
      kOrg, Doc({}, {Event("c1", "N0000000002", "Status", "Cancel"),
                     Event("c2", "N0000000002", "Reprint"),
                     Event("c3", "N0000000002", "Status", "Cancel")}),
      kTime);
  EXPECT_TRUE(cancel.records[0].success);
  EXPECT_EQ(cancel.records[1].error_code, "S1106");
  EXPECT_EQ(cancel.records[2].error_code, "S1106");
  EXPECT_EQ(db.FindPerson(kOrg, "N0000000002")->status, "CANCELED");
}

TEST(SevisDatabaseTest, CompletedStudentCannotBeRegisteredOrCancelled) {
  SevisDatabase db;
  db.Process(kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03")}), kTime);
  ProcessOutcome out = db.Process(
      kOrg, Doc({}, {Event("u1", "N0000000001", "Registration"),
                     Event("u2", "N0000000001", "Status", "Cancel"),
                     Event("u3", "N0000000001", "Status", "Complete"),
                     Event("u4", "N0000000001", "Registration")}),
      kTime);
  EXPECT_TRUE(out.records[0].success);
  EXPECT_EQ(out.records[1].error_code, "S1057");
  EXPECT_TRUE(out.records[2].success);
  EXPECT_EQ(out.records[3].error_code, "S1106");
  EXPECT_EQ(out.failure_count, 2);
  EXPECT_EQ(db.FindPerson(kOrg, "N0000000001")->status, "COMPLETED");
}

TEST(SevisDatabaseTest, ExchangeVisitorStatusEvents) {
  SevisDatabase db;
  auto ev = [](std::vector<CreateRecord> c, std::vector<UpdateRecord> u = {}) {
    return Doc(std::move(c), std::move(u), DocumentKind::kExchangeVisitor);
  };
  db.Process(kOrg, ev({Create("r1", "Visitor", "Gamma", "1999-01-01"),
                       Create("r2", "Visitor", "Delta", "1998-01-01")}),
             kTime);
  ProcessOutcome out = db.Process(
      kOrg, ev({}, {Event("u1", "N0000000001", "Status", "Terminate"),
                    Event("u2", "N0000000001", "Validate"),
                    Event("u3", "N0000000001", "Status", "NoShow"),
                    Event("u4", "N0000000001", "Status", "Terminate"),
                    Event("u5", "N0000000002", "Status", "NoShow"),
                    Event("u6", "N0000000002", "Validate")}),
      kTime);
  EXPECT_EQ(out.records[0].error_code, "S2124");  // INITIAL cannot be terminated
  EXPECT_TRUE(out.records[1].success);
  EXPECT_EQ(out.records[2].error_code, "S2124");  // ACTIVE cannot be a no-show
  EXPECT_TRUE(out.records[3].success);
  EXPECT_TRUE(out.records[4].success);
  EXPECT_EQ(out.records[5].error_code, "S2124");
  EXPECT_EQ(db.FindPerson(kOrg, "N0000000001")->status, "TERMINATED");
  EXPECT_EQ(db.FindPerson(kOrg, "N0000000002")->status, "NO SHOW");
}

TEST(SevisDatabaseTest, RecordUserNotRegisteredForTheOrgIsS1001OrS2154) {
  SevisDatabase db;
  const std::set<std::string> users = {"dso0000001"};
  CreateRecord stranger = Create("r2", "Sampleton", "Beta", "2000-12-31");
  stranger.user_id = "dso0000777";
  ProcessOutcome out = db.Process(
      kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03"), stranger}), kTime, &users);
  EXPECT_TRUE(out.records[0].success);
  EXPECT_EQ(out.records[1].error_code, "S1001");
  EXPECT_EQ(out.records[1].error_message, "User ID is invalid");
  EXPECT_EQ(db.person_count(kOrg), 1u);
  UpdateRecord u = Update("u1", "N0000000001");
  u.user_id = "dso0000777";
  ProcessOutcome ev = db.Process(kOrg, Doc({}, {u}, DocumentKind::kExchangeVisitor), kTime,
                                 &users);
  EXPECT_EQ(ev.records[0].error_code, "S2154");
  // Without a user list (no registration known) the record's user is not judged.
  EXPECT_TRUE(db.Process(kOrg, Doc({}, {u}), kTime).records[0].success);
}

TEST(SevisDatabaseTest, ExchangeVisitorsUseTheirOwnCodes) {
  SevisDatabase db;
  auto ev = [](std::vector<CreateRecord> c, std::vector<UpdateRecord> u = {}) {
    return Doc(std::move(c), std::move(u), DocumentKind::kExchangeVisitor);
  };
  db.Process(kOrg, ev({Create("r1", "Visitor", "Gamma", "1999-01-01")}), kTime);
  ProcessOutcome dup = db.Process(kOrg, ev({Create("r2", "Visitor", "Gamma", "1999-01-01")}),
                                  kTime);
  EXPECT_EQ(dup.records[0].error_code, "S2141");
  ProcessOutcome missing = db.Process(kOrg, ev({}, {Update("u1", "N0000000055")}), kTime);
  EXPECT_EQ(missing.records[0].error_code, "S2001");
  // A student update cannot address an exchange visitor's record.
  ProcessOutcome wrong_kind = db.Process(kOrg, Doc({}, {Update("u2", "N0000000001")}), kTime);
  EXPECT_EQ(wrong_kind.records[0].error_code, "S1003");
}

TEST(SevisDatabaseTest, BatchesAndUploadCounters) {
  SevisDatabase db;
  EXPECT_FALSE(db.HasBatch(kOrg, "B1"));
  StoredBatch b;
  b.org_id = kOrg;
  b.batch_id = "B1";
  db.AddBatch(b);
  EXPECT_TRUE(db.HasBatch(kOrg, "B1"));
  EXPECT_FALSE(db.HasBatch("XYZ214F99999000", "B1"));
  db.CountUpload(kOrg, "B1", true);
  db.CountUpload(kOrg, "B1", false);
  db.CountUpload("XYZ214F99999000", "B2", false);
  auto stats = nlohmann::json::parse(db.StatsJson());
  EXPECT_EQ(stats["total_uploads"], 3);
  EXPECT_EQ(stats["accepted_uploads"], 1);
  EXPECT_EQ(stats["accepted_by_batch"]["B1"], 1);
  EXPECT_EQ(stats["uploads_by_batch"]["B1"], 2);
  EXPECT_EQ(stats["accepted_by_batch"]["B2"], 0);
  EXPECT_EQ(stats["orgs"][kOrg]["B1"]["uploads"], 2);
}

TEST(SevisDatabaseTest, SerializeRoundTripKeepsEverything) {
  SevisDatabase db;
  ProcessOutcome out =
      db.Process(kOrg, Doc({Create("r1", "Testperson", "Alpha", "2001-02-03")}), kTime);
  StoredBatch b;
  b.org_id = kOrg;
  b.batch_id = "SIMTEST0000001";
  b.available_at_ms = 1234567;
  b.form_sevis_ids = out.form_sevis_ids;
  b.log.batch_id = "SIMTEST0000001";
  b.log.org_id = kOrg;
  b.log.status = true;
  b.log.system = "SEVISFLOW-SIM";
  b.log.upload = sevisxml::LogStage{"S0000", kTime};
  b.log.upload_file_name = "batch.xml";
  b.log.process = sevisxml::LogStage{"S0000", kTime};
  b.log.success_count = 1;
  b.log.records = out.records;
  b.log.download_result_code = "S0000";
  db.AddBatch(b);
  db.CountUpload(kOrg, "SIMTEST0000001", true);

  auto restored = SevisDatabase::Deserialize(db.Serialize());
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->Serialize(), db.Serialize());
  const StoredBatch* got = restored->FindBatch(kOrg, "SIMTEST0000001");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->available_at_ms, 1234567);
  ASSERT_EQ(got->log.records.size(), 1u);
  EXPECT_EQ(got->log.records[0].sevis_id, "N0000000001");
  EXPECT_EQ(got->log.upload->result_code, "S0000");
  // The SEVIS ID sequence continues after a restart, it does not restart at 1.
  ProcessOutcome next =
      restored->Process(kOrg, Doc({Create("r2", "Sampleton", "Beta", "2000-12-31")}), kTime);
  EXPECT_EQ(next.records[0].sevis_id, "N0000000002");
  ProcessOutcome dup =
      restored->Process(kOrg, Doc({Create("r3", "Testperson", "Alpha", "2001-02-03")}), kTime);
  EXPECT_EQ(dup.records[0].error_code, "S1004");
}

TEST(SevisDatabaseTest, CorruptStateIsAnError) {
  EXPECT_FALSE(SevisDatabase::Deserialize("{not json").ok());
  EXPECT_FALSE(SevisDatabase::Deserialize(R"({"version": 2})").ok());
}

SentSite SoaSite(std::string name, std::string line1) {
  SentSite s;
  s.name = std::move(name);
  s.address = sevisxml::LogAddress{std::move(line1), "", "Boston", "MA", "02115"};
  return s;
}

TEST(SevisDatabaseTest, SitesOfAcceptedVisitorsGetUniqueSiteIdsAndCorrectedAddresses) {
  SevisDatabase db;
  CreateRecord ev = Create("r1", "Visitor", "Alpha", "1990-01-01");
  ev.sites = {SoaSite("Harbor Lab", "12 main street"), SoaSite("Field Station", "3 ocean road")};
  SentSite exempt;  // no address (EXEMPT site): a SiteId, no address check
  exempt.name = "";
  ev.sites.push_back(exempt);
  CreateRecord refused = Create("r1", "Visitor", "Beta", "1990-01-01");  // S1071 duplicate id
  refused.sites = {SoaSite("Annex", "9 elm street")};
  ProcessOutcome out =
      db.Process(kOrg, Doc({ev, refused}, {}, DocumentKind::kExchangeVisitor), kTime);
  ASSERT_EQ(out.records.size(), 2u);
  const sevisxml::LogRecord& r = out.records[0];
  ASSERT_EQ(r.sites.size(), 3u);
  EXPECT_EQ(r.sites[0].site_id, "SOA000000001");
  EXPECT_EQ(r.sites[1].site_id, "SOA000000002");
  EXPECT_EQ(r.sites[2].site_id, "SOA000000003");
  EXPECT_EQ(r.sites[0].site_name, "Harbor Lab");
  EXPECT_EQ(r.sites[0].address.provided->address1, "12 main street");
  EXPECT_EQ(r.sites[0].address.corrected->address1, "12 MAIN ST");
  EXPECT_EQ(r.sites[0].address.result, "S0000");
  EXPECT_EQ(r.sites[1].address.corrected->address1, "3 OCEAN RD");
  EXPECT_TRUE(r.sites[2].address.empty());
  EXPECT_FALSE(out.records[1].success);
  EXPECT_TRUE(out.records[1].sites.empty());  // only what SEVIS accepted has sites

  // Site of Activity - Add on the visitor: the org's next SiteId; Edit keeps the one sent.
  UpdateRecord add = Update("u1", r.sevis_id);
  add.event = "SiteOfActivity";
  add.sites = {SoaSite("Annex", "9 elm street")};
  UpdateRecord edit = Update("u2", r.sevis_id);
  edit.event = "SiteOfActivity";
  SentSite edited = SoaSite("Harbor Lab North", "14 main street");
  edited.edit = true;
  edited.site_id = "SOA000000001";
  edit.sites = {edited};
  ProcessOutcome later =
      db.Process(kOrg, Doc({}, {add, edit}, DocumentKind::kExchangeVisitor), kTime);
  ASSERT_EQ(later.records.size(), 2u);
  ASSERT_EQ(later.records[0].sites.size(), 1u);
  EXPECT_EQ(later.records[0].sites[0].site_id, "SOA000000004");
  ASSERT_EQ(later.records[1].sites.size(), 1u);
  EXPECT_EQ(later.records[1].sites[0].site_id, "SOA000000001");
  EXPECT_EQ(later.records[1].sites[0].site_name, "Harbor Lab North");
  EXPECT_EQ(later.records[1].sites[0].address.corrected->address1, "14 MAIN ST");

  // SiteIds are counted per organisation.
  CreateRecord other = Create("r1", "Visitor", "Gamma", "1990-01-01");
  other.sites = {SoaSite("Lab", "1 first street")};
  ProcessOutcome elsewhere =
      db.Process("P-1-99999", Doc({other}, {}, DocumentKind::kExchangeVisitor), kTime);
  EXPECT_EQ(elsewhere.records[0].sites[0].site_id, "SOA000000001");

  // The counter and the sites survive a restart.
  auto restored = SevisDatabase::Deserialize(db.Serialize());
  ASSERT_TRUE(restored.ok()) << restored.status();
  UpdateRecord again = Update("u3", r.sevis_id);
  again.event = "SiteOfActivity";
  again.sites = {SoaSite("Depot", "5 dock street")};
  ProcessOutcome after =
      restored->Process(kOrg, Doc({}, {again}, DocumentKind::kExchangeVisitor), kTime);
  EXPECT_EQ(after.records[0].sites[0].site_id, "SOA000000005");
}

TEST(SevisDatabaseTest, AcceptedRecordsReturnPhysicalAndMailingAddressChecks) {
  SevisDatabase db;
  CreateRecord c = Create("r1", "Testperson", "Alpha", "2001-02-03");
  c.addresses.physical =
      sevisxml::LogAddress{"5 elm avenue", "apartment 2", "Boston", "MA", "02115"};
  c.addresses.mailing = sevisxml::LogAddress{"PO Box 7", "", "Boston", "MA", "02115-0007"};
  CreateRecord dup = Create("r2", "Testperson", "Alpha", "2001-02-03");  // S1004
  dup.addresses.physical = c.addresses.physical;
  ProcessOutcome out = db.Process(kOrg, Doc({c, dup}), kTime);
  const sevisxml::LogRecord& r = out.records[0];
  ASSERT_TRUE(r.physical_address.corrected.has_value());
  EXPECT_EQ(r.physical_address.corrected->address1, "5 ELM AVE");
  EXPECT_EQ(r.physical_address.corrected->address2, "APT 2");
  EXPECT_EQ(r.physical_address.message, "Override Suggested");
  EXPECT_EQ(r.mailing_address.corrected->address1, "PO BOX 7");
  EXPECT_EQ(r.mailing_address.corrected->postal_code, "02115-0007");
  EXPECT_TRUE(out.records[1].physical_address.empty());

  // Kept with the stored batch across a restart (the download serves it later).
  StoredBatch batch;
  batch.org_id = kOrg;
  batch.batch_id = "SIMTEST0000042";
  batch.log.records = out.records;
  db.AddBatch(batch);
  auto restored = SevisDatabase::Deserialize(db.Serialize());
  ASSERT_TRUE(restored.ok()) << restored.status();
  const StoredBatch* back = restored->FindBatch(kOrg, "SIMTEST0000042");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->log.records[0].physical_address, r.physical_address);
  EXPECT_EQ(back->log.records[0].mailing_address, r.mailing_address);
}

}  // namespace
}  // namespace sevisflow::sim
