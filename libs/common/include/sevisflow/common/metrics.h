#pragma once
// A small Prometheus registry and a /metrics HTTP endpoint (text exposition format 0.0.4).
// Labels must never carry personal data.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace sevisflow::common {

using Labels = std::map<std::string, std::string>;

class Counter {
 public:
  void Inc(double by = 1.0);
  double Value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v);
  void Add(double by);
  double Value() const;

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // one per bound, plus +Inf last
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Snap() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

// Default latency buckets in seconds.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Returns the same instance for the same name and labels. Names follow Prometheus rules
  // (sevisflow_<component>_<what>_<unit>); the help text is set by the first call.
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help,
                          const Labels& labels = {},
                          std::vector<double> bounds = LatencyBuckets());
  // Called before every scrape (e.g. to refresh consumer lag gauges).
  void AddCollectHook(std::function<void()> hook);
  std::string Expose() const;

 private:
  struct Family;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>> families_;
  std::vector<std::function<void()>> hooks_;
};

// Serves GET /metrics (and /healthz, which answers 200 while the process runs) on host:port.
// Port 0 picks a free port; port() tells which after Start().
class MetricsServer {
 public:
  MetricsServer(MetricsRegistry& registry, std::string host, int port);
  ~MetricsServer();
  absl::Status Start();
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  MetricsRegistry& registry_;
  std::string host_;
  int port_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sevisflow::common
