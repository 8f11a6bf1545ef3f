#include <catch2/catch.hpp>

#include "http/api.hpp"
#include "http/uri.hpp"

using netaudit::http::BadRequest;
using netaudit::http::parse_target;
using netaudit::http::percent_decode;

TEST_CASE("percent-decoding: escapes decode, bad ones are errors naming the place") {
  CHECK(percent_decode("r%2F1%20a+b", "the path") == "r/1 a+b");
  CHECK(percent_decode("%e2%9c%93", "x") == "\xe2\x9c\x93");
  CHECK_THROWS_WITH(percent_decode("a%zz", "the path"), Catch::Contains("offset 1"));
  CHECK_THROWS_AS(percent_decode("a%4", "x"), BadRequest);
  CHECK_THROWS_AS(percent_decode("%", "x"), BadRequest);
  CHECK_THROWS_WITH(percent_decode("a%00b", "x"), Catch::Contains("NUL"));
  CHECK(netaudit::http::percent_encode("site/r 1~") == "site%2Fr%201~");
}

TEST_CASE("request targets split on raw '/' before decoding, so %2F stays in a segment") {
  const auto target = parse_target("/api/v1/devices/site%2Fr1/diff?from=3&to=%37");
  REQUIRE(target.segments == std::vector<std::string>{"api", "v1", "devices", "site/r1", "diff"});
  CHECK(target.query.at("from") == "3");
  CHECK(target.query.at("to") == "7");

  CHECK(parse_target("/").segments.empty());
  CHECK(parse_target("/metrics/").segments == std::vector<std::string>{"metrics", ""});
  CHECK(parse_target("/a?flag&&b=").query.at("flag").empty());
  CHECK_THROWS_WITH(parse_target("/a?x=1&x=2"), Catch::Contains("'x' given more than once"));
  CHECK_THROWS_AS(parse_target("/a?=1"), BadRequest);
  CHECK_THROWS_AS(parse_target("http://host/a"), BadRequest);
  CHECK_THROWS_AS(parse_target("/a?since=%GG"), BadRequest);
  CHECK_THROWS_AS(parse_target("/a%2"), BadRequest);
}

TEST_CASE("times: RFC 3339 out, RFC 3339 or unix seconds in") {
  using netaudit::http::format_rfc3339;
  using netaudit::http::parse_time;
  CHECK(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339(1'796'303'849'123) == "2026-12-03T13:17:29.123Z");
  CHECK(parse_time("2026-12-03T13:17:29.123Z") == 1'796'303'849'123);
  CHECK(parse_time("2026-12-03T13:17:29Z") == 1'796'303'849'000);
  CHECK(parse_time("2026-12-03T14:17:29+01:00") == 1'796'303'849'000);
  CHECK(parse_time("2026-12-03T12:47:29-00:30") == 1'796'303'849'000);
  CHECK(parse_time("1796303849") == 1'796'303'849'000);
  CHECK(parse_time("1796303849.5") == 1'796'303'849'500);
  for (const char* bad : {"abc", "", "2026-13-03T13:17:29Z", "2026-02-30T00:00:00Z",
                          "2026-12-03T13:17:29", "2026-12-03 13:17:29Z", "12.", "-5",
                          "2026-12-03T25:00:00Z", "2026-12-03T13:17:29.Z", "1e9"})
    CHECK_FALSE(parse_time(bad).has_value());
}

TEST_CASE("tokens compare equal only when equal, whatever the lengths") {
  using netaudit::http::constant_time_equal;
  CHECK(constant_time_equal("s3cret-token", "s3cret-token"));
  CHECK_FALSE(constant_time_equal("s3cret-token", "s3cret-tokeN"));
  CHECK_FALSE(constant_time_equal("s3cret", "s3cret-token"));
  CHECK_FALSE(constant_time_equal("s3cret-token", "s3cret"));
  CHECK_FALSE(constant_time_equal("", "x"));
  CHECK(constant_time_equal("", ""));
}
