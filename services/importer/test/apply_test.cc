#include "apply.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace sevisflow::importer {
namespace {

v1::BatchRecord CreateRecord(const std::string& request_id, const std::string& person,
                             const std::string& last_name) {
  v1::BatchRecord r;
  r.set_request_id(request_id);
  r.set_alert_id(request_id);
  r.set_person_id(person);
  r.set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  v1::Alert* a = r.mutable_alert();
  a->set_alert_id(request_id);
  a->set_org_id("ABC214F12345000");
  a->set_person_id(person);
  a->set_visa_family(v1::VISA_FAMILY_FM);
  a->set_event_type(v1::EVENT_TYPE_CREATE_STUDENT);
  auto* d = a->mutable_create_student();
  d->set_visa_type("01");
  d->set_last_name(last_name);
  d->set_first_name("Ann");
  d->set_middle_name("B");
  d->set_birth_date("2001-02-03");
  d->set_level_of_education("04");
  d->set_program_start_date("2026-08-20");
  d->set_program_end_date("2030-05-15");
  d->set_gender("F");
  d->set_email("p@example.edu");
  d->set_phone("2175550100");
  d->set_primary_major("11.0701");
  d->set_tuition(30000);
  d->mutable_us_address()->set_city("Springfield");
  return r;
}

v1::BatchResult Result() {
  v1::BatchResult result;
  result.set_batch_id("SF000000000007");
  result.set_org_id("ABC214F12345000");
  *result.add_records() = CreateRecord("aaaaaaaaaaaaaaaaaaaa", "P1", "Zed");
  *result.add_records() = CreateRecord("bbbbbbbbbbbbbbbbbbbb", "P2", "Young");
  return result;
}

sevisxml::TransactionLog Log() {
  sevisxml::TransactionLog log;
  log.batch_id = "SF000000000007";
  log.org_id = "ABC214F12345000";
  log.process = sevisxml::LogStage{"S0020", "2026-03-01T10:00:00.000Z"};
  sevisxml::LogRecord ok;
  ok.request_id = "aaaaaaaaaaaaaaaaaaaa";
  ok.sevis_id = "N0000000042";
  ok.success = true;
  ok.process_date = "2026-03-01T10:00:01.000Z";
  sevisxml::LogRecord bad;
  bad.request_id = "bbbbbbbbbbbbbbbbbbbb";
  bad.success = false;
  bad.error_code = "S1004";
  bad.error_message = "Student already exists";
  sevisxml::LogRecord stray;
  stray.request_id = "cccccccccccccccccccc";
  stray.success = true;
  stray.sevis_id = "N0000000043";
  log.records = {ok, bad, stray};
  return log;
}

TEST(PlanImport, AcceptedCreateBecomesInitialMasterRecord) {
  ImportPlan plan = PlanImport(Log(), Result());
  ASSERT_EQ(plan.master_records.size(), 1u);
  const v1::MasterRecord& m = plan.master_records[0];
  EXPECT_EQ(m.org_id(), "ABC214F12345000");
  EXPECT_EQ(m.person_id(), "P1");
  EXPECT_EQ(m.sevis_id(), "N0000000042");
  EXPECT_EQ(m.sevis_status(), v1::SEVIS_STATUS_INITIAL);
  EXPECT_EQ(m.visa_family(), v1::VISA_FAMILY_FM);
  EXPECT_EQ(m.visa_type(), "01");
  EXPECT_EQ(m.last_name(), "Zed");
  EXPECT_EQ(m.first_name(), "Ann");
  EXPECT_EQ(m.middle_name(), "B");
  EXPECT_EQ(m.birth_date(), "2001-02-03");
  EXPECT_EQ(m.level_of_education(), "04");
  EXPECT_EQ(m.program_start_date(), "2026-08-20");
  EXPECT_EQ(m.program_end_date(), "2030-05-15");
  // Everything the update rules compare is kept, so an accepted create raises no update event.
  EXPECT_EQ(m.original_program_end_date(), "2030-05-15");
  EXPECT_EQ(m.gender(), "F");
  EXPECT_EQ(m.email(), "p@example.edu");
  EXPECT_EQ(m.phone(), "2175550100");
  EXPECT_EQ(m.primary_major(), "11.0701");
  EXPECT_EQ(m.tuition(), 30000);
  EXPECT_EQ(m.us_address().city(), "Springfield");
  ASSERT_EQ(m.programs_size(), 1);
  EXPECT_EQ(m.programs(0).status(), "INITIAL");
  EXPECT_EQ(m.programs(0).level_of_education(), "04");
  EXPECT_EQ(m.effective_date(), "2026-03-01");
  EXPECT_EQ(m.last_batch_id(), "SF000000000007");
  EXPECT_EQ(m.last_request_id(), "aaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(m.updated_at(), "2026-03-01T10:00:01.000Z");
}

TEST(PlanImport, EveryMappedRecordGetsAnOutcome) {
  ImportPlan plan = PlanImport(Log(), Result());
  ASSERT_EQ(plan.outcomes.size(), 2u);
  EXPECT_TRUE(plan.outcomes[0].accepted());
  EXPECT_EQ(plan.outcomes[0].sevis_id(), "N0000000042");
  EXPECT_EQ(plan.outcomes[0].alert_id(), "aaaaaaaaaaaaaaaaaaaa");
  EXPECT_EQ(plan.outcomes[0].person_id(), "P1");
  EXPECT_EQ(plan.outcomes[0].batch_id(), "SF000000000007");
  EXPECT_FALSE(plan.outcomes[1].accepted());
  EXPECT_EQ(plan.outcomes[1].error_code(), "S1004");
  EXPECT_EQ(plan.outcomes[1].error_message(), "Student already exists");
  EXPECT_EQ(plan.outcomes[1].person_id(), "P2");
  // No ProcessDate on the record: the Process timestamp is used.
  EXPECT_EQ(plan.outcomes[1].processed_at(), "2026-03-01T10:00:00.000Z");
  ASSERT_EQ(plan.unmatched_request_ids.size(), 1u);
  EXPECT_EQ(plan.unmatched_request_ids[0], "cccccccccccccccccccc");
}

TEST(PlanImport, IsDeterministic) {
  ImportPlan a = PlanImport(Log(), Result());
  ImportPlan b = PlanImport(Log(), Result());
  ASSERT_EQ(a.master_records.size(), b.master_records.size());
  EXPECT_EQ(a.master_records[0].SerializeAsString(), b.master_records[0].SerializeAsString());
  EXPECT_EQ(a.outcomes[1].SerializeAsString(), b.outcomes[1].SerializeAsString());
}

TEST(PlanImport, AcceptedUpdateWithoutMasterRowIsUnapplied) {
  v1::BatchResult result = Result();
  result.mutable_records(0)->set_event_type(v1::EVENT_TYPE_FINANCIAL_INFO);
  result.mutable_records(0)->mutable_alert()->mutable_financial()->set_tuition(1);
  ImportPlan plan = PlanImport(Log(), result);
  EXPECT_TRUE(plan.master_records.empty());
  ASSERT_EQ(plan.unapplied_alert_ids.size(), 1u);
  EXPECT_EQ(plan.outcomes.size(), 2u);
}

// ---- Updates applied to the current master row ----

constexpr char kOrg[] = "ABC214F12345000";
constexpr char kBatch[] = "SF000000000008";
constexpr char kProcessed[] = "2026-04-02T09:30:00.000Z";

// An accepted F/M student held by SEVIS (ACTIVE unless told), the current row of person P1.
v1::MasterRecord Student(v1::SevisStatus status = v1::SEVIS_STATUS_ACTIVE) {
  v1::MasterRecord m;
  m.set_org_id(kOrg);
  m.set_person_id("P1");
  m.set_sevis_id("N0000000042");
  m.set_visa_family(v1::VISA_FAMILY_FM);
  m.set_sevis_status(status);
  m.set_last_name("Zed");
  m.set_first_name("Ann");
  m.set_level_of_education("04");
  m.set_program_start_date("2026-08-20");
  m.set_program_end_date("2030-05-15");
  m.set_tuition(30000);
  m.set_effective_date("2026-03-01");
  v1::MasterProgram* p = m.add_programs();
  p->set_status(status == v1::SEVIS_STATUS_INITIAL ? "INITIAL" : "ACTIVE");
  p->set_level_of_education("04");
  p->set_from_date("2026-08-20");
  p->set_to_date("2030-05-15");
  return m;
}

// One update record for P1; `fill` sets the alert's data.
template <typename Fill>
v1::BatchRecord Update(const std::string& request_id, v1::EventType event, Fill fill,
                       const std::string& person = "P1") {
  v1::BatchRecord r;
  r.set_request_id(request_id);
  r.set_alert_id("alert-" + request_id);
  r.set_person_id(person);
  r.set_event_type(event);
  v1::Alert* a = r.mutable_alert();
  a->set_alert_id("alert-" + request_id);
  a->set_org_id(kOrg);
  a->set_person_id(person);
  a->set_event_type(event);
  a->set_sevis_id("N0000000042");
  fill(*a);
  return r;
}

sevisxml::LogRecord Accepted(const std::string& request_id,
                             std::vector<sevisxml::LogDependent> dependents = {}) {
  sevisxml::LogRecord lr;
  lr.request_id = request_id;
  lr.sevis_id = "N0000000042";
  lr.success = true;
  lr.process_date = kProcessed;
  lr.dependents = std::move(dependents);
  return lr;
}

struct Batch {
  v1::BatchResult result;
  sevisxml::TransactionLog log;
  void Add(v1::BatchRecord record, sevisxml::LogRecord log_record) {
    *result.add_records() = std::move(record);
    log.records.push_back(std::move(log_record));
  }
};

Batch NewBatch() {
  Batch b;
  b.result.set_batch_id(kBatch);
  b.result.set_org_id(kOrg);
  b.log.batch_id = kBatch;
  b.log.org_id = kOrg;
  b.log.process = sevisxml::LogStage{"S0000", kProcessed};
  return b;
}

// Plans the batch against `rows` (the current master rows by MasterKey).
ImportPlan Plan(const Batch& b, const std::map<std::string, v1::MasterRecord>& rows) {
  return PlanImport(b.log, b.result,
                    [&rows](const std::string& org, const std::string& person)
                        -> const v1::MasterRecord* {
                      auto it = rows.find(MasterKey(org, person));
                      return it == rows.end() ? nullptr : &it->second;
                    });
}

std::map<std::string, v1::MasterRecord> Rows(const v1::MasterRecord& m) {
  return {{MasterKey(m.org_id(), m.person_id()), m}};
}

// The single master row a plan changed.
v1::MasterRecord Only(const ImportPlan& plan) {
  EXPECT_EQ(plan.master_records.size(), 1u);
  EXPECT_TRUE(plan.unapplied_alert_ids.empty());
  return plan.master_records.empty() ? v1::MasterRecord() : plan.master_records[0];
}

TEST(ApplyUpdates, PersonalInfoReplacesNamesBioAndAddresses) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_PERSONAL_INFO,
               [](v1::Alert& a) {
                 auto* d = a.mutable_personal_info();
                 d->set_last_name("Newname");
                 d->set_first_name("Ann");
                 d->set_email("new@example.edu");
                 d->set_phone("2175550199");
                 d->mutable_us_address()->set_city("Urbana");
                 d->set_citizenship_country("CA");
               }),
        Accepted("r1"));
  v1::MasterRecord m = Only(Plan(b, Rows(Student())));
  EXPECT_EQ(m.last_name(), "Newname");
  EXPECT_EQ(m.email(), "new@example.edu");
  EXPECT_EQ(m.phone(), "2175550199");
  EXPECT_EQ(m.us_address().city(), "Urbana");
  EXPECT_EQ(m.citizenship_country(), "CA");
  // Untouched parts of the row stay, provenance and the effective-dated row come from the log.
  EXPECT_EQ(m.sevis_id(), "N0000000042");
  EXPECT_EQ(m.tuition(), 30000);
  EXPECT_EQ(m.last_batch_id(), kBatch);
  EXPECT_EQ(m.last_request_id(), "r1");
  EXPECT_EQ(m.updated_at(), kProcessed);
  EXPECT_EQ(m.effective_date(), "2026-04-02");
}

TEST(ApplyUpdates, FinancialInfoAndEvBiographicalAndEvFinancial) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_FINANCIAL_INFO,
               [](v1::Alert& a) {
                 a.mutable_financial()->set_tuition(31000);
                 a.mutable_financial()->set_personal_funds(50000);
               }),
        Accepted("r1"));
  v1::MasterRecord m = Only(Plan(b, Rows(Student())));
  EXPECT_EQ(m.tuition(), 31000);
  EXPECT_EQ(m.personal_funds(), 50000);

  v1::MasterRecord ev = Student();
  ev.set_visa_family(v1::VISA_FAMILY_J);
  Batch j = NewBatch();
  j.Add(Update("j1", v1::EVENT_TYPE_EV_BIOGRAPHICAL,
               [](v1::Alert& a) {
                 a.mutable_biographical()->set_last_name("Other");
                 a.mutable_biographical()->set_position_code("241");
                 a.mutable_biographical()->mutable_mailing_address()->set_city("Peoria");
               }),
        Accepted("j1"));
  j.Add(Update("j2", v1::EVENT_TYPE_EV_FINANCIAL_INFO,
               [](v1::Alert& a) { a.mutable_ev_financial()->set_program_sponsor_funds(9000); }),
        Accepted("j2"));
  v1::MasterRecord n = Only(Plan(j, Rows(ev)));
  EXPECT_EQ(n.last_name(), "Other");
  EXPECT_EQ(n.position_code(), "241");
  EXPECT_EQ(n.mailing_address().city(), "Peoria");
  EXPECT_EQ(n.ev_financial().program_sponsor_funds(), 9000);
}

TEST(ApplyUpdates, ProgramEventsChangeDatesLevelsAndProgramRows) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_PROGRAM_EXTENSION,
               [](v1::Alert& a) { a.mutable_program()->set_program_end_date("2031-05-15"); }),
        Accepted("r1"));
  v1::MasterRecord m = Only(Plan(b, Rows(Student())));
  EXPECT_EQ(m.program_end_date(), "2031-05-15");
  ASSERT_EQ(m.programs_size(), 1);
  EXPECT_EQ(m.programs(0).to_date(), "2031-05-15");

  Batch change = NewBatch();
  change.Add(Update("r2", v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE,
                    [](v1::Alert& a) {
                      a.mutable_program()->set_level_of_education("05");
                      a.mutable_program()->set_primary_major("11.0101");
                      a.mutable_program()->set_program_end_date("2032-05-15");
                      a.mutable_program()->mutable_financial()->set_tuition(40000);
                    }),
             Accepted("r2"));
  v1::MasterRecord c = Only(Plan(change, Rows(Student())));
  EXPECT_EQ(c.level_of_education(), "05");
  EXPECT_EQ(c.primary_major(), "11.0101");
  EXPECT_EQ(c.tuition(), 40000);
  ASSERT_EQ(c.programs_size(), 2);  // the old row stays until SEVIS settles it
  EXPECT_EQ(c.programs(1).level_of_education(), "05");
  EXPECT_EQ(c.programs(1).status(), "ACTIVE");
  EXPECT_EQ(c.programs(1).to_date(), "2032-05-15");

  Batch cancel = NewBatch();
  cancel.Add(Update("r3", v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL,
                    [](v1::Alert& a) { a.mutable_program(); }),
             Accepted("r3"));
  v1::MasterRecord back = Only(Plan(cancel, Rows(c)));
  EXPECT_EQ(back.level_of_education(), "04");
  EXPECT_EQ(back.program_end_date(), "2030-05-15");
  EXPECT_EQ(back.programs(1).status(), "INACTIVE");

  v1::MasterRecord ev = Student();
  ev.set_visa_family(v1::VISA_FAMILY_J);
  Batch j = NewBatch();
  j.Add(Update("j1", v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT,
               [](v1::Alert& a) { a.mutable_ev_program()->set_subject_field_code("14.0801"); }),
        Accepted("j1"));
  j.Add(Update("j2", v1::EVENT_TYPE_EV_PROGRAM_SHORTEN,
               [](v1::Alert& a) { a.mutable_ev_program()->set_program_end_date("2029-01-31"); }),
        Accepted("j2"));
  v1::MasterRecord n = Only(Plan(j, Rows(ev)));
  EXPECT_EQ(n.subject_field_code(), "14.0801");
  EXPECT_EQ(n.program_end_date(), "2029-01-31");
}

TEST(ApplyUpdates, RegistrationActivatesAnInitialStudentAndItsDependents) {
  v1::MasterRecord initial = Student(v1::SEVIS_STATUS_INITIAL);
  v1::MasterDependent* d = initial.add_dependents();
  d->set_dependent_id("D1");
  d->set_relationship_status("INITIAL");
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_REGISTRATION,
               [](v1::Alert& a) {
                 a.mutable_registration()->set_term("2268");
                 a.mutable_registration()->mutable_us_address()->set_city("Champaign");
               }),
        Accepted("r1"));
  v1::MasterRecord m = Only(Plan(b, Rows(initial)));
  EXPECT_EQ(m.sevis_status(), v1::SEVIS_STATUS_ACTIVE);
  EXPECT_EQ(m.registration_term(), "2268");
  EXPECT_EQ(m.us_address().city(), "Champaign");
  EXPECT_EQ(m.programs(0).status(), "ACTIVE");
  EXPECT_EQ(m.dependents(0).relationship_status(), "ACTIVE");
}

TEST(ApplyUpdates, AuthDropBelowAddEditCancel) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD,
               [](v1::Alert& a) {
                 a.mutable_auth_drop_below()->set_reason("01");
                 a.mutable_auth_drop_below()->set_start_date("2026-08-20");
                 a.mutable_auth_drop_below()->set_end_date("2026-12-15");
               }),
        Accepted("r1"));
  b.Add(Update("r2", v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT,
               [](v1::Alert& a) { a.mutable_auth_drop_below()->set_new_end_date("2026-12-20"); }),
        Accepted("r2"));
  v1::MasterRecord m = Only(Plan(b, Rows(Student())));
  EXPECT_EQ(m.auth_reason(), "01");
  EXPECT_EQ(m.auth_start_date(), "2026-08-20");
  EXPECT_EQ(m.auth_end_date(), "2026-12-20");
  Batch c = NewBatch();
  c.Add(Update("r3", v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL,
               [](v1::Alert& a) { a.mutable_auth_drop_below(); }),
        Accepted("r3"));
  v1::MasterRecord n = Only(Plan(c, Rows(m)));
  EXPECT_EQ(n.auth_reason(), "");
  EXPECT_EQ(n.auth_end_date(), "");
}

TEST(ApplyUpdates, EmploymentAndOptEmployerEvents) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD,
               [](v1::Alert& a) {
                 auto* e = a.mutable_employment();
                 e->set_sequence(3);
                 e->set_employment_type("01");
                 e->set_start_date("2030-06-01");
                 e->set_end_date("2031-05-31");
                 e->set_employment_code("05");
                 auto* er = e->add_employers();
                 er->set_employer_number(1);
                 er->set_name("Acme");
               }),
        Accepted("r1"));
  b.Add(Update("r2", v1::EVENT_TYPE_OPT_EMPLOYER_EDIT,
               [](v1::Alert& a) {
                 auto* e = a.mutable_employment();
                 e->set_sequence(3);
                 auto* er = e->add_employers();
                 er->set_employer_number(1);
                 er->set_name("Acme Labs");
                 er->mutable_address()->set_city("Normal");
               }),
        Accepted("r2"));
  b.Add(Update("r3", v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION,
               [](v1::Alert& a) {
                 a.mutable_employment()->set_sequence(3);
                 a.mutable_employment()->set_participation_months(6);
               }),
        Accepted("r3"));
  b.Add(Update("r4", v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD,
               [](v1::Alert& a) {
                 a.mutable_employment()->set_sequence(4);
                 a.mutable_employment()->set_employment_type("02");
                 a.mutable_employment()->set_start_date("2027-01-10");
               }),
        Accepted("r4"));
  b.Add(Update("r5", v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL,
               [](v1::Alert& a) { a.mutable_employment()->set_sequence(4); }),
        Accepted("r5"));
  v1::MasterRecord m = Only(Plan(b, Rows(Student())));
  ASSERT_EQ(m.employment_size(), 2);
  const v1::MasterEmployment& opt = m.employment(0);
  EXPECT_EQ(opt.sequence(), 3);
  EXPECT_EQ(opt.employment_type(), "01");
  EXPECT_EQ(opt.start_date(), "2030-06-01");
  EXPECT_EQ(opt.employment_code(), "05");
  EXPECT_EQ(opt.last_participation_reported(), 6);
  ASSERT_EQ(opt.employers_size(), 1);
  EXPECT_EQ(opt.employers(0).name(), "Acme Labs");
  EXPECT_EQ(opt.employers(0).address().city(), "Normal");
  EXPECT_FALSE(opt.cancel_employment());
  EXPECT_EQ(m.employment(1).employment_type(), "02");
  EXPECT_TRUE(m.employment(1).cancel_employment());
}

TEST(ApplyUpdates, DependentAddTakesTheSevisIdWhoseUserDefinedAIsTheDependentId) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_DEPENDENT_ADD,
               [](v1::Alert& a) {
                 a.mutable_dependent()->set_dependent_id("D2");
                 a.mutable_dependent()->set_relationship("02");
                 a.mutable_dependent()->set_last_name("Zed");
                 a.mutable_dependent()->set_birth_date("2020-01-01");
               }),
        // Another dependent's entry first: matching is by UserDefinedA, not by position.
        Accepted("r1", {{"N0000000901", "D9", ""}, {"N0000000902", "D2", "B"}}));
  ImportPlan plan = Plan(b, Rows(Student()));
  v1::MasterRecord m = Only(plan);
  ASSERT_EQ(m.dependents_size(), 1);
  EXPECT_EQ(m.dependents(0).dependent_id(), "D2");
  EXPECT_EQ(m.dependents(0).dependent_sevis_id(), "N0000000902");
  EXPECT_EQ(m.dependents(0).relationship(), "02");
  EXPECT_EQ(m.dependents(0).relationship_status(), "ACTIVE");
  EXPECT_EQ(m.dependents(0).birth_date(), "2020-01-01");
  // The outcome carries the log's dependents for the SIS write-back.
  ASSERT_EQ(plan.outcomes.size(), 1u);
  ASSERT_EQ(plan.outcomes[0].dependents_size(), 2);
  EXPECT_EQ(plan.outcomes[0].dependents(1).user_defined_a(), "D2");
  EXPECT_EQ(plan.outcomes[0].dependents(1).dependent_sevis_id(), "N0000000902");
}

TEST(ApplyUpdates, DependentStatusEvents) {
  v1::MasterRecord base = Student();
  for (const char* id : {"D1", "D2", "D3"}) {
    v1::MasterDependent* d = base.add_dependents();
    d->set_dependent_id(id);
    d->set_dependent_sevis_id(std::string("N00000009") + id);
    d->set_relationship_status("ACTIVE");
  }
  auto dep = [](const char* id, const char* reason) {
    return [id, reason](v1::Alert& a) {
      a.mutable_dependent()->set_dependent_id(id);
      a.mutable_dependent()->set_reason(reason);
    };
  };
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_DEPENDENT_TERMINATE, dep("D1", "03")), Accepted("r1"));
  b.Add(Update("r2", v1::EVENT_TYPE_DEPENDENT_CANCEL, dep("D2", "01")), Accepted("r2"));
  b.Add(Update("r3", v1::EVENT_TYPE_DEPENDENT_EDIT,
               [](v1::Alert& a) {
                 a.mutable_dependent()->set_dependent_id("D3");
                 a.mutable_dependent()->set_first_name("Renamed");
               }),
        Accepted("r3"));
  v1::MasterRecord m = Only(Plan(b, Rows(base)));
  ASSERT_EQ(m.dependents_size(), 3);
  EXPECT_EQ(m.dependents(0).relationship_status(), "TERMINATED");
  EXPECT_EQ(m.dependents(0).termination_reason(), "03");
  EXPECT_EQ(m.dependents(1).relationship_status(), "CANCELLED");
  EXPECT_EQ(m.dependents(1).cancel_reason(), "01");
  EXPECT_EQ(m.dependents(2).first_name(), "Renamed");
  EXPECT_EQ(m.dependents(2).dependent_sevis_id(), "N00000009D3");  // Edit keeps what it omits

  Batch again = NewBatch();
  again.Add(Update("r4", v1::EVENT_TYPE_DEPENDENT_REACTIVATE, dep("D1", "")), Accepted("r4"));
  EXPECT_EQ(Only(Plan(again, Rows(m))).dependents(0).relationship_status(), "ACTIVE");

  v1::MasterRecord ev = base;
  ev.set_visa_family(v1::VISA_FAMILY_J);
  Batch j = NewBatch();
  j.Add(Update("j1", v1::EVENT_TYPE_EV_DEPENDENT_DELETE, dep("D1", "")), Accepted("j1"));
  j.Add(Update("j2", v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS, dep("D2", "")), Accepted("j2"));
  j.Add(Update("j3", v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE, dep("D3", "04")), Accepted("j3"));
  v1::MasterRecord n = Only(Plan(j, Rows(ev)));
  EXPECT_EQ(n.dependents(0).relationship_status(), "DELETED");
  EXPECT_EQ(n.dependents(1).relationship_status(), "INACTIVE");
  EXPECT_EQ(n.dependents(2).relationship_status(), "TERMINATED");
}

TEST(ApplyUpdates, SitesOfActivityAddEditDelete) {
  v1::MasterRecord ev = Student();
  ev.set_visa_family(v1::VISA_FAMILY_J);
  v1::MasterSite* s = ev.add_sites();
  s->set_site_id("S1");
  s->set_name("Main lab");
  s->set_status("ACTIVE");
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD,
               [](v1::Alert& a) {
                 a.mutable_site_of_activity()->set_site_id("S2");
                 a.mutable_site_of_activity()->set_name("Field station");
                 a.mutable_site_of_activity()->mutable_address()->set_city("Havana");
               }),
        Accepted("r1"));
  b.Add(Update("r2", v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT,
               [](v1::Alert& a) {
                 a.mutable_site_of_activity()->set_site_id("S2");
                 a.mutable_site_of_activity()->set_sevis_name("Field station");
                 a.mutable_site_of_activity()->set_name("North station");
               }),
        Accepted("r2"));
  b.Add(Update("r3", v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE,
               [](v1::Alert& a) {
                 a.mutable_site_of_activity()->set_site_id("S1");
                 a.mutable_site_of_activity()->set_sevis_name("Main lab");
               }),
        Accepted("r3"));
  v1::MasterRecord m = Only(Plan(b, Rows(ev)));
  ASSERT_EQ(m.sites_size(), 2);
  EXPECT_EQ(m.sites(0).status(), "INACTIVE");
  EXPECT_EQ(m.sites(1).site_id(), "S2");
  EXPECT_EQ(m.sites(1).name(), "North station");
  EXPECT_EQ(m.sites(1).status(), "ACTIVE");
}

TEST(ApplyUpdates, StatusEventsSetTheSevisStatus) {
  struct Case {
    v1::EventType event;
    v1::SevisStatus status;
  };
  for (const Case& c : {Case{v1::EVENT_TYPE_STATUS_CANCEL, v1::SEVIS_STATUS_CANCELLED},
                        Case{v1::EVENT_TYPE_STATUS_COMPLETE, v1::SEVIS_STATUS_COMPLETED},
                        Case{v1::EVENT_TYPE_STATUS_TERMINATE, v1::SEVIS_STATUS_TERMINATED},
                        Case{v1::EVENT_TYPE_EV_STATUS_TERMINATE, v1::SEVIS_STATUS_TERMINATED},
                        Case{v1::EVENT_TYPE_EV_STATUS_INVALID, v1::SEVIS_STATUS_INVALID},
                        Case{v1::EVENT_TYPE_EV_STATUS_NO_SHOW, v1::SEVIS_STATUS_NO_SHOW},
                        Case{v1::EVENT_TYPE_STATUS_VERIFY, v1::SEVIS_STATUS_ACTIVE}}) {
    Batch b = NewBatch();
    b.Add(Update("r1", c.event,
                 [](v1::Alert& a) {
                   a.mutable_status()->set_reason("07");
                   a.mutable_status()->set_program_action("DISC");
                 }),
          Accepted("r1"));
    v1::MasterRecord m = Only(Plan(b, Rows(Student())));
    EXPECT_EQ(m.sevis_status(), c.status) << v1::EventType_Name(c.event);
    // Every accepted record is a new effective-dated row (Status - Verify counts from it).
    EXPECT_EQ(m.effective_date(), "2026-04-02") << v1::EventType_Name(c.event);
    if (c.event == v1::EVENT_TYPE_STATUS_CANCEL) {
      EXPECT_EQ(m.cancel_reason(), "07");
    }
    if (c.event == v1::EVENT_TYPE_STATUS_TERMINATE) {
      ASSERT_EQ(m.program_actions_size(), 1);
      EXPECT_EQ(m.program_actions(0), "DISC");
    }
  }
  Batch cap = NewBatch();
  cap.Add(Update("r1", v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION,
                 [](v1::Alert& a) { a.mutable_status()->set_cap_gap_status("H1B"); }),
          Accepted("r1"));
  EXPECT_EQ(Only(Plan(cap, Rows(Student()))).cap_gap_status(), "H1B");
}

TEST(ApplyUpdates, ValidateActivatesAnExchangeVisitor) {
  v1::MasterRecord ev = Student(v1::SEVIS_STATUS_INITIAL);
  ev.set_visa_family(v1::VISA_FAMILY_J);
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_EV_VALIDATE,
               [](v1::Alert& a) {
                 a.mutable_validate()->set_email("v@example.edu");
                 a.mutable_validate()->mutable_us_address()->set_postal_code("61801");
               }),
        Accepted("r1"));
  v1::MasterRecord m = Only(Plan(b, Rows(ev)));
  EXPECT_EQ(m.sevis_status(), v1::SEVIS_STATUS_ACTIVE);
  EXPECT_EQ(m.email(), "v@example.edu");
  EXPECT_EQ(m.us_address().postal_code(), "61801");
}

TEST(ApplyUpdates, CreateExchangeVisitorIsANewJMasterWithDependentSevisIds) {
  Batch b = NewBatch();
  v1::BatchRecord r = Update("c1", v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR, [](v1::Alert& a) {
    a.set_visa_family(v1::VISA_FAMILY_J);
    auto* d = a.mutable_create_exchange_visitor();
    d->set_last_name("Visitor");
    d->set_first_name("Eve");
    d->set_birth_date("1990-05-06");
    d->set_program_category("1A");
    d->set_program_start_date("2026-09-01");
    d->set_program_end_date("2027-08-31");
    d->set_subject_field_code("14.0801");
    d->mutable_financial()->set_personal_funds(20000);
    for (const char* id : {"D1", "D2"}) {
      auto* dep = d->add_dependents();
      dep->set_dependent_id(id);
      dep->set_relationship("02");
    }
    auto* site = d->add_sites();
    site->set_site_id("S1");
    site->set_name("Main lab");
  });
  b.Add(r, Accepted("c1", {{"N0000000502", "D2", ""}, {"N0000000501", "D1", ""}}));
  v1::MasterRecord m = Only(Plan(b, {}));
  EXPECT_EQ(m.visa_family(), v1::VISA_FAMILY_J);
  EXPECT_EQ(m.sevis_status(), v1::SEVIS_STATUS_INITIAL);
  EXPECT_EQ(m.sevis_id(), "N0000000042");
  EXPECT_EQ(m.last_name(), "Visitor");
  EXPECT_EQ(m.program_category(), "1A");
  EXPECT_EQ(m.program_end_date(), "2027-08-31");
  EXPECT_EQ(m.subject_field_code(), "14.0801");
  EXPECT_EQ(m.ev_financial().personal_funds(), 20000);
  ASSERT_EQ(m.dependents_size(), 2);
  EXPECT_EQ(m.dependents(0).dependent_id(), "D1");
  EXPECT_EQ(m.dependents(0).dependent_sevis_id(), "N0000000501");
  EXPECT_EQ(m.dependents(1).dependent_sevis_id(), "N0000000502");
  EXPECT_EQ(m.dependents(0).relationship_status(), "INITIAL");
  ASSERT_EQ(m.sites_size(), 1);
  EXPECT_EQ(m.sites(0).status(), "ACTIVE");
  EXPECT_EQ(m.effective_date(), "2026-04-02");
}

TEST(ApplyUpdates, SeveralRecordsOfOnePersonApplyInLogOrderOntoOneRow) {
  v1::MasterRecord p2 = Student();
  p2.set_person_id("P2");
  std::map<std::string, v1::MasterRecord> rows = Rows(Student());
  rows.emplace(MasterKey(kOrg, "P2"), p2);
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_PERSONAL_INFO,
               [](v1::Alert& a) {
                 a.mutable_personal_info()->set_last_name("First");
                 a.mutable_personal_info()->set_email("a@example.edu");
               }),
        Accepted("r1"));
  b.Add(Update("r2", v1::EVENT_TYPE_FINANCIAL_INFO,
               [](v1::Alert& a) { a.mutable_financial()->set_tuition(1234); }, "P2"),
        Accepted("r2"));
  b.Add(Update("r3", v1::EVENT_TYPE_DEPENDENT_ADD,
               [](v1::Alert& a) { a.mutable_dependent()->set_dependent_id("D1"); }),
        Accepted("r3", {{"N0000000777", "D1", ""}}));
  b.Add(Update("r4", v1::EVENT_TYPE_PERSONAL_INFO,
               [](v1::Alert& a) {
                 a.mutable_personal_info()->set_last_name("Second");
                 a.mutable_personal_info()->set_email("a@example.edu");
               }),
        Accepted("r4"));
  sevisxml::LogRecord rejected = Accepted("r5");
  rejected.success = false;
  rejected.error_code = "S1003";
  b.Add(Update("r5", v1::EVENT_TYPE_FINANCIAL_INFO,
               [](v1::Alert& a) { a.mutable_financial()->set_tuition(1); }),
        rejected);
  ImportPlan plan = Plan(b, rows);
  ASSERT_EQ(plan.master_records.size(), 2u);
  const v1::MasterRecord& m = plan.master_records[0];
  EXPECT_EQ(m.person_id(), "P1");
  EXPECT_EQ(m.last_name(), "Second");  // the later record wins
  EXPECT_EQ(m.email(), "a@example.edu");
  ASSERT_EQ(m.dependents_size(), 1);   // the dependent added in between is not lost
  EXPECT_EQ(m.dependents(0).dependent_sevis_id(), "N0000000777");
  EXPECT_EQ(m.tuition(), 30000);       // the rejected record changed nothing
  EXPECT_EQ(m.last_request_id(), "r4");
  EXPECT_EQ(plan.master_records[1].person_id(), "P2");
  EXPECT_EQ(plan.master_records[1].tuition(), 1234);
  EXPECT_EQ(plan.outcomes.size(), 5u);
}

TEST(ApplyUpdates, ReplayIsIdenticalAndReapplyingAddsNothingTwice) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_DEPENDENT_ADD,
               [](v1::Alert& a) { a.mutable_dependent()->set_dependent_id("D1"); }),
        Accepted("r1", {{"N0000000777", "D1", ""}}));
  b.Add(Update("r2", v1::EVENT_TYPE_OPT_EMPLOYER_ADD,
               [](v1::Alert& a) {
                 a.mutable_employment()->set_sequence(1);
                 a.mutable_employment()->add_employers()->set_employer_number(2);
               }),
        Accepted("r2"));
  b.Add(Update("r3", v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD,
               [](v1::Alert& a) { a.mutable_site_of_activity()->set_site_id("S9"); }),
        Accepted("r3"));
  const auto rows = Rows(Student());
  ImportPlan first = Plan(b, rows);
  ImportPlan second = Plan(b, rows);
  ASSERT_EQ(first.master_records.size(), 1u);
  ASSERT_EQ(second.master_records.size(), 1u);
  EXPECT_EQ(first.master_records[0].SerializeAsString(),
            second.master_records[0].SerializeAsString());
  ASSERT_EQ(first.outcomes.size(), second.outcomes.size());
  for (size_t i = 0; i < first.outcomes.size(); ++i) {
    EXPECT_EQ(first.outcomes[i].SerializeAsString(), second.outcomes[i].SerializeAsString());
  }
  // A replay after the row was already stored (crash before the imported marker) re-applies
  // onto the new row: nothing is duplicated and the row is unchanged.
  ImportPlan again = Plan(b, Rows(first.master_records[0]));
  ASSERT_EQ(again.master_records.size(), 1u);
  EXPECT_EQ(again.master_records[0].SerializeAsString(),
            first.master_records[0].SerializeAsString());
}

TEST(ApplyUpdates, AlertWithoutItsDataChangesNothing) {
  Batch b = NewBatch();
  b.Add(Update("r1", v1::EVENT_TYPE_PERSONAL_INFO,
               [](v1::Alert& a) { a.mutable_financial()->set_tuition(1); }),
        Accepted("r1"));
  ImportPlan plan = Plan(b, Rows(Student()));
  EXPECT_TRUE(plan.master_records.empty());
  ASSERT_EQ(plan.unapplied_alert_ids.size(), 1u);
  EXPECT_EQ(plan.unapplied_alert_ids[0], "alert-r1");
  ASSERT_EQ(plan.outcomes.size(), 1u);
  EXPECT_TRUE(plan.outcomes[0].accepted());
}

TEST(PdfFilings, MatchedBySevisIdInTheName) {
  ImportPlan plan = PlanImport(Log(), Result());
  auto filings = PlanPdfFilings({"sevis_transaction_log.xml", "N0000000042_SF000000000007.pdf",
                                 "N0000000099_SF000000000007.pdf", "notes.txt"},
                                plan, "SF000000000007");
  ASSERT_EQ(filings.size(), 1u);
  EXPECT_EQ(filings[0].entry_name, "N0000000042_SF000000000007.pdf");
  EXPECT_EQ(filings[0].relative_path,
            "ABC214F12345000/persons/P1/SF000000000007_N0000000042.pdf");
}

TEST(PdfFilings, UnsafePersonIdIsNeverAPath) {
  v1::BatchResult result = Result();
  result.mutable_records(0)->set_person_id("../../etc");
  ImportPlan plan = PlanImport(Log(), result);
  EXPECT_TRUE(PlanPdfFilings({"x_N0000000042.pdf"}, plan, "SF000000000007").empty());
}

TEST(Keys, MasterKeyAndSafeComponents) {
  EXPECT_EQ(MasterKey("ABC214F12345000", "P1"), "ABC214F12345000/P1");
  EXPECT_TRUE(IsSafePathComponent("P-1-12345"));
  EXPECT_FALSE(IsSafePathComponent(".."));
  EXPECT_FALSE(IsSafePathComponent("a/b"));
  EXPECT_FALSE(IsSafePathComponent(""));
}

}  // namespace
}  // namespace sevisflow::importer
