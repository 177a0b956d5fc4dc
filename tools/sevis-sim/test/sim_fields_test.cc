#include "sim_fields.h"

#include <gtest/gtest.h>

namespace sevisflow::sim {
namespace {

UploadForm CompleteForm() {
  UploadForm f;
  f.org_id = "ABC214F12345000";
  f.batch_id = "SIMTEST0000001";
  f.user_id = "dso0000001";
  f.xml = "<x/>";
  f.file_name = "batch.xml";
  return f;
}

SimConfig OneOrg() {
  SimConfig c;
  c.orgs["ABC214F12345000"] =
      OrgRegistration{"ABC214F12345000", {"dso0000001", "dso0000002"}, {"ABC214F12345000"}};
  return c;
}

TEST(CheckUploadFormTest, CompleteFormPasses) { EXPECT_FALSE(CheckUploadForm(CompleteForm())); }

TEST(CheckUploadFormTest, EachMissingOrEmptyFieldIsS0012) {
  for (auto field : {&UploadForm::org_id, &UploadForm::batch_id, &UploadForm::user_id,
                     &UploadForm::xml}) {
    UploadForm absent = CompleteForm();
    absent.*field = std::nullopt;
    auto r = CheckUploadForm(absent);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, "S0012");
    UploadForm empty = CompleteForm();
    empty.*field = "";
    r = CheckUploadForm(empty);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code, "S0012");
  }
}

TEST(CheckUploadFormTest, FileNameThatCannotBeEchoedIsS0011) {
  UploadForm f = CompleteForm();
  f.file_name = "";
  EXPECT_EQ(CheckUploadForm(f)->code, "S0011");
  f.file_name = std::string(31, 'a');
  EXPECT_EQ(CheckUploadForm(f)->code, "S0011");
  f.file_name = "bat\nch.xml";
  EXPECT_EQ(CheckUploadForm(f)->code, "S0011");
  f.file_name = std::string(26, 'a') + ".xml";  // exactly 30 is the schema's limit
  EXPECT_FALSE(CheckUploadForm(f));
}

TEST(CheckAccessTest, RegisteredOrgCertAndUserPass) {
  EXPECT_FALSE(CheckAccess(OneOrg(), "ABC214F12345000", "dso0000002", "ABC214F12345000"));
}

TEST(CheckAccessTest, UnknownOrgIsS0002) {
  auto r = CheckAccess(OneOrg(), "XYZ214F99999000", "dso0000001", "XYZ214F99999000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "S0002");
}

TEST(CheckAccessTest, CertificateOfAnotherOrgOrNoneIsS0002) {
  auto r = CheckAccess(OneOrg(), "ABC214F12345000", "dso0000001", "XYZ214F99999000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "S0002");
  r = CheckAccess(OneOrg(), "ABC214F12345000", "dso0000001", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "S0002");
}

TEST(CheckAccessTest, UserNotRegisteredForOrgIsS0003) {
  auto r = CheckAccess(OneOrg(), "ABC214F12345000", "dso0000009", "ABC214F12345000");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, "S0003");
}

TEST(ResultMessageTest, KnownCodesCarryTheCodeListText) {
  EXPECT_EQ(ResultMessage("S1071"), "Duplicate request found for student");
  EXPECT_EQ(ResultMessage("S1003"), "SEVIS ID not found");
  EXPECT_EQ(ResultMessage("S9999"), "Unknown result");
}

TEST(AddressDoctorTest, UpperCasesAbbreviatesAndAddsZipPlusFour) {
  sevisxml::LogAddress sent{"  12  north main street. ", "suite 400", "boston", "ma", "02115"};
  sevisxml::LogAddress c = CorrectAddress(sent);
  EXPECT_EQ(c.address1, "12 N MAIN ST");
  EXPECT_EQ(c.address2, "STE 400");
  EXPECT_EQ(c.city, "BOSTON");
  EXPECT_EQ(c.state, "MA");
  ASSERT_EQ(c.postal_code.size(), 10u);
  EXPECT_EQ(c.postal_code.substr(0, 6), "02115-");
  // Deterministic: the same address, the same +4; another street, (here) another +4.
  EXPECT_EQ(CorrectAddress(sent).postal_code, c.postal_code);
  sevisxml::LogAddress other = sent;
  other.address1 = "99 harbor avenue";
  EXPECT_EQ(CorrectAddress(other).address1, "99 HARBOR AVE");
  EXPECT_NE(CorrectAddress(other).postal_code, c.postal_code);
  // A ZIP+4 already there is kept.
  sevisxml::LogAddress plus4{"1 Elm St", "", "Cambridge", "MA", "02139-4307"};
  EXPECT_EQ(CorrectAddress(plus4).postal_code, "02139-4307");
}

TEST(AddressDoctorTest, CheckSaysValidOverrideSuggestedOrNotValidated) {
  sevisxml::LogAddress clean{"1 ELM ST", "", "CAMBRIDGE", "MA", "02139-4307"};
  sevisxml::LogAddressCheck valid = CheckAddress(clean);
  EXPECT_EQ(valid.result, "S0000");
  EXPECT_EQ(valid.message, "Valid");
  EXPECT_EQ(valid.provided, clean);
  EXPECT_EQ(valid.corrected, clean);

  sevisxml::LogAddress messy{"1 elm street", "", "Cambridge", "MA", "02139"};
  sevisxml::LogAddressCheck suggested = CheckAddress(messy);
  EXPECT_EQ(suggested.message, "Override Suggested");
  EXPECT_EQ(suggested.provided, messy);
  ASSERT_TRUE(suggested.corrected.has_value());
  EXPECT_EQ(suggested.corrected->address1, "1 ELM ST");

  for (const sevisxml::LogAddress& bad :
       {sevisxml::LogAddress{"", "", "Cambridge", "MA", "02139"},
        sevisxml::LogAddress{"1 elm street", "", "Cambridge", "MA", "K1A0B1"},
        sevisxml::LogAddress{"...", "", "Cambridge", "MA", "02139"}}) {
    sevisxml::LogAddressCheck check = CheckAddress(bad);
    EXPECT_EQ(check.message, "Not Validated") << bad.address1 << " " << bad.postal_code;
    EXPECT_FALSE(check.provided.has_value());
    EXPECT_FALSE(check.corrected.has_value());
  }
}

}  // namespace
}  // namespace sevisflow::sim
