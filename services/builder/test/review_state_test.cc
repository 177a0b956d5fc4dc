// Review-state rules of the builder (pure).
#include "services/builder/src/review_state.h"

#include <gtest/gtest.h>

namespace sevisflow::builder {
namespace {

using sevisflow::v1::Alert;

Alert CreateAlert(int n, std::string person) {
  Alert alert;
  alert.set_alert_id("a00000000000000" + std::to_string(1000 + n));
  alert.set_org_id("BOS214F00123000");
  alert.set_person_id(std::move(person));
  alert.set_visa_family(sevisflow::v1::VISA_FAMILY_FM);
  alert.set_event_type(sevisflow::v1::EVENT_TYPE_CREATE_STUDENT);
  alert.mutable_create_student()->set_last_name("Synthetic");
  return alert;
}

TEST(NewerTest, VersionThenDetectionTimeThenId) {
  Alert a = CreateAlert(1, "P1");
  Alert b = CreateAlert(2, "P1");
  a.set_snapshot_version(5);
  b.set_snapshot_version(4);
  b.set_detected_at("2030-01-01T00:00:00Z");
  a.set_detected_at("2026-01-01T00:00:00Z");
  EXPECT_TRUE(IsNewer(a, b));
  EXPECT_FALSE(IsNewer(b, a));
  b.set_snapshot_version(5);
  EXPECT_TRUE(IsNewer(b, a));
  EXPECT_FALSE(IsNewer(a, b));
  b.set_detected_at(a.detected_at());
  EXPECT_TRUE(IsNewer(b, a));  // same instant: the larger id, the same everywhere
  EXPECT_FALSE(IsNewer(a, b));
  EXPECT_FALSE(IsNewer(a, a));
}

TEST(UnbatchedTest, OnlyStatesStillInReview) {
  EXPECT_TRUE(IsUnbatched(sevisflow::v1::ALERT_STATE_OPEN));
  EXPECT_TRUE(IsUnbatched(sevisflow::v1::ALERT_STATE_SELECTED));
  EXPECT_TRUE(IsUnbatched(sevisflow::v1::ALERT_STATE_FAILED));
  EXPECT_TRUE(IsUnbatched(sevisflow::v1::ALERT_STATE_HELD));
  EXPECT_FALSE(IsUnbatched(sevisflow::v1::ALERT_STATE_BATCHED));
  EXPECT_FALSE(IsUnbatched(sevisflow::v1::ALERT_STATE_ACCEPTED));
  EXPECT_FALSE(IsUnbatched(sevisflow::v1::ALERT_STATE_REJECTED));
  EXPECT_FALSE(IsUnbatched(sevisflow::v1::ALERT_STATE_SUPERSEDED));
}

TEST(SelectableTest, AlertsWithIssuesCanNeverBeSelected) {
  sevisflow::v1::ReviewAlert review;
  *review.mutable_alert() = CreateAlert(0, "P1");
  review.set_state(sevisflow::v1::ALERT_STATE_OPEN);
  EXPECT_TRUE(IsSelectable(review));
  review.mutable_alert()->add_issues()->set_code("NAME_INVALID_CHARACTER");
  EXPECT_FALSE(IsSelectable(review));
  review.mutable_alert()->clear_issues();
  review.add_review_issues()->set_code("XSD_INVALID");
  EXPECT_FALSE(IsSelectable(review));
  review.clear_review_issues();
  review.set_state(sevisflow::v1::ALERT_STATE_BATCHED);
  EXPECT_FALSE(IsSelectable(review));
  review.set_state(sevisflow::v1::ALERT_STATE_HELD);
  EXPECT_FALSE(IsSelectable(review));
}

TEST(OutcomeTest, AcceptedAndFailedWithSevisIssueReplacedOnReplay) {
  sevisflow::v1::ReviewAlert review;
  *review.mutable_alert() = CreateAlert(0, "P1");
  review.set_state(sevisflow::v1::ALERT_STATE_BATCHED);
  sevisflow::v1::Outcome failed;
  failed.set_alert_id(review.alert().alert_id());
  failed.set_batch_id("SF000000000001");
  failed.set_error_code("S1004");
  failed.set_error_message("Duplicate student");
  ApplyOutcome(failed, review);
  ApplyOutcome(failed, review);  // replay
  EXPECT_EQ(review.state(), sevisflow::v1::ALERT_STATE_FAILED);
  ASSERT_EQ(review.review_issues_size(), 1);
  EXPECT_EQ(review.review_issues(0).code(), "S1004");
  EXPECT_EQ(review.review_issues(0).message(), "Duplicate student");
  EXPECT_EQ(review.batch_id(), "SF000000000001");

  sevisflow::v1::Outcome accepted = failed;
  accepted.set_accepted(true);
  ApplyOutcome(accepted, review);
  EXPECT_EQ(review.state(), sevisflow::v1::ALERT_STATE_ACCEPTED);
  EXPECT_EQ(review.review_issues_size(), 0);
}

}  // namespace
}  // namespace sevisflow::builder
