// Table-driven tests of the rule book's name handling ("Dummy First Name", "Character
// Conversion", "Validation"). Every name here is synthetic.
#include "sevisflow/names/names.h"

#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sevisflow::names {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Codes(const std::vector<v1::ValidationIssue>& issues) {
  std::vector<std::string> codes;
  for (const auto& i : issues) codes.push_back(i.code());
  return codes;
}

struct ConvertCase {
  const char* input;
  const char* full;
  const char* preferred;
};

class ConvertTest : public ::testing::TestWithParam<ConvertCase> {};

TEST_P(ConvertTest, FullAndPreferred) {
  const ConvertCase& c = GetParam();
  EXPECT_EQ(ConvertFullName(c.input), c.full) << c.input;
  EXPECT_EQ(ConvertPreferredName(c.input), c.preferred) << c.input;
}

INSTANTIATE_TEST_SUITE_P(
    Names, ConvertTest,
    ::testing::Values(
        ConvertCase{"Jose", "Jose", "Jose"},
        // acute: converted for full names, kept for the preferred name
        ConvertCase{"Jos\u00e9", "Jose", "Jos\u00e9"},
        // decomposed input (e + combining acute) behaves like the precomposed letter
        ConvertCase{"Jose\u0301", "Jose", "Jos\u00e9"},
        // diaeresis kept for preferred
        ConvertCase{"Zo\u00eb", "Zoe", "Zo\u00eb"},
        // stroke (not an allowed mark): converted in both
        ConvertCase{"\u0141ukasz", "Lukasz", "Lukasz"},
        // ring above kept for preferred, sharp s becomes two letters everywhere
        ConvertCase{"\u00c5se Stra\u00dfe", "Ase Strasse", "\u00c5se Strasse"},
        // caron is not in the preferred set
        ConvertCase{"Du\u0161an", "Dusan", "Dusan"},
        // ligature -> two letters
        ConvertCase{"\u00c6sa", "AEsa", "AEsa"},
        // the SEVIS one-to-two conversions, upper and lower case
        ConvertCase{"\u00e6r\u00f8", "aero", "aero"},
        ConvertCase{"\u0152uvre c\u0153ur", "OEuvre coeur", "OEuvre coeur"},
        ConvertCase{"GRO\u1e9eE", "GROSSE", "GROSSE"},
        ConvertCase{"\u00deorn \u00fe", "THorn th", "THorn th"},
        ConvertCase{"\u0132sselmeer \u0133s", "IJsselmeer ijs", "IJsselmeer ijs"},
        // ASCII passes through untouched (apart from the punctuation rules)
        ConvertCase{"Mary Ann", "Mary Ann", "Mary Ann"},
        // punctuation: hyphen -> space, apostrophe and period dropped (full only)
        ConvertCase{"O'Neil-Park", "ONeil Park", "O'Neil-Park"},
        ConvertCase{"St. Clair", "St Clair", "St. Clair"},
        // non-Latin script is romanised
        ConvertCase{"\u0418\u0432\u0430\u043d", "Ivan", "Ivan"},
        ConvertCase{"  Anna  ", "Anna", "Anna"},
        ConvertCase{"", "", ""}));

struct ValidateCase {
  NameField field;
  const char* value;
  bool truncated;
  std::vector<std::string> codes;
};

class ValidateTest : public ::testing::TestWithParam<ValidateCase> {};

TEST_P(ValidateTest, Codes) {
  const ValidateCase& c = GetParam();
  auto issues = ValidateName(c.field, c.value, c.truncated, "f");
  EXPECT_EQ(Codes(issues), c.codes) << c.value;
  for (const auto& i : issues) {
    EXPECT_EQ(i.field(), "f");
    // No personal data in messages.
    if (std::string(c.value).size() > 3) {
      EXPECT_EQ(i.message().find(c.value), std::string::npos) << i.message();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateTest,
    ::testing::Values(
        ValidateCase{NameField::kLast, "Rivera", false, {}},
        ValidateCase{NameField::kLast, "", false, {kNameBlank}},
        ValidateCase{NameField::kFirst, "", false, {}},  // first may be blank
        ValidateCase{NameField::kMiddle, "", false, {}},
        ValidateCase{NameField::kLast, "Van  Dam", false, {kNameMultipleSpaces}},
        ValidateCase{NameField::kLast, "Van Dam", false, {}},
        ValidateCase{NameField::kFirst, "Ann3", false, {kNameInvalidCharacter}},
        ValidateCase{NameField::kMiddle, "J.", false, {kNameInvalidCharacter}},
        ValidateCase{NameField::kLast, "LNU", false, {kNamePlaceholder}},
        ValidateCase{NameField::kFirst, "fnu", false, {kNamePlaceholder}},
        ValidateCase{NameField::kFirst, "Unknown", false, {kNamePlaceholder}},
        ValidateCase{NameField::kMiddle, "NONE", false, {kNamePlaceholder}},
        ValidateCase{NameField::kLast, "Not Application", false, {kNamePlaceholder}},
        // "none" inside a longer name is not the value none
        ValidateCase{NameField::kFirst, "Nonel", false, {}},
        ValidateCase{NameField::kLast, "Abcdefghijabcdefghijabcdefghij", true, {kNameTruncated}},
        ValidateCase{NameField::kPassport, "Abcdefghij Abcdefghij Abcdefghij Abcdef", false, {}},
        ValidateCase{NameField::kPassport, "Abcdefghij Abcdefghij Abcdefghij Abcdefg", false,
                     {kNameTooLong}},
        ValidateCase{NameField::kPassport, "Ann-Lee", false, {kNameInvalidCharacter}},
        // placeholders are not checked on passport/preferred
        ValidateCase{NameField::kPassport, "None", false, {}},
        ValidateCase{NameField::kPreferred, "Zo\u00eb O'Neil-Park, Jr.", false, {}},
        ValidateCase{NameField::kPreferred, "\u0141ukasz", false, {kNameInvalidCharacter}},
        ValidateCase{NameField::kPreferred, "Ann  Lee", false, {kNameMultipleSpaces}},
        ValidateCase{NameField::kPreferred, "Ann_Lee", false, {kNameInvalidCharacter}}));

TEST(TruncateTest, CountsCodePoints) {
  EXPECT_EQ(CodePointLength("Zo\u00eb"), 3u);
  EXPECT_EQ(TruncateCodePoints("Zo\u00ebZ", 3), "Zo\u00eb");
  EXPECT_EQ(TruncateCodePoints("abc", 5), "abc");
}

v1::PersonName Name(const char* last, const char* first, const char* middle) {
  v1::PersonName n;
  n.set_name_type("PRI");
  n.set_last_name(last);
  n.set_first_name(first);
  n.set_middle_name(middle);
  return n;
}

TEST(StandardizeNamesTest, ConvertsLegalName) {
  v1::PersonName legal = Name("Garc\u00eda-L\u00f3pez", "Jos\u00e9", "\u0141ukasz");
  StandardizedNames out = StandardizeNames({&legal, nullptr, nullptr}, "FNU");
  EXPECT_EQ(out.last_name, "Garcia Lopez");
  EXPECT_EQ(out.first_name, "Jose");
  EXPECT_EQ(out.middle_name, "Lukasz");
  EXPECT_THAT(out.issues, IsEmpty());
}

TEST(StandardizeNamesTest, DummyFirstNameBlanksFirstAndMiddleEverywhere) {
  v1::PersonName legal = Name("Okafor", "fnu", "Ada");
  v1::PersonName preferred = Name("Okafor", "FNU", "Ada");
  v1::PersonName passport = Name("Okafor", "FNU", "Ada");
  StandardizedNames out = StandardizeNames({&legal, &preferred, &passport}, "FNU");
  EXPECT_EQ(out.last_name, "Okafor");
  EXPECT_EQ(out.first_name, "");
  EXPECT_EQ(out.middle_name, "");
  EXPECT_EQ(out.preferred_name, "Okafor");
  EXPECT_EQ(out.passport_name, "Okafor");
  // The dummy value is removed before validation, so it is not reported as a placeholder.
  EXPECT_THAT(out.issues, IsEmpty());
}

TEST(StandardizeNamesTest, WithoutDummySettingPlaceholderIsAnIssue) {
  v1::PersonName legal = Name("Okafor", "FNU", "");
  StandardizedNames out = StandardizeNames({&legal, nullptr, nullptr}, "");
  EXPECT_EQ(out.first_name, "FNU");
  EXPECT_THAT(Codes(out.issues), ElementsAre(kNamePlaceholder));
  EXPECT_EQ(out.issues[0].field(), "names.legal.first_name");
}

TEST(StandardizeNamesTest, TruncatesAfterConversionAndReports) {
  // 29 letters + sharp s (-> "ss") = 31 converted characters.
  v1::PersonName legal = Name("Abcdefghijabcdefghijabcdefghi\u00df", "Ann", "");
  StandardizedNames out = StandardizeNames({&legal, nullptr, nullptr}, "");
  EXPECT_EQ(out.last_name.size(), 30u);
  EXPECT_EQ(out.last_name, "Abcdefghijabcdefghijabcdefghis");
  EXPECT_THAT(Codes(out.issues), ElementsAre(kNameTruncated));
}

TEST(StandardizeNamesTest, LongPassportNameIsReportedAndCutTo39) {
  v1::PersonName legal = Name("Lee", "Ann", "");
  // 20 + 1 + 20 = 41 characters once "\u00df" became "ss".
  v1::PersonName passport = Name("Abcdefghijabcdefghij", "Abcdefghijabcdefgh\u00df", "");
  NameInput input{&legal, nullptr, &passport};
  StandardizedNames out = StandardizeNames(input, "");
  EXPECT_EQ(out.passport_name, "Abcdefghijabcdefghss Abcdefghijabcdefgh");
  EXPECT_EQ(CodePointLength(out.passport_name), kMaxPassportNameLength);
  ASSERT_EQ(out.issues.size(), 1u);
  EXPECT_EQ(out.issues[0].code(), kNameTooLong);
  EXPECT_EQ(out.issues[0].field(), "names.passport");
}

TEST(StandardizeNamesTest, BlankLastNameAndMissingLegalRecord) {
  StandardizedNames out = StandardizeNames({nullptr, nullptr, nullptr}, "FNU", "x");
  EXPECT_THAT(Codes(out.issues), ElementsAre(kNameBlank));
  EXPECT_EQ(out.issues[0].field(), "x.legal.last_name");
}

TEST(StandardizeNamesTest, PreferredKeepsAllowedDiacritics) {
  v1::PersonName legal = Name("Muller", "Zoe", "");
  v1::PersonName preferred = Name("M\u00fcller", "Zo\u00eb", "");
  StandardizedNames out = StandardizeNames({&legal, &preferred, nullptr}, "");
  EXPECT_EQ(out.preferred_name, "Zo\u00eb M\u00fcller");
  EXPECT_THAT(out.issues, IsEmpty());
}

TEST(ConcurrencyTest, ThreadsConvertIndependently) {
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([i, &results] {
      for (int k = 0; k < 200; ++k) results[i] = ConvertFullName("Fran\u00e7ois \u0141ukasz");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "Francois Lukasz");
}

}  // namespace
}  // namespace sevisflow::names
