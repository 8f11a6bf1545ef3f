// The secret property over the shared corpus: every config goes the daemon's way (normalise =
// redact, audit the redacted text, commit two versions and a drift), then nothing the store
// gives back (stored configs, config_changed diffs, drift diffs, every event, every finding's
// message and evidence) contains a secret value the redaction masked in the raw file.
#include <catch2/catch.hpp>
#include <cctype>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "netaudit/collectors/normalise.hpp"
#include "netaudit/collectors/profile.hpp"
#include "netaudit/policies/audit.hpp"
#include "netaudit/policies/rules.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"
#include "test_paths.hpp"

namespace {

using namespace netaudit;

constexpr std::size_t marker_size = 9 + 16;  // "redacted-" + 16 hex digits

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// Where the next keyed marker ("redacted-" and 16 hex digits) starts at or after `from`.
std::size_t find_marker(const std::string& line, std::size_t from) {
  for (std::size_t at = line.find("redacted-", from); at != std::string::npos;
       at = line.find("redacted-", at + 1)) {
    if (at + marker_size > line.size()) return std::string::npos;
    bool hex = true;
    for (std::size_t i = at + 9; i < at + marker_size; ++i) {
      hex = hex && std::isxdigit(static_cast<unsigned char>(line[i])) != 0;
    }
    if (hex) return at;
  }
  return std::string::npos;
}

// The raw values a redacted line's markers stand for: the text of `raw` between the pieces of
// `redacted` that lie outside its markers.
void masked_values(const std::string& raw, const std::string& redacted,
                   std::set<std::string>& secrets) {
  std::size_t raw_at = 0, cursor = 0;
  while (cursor <= redacted.size()) {
    const std::size_t marker = find_marker(redacted, cursor);
    const std::string piece =
        redacted.substr(cursor, marker == std::string::npos ? std::string::npos : marker - cursor);
    const std::size_t found = raw.find(piece, raw_at);
    if (found == std::string::npos) return;  // not alignable: leave this line out
    if (found > raw_at && cursor > 0) secrets.insert(raw.substr(raw_at, found - raw_at));
    raw_at = found + piece.size();
    if (marker == std::string::npos) return;
    cursor = marker + marker_size;
    // The secret runs up to the next piece; a marker at the end of the line takes the rest.
    if (cursor >= redacted.size()) {
      if (raw_at < raw.size()) secrets.insert(raw.substr(raw_at));
      return;
    }
  }
}

}  // namespace

TEST_CASE("corpus: no known secret in a stored config, a diff, an event or evidence") {
  const auto corpus = test::corpus_dir();
  if (!corpus) {
    WARN("corpus not found (../shared/corpus or $NETAUDIT_CORPUS): skipping");
    return;
  }
  auto loaded = policy::Policy::load_shipped(test::source_dir() / "policies");
  REQUIRE(loaded.policy);
  const policy::Policy& policy = *loaded.policy;

  const auto key = std::make_shared<const secrets::RedactionKey>(
      secrets::RedactionKey::from_bytes(std::string(secrets::RedactionKey::kSize, '\x5a')));
  const collectors::Normaliser common(key);
  std::map<std::string, collectors::Normaliser> by_platform;

  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(*corpus)) {
    if (entry.is_regular_file() && entry.path().filename() != "MANIFEST.tsv") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());

  // The policy's own prose (titles, messages, remediation) uses words that some lab configs use
  // as their password ("secret") or community ("read-write"): such values are not checked.
  std::string policy_prose;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(test::source_dir() / "policies")) {
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") {
      policy_prose += test::read_file(entry.path());
    }
  }

  const test::TempDir dir("store-secrets");
  auto store = store::Store::open(dir.path() / "netaudit.db");
  struct Device {
    std::string name;
    std::set<std::string> secrets;  // of its file, and of the file its intended config came from
    std::string redacted;           // every text the normaliser gave for it (and its intended)
  };
  std::vector<Device> devices;
  struct Previous {
    std::string normalised;
    std::set<std::string> secrets;
  };
  std::map<std::string, Previous> previous_by_platform;  // the "intended" config of the next
  store::TimestampMs at = 1'000'000;
  std::size_t known_secrets = 0;

  for (const auto& file : files) {
    const std::string platform = file.parent_path().filename().string();
    // The daemon's normaliser for the platform (the corpus' folders are platform names).
    auto found = by_platform.find(platform);
    if (found == by_platform.end()) {
      try {
        found = by_platform.emplace(platform, collectors::Normaliser::for_platform(platform, key))
                    .first;
      } catch (const std::exception&) {
        found = by_platform.end();
      }
    }
    const collectors::Normaliser& normaliser = found != by_platform.end() ? found->second : common;
    const std::string raw = test::read_file(file);
    Device device;
    device.name = platform + "/" + file.filename().string();

    // What the redaction masks in this file: the known secrets.
    std::set<std::string> secrets;
    const auto raw_lines = split_lines(raw);
    const auto redacted_lines = split_lines(normaliser.redact(raw));
    if (raw_lines.size() == redacted_lines.size()) {
      for (std::size_t i = 0; i < raw_lines.size(); ++i) {
        if (raw_lines[i] != redacted_lines[i])
          masked_values(raw_lines[i], redacted_lines[i], secrets);
      }
    }
    bool in_pem = false;  // a PEM body collapses into one marker: each body line is a secret
    for (const std::string& line : raw_lines) {
      if (line.find("-----BEGIN") != std::string::npos) {
        in_pem = true;
      } else if (line.find("-----END") != std::string::npos) {
        in_pem = false;
      } else if (in_pem && line.size() >= 16) {
        secrets.insert(line);
      }
    }
    known_secrets += secrets.size();
    device.secrets = secrets;

    // The daemon's way: an earlier version (the first two thirds), then the whole config, with
    // the previous file of the platform as its intended config.
    std::string earlier_raw;
    for (std::size_t i = 0; i < raw_lines.size() * 2 / 3; ++i)
      earlier_raw += raw_lines[i] + "\n";
    for (const std::string* text : {static_cast<const std::string*>(&earlier_raw), &raw}) {
      const std::string normalised = normaliser.normalise(*text);
      device.redacted += normalised;
      policy::AuditOptions options;
      options.platform = platform;
      const auto report = policy::audit_text(policy, normalised, device.name, options);
      store::CollectionOutcome outcome;
      outcome.device = device.name;
      outcome.ok = true;
      outcome.started_at = at;
      outcome.finished_at = ++at;
      outcome.config_text = normalised;
      outcome.platform = report.platform;
      outcome.findings = report.findings;
      if (text == &raw) {
        const auto intended = previous_by_platform.find(platform);
        if (intended != previous_by_platform.end()) {
          outcome.intended_diff =
              store::unified_diff(intended->second.normalised, normalised, "intended", "actual");
          device.secrets.insert(intended->second.secrets.begin(), intended->second.secrets.end());
          device.redacted += intended->second.normalised;
        }
        previous_by_platform[platform] = {normalised, secrets};
      }
      store->commit(outcome, "corpus");
    }
    devices.push_back(std::move(device));
  }

  // Per device, everything the store gives back about it.
  std::size_t checked = 0, skipped = 0, leaks = 0, versions = 0, diffs = 0, evidence_lines = 0;
  for (const Device& device : devices) {
    std::string haystack;
    for (const auto& version : store->versions(device.name)) {
      haystack += store->config(device.name, version.id).value_or("");
      ++versions;
    }
    if (auto status = store->device(device.name)) haystack += status->intended_diff;
    store::EventFilter its_events;
    its_events.device = device.name;
    its_events.limit = 1'000'000;
    for (const auto& event : store->events(its_events)) {
      haystack += event.details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      if (event.type == "config_changed" || event.type == "drift_detected") ++diffs;
    }
    store::FindingFilter its_findings;
    its_findings.device = device.name;
    for (const auto& row : store->findings(its_findings)) {
      haystack += row.message + "\n";
      for (const auto& line : row.evidence) {
        haystack += line.text + "\n";
        ++evidence_lines;
      }
    }
    for (const std::string& secret : device.secrets) {
      // Values the normaliser itself leaves in its output are not the store's to hide (the
      // collectors' corpus test covers the normaliser); short values would match by chance.
      if (secret.size() < 6 || device.redacted.find(secret) != std::string::npos ||
          policy_prose.find(secret) != std::string::npos) {
        ++skipped;
        continue;
      }
      ++checked;
      if (haystack.find(secret) != std::string::npos) {
        ++leaks;
        FAIL_CHECK(device.name << ": a secret of the corpus is in the store's output: " << secret);
      }
    }
  }
  INFO("files " << files.size() << ", secrets known " << known_secrets << ", checked " << checked
                << " (skipped " << skipped << ")"
                << ", versions " << versions << ", diffs " << diffs << ", evidence lines "
                << evidence_lines);
  CHECK(files.size() > 100);
  CHECK(checked > 100);
  CHECK(diffs > 100);
  CHECK(evidence_lines > 1000);
  CHECK(leaks == 0);
}
