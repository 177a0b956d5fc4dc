// Packed Redis values (packed.h): round trip, smaller than the input for realistic values, old
// plain values read as they are, damaged frames refused.
#include "sevisflow/redis/packed.h"

#include <gtest/gtest.h>

#include <string>

namespace sevisflow::redis {
namespace {

// A value shaped like a serialized snapshot: field tags, short strings, repeated dates.
std::string Realistic() {
  std::string s;
  for (int i = 0; i < 20; ++i) {
    s += "\x0a\x0aSIS00000" + std::to_string(i % 10);
    s += "\x12\x0a" "2026-08-2" + std::to_string(i % 10);
    s += "\x1a\x0e" "1 College Ave.";
  }
  return s;
}

TEST(PackedTest, RoundTripAndSmaller) {
  const std::string value = Realistic();
  const std::string packed = Pack(value);
  ASSERT_FALSE(packed.empty());
  EXPECT_EQ(packed.front(), '\0');
  EXPECT_LT(packed.size(), value.size() / 2);
  auto unpacked = Unpack(packed);
  ASSERT_TRUE(unpacked.ok()) << unpacked.status();
  EXPECT_EQ(*unpacked, value);
}

TEST(PackedTest, BinaryBytesAndNulsSurvive) {
  std::string value("\x08\x00\xff\x00\x01", 5);
  auto unpacked = Unpack(Pack(value));
  ASSERT_TRUE(unpacked.ok());
  EXPECT_EQ(*unpacked, value);
}

TEST(PackedTest, PlainValuesWrittenBeforePackingAreReadAsTheyAre) {
  const std::string plain = "\x0a\x0aSIS0000042\x10\x07";
  auto unpacked = Unpack(plain);
  ASSERT_TRUE(unpacked.ok());
  EXPECT_EQ(*unpacked, plain);
  EXPECT_EQ(Pack(""), "");
  EXPECT_EQ(*Unpack(""), "");
}

TEST(PackedTest, ASmallValueThatWouldNotShrinkIsStoredAsItIs) {
  const std::string small = "\x0a\x0aSIS0000042\x10\x07\x1a\x03" "abc";
  EXPECT_EQ(Pack(small), small);
  EXPECT_EQ(*Unpack(Pack(small)), small);
}

TEST(PackedTest, DamagedFramesAreDataLoss) {
  const std::string packed = Pack(Realistic());
  EXPECT_EQ(Unpack(packed.substr(0, packed.size() - 4)).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(Unpack(std::string("\0garbage", 8)).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Unpack(std::string(1, '\0')).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace sevisflow::redis
