// sevisflow::redis against a real redis-server (AOF on, loopback, free port).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "sevisflow/redis/client.h"
#include "sevisflow/testing/redis_server.h"

namespace sevisflow {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

class RedisIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = testing::RedisServer::Start("redis-integration");
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = std::move(*s);
    client_ = NewClient();
    ASSERT_NE(client_, nullptr);
  }

  std::unique_ptr<redis::Client> NewClient() {
    redis::ClientOptions o;
    o.host = server_->host();
    o.port = server_->port();
    // Generous: the machine is small and shared.
    o.connect_timeout = std::chrono::seconds(10);
    o.command_timeout = std::chrono::seconds(30);
    // No fail-fast window, so "the first call after Restart()" is deterministic.
    o.reconnect_backoff_min = std::chrono::milliseconds(0);
    o.reconnect_backoff_max = std::chrono::milliseconds(0);
    auto c = redis::Client::Create(o);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::move(*c) : nullptr;
  }

  std::unique_ptr<testing::RedisServer> server_;
  std::unique_ptr<redis::Client> client_;
};

TEST_F(RedisIntegrationTest, BasicCommands) {
  ASSERT_TRUE(client_->Ping().ok());
  EXPECT_TRUE(client_->connected());

  ASSERT_TRUE(client_->Set("k1", "v1").ok());
  auto got = client_->Get("k1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, std::optional<std::string>("v1"));
  auto missing = client_->Get("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  auto first = client_->SetNX("guard", "a", std::chrono::hours(1));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = client_->SetNX("guard", "b", std::chrono::hours(1));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  EXPECT_EQ(*client_->Get("guard"), std::optional<std::string>("a"));
  auto ttl = client_->Command({"PTTL", "guard"});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(ttl->integer, 0);

  EXPECT_EQ(*client_->Incr("counter"), 1);
  EXPECT_EQ(*client_->Incr("counter"), 2);

  auto added = client_->HSet("h", {{"f1", "x"}, {"f2", "y"}});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 2);
  EXPECT_EQ(*client_->HSet("h", {{"f1", "z"}}), 0);  // update, not add
  auto all = client_->HGetAll("h");
  ASSERT_TRUE(all.ok());
  EXPECT_THAT(*all, UnorderedElementsAre(Pair("f1", "z"), Pair("f2", "y")));

  auto eval = client_->Eval("return {KEYS[1], ARGV[1], redis.call('GET', KEYS[1])}", {"k1"},
                            {"arg"});
  ASSERT_TRUE(eval.ok()) << eval.status();
  ASSERT_EQ(eval->type, redis::Reply::Type::kArray);
  EXPECT_THAT(eval->elements, ElementsAre(redis::Reply::String("k1"), redis::Reply::String("arg"),
                                          redis::Reply::String("v1")));

  auto deleted = client_->Del({"k1", "counter", "nope"});
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2);
}

TEST_F(RedisIntegrationTest, ErrorRepliesArePermanentErrors) {
  ASSERT_TRUE(client_->Set("str", "v").ok());
  auto wrong = client_->HGetAll("str");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(redis::IsRetriable(wrong.status()));
  auto unknown = client_->Command({"NOSUCHCOMMAND"});
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kFailedPrecondition);
  // The connection is still usable after an error reply.
  EXPECT_TRUE(client_->Ping().ok());
}

TEST_F(RedisIntegrationTest, BinaryValuesWithNuls) {
  std::string key("bin\0key", 7);
  std::string value;
  for (int i = 0; i < 256; ++i) value.push_back(static_cast<char>(i));
  value += std::string("\0\r\n\0", 4);
  ASSERT_TRUE(client_->Set(key, value).ok());
  auto got = client_->Get(key);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(got->value().size(), value.size());
  EXPECT_EQ(got->value(), value);
  auto len = client_->Command({"STRLEN", key});
  ASSERT_TRUE(len.ok());
  EXPECT_EQ(len->integer, static_cast<int64_t>(value.size()));
}

TEST_F(RedisIntegrationTest, PipelineOfAThousandCommands) {
  std::vector<std::vector<std::string>> cmds;
  for (int i = 0; i < 1000; ++i) {
    cmds.push_back({"SET", "p:" + std::to_string(i), "value-" + std::to_string(i)});
  }
  auto set = client_->Pipeline(cmds);
  ASSERT_TRUE(set.ok()) << set.status();
  ASSERT_EQ(set->size(), 1000u);
  for (const auto& r : *set) EXPECT_EQ(r, redis::Reply::Status("OK"));

  cmds.clear();
  for (int i = 0; i < 1000; ++i) cmds.push_back({"GET", "p:" + std::to_string(i)});
  cmds.push_back({"HGETALL", "p:0"});  // an error reply in the middle of a pipeline is a value
  cmds.push_back({"DBSIZE"});
  auto got = client_->Pipeline(cmds);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1002u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ((*got)[i], redis::Reply::String("value-" + std::to_string(i))) << i;
  }
  EXPECT_TRUE((*got)[1000].is_error());
  EXPECT_EQ((*got)[1001], redis::Reply::Integer(1000));
}

TEST_F(RedisIntegrationTest, ConcurrentCallersShareOneClient) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 250; ++i) EXPECT_TRUE(client_->Incr("shared").ok());
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(*client_->Get("shared"), std::optional<std::string>("1000"));
}

TEST_F(RedisIntegrationTest, ReconnectsAfterServerRestartAndAofKeepsData) {
  ASSERT_TRUE(client_->Set("durable", "before-crash").ok());
  ASSERT_TRUE(client_->HSet("durable:h", {{"a", "1"}}).ok());

  ASSERT_TRUE(server_->Kill().ok());
  // While the server is down: a retriable error, not a crash or a hang.
  auto down = client_->Get("durable");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable) << down.status();
  EXPECT_TRUE(redis::IsRetriable(down.status()));
  auto down_pipeline = client_->Pipeline({{"PING"}});
  EXPECT_EQ(down_pipeline.status().code(), absl::StatusCode::kUnavailable);

  ASSERT_TRUE(server_->Restart().ok());
  // The very next call on the same Client reconnects and sees the AOF-replayed data.
  auto after = client_->Get("durable");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(*after, std::optional<std::string>("before-crash"));
  auto h = client_->HGetAll("durable:h");
  ASSERT_TRUE(h.ok());
  EXPECT_THAT(*h, UnorderedElementsAre(Pair("a", "1")));
}

TEST_F(RedisIntegrationTest, StaleConnectionIsRetriedTransparently) {
  // The client holds an open connection; the server dies and comes back while the client is
  // idle. The next command fails on the dead socket, reconnects and retries once.
  ASSERT_TRUE(client_->Set("k", "v").ok());
  ASSERT_TRUE(client_->connected());
  ASSERT_TRUE(server_->Restart().ok());
  auto got = client_->Get("k");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, std::optional<std::string>("v"));
}

}  // namespace
}  // namespace sevisflow
