#pragma once
// A small synchronous Redis client over hiredis 0.14 (plain TCP; that hiredis has no TLS).
//
// Error classification (one place, so call sites don't invent their own):
//   - UNAVAILABLE: the connection failed (refused, reset, timed out, EOF) or Redis answered with
//     a transient error (LOADING, BUSY, MASTERDOWN, TRYAGAIN). Retriable; see IsRetriable().
//   - FAILED_PRECONDITION: Redis answered with a permanent error reply (ERR, WRONGTYPE,
//     NOSCRIPT, ...). Retrying the same command will not help.
//   - INVALID_ARGUMENT: a bad call (empty command, bad options).
//
// Connection life cycle: Create() does NOT connect. The first command connects (then AUTH and
// SELECT), so a service may start before Redis is up; while Redis is down every command returns
// UNAVAILABLE quickly. After a connection error the client reconnects on the next command and
// retries that command once. A command whose reply was lost may therefore run twice: use
// idempotent commands (SET, SET NX, HSET, DEL) or keys that make a replay harmless.
//
// Thread-safe: one connection guarded by a mutex (commands are serialised).

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sevisflow/common/config.h"

namespace sevisflow::redis {

struct ClientOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  common::Secret password;  // empty: no AUTH
  int db = 0;               // SELECT after every (re)connect when non-zero
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{5000};
  // After a failed connect attempt, commands fail fast with UNAVAILABLE for this long before
  // the next attempt; the wait doubles on each failure up to reconnect_backoff_max and resets on
  // success. Zero disables the wait.
  std::chrono::milliseconds reconnect_backoff_min{100};
  std::chrono::milliseconds reconnect_backoff_max{2000};
};

// A Redis reply as a plain value (no hiredis types leak out).
struct Reply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };

  Type type = Type::kNil;
  int64_t integer = 0;        // kInteger
  std::string str;            // kString (binary-safe), kStatus, kError
  std::vector<Reply> elements;  // kArray

  static Reply Nil() { return Reply{}; }
  static Reply Integer(int64_t v) { return Reply{Type::kInteger, v, {}, {}}; }
  static Reply String(std::string s) { return Reply{Type::kString, 0, std::move(s), {}}; }
  static Reply Status(std::string s) { return Reply{Type::kStatus, 0, std::move(s), {}}; }
  static Reply Error(std::string s) { return Reply{Type::kError, 0, std::move(s), {}}; }
  static Reply Array(std::vector<Reply> e) { return Reply{Type::kArray, 0, {}, std::move(e)}; }

  bool is_nil() const { return type == Type::kNil; }
  bool is_error() const { return type == Type::kError; }
  bool operator==(const Reply&) const = default;
};

// True for statuses worth retrying later (connection trouble, transient server state).
bool IsRetriable(const absl::Status& status);

// The status for a Redis error reply: UNAVAILABLE for transient ones (LOADING, BUSY, ...),
// FAILED_PRECONDITION otherwise.
absl::Status ErrorReplyToStatus(const std::string& message);

class Client {
 public:
  // INVALID_ARGUMENT for bad options; never fails because Redis is unreachable.
  static absl::StatusOr<std::unique_ptr<Client>> Create(ClientOptions options);

  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One command, binary-safe arguments (redisCommandArgv). An error reply becomes a status (see
  // the classification above).
  absl::StatusOr<Reply> Command(std::vector<std::string> args);

  // Sends all commands, then reads all replies: one round trip. Error replies of individual
  // commands are returned as Reply::Type::kError values, not as a failed status; the status is
  // an error only when the connection failed (then the whole pipeline is retried once).
  absl::StatusOr<std::vector<Reply>> Pipeline(const std::vector<std::vector<std::string>>& commands);

  // Convenience wrappers.
  absl::Status Ping();
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  absl::Status Set(const std::string& key, const std::string& value,
                   std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  // SET key value NX [PX ttl]: true if this call created the key.
  absl::StatusOr<bool> SetNX(const std::string& key, const std::string& value,
                             std::optional<std::chrono::milliseconds> ttl = std::nullopt);
  absl::StatusOr<int64_t> Del(const std::vector<std::string>& keys);
  absl::StatusOr<std::map<std::string, std::string>> HGetAll(const std::string& key);
  // Returns the number of fields that were added (not updated).
  absl::StatusOr<int64_t> HSet(const std::string& key,
                               const std::map<std::string, std::string>& fields);
  absl::StatusOr<int64_t> Incr(const std::string& key);
  absl::StatusOr<Reply> Eval(const std::string& script, const std::vector<std::string>& keys,
                             const std::vector<std::string>& args);

  // True when a connection is currently open (it may still turn out to be dead).
  bool connected() const;

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sevisflow::redis
