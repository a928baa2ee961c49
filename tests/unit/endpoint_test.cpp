// Endpoint parsing and conversion for IPv4 and IPv6.
#include "net/endpoint.h"

#include <gtest/gtest.h>

namespace wirestep::net {
namespace {

TEST(Endpoint, ParsesIpv4AndIpv6WithAndWithoutPorts) {
  const auto v4 = Endpoint::parse("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->family(), AF_INET);
  EXPECT_EQ(v4->port(), 8080);
  EXPECT_EQ(v4->to_string(), "127.0.0.1:8080");
  EXPECT_TRUE(v4->is_loopback());

  const auto v6 = Endpoint::parse("[::1]:443");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->family(), AF_INET6);
  EXPECT_EQ(v6->port(), 443);
  EXPECT_EQ(v6->to_string(), "[::1]:443");
  EXPECT_TRUE(v6->is_loopback());

  EXPECT_EQ(Endpoint::parse("::1")->port(), 0);
  EXPECT_EQ(Endpoint::parse("10.1.2.3")->host(), "10.1.2.3");
  EXPECT_FALSE(Endpoint::parse("10.1.2.3")->is_loopback());
  EXPECT_TRUE(Endpoint::parse("127.4.5.6")->is_loopback());
}

TEST(Endpoint, RejectsWhatIsNotAnAddress) {
  EXPECT_FALSE(Endpoint::parse("localhost:80"));
  EXPECT_FALSE(Endpoint::parse("127.0.0.1:99999"));
  EXPECT_FALSE(Endpoint::parse("127.0.0.1:http"));
  EXPECT_FALSE(Endpoint::parse("[::1"));
  EXPECT_FALSE(Endpoint::parse("[::1]x"));
  EXPECT_FALSE(Endpoint::parse(""));
}

TEST(Endpoint, LoopbackHelperAndTraceAddress) {
  auto e = Endpoint::loopback(AF_INET6, 9);
  EXPECT_EQ(e.to_string(), "[::1]:9");
  const auto address = Endpoint::loopback(AF_INET, 80).to_address();
  EXPECT_EQ(address.family, 4);
  EXPECT_EQ(address.port, 80);
  EXPECT_EQ(address.ip[0], 127);
}

}  // namespace
}  // namespace wirestep::net
