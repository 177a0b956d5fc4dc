#include "sevisflow/common/logging.h"

#include <gtest/gtest.h>

namespace sevisflow::common {
namespace {

TEST(PersonRef, IsStableSaltedAndDoesNotContainTheId) {
  InitLogging({.level = "warn", .json = false, .person_salt = "salt-a"});
  std::string a = PersonRef("EMPL000123");
  EXPECT_EQ(a, PersonRef("EMPL000123"));
  EXPECT_NE(a, PersonRef("EMPL000124"));
  EXPECT_EQ(a.find("000123"), std::string::npos);
  EXPECT_EQ(a.size(), 14u);
  InitLogging({.level = "warn", .json = false, .person_salt = "salt-b"});
  EXPECT_NE(a, PersonRef("EMPL000123"));
}

TEST(Logger, SameComponentSameLogger) {
  EXPECT_EQ(Logger("unit-test").get(), Logger("unit-test").get());
  EXPECT_EQ(Logger("unit-test")->name(), "unit-test");
}

}  // namespace
}  // namespace sevisflow::common
