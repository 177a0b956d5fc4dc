#include "apply.h"

#include <map>

#include "sevisflow/docstore/docstore.h"

namespace sevisflow::importer {
namespace {

bool EndsWithPdf(std::string_view name) {
  if (name.size() < 4) return false;
  std::string_view ext = name.substr(name.size() - 4);
  return ext == ".pdf" || ext == ".PDF";
}

// The master row an accepted Create Student establishes (rule book: "Create Student" puts the
// student in INITIAL status with the data sent).
v1::MasterRecord MasterFromCreate(const v1::BatchRecord& rec, const v1::BatchResult& result,
                                  const sevisxml::LogRecord& log_record,
                                  const std::string& processed_at) {
  const v1::Alert& alert = rec.alert();
  const v1::CreateStudentData& data = alert.create_student();
  v1::MasterRecord m;
  m.set_org_id(result.org_id());
  m.set_person_id(rec.person_id());
  m.set_sevis_id(log_record.sevis_id);
  m.set_visa_family(alert.visa_family() == v1::VISA_FAMILY_UNSPECIFIED ? v1::VISA_FAMILY_FM
                                                                        : alert.visa_family());
  m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  m.set_visa_type(data.visa_type());
  m.set_last_name(data.last_name());
  m.set_first_name(data.first_name());
  m.set_middle_name(data.middle_name());
  m.set_suffix(data.suffix());
  m.set_preferred_name(data.preferred_name());
  m.set_passport_name(data.passport_name());
  m.set_birth_date(data.birth_date());
  m.set_gender(data.gender());
  m.set_birth_country(data.birth_country());
  m.set_citizenship_status(data.citizenship_status());
  m.set_citizenship_country(data.citizenship_country());
  m.set_phone(data.phone());
  m.set_email(data.email());
  m.set_admission_number(data.admission_number());
  m.set_commuter(data.commuter());
  if (data.has_us_address()) *m.mutable_us_address() = data.us_address();
  m.set_us_address_explanation_code(data.us_address_explanation_code());
  m.set_us_address_explanation(data.us_address_explanation());
  if (data.has_foreign_address()) *m.mutable_foreign_address() = data.foreign_address();
  m.set_level_of_education(data.level_of_education());
  m.set_program_start_date(data.program_start_date());
  m.set_program_end_date(data.program_end_date());
  m.set_original_program_end_date(data.program_end_date());
  m.set_initial_session_start_date(data.initial_session_start_date());
  m.set_english_proficiency_required(data.english_proficiency_required());
  m.set_english_proficiency_met(data.english_proficiency_met());
  m.set_primary_major(data.primary_major());
  m.set_secondary_major(data.secondary_major());
  m.set_minor(data.minor());
  v1::MasterProgram* program = m.add_programs();
  program->set_status("INITIAL");
  program->set_effective_date(processed_at.substr(0, 10));
  program->set_level_of_education(data.level_of_education());
  program->set_from_date(data.program_start_date());
  program->set_to_date(data.program_end_date());
  m.set_months_in_academic_term(data.months_in_academic_term());
  m.set_tuition(data.tuition());
  m.set_living_expenses(data.living_expenses());
  m.set_dependent_expenses(data.dependent_expenses());
  m.set_other_expenses(data.other_expenses());
  m.set_personal_funds(data.personal_funds());
  m.set_school_funds(data.school_funds());
  m.set_other_source_funds(data.other_source_funds());
  m.set_on_campus_employment(data.on_campus_employment());
  // The date of the row SEVIS created: Status - Verify counts 180 days from it.
  m.set_effective_date(processed_at.substr(0, 10));
  m.set_last_batch_id(result.batch_id());
  m.set_last_request_id(log_record.request_id);
  m.set_updated_at(processed_at);
  return m;
}

}  // namespace

std::string MasterKey(std::string_view org_id, std::string_view person_id) {
  return std::string(org_id) + "/" + std::string(person_id);
}

bool IsSafePathComponent(std::string_view s) {
  return !s.empty() && s != "." && s != ".." && s.find_first_of("/\\") == std::string_view::npos &&
         s.find('\0') == std::string_view::npos;
}

ImportPlan PlanImport(const sevisxml::TransactionLog& log, const v1::BatchResult& result) {
  std::map<std::string, const v1::BatchRecord*> by_request;
  for (const auto& rec : result.records()) by_request[rec.request_id()] = &rec;
  const std::string process_time = log.process ? log.process->timestamp : std::string();

  ImportPlan plan;
  for (const auto& lr : log.records) {
    auto it = by_request.find(lr.request_id);
    if (it == by_request.end()) {
      plan.unmatched_request_ids.push_back(lr.request_id);
      continue;
    }
    const v1::BatchRecord& rec = *it->second;
    const std::string processed_at = lr.process_date.empty() ? process_time : lr.process_date;

    v1::Outcome o;
    o.set_alert_id(rec.alert_id());
    o.set_batch_id(result.batch_id());
    o.set_request_id(lr.request_id);
    o.set_org_id(result.org_id());
    o.set_person_id(rec.person_id());
    o.set_accepted(lr.success);
    o.set_sevis_id(lr.sevis_id);
    if (!lr.success) {
      o.set_error_code(lr.error_code);
      o.set_error_message(lr.error_message);
    }
    o.set_processed_at(processed_at);
    for (const auto& d : lr.dependents) {
      auto* od = o.add_dependents();
      od->set_user_defined_a(d.user_defined_a);
      od->set_user_defined_b(d.user_defined_b);
      od->set_dependent_sevis_id(d.dependent_sevis_id);
    }
    plan.outcomes.push_back(std::move(o));

    if (!lr.success) continue;  // a rejected record changes nothing in the master
    const v1::EventType event =
        rec.event_type() != v1::EVENT_TYPE_UNSPECIFIED ? rec.event_type()
                                                       : rec.alert().event_type();
    if (event == v1::EVENT_TYPE_CREATE_STUDENT && rec.alert().has_create_student() &&
        !lr.sevis_id.empty()) {
      plan.master_records.push_back(MasterFromCreate(rec, result, lr, processed_at));
    } else {
      plan.unapplied_alert_ids.push_back(rec.alert_id());
    }
  }
  return plan;
}

std::vector<PdfFiling> PlanPdfFilings(const std::vector<std::string>& entry_names,
                                      const ImportPlan& plan, std::string_view batch_id) {
  std::vector<PdfFiling> filings;
  for (const auto& name : entry_names) {
    if (!EndsWithPdf(name)) continue;
    for (const auto& o : plan.outcomes) {
      if (!o.accepted() || o.sevis_id().empty()) continue;
      if (name.find(o.sevis_id()) == std::string::npos) continue;
      if (!IsSafePathComponent(o.org_id()) || !IsSafePathComponent(o.person_id()) ||
          !IsSafePathComponent(o.sevis_id())) {
        continue;
      }
      PdfFiling f;
      f.entry_name = name;
      f.org_id = o.org_id();
      f.person_id = o.person_id();
      f.sevis_id = o.sevis_id();
      f.relative_path = docstore::PersonDir(o.org_id(), o.person_id()) + "/" +
                        std::string(batch_id) + "_" + o.sevis_id() + ".pdf";
      filings.push_back(std::move(f));
      break;
    }
  }
  return filings;
}

}  // namespace sevisflow::importer
