#include "sevisflow/redis/client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <csignal>

#include <algorithm>
#include <cerrno>
#include <mutex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "sevisflow/common/logging.h"

namespace sevisflow::redis {
namespace {

using SteadyClock = std::chrono::steady_clock;

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(void* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

Reply Convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      return Reply::Integer(r->integer);
    case REDIS_REPLY_STRING:
      return Reply::String(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return Reply::Status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR:
      return Reply::Error(std::string(r->str, r->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) elements.push_back(Convert(r->element[i]));
      return Reply::Array(std::move(elements));
    }
    case REDIS_REPLY_NIL:
    default:
      return Reply::Nil();
  }
}

// argv/argvlen views over the caller's strings (binary-safe: lengths, not NUL terminators).
struct ArgvView {
  explicit ArgvView(const std::vector<std::string>& args) {
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  std::vector<const char*> argv;
  std::vector<size_t> lens;
};

// The context's error as a status. Every hiredis context error means the connection is unusable.
absl::Status ContextError(const redisContext* c, const char* what) {
  if (c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    return absl::UnavailableError(absl::StrCat("redis: ", what, ": timed out"));
  }
  return absl::UnavailableError(absl::StrCat("redis: ", what, ": ", c->errstr));
}

}  // namespace

bool IsRetriable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

absl::Status ErrorReplyToStatus(const std::string& message) {
  // States a server leaves on its own: loading the AOF after a restart, a long script, a
  // replica without its master, a cluster slot moving.
  for (const char* transient : {"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (absl::StartsWith(message, transient)) {
      return absl::UnavailableError(absl::StrCat("redis: ", message));
    }
  }
  return absl::FailedPreconditionError(absl::StrCat("redis: ", message));
}

struct Client::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {}

  ClientOptions options;
  std::shared_ptr<spdlog::logger> log = common::Logger("redis");
  mutable std::mutex mu;
  ContextPtr ctx;                        // guarded by mu; null when disconnected
  SteadyClock::time_point next_attempt;  // guarded by mu
  std::chrono::milliseconds backoff{0};  // guarded by mu

  void Disconnect() { ctx.reset(); }

  // Runs one command on the open connection for AUTH / SELECT.
  absl::Status Handshake(const std::vector<std::string>& args, const char* what) {
    ArgvView v(args);
    ReplyPtr r(static_cast<redisReply*>(redisCommandArgv(ctx.get(), static_cast<int>(args.size()),
                                                         v.argv.data(), v.lens.data())));
    if (!r) return ContextError(ctx.get(), what);
    if (r->type == REDIS_REPLY_ERROR) {
      // A wrong password or db is a configuration problem, not a transient one.
      return absl::FailedPreconditionError(
          absl::StrCat("redis: ", what, " failed: ", std::string(r->str, r->len)));
    }
    return absl::OkStatus();
  }

  absl::Status Connect() {
    auto now = SteadyClock::now();
    if (backoff.count() > 0 && now < next_attempt) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_attempt - now);
      return absl::UnavailableError(absl::StrCat("redis: ", options.host, ":", options.port,
                                                 " unreachable; next reconnect in ",
                                                 left.count(), " ms"));
    }
    absl::Status s = ConnectNow();
    if (s.ok()) {
      backoff = std::chrono::milliseconds(0);
      return s;
    }
    Disconnect();
    backoff = backoff.count() == 0 ? options.reconnect_backoff_min
                                   : std::min(backoff * 2, options.reconnect_backoff_max);
    next_attempt = SteadyClock::now() + backoff;
    return s;
  }

  absl::Status ConnectNow() {
    timeval tv = ToTimeval(options.connect_timeout);
    ctx.reset(redisConnectWithTimeout(options.host.c_str(), options.port, tv));
    if (!ctx) return absl::UnavailableError("redis: cannot allocate a context");
    if (ctx->err) {
      return absl::UnavailableError(absl::StrCat("redis: connect to ", options.host, ":",
                                                 options.port, ": ", ctx->errstr));
    }
    timeval cmd_tv = ToTimeval(options.command_timeout);
    if (redisSetTimeout(ctx.get(), cmd_tv) != REDIS_OK) return ContextError(ctx.get(), "timeout");
    if (!options.password.empty()) {
      if (auto s = Handshake({"AUTH", options.password.Reveal()}, "AUTH"); !s.ok()) return s;
    }
    if (options.db != 0) {
      if (auto s = Handshake({"SELECT", std::to_string(options.db)}, "SELECT"); !s.ok()) return s;
    }
    log->info("connected to {}:{} db {}", options.host, options.port, options.db);
    return absl::OkStatus();
  }

  // One attempt of a pipeline on the current connection (connecting first if needed).
  absl::StatusOr<std::vector<Reply>> RunOnce(const std::vector<std::vector<std::string>>& cmds) {
    if (!ctx) {
      if (auto s = Connect(); !s.ok()) return s;
    }
    for (const auto& args : cmds) {
      ArgvView v(args);
      if (redisAppendCommandArgv(ctx.get(), static_cast<int>(args.size()), v.argv.data(),
                                 v.lens.data()) != REDIS_OK) {
        auto s = ContextError(ctx.get(), "append");
        Disconnect();
        return s;
      }
    }
    std::vector<Reply> out;
    out.reserve(cmds.size());
    for (size_t i = 0; i < cmds.size(); ++i) {
      void* raw = nullptr;
      if (redisGetReply(ctx.get(), &raw) != REDIS_OK || raw == nullptr) {
        auto s = ContextError(ctx.get(), "read");
        Disconnect();
        return s;
      }
      ReplyPtr r(static_cast<redisReply*>(raw));
      out.push_back(Convert(r.get()));
    }
    return out;
  }

  absl::StatusOr<std::vector<Reply>> Run(const std::vector<std::vector<std::string>>& cmds) {
    std::lock_guard lock(mu);
    bool had_connection = ctx != nullptr;
    auto result = RunOnce(cmds);
    // Retry once only when an existing connection broke (e.g. Redis restarted while we were
    // idle); a failed fresh connect is not retried, so callers get UNAVAILABLE quickly.
    if (!result.ok() && had_connection && result.status().code() == absl::StatusCode::kUnavailable &&
        !absl::StrContains(result.status().message(), "timed out")) {
      log->warn("connection lost ({}); reconnecting and retrying once",
                std::string(result.status().message()));
      result = RunOnce(cmds);
    }
    return result;
  }
};

absl::StatusOr<std::unique_ptr<Client>> Client::Create(ClientOptions options) {
  if (options.host.empty()) return absl::InvalidArgumentError("redis: host is empty");
  if (options.port <= 0 || options.port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("redis: bad port ", options.port));
  }
  if (options.db < 0) return absl::InvalidArgumentError("redis: db must be >= 0");
  if (options.connect_timeout.count() <= 0 || options.command_timeout.count() <= 0) {
    return absl::InvalidArgumentError("redis: timeouts must be positive");
  }
  if (options.reconnect_backoff_min.count() < 0 ||
      options.reconnect_backoff_max < options.reconnect_backoff_min) {
    return absl::InvalidArgumentError("redis: bad reconnect backoff");
  }
  // hiredis writes with write(2); a write to a connection Redis has closed would raise SIGPIPE
  // and kill the process instead of returning EPIPE. Services never want that signal.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
  return std::unique_ptr<Client>(new Client(std::make_unique<Impl>(std::move(options))));
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

bool Client::connected() const {
  std::lock_guard lock(impl_->mu);
  return impl_->ctx != nullptr;
}

absl::StatusOr<std::vector<Reply>> Client::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  for (const auto& c : commands) {
    if (c.empty()) return absl::InvalidArgumentError("redis: empty command in pipeline");
  }
  if (commands.empty()) return std::vector<Reply>{};
  return impl_->Run(commands);
}

absl::StatusOr<Reply> Client::Command(std::vector<std::string> args) {
  if (args.empty()) return absl::InvalidArgumentError("redis: empty command");
  std::vector<std::vector<std::string>> cmds;
  cmds.push_back(std::move(args));
  auto replies = impl_->Run(cmds);
  if (!replies.ok()) return replies.status();
  Reply r = std::move(replies->front());
  if (r.is_error()) return ErrorReplyToStatus(r.str);
  return r;
}

absl::Status Client::Ping() {
  auto r = Command({"PING"});
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::StatusOr<std::optional<std::string>> Client::Get(const std::string& key) {
  auto r = Command({"GET", key});
  if (!r.ok()) return r.status();
  if (r->is_nil()) return std::optional<std::string>();
  if (r->type != Reply::Type::kString) return absl::InternalError("redis: GET: unexpected reply");
  return std::optional<std::string>(std::move(r->str));
}

absl::Status Client::Set(const std::string& key, const std::string& value,
                         std::optional<std::chrono::milliseconds> ttl) {
  std::vector<std::string> args{"SET", key, value};
  if (ttl) {
    args.push_back("PX");
    args.push_back(std::to_string(ttl->count()));
  }
  auto r = Command(std::move(args));
  return r.ok() ? absl::OkStatus() : r.status();
}

absl::StatusOr<bool> Client::SetNX(const std::string& key, const std::string& value,
                                   std::optional<std::chrono::milliseconds> ttl) {
  std::vector<std::string> args{"SET", key, value, "NX"};
  if (ttl) {
    args.push_back("PX");
    args.push_back(std::to_string(ttl->count()));
  }
  auto r = Command(std::move(args));
  if (!r.ok()) return r.status();
  return !r->is_nil();  // +OK when set, nil when the key already existed
}

absl::StatusOr<int64_t> Client::Del(const std::vector<std::string>& keys) {
  if (keys.empty()) return 0;
  std::vector<std::string> args{"DEL"};
  args.insert(args.end(), keys.begin(), keys.end());
  auto r = Command(std::move(args));
  if (!r.ok()) return r.status();
  return r->integer;
}

absl::StatusOr<std::map<std::string, std::string>> Client::HGetAll(const std::string& key) {
  auto r = Command({"HGETALL", key});
  if (!r.ok()) return r.status();
  if (r->type != Reply::Type::kArray || r->elements.size() % 2 != 0) {
    return absl::InternalError("redis: HGETALL: unexpected reply");
  }
  std::map<std::string, std::string> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    out[std::move(r->elements[i].str)] = std::move(r->elements[i + 1].str);
  }
  return out;
}

absl::StatusOr<int64_t> Client::HSet(const std::string& key,
                                     const std::map<std::string, std::string>& fields) {
  if (fields.empty()) return absl::InvalidArgumentError("redis: HSET needs at least one field");
  std::vector<std::string> args{"HSET", key};
  for (const auto& [f, v] : fields) {
    args.push_back(f);
    args.push_back(v);
  }
  auto r = Command(std::move(args));
  if (!r.ok()) return r.status();
  return r->integer;
}

absl::StatusOr<int64_t> Client::Incr(const std::string& key) {
  auto r = Command({"INCR", key});
  if (!r.ok()) return r.status();
  return r->integer;
}

absl::StatusOr<Reply> Client::Eval(const std::string& script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
  std::vector<std::string> cmd{"EVAL", script, std::to_string(keys.size())};
  cmd.insert(cmd.end(), keys.begin(), keys.end());
  cmd.insert(cmd.end(), args.begin(), args.end());
  return Command(std::move(cmd));
}

}  // namespace sevisflow::redis
