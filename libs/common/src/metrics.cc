#include "sevisflow/common/metrics.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <cmath>
#include <sstream>
#include <thread>

#include "sevisflow/common/logging.h"

namespace sevisflow::common {

namespace {
void AtomicAdd(std::atomic<double>& a, double by) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + by, std::memory_order_relaxed)) {
  }
}

std::string FormatValue(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  std::ostringstream os;
  os.precision(17);
  os << v;
  return os.str();
}

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string FormatLabels(const Labels& labels, const std::string& extra_key = "",
                         const std::string& extra_value = "") {
  if (labels.empty() && extra_key.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + EscapeLabel(v) + "\"";
  }
  if (!extra_key.empty()) {
    if (!first) out += ',';
    out += extra_key + "=\"" + extra_value + "\"";
  }
  return out + "}";
}
}  // namespace

void Counter::Inc(double by) { AtomicAdd(value_, by); }
double Counter::Value() const { return value_.load(std::memory_order_relaxed); }

void Gauge::Set(double v) { value_.store(v, std::memory_order_relaxed); }
void Gauge::Add(double by) { AtomicAdd(value_, by); }
double Gauge::Value() const { return value_.load(std::memory_order_relaxed); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  std::lock_guard lock(mu_);
  ++counts_[i];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::Snap() const {
  Snapshot s;
  s.bounds = bounds_;
  std::lock_guard lock(mu_);
  uint64_t acc = 0;
  for (uint64_t c : counts_) {
    acc += c;
    s.cumulative.push_back(acc);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> LatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

struct MetricsRegistry::Family {
  std::string help;
  std::string type;  // counter, gauge, histogram
  std::map<Labels, std::unique_ptr<Counter>> counters;
  std::map<Labels, std::unique_ptr<Gauge>> gauges;
  std::map<Labels, std::unique_ptr<Histogram>> histograms;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& fam = families_[name];
  if (!fam) fam = std::make_unique<Family>(Family{help, "counter", {}, {}, {}});
  auto& c = fam->counters[labels];
  if (!c) c = std::make_unique<Counter>();
  return *c;
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& fam = families_[name];
  if (!fam) fam = std::make_unique<Family>(Family{help, "gauge", {}, {}, {}});
  auto& g = fam->gauges[labels];
  if (!g) g = std::make_unique<Gauge>();
  return *g;
}

Histogram& MetricsRegistry::GetHistogram(const std::string& name, const std::string& help,
                                         const Labels& labels, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& fam = families_[name];
  if (!fam) fam = std::make_unique<Family>(Family{help, "histogram", {}, {}, {}});
  auto& h = fam->histograms[labels];
  if (!h) h = std::make_unique<Histogram>(std::move(bounds));
  return *h;
}

void MetricsRegistry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::string MetricsRegistry::Expose() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard lock(mu_);
    hooks = hooks_;
  }
  for (auto& h : hooks) h();  // hooks may register or set gauges: run them unlocked
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, fam] : families_) {
    out += "# HELP " + name + " " + fam->help + "\n";
    out += "# TYPE " + name + " " + fam->type + "\n";
    for (const auto& [labels, c] : fam->counters) {
      out += name + FormatLabels(labels) + " " + FormatValue(c->Value()) + "\n";
    }
    for (const auto& [labels, g] : fam->gauges) {
      out += name + FormatLabels(labels) + " " + FormatValue(g->Value()) + "\n";
    }
    for (const auto& [labels, h] : fam->histograms) {
      auto s = h->Snap();
      for (size_t i = 0; i < s.cumulative.size(); ++i) {
        std::string le = i < s.bounds.size() ? FormatValue(s.bounds[i]) : "+Inf";
        out += name + "_bucket" + FormatLabels(labels, "le", le) + " " +
               std::to_string(s.cumulative[i]) + "\n";
      }
      out += name + "_sum" + FormatLabels(labels) + " " + FormatValue(s.sum) + "\n";
      out += name + "_count" + FormatLabels(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

MetricsServer::MetricsServer(MetricsRegistry& registry, std::string host, int port)
    : registry_(registry), host_(std::move(host)), port_(port) {}

MetricsServer::~MetricsServer() { Stop(); }

absl::Status MetricsServer::Start() {
  impl_ = std::make_unique<Impl>();
  impl_->server.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry_.Expose(), "text/plain; version=0.0.4; charset=utf-8");
  });
  impl_->server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  // cpp-httplib's default socket options add SO_REUSEPORT, which would let two processes
  // configured with the same metrics port share it silently (each scrape reaching either).
  impl_->server.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  int bound = port_ == 0 ? impl_->server.bind_to_any_port(host_)
                         : (impl_->server.bind_to_port(host_, port_) ? port_ : -1);
  if (bound <= 0) {
    impl_.reset();
    return absl::UnavailableError("metrics: cannot listen on " + host_ + ":" +
                                  std::to_string(port_));
  }
  port_ = bound;
  impl_->thread = std::thread([this] { impl_->server.listen_after_bind(); });
  // Until the accept loop runs, stop() would be lost and Stop() would wait for ever.
  for (int i = 0; i < 5000 && !impl_->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  Logger("metrics")->info("serving /metrics on {}:{}", host_, port_);
  return absl::OkStatus();
}

void MetricsServer::Stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_.reset();
}

}  // namespace sevisflow::common
