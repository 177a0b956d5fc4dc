#include "sevisflow/common/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

namespace sevisflow::common {
namespace {

using ::testing::HasSubstr;

TEST(MetricsRegistry, ExposesCountersGaugesAndHistograms) {
  MetricsRegistry reg;
  reg.GetCounter("sevisflow_test_events_total", "Events.", {{"kind", "a"}}).Inc();
  reg.GetCounter("sevisflow_test_events_total", "Events.", {{"kind", "a"}}).Inc(2);
  reg.GetGauge("sevisflow_test_depth", "Depth.").Set(7);
  auto& h = reg.GetHistogram("sevisflow_test_seconds", "Latency.", {}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.5);
  h.Observe(5);
  std::string text = reg.Expose();
  EXPECT_THAT(text, HasSubstr("# TYPE sevisflow_test_events_total counter\n"));
  EXPECT_THAT(text, HasSubstr("sevisflow_test_events_total{kind=\"a\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("sevisflow_test_depth 7\n"));
  EXPECT_THAT(text, HasSubstr("sevisflow_test_seconds_bucket{le=\"0.10000000000000001\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("sevisflow_test_seconds_bucket{le=\"1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("sevisflow_test_seconds_bucket{le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("sevisflow_test_seconds_count 3\n"));
}

TEST(MetricsRegistry, CollectHooksRunBeforeEachScrape) {
  MetricsRegistry reg;
  int calls = 0;
  reg.AddCollectHook([&] { reg.GetGauge("sevisflow_test_lag", "Lag.").Set(++calls); });
  EXPECT_THAT(reg.Expose(), HasSubstr("sevisflow_test_lag 1\n"));
  EXPECT_THAT(reg.Expose(), HasSubstr("sevisflow_test_lag 2\n"));
}

TEST(MetricsServer, ServesMetricsOverHttp) {
  MetricsRegistry reg;
  reg.GetCounter("sevisflow_test_up_total", "Up.").Inc();
  MetricsServer server(reg, "127.0.0.1", 0);
  ASSERT_TRUE(server.Start().ok());
  ASSERT_GT(server.port(), 0);
  httplib::Client client("127.0.0.1", server.port());
  auto res = client.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_THAT(res->body, HasSubstr("sevisflow_test_up_total 1"));
  auto health = client.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  server.Stop();
  httplib::Client after("127.0.0.1", server.port());
  EXPECT_FALSE(after.Get("/metrics"));
}

TEST(MetricsServer, APortInUseIsAnErrorNotASharedPort) {
  MetricsRegistry reg;
  MetricsServer first(reg, "127.0.0.1", 0);
  ASSERT_TRUE(first.Start().ok());
  MetricsServer second(reg, "127.0.0.1", first.port());
  absl::Status s = second.Start();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
  second.Stop();
  first.Stop();
}

TEST(MetricsServer, StopRightAfterStartReturns) {
  MetricsRegistry reg;
  for (int i = 0; i < 20; ++i) {
    MetricsServer server(reg, "127.0.0.1", 0);
    ASSERT_TRUE(server.Start().ok());
    server.Stop();
  }
}

}  // namespace
}  // namespace sevisflow::common
