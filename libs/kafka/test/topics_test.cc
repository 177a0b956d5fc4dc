#include "sevisflow/kafka/topics.h"

#include <gtest/gtest.h>

#include <set>

namespace sevisflow::kafka {
namespace {

TEST(TopicsTest, CatalogueHasEveryTopicOnceWithRequestedPartitions) {
  std::vector<TopicSpec> topics = DefaultTopics(6);
  std::set<std::string> names;
  for (const TopicSpec& t : topics) {
    EXPECT_TRUE(names.insert(t.name).second) << "duplicate " << t.name;
    EXPECT_EQ(t.partitions, 6) << t.name;
  }
  EXPECT_EQ(names, (std::set<std::string>{kSisPerson, kSisPersonDlq, kSevisAlerts,
                                          kSevisAlertsDlq, kSevisBatches, kSevisBatchesDlq,
                                          kSevisResults, kSevisResultsDlq, kSevisMaster,
                                          kSevisOutcomes, kSevisRunControl, kSisSupplemental,
                                          kSisSupplementalDlq, kSevisAudit}));
}

TEST(TopicsTest, CompactedTopicsAreTheLatestStateTopicsAndHaveNoRetention) {
  for (const TopicSpec& t : DefaultTopics(3)) {
    bool should_compact = t.name == kSisPerson || t.name == kSevisMaster ||
                          t.name == kSevisRunControl || t.name == kSisSupplemental;
    EXPECT_EQ(t.compacted, should_compact) << t.name;
    if (should_compact) {
      EXPECT_EQ(t.configs.at("cleanup.policy"), "compact") << t.name;
      EXPECT_EQ(t.configs.count("retention.ms"), 0u) << t.name;
    } else {
      EXPECT_EQ(t.configs.at("cleanup.policy"), "delete") << t.name;
      ASSERT_EQ(t.configs.count("retention.ms"), 1u) << t.name;
    }
  }
}

TEST(TopicsTest, DeadLetterTopicsKeepLongerThanTheirSources) {
  std::map<std::string, int64_t> retention;
  for (const TopicSpec& t : DefaultTopics(1)) {
    if (!t.compacted) retention[t.name] = std::stoll(t.configs.at("retention.ms"));
  }
  EXPECT_EQ(retention.at(kSevisAlerts), 14LL * 24 * 3600 * 1000);
  EXPECT_EQ(retention.at(kSevisAlertsDlq), 30LL * 24 * 3600 * 1000);
  EXPECT_GT(retention.at(kSisPersonDlq), retention.at(kSevisAlerts));
  EXPECT_GT(retention.at(kSevisResultsDlq), retention.at(kSevisResults));
}

TEST(TopicsTest, AuditIsKeptForever) {
  for (const TopicSpec& t : DefaultTopics(1)) {
    if (t.name == kSevisAudit) {
      EXPECT_EQ(t.configs.at("retention.ms"), "-1");
      return;
    }
  }
  ADD_FAILURE() << "no " << kSevisAudit << " in the catalogue";
}

TEST(TopicsTest, PartitionsAreAtLeastOne) {
  for (const TopicSpec& t : DefaultTopics(0)) EXPECT_EQ(t.partitions, 1) << t.name;
}

TEST(TopicsTest, DlqTopicForAppendsSuffix) {
  EXPECT_EQ(DlqTopicFor(kSisPerson), kSisPersonDlq);
  EXPECT_EQ(DlqTopicFor(kSevisAlerts), kSevisAlertsDlq);
  EXPECT_EQ(DlqTopicFor(kSevisResults), kSevisResultsDlq);
}

}  // namespace
}  // namespace sevisflow::kafka
