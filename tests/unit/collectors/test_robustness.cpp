// Hostile input for the parsers that face the device: random and mutated bytes into the NETCONF
// framing decoder, the prompt matcher, output cleaning and the normaliser. Each must either
// work or throw CollectError: no crash, no hang (run under ASan/UBSan by scripts/test.sh).
#include <catch2/catch.hpp>
#include <random>

#include "netaudit/collectors/cli_driver.hpp"
#include "netaudit/collectors/errors.hpp"
#include "netaudit/collectors/netconf_client.hpp"
#include "netaudit/collectors/normalise.hpp"
#include "netaudit/collectors/profile.hpp"
#include "test_key.hpp"

using namespace netaudit::collectors;

namespace {

std::string random_bytes(std::mt19937& rng, std::size_t size, std::string_view alphabet) {
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  std::string out(size, '\0');
  for (char& c : out)
    c = alphabet[pick(rng)];
  return out;
}

}  // namespace

TEST_CASE("framing decoder: random and mutated streams never crash") {
  std::mt19937 rng(20240601);
  const std::string alphabet = std::string("\n#0123456789]>abc<") + '\0' + "\r";
  const std::string valid = "\n#5\n<ok/>\n#3\nabc\n##\n";
  std::size_t messages = 0;
  std::size_t errors = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string stream = round % 2 == 0 ? random_bytes(rng, rng() % 64, alphabet) : valid;
    if (round % 2 == 1) {  // flip a few bytes of a valid stream
      for (int flips = 0; flips < 2; ++flips)
        stream[rng() % stream.size()] = alphabet[rng() % alphabet.size()];
    }
    for (Framing framing : {Framing::chunked, Framing::end_of_message}) {
      FramingDecoder decoder(framing, 4096);
      try {
        std::size_t at = 0;
        while (at < stream.size()) {
          const std::size_t step = 1 + rng() % 7;
          decoder.feed(std::string_view(stream).substr(at, step));
          at += step;
          while (decoder.next_message())
            ++messages;
        }
      } catch (const CollectError& error) {
        CHECK(error.kind() != ErrorKind::none);
        ++errors;
      }
    }
  }
  CHECK(messages > 0);
  CHECK(errors > 0);
}

TEST_CASE("prompt matching - output cleaning and normalisation survive random terminal bytes") {
  std::mt19937 rng(7);
  const std::string alphabet = std::string("ab#>$ -\r\n\b\x1b[mK0123456789<>:%^@\"'=") + '\0';
  for (const std::string& platform : available_platforms()) {
    const Profile profile = load_profile_by_name(platform);
    const PromptMatcher prompts(profile);
    const Normaliser normaliser(profile, netaudit::test::redaction_key());
    for (int round = 0; round < 300; ++round) {
      const std::string raw = random_bytes(rng, rng() % 400, alphabet);
      (void)prompts.at_prompt(raw);
      (void)prompts.at_more(raw);
      const std::string cleaned = clean_command_output(raw, "show running-config", prompts);
      CHECK(cleaned.find('\r') == std::string::npos);
      const std::string normalised = normaliser.normalise(raw);
      CHECK(normalised.size() <= raw.size() * 30 + 64);
    }
  }
}

TEST_CASE("parse_get_config_reply rejects garbage with protocol_error") {
  std::mt19937 rng(11);
  const std::string alphabet = "<>/=\"' abcdrpcelyt-:";
  constexpr int kRounds = 2000;
  int rejected = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string xml = random_bytes(rng, rng() % 120, alphabet);
    try {
      (void)parse_get_config_reply(xml);
      // Only a well-formed <rpc-reply> holding <data> is accepted; say which one if it happens.
      INFO("accepted: " << xml);
      CHECK(xml.find("rpc-reply") != std::string::npos);
    } catch (const CollectError& error) {
      ++rejected;
      CHECK((error.kind() == ErrorKind::protocol_error || error.kind() == ErrorKind::rpc_error));
    }
  }
  // 120 random bytes of this alphabet (fixed seed) never spell out a well-formed
  // <rpc-reply><data/></rpc-reply>: every one of them is rejected.
  CHECK(rejected == kRounds);
  // And the same parser accepts a real reply, so the rejections are not a parser that refuses all.
  CHECK(parse_get_config_reply(R"(<rpc-reply xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">)"
                               R"(<data><system><host-name>r1</host-name></system></data>)"
                               R"(</rpc-reply>)")
            .find("r1") != std::string::npos);
}
