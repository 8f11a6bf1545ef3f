// Waivers: an accepted risk for a device (or a glob / label selector) and a control, with a
// reason, an owner, a ticket and an expiry date. Expired waivers no longer apply.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/audit.hpp"

namespace netaudit::policy {

struct Waiver {
  std::string device;   // glob over the device name or file name ("*" = any); may be empty
  Labels labels;        // every label must equal (globs allowed in values)
  std::string control;  // control id, globs allowed ("SNMP-*")
  std::string reason;
  std::string owner;
  std::string ticket;
  std::string expires;  // YYYY-MM-DD; the waiver applies up to and including this day
  std::string file;
  int line = 0;
};

struct WaiverMatch {
  const Waiver* active = nullptr;   // the waiver that applies
  const Waiver* expired = nullptr;  // a waiver that would apply but has expired
};

class WaiverSet {
 public:
  // Parses a waivers file: `waivers: [{device|labels, control, reason, owner, ticket, expires}]`.
  // Errors name the file, line and what is wrong.
  static WaiverSet load(const std::filesystem::path& path, std::vector<std::string>& errors);
  static WaiverSet parse(std::string_view yaml_text, const std::string& origin,
                         std::vector<std::string>& errors);

  WaiverMatch match(std::string_view device, std::string_view file, const Labels& labels,
                    std::string_view control, std::string_view today) const;
  const std::vector<Waiver>& waivers() const { return waivers_; }
  // One warning ("file:line: waiver (ticket T) ...") per waiver whose control glob matches no
  // control, and per waiver whose device selector matches none of the audited reports (those
  // without an error): a misspelt name would otherwise waive nothing in silence.
  std::vector<std::string> unmatched(const std::vector<DeviceReport>& reports,
                                     const std::vector<ControlInfo>& controls,
                                     const Labels& labels) const;

 private:
  std::vector<Waiver> waivers_;
};

// Shell-style glob: `*` any run, `?` one character. Case-sensitive.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace netaudit::policy
