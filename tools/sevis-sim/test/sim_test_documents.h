#pragma once
// Hand-written, schema-valid SEVIS batch documents for the simulator's tests (checked with
// `xmllint --noout --schema` against 6.55/Create-UpdateStudent.xsd and
// 6.27/Create-UpdateExchangeVisitor.xsd). Synthetic people only.

#include <string>
#include <vector>

namespace sevisflow::sim::testdocs {

struct Person {
  std::string request_id;
  std::string last_name;
  std::string first_name;
  std::string birth_date;  // YYYY-MM-DD
  std::string user_defined_a;
};

inline std::string CreateStudentRecord(const Person& p, const std::string& user_id) {
  std::string uda =
      p.user_defined_a.empty() ? "" : "<UserDefinedA>" + p.user_defined_a + "</UserDefinedA>";
  return "<Student requestID=\"" + p.request_id + "\" userID=\"" + user_id +
         "\" printForm=\"true\">" + uda +
         "<PersonalInfo><FullName><LastName>" + p.last_name + "</LastName><FirstName>" +
         p.first_name + "</FirstName></FullName><BirthDate>" + p.birth_date +
         "</BirthDate><Gender>F</Gender><BirthCountryCode>CA</BirthCountryCode>"
         "<CitizenshipCountryCode>CA</CitizenshipCountryCode><VisaType>01</VisaType>"
         "</PersonalInfo><IssueReason>I</IssueReason>"
         "<ForeignAddress><Address1>1 Sample Road</Address1><City>Sampletown</City>"
         "<CountryCode>CA</CountryCode><PostalCode>K1A0B1</PostalCode></ForeignAddress>"
         "<EducationalInfo><EduLevel><Level>04</Level></EduLevel><MajorCode1>11.0701"
         "</MajorCode1><IssDate>2026-01-10</IssDate><PrgStartDate>2026-08-20</PrgStartDate>"
         "<PrgEndDate>2030-05-15</PrgEndDate><EngProficiency><EngRequired>false</EngRequired>"
         "<NotRequiredReason>Native speaker</NotRequiredReason></EngProficiency>"
         "</EducationalInfo><FinancialInfo><AcademicTerm>09</AcademicTerm><Expense>"
         "<Tuition>30000</Tuition><LivingExpense>15000</LivingExpense></Expense><Funding>"
         "<Personal>45000</Personal></Funding></FinancialInfo></Student>";
}

struct Update {
  std::string request_id;
  std::string sevis_id;
};

// SEVISBatchCreateUpdateStudent with the given creates and Status/Verify updates.
inline std::string StudentDocument(const std::string& batch_id, const std::string& org_id,
                                   const std::string& user_id, const std::vector<Person>& creates,
                                   const std::vector<Update>& updates = {}) {
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<SEVISBatchCreateUpdateStudent userID=\"" + user_id + "\"><BatchHeader>"
                    "<BatchID>" + batch_id + "</BatchID><OrgID>" + org_id + "</OrgID>"
                    "</BatchHeader>";
  if (!creates.empty()) {
    xml += "<CreateStudent>";
    for (const Person& p : creates) xml += CreateStudentRecord(p, user_id);
    xml += "</CreateStudent>";
  }
  if (!updates.empty()) {
    xml += "<UpdateStudent>";
    for (const Update& u : updates) {
      xml += "<Student sevisID=\"" + u.sevis_id + "\" requestID=\"" + u.request_id +
             "\" userID=\"" + user_id + "\"><Status><Verify/></Status></Student>";
    }
    xml += "</UpdateStudent>";
  }
  return xml + "</SEVISBatchCreateUpdateStudent>\n";
}

// SEVISBatchCreateUpdateStudent with one Dependent/Add update (a synthetic F-2 spouse) whose
// Dependent carries UserDefinedA = uda and UserDefinedB = udb.
inline std::string StudentDependentAddDocument(const std::string& batch_id,
                                               const std::string& org_id,
                                               const std::string& user_id,
                                               const std::string& sevis_id,
                                               const std::string& uda, const std::string& udb) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<SEVISBatchCreateUpdateStudent userID=\"" + user_id + "\"><BatchHeader>"
         "<BatchID>" + batch_id + "</BatchID><OrgID>" + org_id + "</OrgID></BatchHeader>"
         "<UpdateStudent><Student sevisID=\"" + sevis_id + "\" requestID=\"dep-1\" userID=\"" +
         user_id + "\"><Dependent><UserDefinedA>" + uda + "</UserDefinedA><UserDefinedB>" + udb +
         "</UserDefinedB><Add printForm=\"false\"><FullName><LastName>Testperson</LastName>"
         "<FirstName>Gamma</FirstName></FullName><BirthDate>2000-01-02</BirthDate>"
         "<Gender>M</Gender><BirthCountryCode>CA</BirthCountryCode>"
         "<CitizenshipCountryCode>CA</CitizenshipCountryCode><VisaType>04</VisaType>"
         "<Relationship>01</Relationship></Add></Dependent></Student></UpdateStudent>"
         "</SEVISBatchCreateUpdateStudent>\n";
}

// SEVISBatchCreateUpdateEV with one Status/NoShow update.
inline std::string EvNoShowDocument(const std::string& batch_id, const std::string& org_id,
                                    const std::string& user_id, const std::string& sevis_id) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SEVISBatchCreateUpdateEV userID=\"" +
         user_id + "\"><BatchHeader><BatchID>" + batch_id + "</BatchID><OrgID>" + org_id +
         "</OrgID></BatchHeader><UpdateEV><ExchangeVisitor sevisID=\"" + sevis_id +
         "\" requestID=\"ev-1\" userID=\"" + user_id +
         "\"><Status><NoShow/></Status></ExchangeVisitor></UpdateEV></SEVISBatchCreateUpdateEV>\n";
}

}  // namespace sevisflow::sim::testdocs
