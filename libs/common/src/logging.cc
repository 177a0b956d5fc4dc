#include "sevisflow/common/logging.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace sevisflow::common {
namespace {

struct LogState {
  std::mutex mu;
  LoggingOptions options;
  std::string salt;
  bool initialised = false;
};

LogState& State() {
  static LogState* state = new LogState();  // never destroyed: loggers outlive statics
  return *state;
}

std::string RandomSalt() {
  unsigned char buf[16];
  RAND_bytes(buf, sizeof buf);
  return std::string(reinterpret_cast<char*>(buf), sizeof buf);
}

void ApplyFormat(spdlog::logger& logger, bool json) {
  if (json) {
    logger.set_pattern(
        R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","component":"%n","msg":"%v"})",
        spdlog::pattern_time_type::utc);
  } else {
    logger.set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  }
}

}  // namespace

void InitLogging(const LoggingOptions& options) {
  LogState& s = State();
  std::lock_guard lock(s.mu);
  s.options = options;
  s.salt = options.person_salt.empty() ? RandomSalt() : options.person_salt;
  s.initialised = true;
  spdlog::level::level_enum level = spdlog::level::from_str(options.level);
  spdlog::set_level(level);
  spdlog::apply_all([&](std::shared_ptr<spdlog::logger> l) {
    l->set_level(level);
    ApplyFormat(*l, options.json);
  });
}

std::shared_ptr<spdlog::logger> Logger(std::string_view component) {
  std::string name(component);
  if (auto existing = spdlog::get(name)) return existing;
  LogState& s = State();
  std::lock_guard lock(s.mu);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = spdlog::stderr_color_mt(name);
  ApplyFormat(*logger, s.options.json);
  logger->set_level(spdlog::level::from_str(s.options.level));
  return logger;
}

std::string PersonRef(std::string_view person_id) {
  LogState& s = State();
  std::string salt;
  {
    std::lock_guard lock(s.mu);
    if (s.salt.empty()) s.salt = RandomSalt();
    salt = s.salt;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, salt.data(), salt.size());
  EVP_DigestUpdate(ctx, person_id.data(), person_id.size());
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "p:";
  for (int i = 0; i < 6; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

}  // namespace sevisflow::common
