// PLACEHOLDER until written.
#include <gtest/gtest.h>
TEST(DetectOfflinePlaceholder, Builds) { EXPECT_EQ(1 + 1, 2); }
