// An audit reads only the list fields that some condition or the redactor uses; everything it
// does read must be what a full read (`netaudit facts`) gives.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "netaudit/policies/detect.hpp"
#include "netaudit/policies/parse.hpp"
#include "policy_test_util.hpp"

namespace fs = std::filesystem;
using namespace netaudit::policy;

namespace {

bool same_reading(const ScalarReading& a, const ScalarReading& b) {
  return a.state == b.state && a.value == b.value && a.line == b.line &&
         a.from_default == b.from_default && a.note == b.note && a.derived_lines == b.derived_lines;
}

}  // namespace

TEST_CASE("field use: an audit's partial read agrees with the full read on every used field") {
  const Policy& policy = netaudit::test::shipped_policy();
  const auto& impl = policy.impl();
  std::size_t configs = 0;
  std::size_t skipped_fields = 0;
  for (const auto& folder : fs::directory_iterator(netaudit::test::fixture_dir() / "policy")) {
    const std::string platform = folder.path().filename().string();
    const engine::Pack* pack = impl.pack(platform);
    if (pack == nullptr) continue;
    for (const auto& file : fs::directory_iterator(folder.path())) {
      if (file.path().extension() == ".yaml") continue;
      const std::string text = netaudit::test::read_file(file.path());
      const auto parsed =
          netaudit::parse_config(text, netaudit::syntax_for_platform(platform, text));
      std::vector<std::vector<engine::Hit>> hits_full;
      std::vector<std::vector<engine::Hit>> hits_partial;
      const DeviceFacts full =
          engine::extract_facts(impl.catalogue, pack, platform, parsed.tree, hits_full);
      const DeviceFacts partial = engine::extract_facts(impl.catalogue, pack, platform, parsed.tree,
                                                        hits_partial, &impl.fields_used);
      ++configs;
      REQUIRE(full.readings.size() == partial.readings.size());
      for (std::size_t id = 0; id < full.readings.size(); ++id) {
        const FactReading& a = full.readings[id];
        const FactReading& b = partial.readings[id];
        INFO(file.path() << ": fact " << full.spec(static_cast<int>(id)).name);
        CHECK(a.state == b.state);
        CHECK(same_reading(a.scalar, b.scalar));
        REQUIRE(a.items.size() == b.items.size());
        for (std::size_t r = 0; r < a.items.size(); ++r) {
          CHECK(a.items[r].line == b.items[r].line);
          for (std::size_t f = 0; f < a.items[r].fields.size(); ++f) {
            if (!impl.fields_used.used(static_cast<int>(id), static_cast<int>(f))) {
              ++skipped_fields;
              continue;
            }
            INFO("field " << full.spec(static_cast<int>(id)).fields[f].name);
            CHECK(same_reading(a.items[r].fields[f], b.items[r].fields[f]));
          }
        }
      }
    }
  }
  CHECK(configs > 20);
  // The filter does leave something out, else it would not be worth having.
  CHECK(skipped_fields > 0);
}

TEST_CASE("field use: secret fields are always read, for the redactor") {
  const auto& impl = netaudit::test::shipped_policy().impl();
  for (int id = 0; id < impl.catalogue.size(); ++id) {
    const FactSpec& spec = impl.catalogue.spec(id);
    for (std::size_t f = 0; f < spec.fields.size(); ++f)
      if (spec.fields[f].secret) CHECK(impl.fields_used.used(id, static_cast<int>(f)));
  }
}
