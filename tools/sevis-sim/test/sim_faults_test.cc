// The fault queue: JSON parsing, matching by endpoint, counts, order, clearing, and the zip
// damage helpers.

#include "sim_faults.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sevisflow::sim {
namespace {

TEST(FaultInjectorTest, ServesEachFaultCountTimesToMatchingEndpointsOnly) {
  FaultInjector f;
  ASSERT_TRUE(f.Apply(R"({"faults": [{"kind": "http500", "on": "upload", "count": 2},
                                     {"kind": "drop", "on": "download"}]})")
                  .ok());
  auto d = f.TakeTransport(Endpoint::kDownload);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->kind, FaultKind::kDrop);
  EXPECT_FALSE(f.TakeTransport(Endpoint::kDownload).has_value());
  EXPECT_EQ(f.TakeTransport(Endpoint::kUpload)->kind, FaultKind::kHttp500);
  EXPECT_EQ(f.TakeTransport(Endpoint::kUpload)->kind, FaultKind::kHttp500);
  EXPECT_FALSE(f.TakeTransport(Endpoint::kUpload).has_value());
  EXPECT_EQ(f.served(FaultKind::kHttp500), 2);
  EXPECT_EQ(f.served(FaultKind::kDrop), 1);
  EXPECT_EQ(f.pending(), 0u);
  auto served = nlohmann::json::parse(f.ServedJson());
  EXPECT_EQ(served["http500"], 2);
  EXPECT_EQ(served["drop"], 1);
  EXPECT_EQ(served["timeout"], 0);
  EXPECT_EQ(served["total"], 3);
}

TEST(FaultInjectorTest, QueueOrderDefaultsAndSeparateDownloadFaults) {
  FaultInjector f;
  ASSERT_TRUE(f.Apply(R"({"faults": [{"kind": "slow", "seconds": 0.5},
                                     {"kind": "truncated_zip"},
                                     {"kind": "timeout", "seconds": 3}]})")
                  .ok());
  // Transport and reply faults are separate queues in effect: a download can get both.
  auto reply = f.TakeDownload();
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->kind, FaultKind::kTruncatedZip);
  EXPECT_FALSE(f.TakeDownload().has_value());
  auto first = f.TakeTransport(Endpoint::kUpload);  // "on" defaults to any
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, FaultKind::kSlow);
  EXPECT_DOUBLE_EQ(first->seconds, 0.5);
  auto second = f.TakeTransport(Endpoint::kDownload);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->kind, FaultKind::kTimeout);
  EXPECT_DOUBLE_EQ(second->seconds, 3);
  EXPECT_FALSE(f.TakeTransport(Endpoint::kUpload).has_value());
}

TEST(FaultInjectorTest, ClearDropsQueuedFaultsButKeepsCounters) {
  FaultInjector f;
  ASSERT_TRUE(f.Apply(R"({"faults": [{"kind": "http500", "count": 5}]})").ok());
  ASSERT_TRUE(f.TakeTransport(Endpoint::kUpload).has_value());
  ASSERT_TRUE(f.Apply(R"({"clear": true})").ok());
  EXPECT_EQ(f.pending(), 0u);
  EXPECT_FALSE(f.TakeTransport(Endpoint::kUpload).has_value());
  EXPECT_EQ(f.served(FaultKind::kHttp500), 1);
  // clear and new faults in one request: cleared first, then queued.
  ASSERT_TRUE(f.Apply(R"({"clear": true, "faults": [{"kind": "not_yet_processed"}]})").ok());
  EXPECT_EQ(f.pending(), 1u);
}

TEST(FaultInjectorTest, InvalidRequestsQueueNothing) {
  FaultInjector f;
  EXPECT_FALSE(f.Apply("not json").ok());
  EXPECT_FALSE(f.Apply("[]").ok());
  EXPECT_FALSE(f.Apply(R"({"faults": {"kind": "drop"}})").ok());
  EXPECT_FALSE(f.Apply(R"({"faults": [{"kind": "explode"}]})").ok());
  EXPECT_FALSE(f.Apply(R"({"faults": [{"kind": "drop", "on": "stats"}]})").ok());
  EXPECT_FALSE(f.Apply(R"({"faults": [{"kind": "drop", "count": 0}]})").ok());
  EXPECT_FALSE(f.Apply(R"({"faults": [{"kind": "slow", "seconds": -1}]})").ok());
  EXPECT_FALSE(f.Apply(R"({"faults": [{"kind": "drop", "times": 2}]})").ok());
  // One bad entry refuses the whole request, including the good entry before it.
  EXPECT_FALSE(f.Apply(R"({"faults": [{"kind": "drop"}, {"kind": "bad"}]})").ok());
  EXPECT_EQ(f.pending(), 0u);
}

TEST(FaultInjectorTest, ZipDamageHelpers) {
  std::string zip(300, 'z');
  EXPECT_EQ(TruncateZip(zip).size(), 150u);
  std::string corrupt = CorruptZip(zip);
  EXPECT_EQ(corrupt.size(), zip.size());
  EXPECT_NE(corrupt, zip);
  EXPECT_EQ(corrupt.substr(0, 100), zip.substr(0, 100));
}

}  // namespace
}  // namespace sevisflow::sim
