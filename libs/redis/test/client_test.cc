// Unit tests of the Redis client that need no server: options, error classification, and the
// behaviour when nothing listens (services start before Redis is up).
#include "sevisflow/redis/client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sevisflow/testing/ports.h"

namespace sevisflow::redis {
namespace {

using ::testing::HasSubstr;

ClientOptions NothingListens() {
  ClientOptions o;
  o.host = "127.0.0.1";
  o.port = testing::FreePort();
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.reconnect_backoff_min = std::chrono::milliseconds(0);
  o.reconnect_backoff_max = std::chrono::milliseconds(0);
  return o;
}

TEST(RedisClientTest, RejectsBadOptions) {
  ClientOptions o;
  o.port = 0;
  EXPECT_EQ(Client::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = ClientOptions{};
  o.host = "";
  EXPECT_EQ(Client::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = ClientOptions{};
  o.db = -1;
  EXPECT_EQ(Client::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
  o = ClientOptions{};
  o.reconnect_backoff_min = std::chrono::milliseconds(10);
  o.reconnect_backoff_max = std::chrono::milliseconds(1);
  EXPECT_EQ(Client::Create(o).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RedisClientTest, CreateSucceedsWhenNothingListensAndCommandsAreUnavailable) {
  auto client = Client::Create(NothingListens());
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_FALSE((*client)->connected());

  auto r = (*client)->Command({"PING"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable) << r.status();
  EXPECT_TRUE(IsRetriable(r.status()));
  EXPECT_FALSE((*client)->connected());

  // Every convenience call reports the same retriable failure rather than crashing.
  EXPECT_EQ((*client)->Get("k").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*client)->Set("k", "v").code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*client)->SetNX("k", "v").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ((*client)->Pipeline({{"PING"}, {"PING"}}).status().code(),
            absl::StatusCode::kUnavailable);
}

TEST(RedisClientTest, FailsFastDuringReconnectBackoff) {
  ClientOptions o = NothingListens();
  o.reconnect_backoff_min = std::chrono::hours(1);
  o.reconnect_backoff_max = std::chrono::hours(1);
  auto client = Client::Create(o);
  ASSERT_TRUE(client.ok());
  auto first = (*client)->Ping();
  EXPECT_EQ(first.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(first.message()), HasSubstr("connect"));
  auto second = (*client)->Ping();
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.message()), HasSubstr("next reconnect in"));
}

TEST(RedisClientTest, RejectsEmptyCommands) {
  auto client = Client::Create(NothingListens());
  ASSERT_TRUE(client.ok());
  EXPECT_EQ((*client)->Command({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*client)->Pipeline({{"PING"}, {}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto empty = (*client)->Pipeline({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(RedisClientTest, ClassifiesErrorReplies) {
  EXPECT_EQ(ErrorReplyToStatus("LOADING Redis is loading the dataset in memory").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReplyToStatus("BUSY Redis is busy running a script").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(ErrorReplyToStatus("WRONGTYPE Operation against a key").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ErrorReplyToStatus("ERR unknown command").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(IsRetriable(ErrorReplyToStatus("ERR unknown command")));
  EXPECT_TRUE(IsRetriable(absl::UnavailableError("x")));
  EXPECT_FALSE(IsRetriable(absl::OkStatus()));
}

TEST(RedisClientTest, ReplyIsAPlainValue) {
  Reply a = Reply::Array({Reply::String(std::string("a\0b", 3)), Reply::Integer(7), Reply::Nil()});
  Reply b = a;
  EXPECT_EQ(a, b);
  b.elements[1] = Reply::Integer(8);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.elements[0].str.size(), 3u);
  EXPECT_TRUE(a.elements[2].is_nil());
  EXPECT_TRUE(Reply::Error("ERR").is_error());
}

}  // namespace
}  // namespace sevisflow::redis
