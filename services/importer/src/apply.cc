#include "apply.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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


// The date of the row a record creates: every accepted record adds an effective-dated row in
// SEVIS, which Status - Verify counts 180 days from.
std::string DateOf(const std::string& processed_at) { return processed_at.substr(0, 10); }

void SetIfNotEmpty(const std::string& value, std::string* field) {
  if (!value.empty()) *field = value;
}

// The dependentSevisID SEVIS returned for the SIS dependent: the log Dependent whose
// UserDefinedA is the SIS dependent id (the writers put it there).
std::string NewDependentSevisId(const sevisxml::LogRecord& lr, const std::string& dependent_id) {
  if (dependent_id.empty()) return {};
  for (const auto& d : lr.dependents) {
    if (d.user_defined_a == dependent_id) return d.dependent_sevis_id;
  }
  return {};
}

// A new dependent held as INITIAL while the principal is, ACTIVE once the principal is.
std::string NewDependentStatus(const v1::MasterRecord& m) {
  return m.sevis_status() == v1::SEVIS_STATUS_ACTIVE ? "ACTIVE" : "INITIAL";
}

// Bio of a dependent. `all`: every value (Add, Create); else only values sent (Edit).
void SetDependentBio(const v1::DependentData& d, bool all, v1::MasterDependent* md) {
  auto set = [all](const std::string& v, std::string* f) {
    if (all || !v.empty()) *f = v;
  };
  set(d.relationship(), md->mutable_relationship());
  set(d.last_name(), md->mutable_last_name());
  set(d.first_name(), md->mutable_first_name());
  set(d.middle_name(), md->mutable_middle_name());
  set(d.suffix(), md->mutable_suffix());
  set(d.preferred_name(), md->mutable_preferred_name());
  set(d.passport_name(), md->mutable_passport_name());
  set(d.birth_date(), md->mutable_birth_date());
  set(d.gender(), md->mutable_gender());
  set(d.birth_city(), md->mutable_birth_city());
  set(d.birth_country(), md->mutable_birth_country());
  set(d.citizenship_status(), md->mutable_citizenship_status());
  set(d.citizenship_country(), md->mutable_citizenship_country());
  set(d.email(), md->mutable_email());
  set(d.permanent_residence_country(), md->mutable_permanent_residence_country());
  set(d.birth_country_reason(), md->mutable_birth_country_reason());
}

// The master's dependent for the alert's dependent: by SIS dependent id, else by SEVIS id.
v1::MasterDependent* FindDependent(v1::MasterRecord* m, const v1::DependentData& d) {
  for (auto& md : *m->mutable_dependents()) {
    if (!d.dependent_id().empty() && md.dependent_id() == d.dependent_id()) return &md;
  }
  for (auto& md : *m->mutable_dependents()) {
    if (!d.dependent_sevis_id().empty() && md.dependent_sevis_id() == d.dependent_sevis_id()) {
      return &md;
    }
  }
  return nullptr;
}

// The dependent row an event applies to; a missing one is added (the master then holds what
// SEVIS holds after the record, even if the earlier row was never imported).
v1::MasterDependent* DependentRow(v1::MasterRecord* m, const v1::DependentData& d) {
  v1::MasterDependent* md = FindDependent(m, d);
  if (md == nullptr) {
    md = m->add_dependents();
    md->set_dependent_id(d.dependent_id());
    md->set_dependent_sevis_id(d.dependent_sevis_id());
    SetDependentBio(d, /*all=*/true, md);
  }
  return md;
}

void AddDependent(const v1::DependentData& d, const sevisxml::LogRecord& lr,
                  const std::string& status, v1::MasterRecord* m) {
  // Idempotent: a dependent already held (a replay) is updated, never duplicated.
  v1::MasterDependent* md = FindDependent(m, d);
  if (md == nullptr) md = m->add_dependents();
  md->set_dependent_id(d.dependent_id());
  std::string sevis_id = NewDependentSevisId(lr, d.dependent_id());
  if (sevis_id.empty()) sevis_id = d.dependent_sevis_id();
  if (!sevis_id.empty()) md->set_dependent_sevis_id(sevis_id);
  SetDependentBio(d, /*all=*/true, md);
  md->set_relationship_status(status);
}

void SetFinancial(const v1::FinancialData& f, v1::MasterRecord* m) {
  m->set_months_in_academic_term(f.months_in_academic_term());
  m->set_tuition(f.tuition());
  m->set_living_expenses(f.living_expenses());
  m->set_dependent_expenses(f.dependent_expenses());
  m->set_other_expenses(f.other_expenses());
  m->set_personal_funds(f.personal_funds());
  m->set_school_funds(f.school_funds());
  m->set_other_source_funds(f.other_source_funds());
  m->set_on_campus_employment(f.on_campus_employment());
}

// The program row the current program dates belong to: the newest row not INACTIVE.
v1::MasterProgram* CurrentProgram(v1::MasterRecord* m) {
  for (int i = m->programs_size() - 1; i >= 0; --i) {
    if (m->programs(i).status() != "INACTIVE") return m->mutable_programs(i);
  }
  return nullptr;
}

// INITIAL -> ACTIVE (Registration of an F/M student, Validate of an exchange visitor): the
// program rows and dependents held as INITIAL become ACTIVE with the principal.
void Activate(v1::MasterRecord* m) {
  if (m->sevis_status() != v1::SEVIS_STATUS_INITIAL) return;
  m->set_sevis_status(v1::SEVIS_STATUS_ACTIVE);
  for (auto& p : *m->mutable_programs()) {
    if (p.status() == "INITIAL") p.set_status("ACTIVE");
  }
  for (auto& d : *m->mutable_dependents()) {
    if (d.relationship_status() == "INITIAL") d.set_relationship_status("ACTIVE");
  }
}

void ApplyPersonalInfo(const v1::PersonalInfoData& d, v1::MasterRecord* m) {
  // PersonalInfoData holds the full current values: each replaces the master's.
  m->set_last_name(d.last_name());
  m->set_first_name(d.first_name());
  m->set_middle_name(d.middle_name());
  m->set_suffix(d.suffix());
  m->set_preferred_name(d.preferred_name());
  m->set_passport_name(d.passport_name());
  m->set_birth_date(d.birth_date());
  m->set_gender(d.gender());
  m->set_birth_city(d.birth_city());
  m->set_birth_country(d.birth_country());
  m->set_citizenship_status(d.citizenship_status());
  m->set_citizenship_country(d.citizenship_country());
  m->set_phone(d.phone());
  m->set_email(d.email());
  m->set_admission_number(d.admission_number());
  m->set_commuter(d.commuter());
  if (d.has_us_address()) *m->mutable_us_address() = d.us_address();
  m->set_us_address_explanation_code(d.us_address_explanation_code());
  m->set_us_address_explanation(d.us_address_explanation());
  if (d.has_foreign_address()) *m->mutable_foreign_address() = d.foreign_address();
}

void ApplyBiographical(const v1::BiographicalData& d, v1::MasterRecord* m) {
  m->set_last_name(d.last_name());
  m->set_first_name(d.first_name());
  m->set_middle_name(d.middle_name());
  m->set_suffix(d.suffix());
  m->set_preferred_name(d.preferred_name());
  m->set_passport_name(d.passport_name());
  m->set_birth_date(d.birth_date());
  m->set_gender(d.gender());
  m->set_birth_city(d.birth_city());
  m->set_birth_country(d.birth_country());
  m->set_birth_country_reason(d.birth_country_reason());
  m->set_citizenship_country(d.citizenship_country());
  m->set_permanent_residence_country(d.permanent_residence_country());
  m->set_phone(d.phone());
  m->set_email(d.email());
  m->set_position_code(d.position_code());
  if (d.has_us_address()) *m->mutable_us_address() = d.us_address();
  m->set_us_address_explanation_code(d.us_address_explanation_code());
  m->set_us_address_explanation(d.us_address_explanation());
  if (d.has_mailing_address()) *m->mutable_mailing_address() = d.mailing_address();
  m->set_mailing_address_explanation_code(d.mailing_address_explanation_code());
  m->set_mailing_address_explanation(d.mailing_address_explanation());
}

void ApplyProgram(v1::EventType event, const v1::ProgramData& d, const std::string& date,
                  v1::MasterRecord* m) {
  v1::MasterProgram* row = CurrentProgram(m);
  switch (event) {
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE: {
      // SEVIS adds a program row for the new level; the old one stays until SEVIS settles it.
      SetIfNotEmpty(d.level_of_education(), m->mutable_level_of_education());
      SetIfNotEmpty(d.primary_major(), m->mutable_primary_major());
      SetIfNotEmpty(d.secondary_major(), m->mutable_secondary_major());
      SetIfNotEmpty(d.minor(), m->mutable_minor());
      SetIfNotEmpty(d.program_start_date(), m->mutable_program_start_date());
      SetIfNotEmpty(d.program_end_date(), m->mutable_program_end_date());
      m->set_english_proficiency_required(d.english_proficiency_required());
      m->set_english_proficiency_met(d.english_proficiency_met());
      if (d.has_financial()) SetFinancial(d.financial(), m);
      v1::MasterProgram* p = m->add_programs();
      p->set_status(m->sevis_status() == v1::SEVIS_STATUS_ACTIVE ? "ACTIVE" : "INITIAL");
      p->set_effective_date(date);
      p->set_level_of_education(m->level_of_education());
      p->set_from_date(m->program_start_date());
      p->set_to_date(m->program_end_date());
      return;
    }
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL: {
      // The changed level's row is cancelled; the level falls back to the row before it
      // (or to the level the alert names).
      if (m->programs_size() > 1 && row != nullptr) row->set_status("INACTIVE");
      v1::MasterProgram* previous = CurrentProgram(m);
      std::string level = d.level_of_education();
      if (level.empty() && previous != nullptr) level = previous->level_of_education();
      SetIfNotEmpty(level, m->mutable_level_of_education());
      if (previous != nullptr) {
        SetIfNotEmpty(previous->from_date(), m->mutable_program_start_date());
        SetIfNotEmpty(previous->to_date(), m->mutable_program_end_date());
      }
      return;
    }
    case v1::EVENT_TYPE_PROGRAM_EDIT:
      SetIfNotEmpty(d.level_of_education(), m->mutable_level_of_education());
      SetIfNotEmpty(d.primary_major(), m->mutable_primary_major());
      SetIfNotEmpty(d.secondary_major(), m->mutable_secondary_major());
      SetIfNotEmpty(d.minor(), m->mutable_minor());
      m->set_english_proficiency_required(d.english_proficiency_required());
      m->set_english_proficiency_met(d.english_proficiency_met());
      if (row != nullptr) SetIfNotEmpty(d.level_of_education(), row->mutable_level_of_education());
      return;
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION:
      SetIfNotEmpty(d.initial_session_start_date(), m->mutable_initial_session_start_date());
      SetIfNotEmpty(d.program_start_date(), m->mutable_program_start_date());
      if (row != nullptr) SetIfNotEmpty(d.program_start_date(), row->mutable_from_date());
      return;
    default:  // Program - Extension, Shorten, Cancel Extension: the new program end date
      SetIfNotEmpty(d.program_end_date(), m->mutable_program_end_date());
      if (row != nullptr) SetIfNotEmpty(d.program_end_date(), row->mutable_to_date());
      return;
  }
}

v1::MasterEmployer EmployerFrom(const v1::EmployerData& e) {
  v1::MasterEmployer me;
  me.set_employer_number(e.employer_number());
  me.set_name(e.name());
  if (e.has_address()) *me.mutable_address() = e.address();
  me.set_start_date(e.start_date());
  me.set_end_date(e.end_date());
  return me;
}

// Adds the employer or, when the employment already holds its number, replaces it.
void PutEmployer(const v1::EmployerData& e, v1::MasterEmployment* row) {
  for (auto& me : *row->mutable_employers()) {
    if (me.employer_number() == e.employer_number()) {
      me = EmployerFrom(e);
      return;
    }
  }
  *row->add_employers() = EmployerFrom(e);
}

// The employment an event is about: by sequence, else by the dates (and type) SEVIS holds; a
// missing one is added.
v1::MasterEmployment* EmploymentRow(const v1::EmploymentData& d, v1::MasterRecord* m) {
  for (auto& e : *m->mutable_employment()) {
    if (d.sequence() != 0 && e.sequence() == d.sequence()) return &e;
  }
  if (!d.sevis_start_date().empty()) {
    for (auto& e : *m->mutable_employment()) {
      if (e.start_date() == d.sevis_start_date() && e.end_date() == d.sevis_end_date() &&
          (d.employment_type().empty() || e.employment_type() == d.employment_type())) {
        return &e;
      }
    }
  }
  v1::MasterEmployment* e = m->add_employment();
  e->set_sequence(d.sequence());
  e->set_employment_type(d.employment_type());
  e->set_start_date(d.sevis_start_date().empty() ? d.start_date() : d.sevis_start_date());
  e->set_end_date(d.sevis_end_date().empty() ? d.end_date() : d.sevis_end_date());
  return e;
}

void ApplyEmployment(v1::EventType event, const v1::EmploymentData& d, v1::MasterRecord* m) {
  v1::MasterEmployment* row = EmploymentRow(d, m);
  switch (event) {
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD:
      row->set_sequence(d.sequence());
      SetIfNotEmpty(d.employment_type(), row->mutable_employment_type());
      row->set_start_date(d.start_date());
      row->set_end_date(d.end_date());
      row->set_reason(d.reason());
      row->set_employment_code(d.employment_code());
      row->set_academic_year_met(d.academic_year_met());
      row->set_cancel_employment(false);
      for (const auto& e : d.employers()) PutEmployer(e, row);
      return;
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL:
      row->set_cancel_employment(true);
      return;
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT:
      SetIfNotEmpty(d.start_date(), row->mutable_start_date());
      SetIfNotEmpty(d.end_date(), row->mutable_end_date());
      SetIfNotEmpty(d.reason(), row->mutable_reason());
      SetIfNotEmpty(d.employment_code(), row->mutable_employment_code());
      return;
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND:
      row->set_extension(true);
      SetIfNotEmpty(d.extension_start_date(), row->mutable_extension_start_date());
      SetIfNotEmpty(d.extension_end_date(), row->mutable_extension_end_date());
      SetIfNotEmpty(d.employment_code(), row->mutable_employment_code());
      for (const auto& e : d.employers()) PutEmployer(e, row);
      return;
    case v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION:
      row->set_last_participation_reported(d.participation_months());
      return;
    case v1::EVENT_TYPE_OPT_EMPLOYER_ADD:
      for (const auto& e : d.employers()) PutEmployer(e, row);
      return;
    default:  // OPT Employer - Edit: the values sent replace the employer's
      for (const auto& e : d.employers()) {
        v1::MasterEmployer* target = nullptr;
        for (auto& me : *row->mutable_employers()) {
          if (me.employer_number() == e.employer_number()) target = &me;
        }
        if (target == nullptr) {
          *row->add_employers() = EmployerFrom(e);
          continue;
        }
        SetIfNotEmpty(e.name(), target->mutable_name());
        if (e.has_address()) *target->mutable_address() = e.address();
        SetIfNotEmpty(e.start_date(), target->mutable_start_date());
        SetIfNotEmpty(e.end_date(), target->mutable_end_date());
      }
      return;
  }
}

v1::MasterSite* FindSite(const v1::SiteOfActivityData& d, v1::MasterRecord* m) {
  for (auto& s : *m->mutable_sites()) {
    if (!d.site_id().empty() && s.site_id() == d.site_id()) return &s;
  }
  for (auto& s : *m->mutable_sites()) {
    if (!d.sevis_site_id().empty() && s.sevis_site_id() == d.sevis_site_id()) return &s;
    if (!d.sevis_name().empty() && s.name() == d.sevis_name()) return &s;
  }
  return nullptr;
}

void PutSite(const v1::SiteOfActivityData& d, v1::MasterSite* s) {
  s->set_site_id(d.site_id());
  SetIfNotEmpty(d.sevis_site_id(), s->mutable_sevis_site_id());
  s->set_name(d.name());
  if (d.has_address()) {
    // A new address: SEVIS's correction of the old one no longer applies (the log of this
    // record brings the new one, see ApplyLogCorrections).
    *s->mutable_address() = d.address();
    s->clear_sevis_corrected_address();
  }
  s->set_explanation_code(d.explanation_code());
  s->set_explanation(d.explanation());
  s->set_primary(d.primary());
  s->set_status("ACTIVE");
}

void ApplySite(v1::EventType event, const v1::SiteOfActivityData& d, v1::MasterRecord* m) {
  v1::MasterSite* s = FindSite(d, m);
  if (event == v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE) {
    if (s != nullptr) s->set_status("INACTIVE");
    return;
  }
  if (s == nullptr) s = m->add_sites();
  PutSite(d, s);  // Add, and Edit (the new values)
}

void ApplyEvProgram(const v1::EvProgramData& d, v1::MasterRecord* m) {
  SetIfNotEmpty(d.program_category(), m->mutable_program_category());
  SetIfNotEmpty(d.program_start_date(), m->mutable_program_start_date());
  SetIfNotEmpty(d.program_end_date(), m->mutable_program_end_date());
  SetIfNotEmpty(d.subject_field_code(), m->mutable_subject_field_code());
  SetIfNotEmpty(d.foreign_degree_level(), m->mutable_foreign_degree_level());
  SetIfNotEmpty(d.foreign_field_of_study(), m->mutable_foreign_field_of_study());
}

// Applies an accepted update's alert data to the person's row. False when the alert lacks the
// data member its event needs (nothing changed).
bool ApplyUpdate(v1::EventType event, const v1::Alert& a, const sevisxml::LogRecord& lr,
                 const std::string& date, v1::MasterRecord* m) {
  using DC = v1::Alert::DataCase;
  auto needs = [&](DC data) { return a.data_case() == data; };
  switch (event) {
    case v1::EVENT_TYPE_PERSONAL_INFO:
      if (!needs(DC::kPersonalInfo)) return false;
      ApplyPersonalInfo(a.personal_info(), m);
      return true;
    case v1::EVENT_TYPE_EV_BIOGRAPHICAL:
      if (!needs(DC::kBiographical)) return false;
      ApplyBiographical(a.biographical(), m);
      return true;
    case v1::EVENT_TYPE_FINANCIAL_INFO:
      if (!needs(DC::kFinancial)) return false;
      SetFinancial(a.financial(), m);
      return true;
    case v1::EVENT_TYPE_EV_FINANCIAL_INFO:
      if (!needs(DC::kEvFinancial)) return false;
      *m->mutable_ev_financial() = a.ev_financial();
      return true;
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CANCEL:
    case v1::EVENT_TYPE_EDUCATION_LEVEL_CHANGE:
    case v1::EVENT_TYPE_PROGRAM_CANCEL_EXTENSION:
    case v1::EVENT_TYPE_PROGRAM_MANAGE_SESSION:
    case v1::EVENT_TYPE_PROGRAM_EDIT:
    case v1::EVENT_TYPE_PROGRAM_EXTENSION:
    case v1::EVENT_TYPE_PROGRAM_SHORTEN:
      if (!needs(DC::kProgram)) return false;
      ApplyProgram(event, a.program(), date, m);
      return true;
    case v1::EVENT_TYPE_EV_PROGRAM_AMEND:
    case v1::EVENT_TYPE_EV_PROGRAM_EDIT_SUBJECT:
    case v1::EVENT_TYPE_EV_PROGRAM_EXTENSION:
    case v1::EVENT_TYPE_EV_PROGRAM_MATRICULATE:
    case v1::EVENT_TYPE_EV_PROGRAM_SHORTEN:
      if (!needs(DC::kEvProgram)) return false;
      ApplyEvProgram(a.ev_program(), m);
      return true;
    case v1::EVENT_TYPE_REGISTRATION: {
      if (!needs(DC::kRegistration)) return false;
      const v1::RegistrationData& r = a.registration();
      m->set_registration_term(r.term());
      SetIfNotEmpty(r.email(), m->mutable_email());
      if (r.has_us_address()) *m->mutable_us_address() = r.us_address();
      if (r.has_foreign_address()) *m->mutable_foreign_address() = r.foreign_address();
      m->set_commuter(r.commuter());
      Activate(m);
      return true;
    }
    case v1::EVENT_TYPE_EV_VALIDATE: {
      if (!needs(DC::kValidate)) return false;
      const v1::ValidateData& v = a.validate();
      if (v.has_us_address()) *m->mutable_us_address() = v.us_address();
      SetIfNotEmpty(v.email(), m->mutable_email());
      SetIfNotEmpty(v.phone(), m->mutable_phone());
      Activate(m);
      return true;
    }
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_ADD:
      if (!needs(DC::kAuthDropBelow)) return false;
      m->set_auth_reason(a.auth_drop_below().reason());
      m->set_auth_start_date(a.auth_drop_below().start_date());
      m->set_auth_end_date(a.auth_drop_below().end_date());
      return true;
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_EDIT:
      if (!needs(DC::kAuthDropBelow)) return false;
      SetIfNotEmpty(a.auth_drop_below().new_reason(), m->mutable_auth_reason());
      SetIfNotEmpty(a.auth_drop_below().new_start_date(), m->mutable_auth_start_date());
      SetIfNotEmpty(a.auth_drop_below().new_end_date(), m->mutable_auth_end_date());
      return true;
    case v1::EVENT_TYPE_AUTH_DROP_BELOW_FC_CANCEL:
      m->clear_auth_reason();
      m->clear_auth_start_date();
      m->clear_auth_end_date();
      return true;
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_CPT_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OFF_CAMPUS_EMPLOYMENT_EDIT:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_CANCEL:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EXTEND:
    case v1::EVENT_TYPE_OPT_EMPLOYMENT_EDIT:
    case v1::EVENT_TYPE_OPT_REPORT_PARTICIPATION:
    case v1::EVENT_TYPE_OPT_EMPLOYER_ADD:
    case v1::EVENT_TYPE_OPT_EMPLOYER_EDIT:
      if (!needs(DC::kEmployment)) return false;
      ApplyEmployment(event, a.employment(), m);
      return true;
    case v1::EVENT_TYPE_DEPENDENT_ADD:
    case v1::EVENT_TYPE_EV_DEPENDENT_ADD:
      if (!needs(DC::kDependent)) return false;
      AddDependent(a.dependent(), lr, NewDependentStatus(*m), m);
      return true;
    case v1::EVENT_TYPE_DEPENDENT_EDIT:
    case v1::EVENT_TYPE_EV_DEPENDENT_EDIT:
      if (!needs(DC::kDependent)) return false;
      SetDependentBio(a.dependent(), /*all=*/false, DependentRow(m, a.dependent()));
      return true;
    case v1::EVENT_TYPE_DEPENDENT_CANCEL: {
      if (!needs(DC::kDependent)) return false;
      v1::MasterDependent* md = DependentRow(m, a.dependent());
      md->set_relationship_status("CANCELLED");
      md->set_cancel_reason(a.dependent().reason());
      return true;
    }
    case v1::EVENT_TYPE_DEPENDENT_TERMINATE:
    case v1::EVENT_TYPE_EV_DEPENDENT_TERMINATE: {
      if (!needs(DC::kDependent)) return false;
      v1::MasterDependent* md = DependentRow(m, a.dependent());
      md->set_relationship_status("TERMINATED");
      md->set_termination_reason(a.dependent().reason());
      return true;
    }
    case v1::EVENT_TYPE_DEPENDENT_REACTIVATE:
      if (!needs(DC::kDependent)) return false;
      DependentRow(m, a.dependent())->set_relationship_status("ACTIVE");
      return true;
    case v1::EVENT_TYPE_EV_DEPENDENT_DELETE:
      if (!needs(DC::kDependent)) return false;
      DependentRow(m, a.dependent())->set_relationship_status("DELETED");
      return true;
    case v1::EVENT_TYPE_EV_DEPENDENT_END_STATUS:
      if (!needs(DC::kDependent)) return false;
      DependentRow(m, a.dependent())->set_relationship_status("INACTIVE");
      return true;
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_ADD:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_DELETE:
    case v1::EVENT_TYPE_EV_SITE_OF_ACTIVITY_EDIT:
      if (!needs(DC::kSiteOfActivity)) return false;
      ApplySite(event, a.site_of_activity(), m);
      return true;
    case v1::EVENT_TYPE_STATUS_CANCEL:
      m->set_sevis_status(v1::SEVIS_STATUS_CANCELLED);
      if (needs(DC::kStatus)) m->set_cancel_reason(a.status().reason());
      return true;
    case v1::EVENT_TYPE_STATUS_COMPLETE:
      m->set_sevis_status(v1::SEVIS_STATUS_COMPLETED);
      return true;
    case v1::EVENT_TYPE_STATUS_TERMINATE:
      m->set_sevis_status(v1::SEVIS_STATUS_TERMINATED);
      if (needs(DC::kStatus) && !a.status().program_action().empty()) {
        const std::string& action = a.status().program_action();
        bool known = false;
        for (const auto& p : m->program_actions()) known = known || p == action;
        if (!known) m->add_program_actions(action);
      }
      return true;
    case v1::EVENT_TYPE_EV_STATUS_TERMINATE:
      m->set_sevis_status(v1::SEVIS_STATUS_TERMINATED);
      return true;
    case v1::EVENT_TYPE_EV_STATUS_INVALID:
      m->set_sevis_status(v1::SEVIS_STATUS_INVALID);
      return true;
    case v1::EVENT_TYPE_EV_STATUS_NO_SHOW:
      m->set_sevis_status(v1::SEVIS_STATUS_NO_SHOW);
      return true;
    case v1::EVENT_TYPE_EV_STATUS_CORRECT_INFRACTION:
      if (needs(DC::kEvStatus)) SetIfNotEmpty(a.ev_status().new_end_date(),
                                              m->mutable_program_end_date());
      return true;
    case v1::EVENT_TYPE_REQUEST_CAP_GAP_EXTENSION:
      if (!needs(DC::kStatus)) return false;
      m->set_cap_gap_status(a.status().cap_gap_status());
      return true;
    case v1::EVENT_TYPE_STATUS_VERIFY:
    case v1::EVENT_TYPE_REPRINT:
    case v1::EVENT_TYPE_DISCIPLINARY_ACTION:
    case v1::EVENT_TYPE_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_EV_DEPENDENT_REPRINT:
    case v1::EVENT_TYPE_EV_REPRINT:
      // No master field: only the new effective-dated row (provenance) is recorded.
      return true;
    default:
      return false;
  }
}

v1::Address ToAddress(const sevisxml::LogAddress& a) {
  v1::Address out;
  out.set_line1(a.address1);
  out.set_line2(a.address2);
  out.set_city(a.city);
  out.set_state(a.state);
  out.set_postal_code(a.postal_code);
  return out;
}

// The sites of activity the alert sent: a Create Exchange Visitor's sites, or the one site of
// a Site of Activity - Add / Edit / Delete.
std::vector<const v1::SiteOfActivityData*> AlertSites(const v1::Alert& a) {
  std::vector<const v1::SiteOfActivityData*> sites;
  if (a.has_create_exchange_visitor()) {
    for (const auto& site : a.create_exchange_visitor().sites()) sites.push_back(&site);
  } else if (a.has_site_of_activity()) {
    sites.push_back(&a.site_of_activity());
  }
  return sites;
}

// The alert's site a log SiteOfActivity answers: the one SEVIS already knows by that SiteId,
// else the one sent with that SiteName (ignoring case and surrounding blanks: SEVIS may
// upper-case it), else, when the log lists as many sites as were sent, the one at the same
// position (the log keeps the document's order).
const v1::SiteOfActivityData* MatchSite(const sevisxml::LogSite& ls, size_t index,
                                        size_t log_count,
                                        const std::vector<const v1::SiteOfActivityData*>& sent) {
  if (!ls.site_id.empty()) {
    for (const auto* d : sent) {
      if (d->sevis_site_id() == ls.site_id) return d;
    }
  }
  const auto name = absl::StripAsciiWhitespace(ls.site_name);
  if (!name.empty()) {
    for (const auto* d : sent) {
      if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(d->name()), name) ||
          absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(d->sevis_name()), name)) {
        return d;
      }
    }
  }
  if (log_count == sent.size() && index < sent.size()) return sent[index];
  return nullptr;
}

// Outcome.sites and corrected_* of an accepted record: what the SIS may write back.
void AddLogCorrections(const sevisxml::LogRecord& lr, const v1::Alert& alert, v1::Outcome* o) {
  const auto sent = AlertSites(alert);
  for (size_t i = 0; i < lr.sites.size(); ++i) {
    const sevisxml::LogSite& ls = lr.sites[i];
    v1::SiteOutcome* so = o->add_sites();
    if (const auto* d = MatchSite(ls, i, lr.sites.size(), sent)) so->set_site_id(d->site_id());
    so->set_sevis_site_id(ls.site_id);
    so->set_site_name(ls.site_name);
    if (ls.address.corrected) *so->mutable_corrected_address() = ToAddress(*ls.address.corrected);
    so->set_address_result(ls.address.result);
    so->set_address_message(ls.address.message);
  }
  if (lr.physical_address.corrected) {
    *o->mutable_corrected_us_address() = ToAddress(*lr.physical_address.corrected);
  }
  if (lr.mailing_address.corrected) {
    *o->mutable_corrected_mailing_address() = ToAddress(*lr.mailing_address.corrected);
  }
}

// What SEVIS returned about the accepted record's addresses, into the master row: each site's
// SiteId (the identity Site of Activity - Edit / Delete send) and corrected address, and the
// corrected physical / mailing address. The values sent stay in address / us_address /
// mailing_address, which the detector compares with the SIS.
void ApplyLogCorrections(const sevisxml::LogRecord& lr, const v1::Alert& alert,
                         v1::MasterRecord* m) {
  const auto sent = AlertSites(alert);
  for (size_t i = 0; i < lr.sites.size(); ++i) {
    const sevisxml::LogSite& ls = lr.sites[i];
    const v1::SiteOfActivityData* d = MatchSite(ls, i, lr.sites.size(), sent);
    if (d == nullptr) continue;
    v1::MasterSite* site = FindSite(*d, m);
    if (site == nullptr) continue;
    SetIfNotEmpty(ls.site_id, site->mutable_sevis_site_id());
    if (ls.address.corrected) {
      *site->mutable_sevis_corrected_address() = ToAddress(*ls.address.corrected);
    }
  }
  if (lr.physical_address.corrected) {
    *m->mutable_sevis_corrected_us_address() = ToAddress(*lr.physical_address.corrected);
  }
  if (lr.mailing_address.corrected) {
    *m->mutable_sevis_corrected_mailing_address() = ToAddress(*lr.mailing_address.corrected);
  }
}

// The new master row of an accepted Create Exchange Visitor (INITIAL, its dependents with the
// dependentSevisIDs SEVIS returned, its sites of activity).
v1::MasterRecord MasterFromCreateEv(const v1::BatchRecord& rec, const v1::BatchResult& result,
                                    const sevisxml::LogRecord& lr,
                                    const std::string& processed_at) {
  const v1::CreateExchangeVisitorData& d = rec.alert().create_exchange_visitor();
  v1::MasterRecord m;
  m.set_org_id(result.org_id());
  m.set_person_id(rec.person_id());
  m.set_sevis_id(lr.sevis_id);
  m.set_visa_family(v1::VISA_FAMILY_J);
  m.set_sevis_status(v1::SEVIS_STATUS_INITIAL);
  m.set_last_name(d.last_name());
  m.set_first_name(d.first_name());
  m.set_middle_name(d.middle_name());
  m.set_suffix(d.suffix());
  m.set_preferred_name(d.preferred_name());
  m.set_passport_name(d.passport_name());
  m.set_birth_date(d.birth_date());
  m.set_gender(d.gender());
  m.set_birth_city(d.birth_city());
  m.set_birth_country(d.birth_country());
  m.set_birth_country_reason(d.birth_country_reason());
  m.set_citizenship_country(d.citizenship_country());
  m.set_permanent_residence_country(d.permanent_residence_country());
  m.set_email(d.email());
  m.set_phone(d.phone());
  m.set_position_code(d.position_code());
  m.set_program_start_date(d.program_start_date());
  m.set_program_end_date(d.program_end_date());
  m.set_original_program_end_date(d.program_end_date());
  m.set_program_category(d.program_category());
  m.set_subject_field_code(d.subject_field_code());
  m.set_foreign_degree_level(d.foreign_degree_level());
  m.set_foreign_field_of_study(d.foreign_field_of_study());
  if (d.has_us_address()) *m.mutable_us_address() = d.us_address();
  m.set_us_address_explanation_code(d.us_address_explanation_code());
  m.set_us_address_explanation(d.us_address_explanation());
  if (d.has_mailing_address()) *m.mutable_mailing_address() = d.mailing_address();
  m.set_mailing_address_explanation_code(d.mailing_address_explanation_code());
  m.set_mailing_address_explanation(d.mailing_address_explanation());
  if (d.has_financial()) *m.mutable_ev_financial() = d.financial();
  for (const auto& dep : d.dependents()) AddDependent(dep, lr, "INITIAL", &m);
  for (const auto& site : d.sites()) PutSite(site, m.add_sites());
  m.set_effective_date(DateOf(processed_at));
  m.set_last_batch_id(result.batch_id());
  m.set_last_request_id(lr.request_id);
  m.set_updated_at(processed_at);
  return m;
}

}  // namespace

std::string MasterKey(std::string_view org_id, std::string_view person_id) {
  return std::string(org_id) + "/" + std::string(person_id);
}

std::string ImporterMasterKey(std::string_view org_id, std::string_view person_id) {
  return "sf:importer:master:" + MasterKey(org_id, person_id);
}

bool IsSafePathComponent(std::string_view s) {
  return !s.empty() && s != "." && s != ".." && s.find_first_of("/\\") == std::string_view::npos &&
         s.find('\0') == std::string_view::npos;
}

std::optional<BatchFailure> FindBatchFailure(const sevisxml::TransactionLog* log,
                                             const v1::BatchResult& result) {
  // Records in the log mean SEVIS processed the batch: each carries its own result (a stale
  // upload code kept by the uploader from an earlier attempt does not override them).
  if (log != nullptr && !log->records.empty()) return std::nullopt;
  auto failed = [](const std::string& code) { return !code.empty() && code != kSuccessCode; };
  auto stamp = [&](const std::optional<sevisxml::LogStage>& stage) {
    return stage && !stage->timestamp.empty() ? stage->timestamp : result.fetched_at();
  };
  auto failure = [&](std::string stage, std::string code, std::string timestamp) {
    BatchFailure f;
    f.kind = code == kNotYetProcessedCode || code == kNeverSubmittedCode
                 ? BatchFailure::Kind::kNotFinal
                 : BatchFailure::Kind::kFailed;
    f.stage = std::move(stage);
    f.code = std::move(code);
    f.timestamp = std::move(timestamp);
    return f;
  };
  const std::optional<sevisxml::LogStage> no_stage;
  const auto& upload = log != nullptr ? log->upload : no_stage;
  const auto& process = log != nullptr ? log->process : no_stage;
  if (upload && failed(upload->result_code)) {
    return failure("upload", upload->result_code, stamp(upload));
  }
  if (failed(result.upload_result_code())) {
    return failure("upload", result.upload_result_code(), stamp(upload));
  }
  if (log != nullptr && log->download_result_code && failed(*log->download_result_code)) {
    return failure("download", *log->download_result_code, stamp(process));
  }
  if (failed(result.download_result_code())) {
    return failure("download", result.download_result_code(), stamp(process));
  }
  if (process && failed(process->result_code) && process->result_code != kRecordsFailedCode) {
    return failure("process", process->result_code, stamp(process));
  }
  if (log != nullptr && !log->status && result.records_size() > 0) {
    // status false and no Record: nothing of the batch was loaded.
    std::string code = process && failed(process->result_code) ? process->result_code : "S0001";
    return failure("process", std::move(code), stamp(process));
  }
  return std::nullopt;
}

ImportPlan PlanBatchFailure(const BatchFailure& failure, const v1::BatchResult& result,
                            const ResultCodes& codes) {
  ImportPlan plan;
  plan.batch_failure_code = failure.code;
  const std::string message = codes.Describe(failure.code);
  for (const auto& rec : result.records()) {
    v1::Outcome o;
    o.set_alert_id(rec.alert_id());
    o.set_batch_id(result.batch_id());
    o.set_request_id(rec.request_id());
    o.set_org_id(result.org_id());
    o.set_person_id(rec.person_id());
    o.set_accepted(false);
    o.set_error_code(failure.code);
    o.set_error_message(message);
    o.set_processed_at(failure.timestamp);
    o.set_batch_level(true);
    plan.outcomes.push_back(std::move(o));
  }
  return plan;
}

ImportPlan PlanImport(const sevisxml::TransactionLog& log, const v1::BatchResult& result,
                      const MasterLookup& current, const ResultCodes* codes) {
  static const ResultCodes kBuiltInCodes;
  const ResultCodes& table = codes != nullptr ? *codes : kBuiltInCodes;
  std::map<std::string, const v1::BatchRecord*> by_request;
  for (const auto& rec : result.records()) by_request[rec.request_id()] = &rec;
  const std::string process_time = log.process ? log.process->timestamp : std::string();

  ImportPlan plan;
  std::map<std::string, v1::MasterRecord> rows;  // by MasterKey: the rows this batch changed
  std::vector<std::string> order;                // their keys, in first-touch order
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
      o.set_error_message(lr.error_message.empty() && !lr.error_code.empty()
                              ? table.Describe(lr.error_code)
                              : lr.error_message);
    } else {
      AddLogCorrections(lr, rec.alert(), &o);
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
    const std::string key = MasterKey(result.org_id(), rec.person_id());
    if (event == v1::EVENT_TYPE_CREATE_STUDENT || event == v1::EVENT_TYPE_CREATE_EXCHANGE_VISITOR) {
      const bool student = event == v1::EVENT_TYPE_CREATE_STUDENT;
      if (lr.sevis_id.empty() || (student && !rec.alert().has_create_student()) ||
          (!student && !rec.alert().has_create_exchange_visitor())) {
        plan.unapplied_alert_ids.push_back(rec.alert_id());
        continue;
      }
      if (!rows.contains(key)) order.push_back(key);
      rows[key] = student ? MasterFromCreate(rec, result, lr, processed_at)
                          : MasterFromCreateEv(rec, result, lr, processed_at);
      ApplyLogCorrections(lr, rec.alert(), &rows[key]);
      continue;
    }
    // An update applies to the row an earlier record of this batch left, else the current one.
    auto row = rows.find(key);
    if (row == rows.end()) {
      const v1::MasterRecord* found = current ? current(result.org_id(), rec.person_id()) : nullptr;
      if (found == nullptr) {
        plan.unapplied_alert_ids.push_back(rec.alert_id());
        continue;
      }
      v1::MasterRecord copy = *found;
      if (!ApplyUpdate(event, rec.alert(), lr, DateOf(processed_at), &copy)) {
        plan.unapplied_alert_ids.push_back(rec.alert_id());
        continue;
      }
      row = rows.emplace(key, std::move(copy)).first;
      order.push_back(key);
    } else if (!ApplyUpdate(event, rec.alert(), lr, DateOf(processed_at), &row->second)) {
      plan.unapplied_alert_ids.push_back(rec.alert_id());
      continue;
    }
    v1::MasterRecord& m = row->second;
    ApplyLogCorrections(lr, rec.alert(), &m);
    m.set_effective_date(DateOf(processed_at));
    m.set_last_batch_id(result.batch_id());
    m.set_last_request_id(lr.request_id);
    m.set_updated_at(processed_at);
  }
  for (const auto& key : order) plan.master_records.push_back(std::move(rows.at(key)));
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
