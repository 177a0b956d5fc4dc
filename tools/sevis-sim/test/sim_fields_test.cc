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

}  // namespace
}  // namespace sevisflow::sim
