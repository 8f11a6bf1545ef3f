// Auditing one config against a policy: verdicts with evidence.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "netaudit/policies/config_tree.hpp"
#include "netaudit/policies/facts.hpp"
#include "netaudit/policies/rules.hpp"

namespace re2 {
class RE2;
}

namespace netaudit::policy {

class WaiverSet;

enum class Verdict : std::uint8_t { pass, fail, unknown, not_applicable, error, waived };
std::string_view to_string(Verdict verdict);

struct Evidence {
  std::uint32_t line = 0;  // 0: no source line (a platform default, a missing statement)
  std::string text;        // the source line (secrets redacted), or the note
};

struct Finding {
  std::string control;
  std::string title;
  Severity severity = Severity::medium;
  Verdict verdict = Verdict::unknown;
  std::string message;
  std::vector<Evidence> evidence;
  std::string remediation;
};

struct DeviceReport {
  std::string file;
  std::string device;                 // hostname from the config, else the file name
  std::string platform;               // as detected or given
  std::vector<Finding> findings;      // in control order
  std::vector<std::string> warnings;  // parse warnings, expired waivers
  std::string error;                  // the file could not be read at all (findings empty)
};

using Labels = std::map<std::string, std::string, std::less<>>;

struct AuditOptions {
  std::string platform;  // empty: detect
  Labels labels;         // inventory labels (role, site, ...)
  const WaiverSet* waivers = nullptr;
  std::string today;  // YYYY-MM-DD for waiver expiry; empty: the current UTC date
};

// The words of the `error` of a report whose file's platform was not detected (and none was
// given): such a file is not audited.
inline constexpr std::string_view kPlatformNotRecognised = "platform not recognised";

// Reads, detects, parses and audits one file. Never throws on bad input: an unreadable file,
// or one whose platform is not recognised, gives a report with `error` set.
DeviceReport audit_file(const Policy& policy, const std::string& path, const AuditOptions& options);
// The same for text already in memory; `origin` names it in the report.
DeviceReport audit_text(const Policy& policy, std::string text, const std::string& origin,
                        const AuditOptions& options);

// Audits a tree already parsed (e.g. by a collector that parsed it for its own needs).
// `parse_warnings` of that parse become the report's warnings; `broken` marks a parse that
// could not read the file (every control is then `error`).
DeviceReport audit_tree(const Policy& policy, const ConfigTree& tree, const std::string& platform,
                        const std::string& origin, const AuditOptions& options, bool broken = false,
                        const std::string& broken_reason = "");

// Control counts per verdict over a set of reports.
struct VerdictCounts {
  std::size_t pass = 0, fail = 0, unknown = 0, not_applicable = 0, error = 0, waived = 0;
  void add(Verdict verdict);
};

// Today's UTC date as YYYY-MM-DD.
std::string utc_today();

// Masks secrets (passwords, keys, community strings other than the well-known defaults) in
// one config line before it is shown as evidence. Built-in patterns only: prefer Redactor,
// which adds the platform pack's `redact:` patterns and the secret values read from the config.
std::string redact_line(std::string_view line);

// Everything that masks secrets for one device: the built-in patterns, the `redact:` patterns
// of the platform's pack, and every value of a fact (field) marked `secret` in the catalogue
// (an SNMP community name wherever it appears) except the well-known defaults public/private,
// which are the finding itself. Cheap to build per device; keeps pointers into `policy`.
class Redactor {
 public:
  Redactor(const Policy& policy, std::string_view platform, const DeviceFacts* facts = nullptr);
  // A config line: every mask applies.
  std::string line(std::string_view text) const;
  // A message or note written by the engine or a pack: pack patterns and secret values only
  // (the built-in keyword patterns would mangle prose such as "enable secret is missing").
  std::string prose(std::string_view text) const;

 private:
  std::string apply_pack_and_values(std::string text) const;
  std::vector<const re2::RE2*> pack_patterns_;
  std::vector<std::string> secret_values_;
};

}  // namespace netaudit::policy
