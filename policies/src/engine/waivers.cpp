// Waiver files: which findings are accepted risks, until when.
#include "netaudit/policies/waivers.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace netaudit::policy {

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative matcher with single-star backtracking: linear for practical patterns.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

namespace {

// A real calendar day written YYYY-MM-DD: 2027-02-30 and 2026-02-29 are refused, 2028-02-29
// is a day (Gregorian leap years).
bool valid_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  const int year = std::stoi(s.substr(0, 4));
  const int month = std::stoi(s.substr(5, 2));
  const int day = std::stoi(s.substr(8, 2));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// Whether the waiver's device glob and labels select this device.
bool selects_device(const Waiver& w, std::string_view device, std::string_view file,
                    const Labels& labels) {
  const std::string base = std::filesystem::path(file).filename().string();
  if (!w.device.empty() && !glob_match(w.device, device) && !glob_match(w.device, file) &&
      !glob_match(w.device, base))
    return false;
  for (const auto& [name, value] : w.labels) {
    auto it = labels.find(name);
    if (it == labels.end() || !glob_match(value, it->second)) return false;
  }
  return true;
}

std::string text_of(const YAML::Node& node) {
  return node && node.IsScalar() ? node.Scalar() : "";
}

}  // namespace

WaiverSet WaiverSet::parse(std::string_view yaml_text, const std::string& origin,
                           std::vector<std::string>& errors) {
  WaiverSet set;
  auto error = [&](const YAML::Node& node, const std::string& message) {
    const int line = node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
    errors.push_back(origin + (line > 0 ? std::string(":").append(std::to_string(line)) : "") +
                     ": " + message);
  };
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    errors.push_back(origin + std::string(":").append(std::to_string(e.mark.line + 1)) +
                     ": YAML syntax error: " + e.msg);
    return set;
  }
  const YAML::Node list = root.IsMap() ? root["waivers"] : YAML::Node();
  if (!list || !list.IsSequence()) {
    errors.push_back(origin + ": expected a top-level 'waivers:' list");
    return set;
  }
  for (const auto& node : list) {
    if (!node.IsMap()) {
      error(node, "a waiver must be a map");
      continue;
    }
    Waiver w;
    w.file = origin;
    w.line = node.Mark().line + 1;
    bool ok = true;
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>("");
      static const char* kKeys[] = {"device", "labels", "control", "reason",
                                    "owner",  "ticket", "expires"};
      if (std::find(std::begin(kKeys), std::end(kKeys), key) == std::end(kKeys)) {
        error(kv.first,
              "unknown key '" + key +
                  "' in waiver (device, labels, control, reason, owner, ticket, expires)");
        ok = false;
      }
    }
    w.device = text_of(node["device"]);
    if (const YAML::Node labels = node["labels"]) {
      if (!labels.IsMap()) {
        error(labels, "'labels' must map a label name to a value");
        ok = false;
      } else {
        for (const auto& kv : labels)
          w.labels[kv.first.as<std::string>("")] = text_of(kv.second);
      }
    }
    if (w.device.empty() && w.labels.empty()) {
      error(node, "a waiver needs 'device' (name or glob) or 'labels'");
      ok = false;
    }
    for (auto [field, name] : {std::pair{&w.control, "control"},
                               {&w.reason, "reason"},
                               {&w.owner, "owner"},
                               {&w.ticket, "ticket"},
                               {&w.expires, "expires"}}) {
      *field = text_of(node[name]);
      if (field->empty()) {
        error(node, std::string("waiver is missing '") + name + "'");
        ok = false;
      }
    }
    if (!w.expires.empty() && !valid_date(w.expires)) {
      error(node["expires"], "'expires' must be a real date YYYY-MM-DD, got '" + w.expires + "'");
      ok = false;
    }
    if (ok) set.waivers_.push_back(std::move(w));
  }
  return set;
}

WaiverSet WaiverSet::load(const std::filesystem::path& path, std::vector<std::string>& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    errors.push_back(path.string() + ": cannot open waivers file");
    return {};
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path.string(), errors);
}

WaiverMatch WaiverSet::match(std::string_view device, std::string_view file, const Labels& labels,
                             std::string_view control, std::string_view today) const {
  WaiverMatch out;
  for (const Waiver& w : waivers_) {
    if (!glob_match(w.control, control) || !selects_device(w, device, file, labels)) continue;
    if (w.expires < today) {
      if (out.expired == nullptr) out.expired = &w;
      continue;
    }
    out.active = &w;
    return out;
  }
  return out;
}

std::vector<std::string> WaiverSet::unmatched(const std::vector<DeviceReport>& reports,
                                              const std::vector<ControlInfo>& controls,
                                              const Labels& labels) const {
  std::vector<std::string> out;
  for (const Waiver& w : waivers_) {
    const std::string where =
        w.file + ":" + std::to_string(w.line) + ": waiver (ticket " + w.ticket + ") ";
    const bool any_control = std::any_of(controls.begin(), controls.end(), [&](const auto& c) {
      return glob_match(w.control, c.id);
    });
    if (!any_control)
      out.push_back(where + "names control '" + w.control +
                    "', which matches no control of the policy; it waives nothing");
    const bool any_device = std::any_of(reports.begin(), reports.end(), [&](const auto& r) {
      return r.error.empty() && selects_device(w, r.device, r.file, labels);
    });
    if (!any_device)
      out.push_back(where + "for " +
                    (w.device.empty() ? "the labels given" : "'" + w.device + "'") +
                    " matches no audited device");
  }
  return out;
}

}  // namespace netaudit::policy
