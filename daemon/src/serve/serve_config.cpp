#include "serve/serve_config.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <set>

namespace netaudit::serve {
namespace {

// Reads one YAML file's keys with errors that name file, line and key.
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {
    base_ = file_.has_parent_path() ? file_.parent_path() : std::filesystem::path(".");
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& why) const {
    const int line = node.IsDefined() ? node.Mark().line + 1 : 0;
    throw ConfigError(file_.string() + ":" + std::to_string(line) + ": " + key + ": " + why);
  }

  void only_keys(const YAML::Node& map, const std::string& where,
                 const std::set<std::string>& allowed) const {
    if (!map.IsMap()) fail(map, where, "must be a mapping");
    for (const auto& entry : map) {
      const std::string key = entry.first.as<std::string>();
      if (!allowed.count(key)) {
        std::string known;
        for (const std::string& k : allowed)
          known += (known.empty() ? "" : ", ") + k;
        fail(entry.first, where.empty() ? key : where + "." + key,
             "unknown key (known: " + known + ")");
      }
    }
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "must be a text value");
    return node.as<std::string>();
  }

  std::filesystem::path path(const YAML::Node& node, const std::string& key) const {
    const std::string value = text(node, key);
    if (value.empty()) fail(node, key, "must not be empty");
    std::filesystem::path p(value);
    return p.is_absolute() ? p : base_ / p;
  }

  std::chrono::milliseconds duration(const YAML::Node& node, const std::string& key) const {
    const auto value = parse_duration(text(node, key));
    if (!value)
      fail(node, key,
           "must be a duration such as 30s, 15m, 1h (got '" + node.as<std::string>() + "')");
    return *value;
  }

  std::size_t count(const YAML::Node& node, const std::string& key, std::size_t min,
                    std::size_t max) const {
    const std::string value = text(node, key);
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max)
      fail(node, key,
           "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return n;
  }

  // "10%" or "0.1" -> 0.1
  double fraction(const YAML::Node& node, const std::string& key) const {
    std::string value = text(node, key);
    double scale = 1;
    if (!value.empty() && value.back() == '%') {
      value.pop_back();
      scale = 100;
    }
    double f = -1;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), f);
    if (ec != std::errc() || end != value.data() + value.size() || f / scale < 0 || f / scale > 1)
      fail(node, key, "must be a fraction from 0 to 1, or a percentage such as 10%");
    return f / scale;
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    bool b = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, b))
      fail(node, key, "must be true or false");
    return b;
  }

  ListenAddress address(const YAML::Node& node, const std::string& key) const {
    const std::string value = text(node, key);
    const std::size_t colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0)
      fail(node, key, "must be HOST:PORT, e.g. 127.0.0.1:9870 or [::1]:9870");
    ListenAddress a;
    a.host = value.substr(0, colon);
    if (a.host.size() > 2 && a.host.front() == '[' && a.host.back() == ']')
      a.host = a.host.substr(1, a.host.size() - 2);
    const std::string port = value.substr(colon + 1);
    unsigned n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || end != port.data() + port.size() || n > 65535)
      fail(node, key, "port must be 0 to 65535");
    a.port = static_cast<std::uint16_t>(n);
    unsigned char buffer[16];
    if (inet_pton(AF_INET, a.host.c_str(), buffer) != 1 &&
        inet_pton(AF_INET6, a.host.c_str(), buffer) != 1 && a.host != "localhost")
      fail(node, key, "host must be an IP address or localhost (got '" + a.host + "')");
    return a;
  }

  const std::filesystem::path& base() const { return base_; }

 private:
  std::filesystem::path file_;
  std::filesystem::path base_;
};

void read_schedule(const Reader& r, const YAML::Node& node, ScheduleConfig& s) {
  r.only_keys(
      node, "schedule",
      {"interval", "jitter", "concurrency", "job_timeout", "retries", "retry_backoff", "limits"});
  if (node["interval"]) s.interval = r.duration(node["interval"], "schedule.interval");
  if (node["jitter"]) s.jitter = r.fraction(node["jitter"], "schedule.jitter");
  if (node["concurrency"])
    s.concurrency = r.count(node["concurrency"], "schedule.concurrency", 1, 10'000);
  if (node["job_timeout"]) s.job_timeout = r.duration(node["job_timeout"], "schedule.job_timeout");
  if (node["retries"])
    s.retries = static_cast<int>(r.count(node["retries"], "schedule.retries", 0, 20));
  if (node["retry_backoff"])
    s.retry_backoff = r.duration(node["retry_backoff"], "schedule.retry_backoff");
  if (const YAML::Node limits = node["limits"]) {
    if (!limits.IsMap()) r.fail(limits, "schedule.limits", "must be a mapping GROUP: LIMIT");
    for (const auto& entry : limits) {
      const std::string group = entry.first.as<std::string>();
      if (group.find(':') == std::string::npos)
        r.fail(entry.first, "schedule.limits",
               "group '" + group + "' must be platform:NAME or LABEL:VALUE");
      s.limits[group] = r.count(entry.second, "schedule.limits." + group, 1, 10'000);
    }
  }
  if (s.job_timeout > s.interval)
    r.fail(node, "schedule.job_timeout", "must not be longer than schedule.interval");
}

void read_inventory(const Reader& r, const YAML::Node& node, InventorySource& inventory) {
  if (node.IsScalar()) {
    inventory.kind = InventorySource::Kind::file;
    inventory.path = r.path(node, "inventory");
    return;
  }
  if (!node.IsMap())
    r.fail(node, "inventory", "must be a file name, {directory: PATH} or {devices: [...]}");
  if (node["directory"]) {
    r.only_keys(node, "inventory", {"directory", "platform"});
    inventory.kind = InventorySource::Kind::directory;
    inventory.path = r.path(node["directory"], "inventory.directory");
    if (node["platform"]) inventory.platform = r.text(node["platform"], "inventory.platform");
    return;
  }
  if (node["devices"]) {
    r.only_keys(node, "inventory", {"defaults", "devices"});
    inventory.kind = InventorySource::Kind::inline_list;
    inventory.inline_node = node;
    return;
  }
  r.fail(node, "inventory", "must be a file name, {directory: PATH} or {devices: [...]}");
}

}  // namespace

std::string ListenAddress::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool ListenAddress::is_loopback() const {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::filesystem::path ServeConfig::redaction_key_path() const {
  if (redaction_key) return *redaction_key;
  return store.parent_path() / "redaction.key";
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  while (!text.empty()) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data() || n < 0) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    std::int64_t unit = 0;
    if (text.rfind("ms", 0) == 0) {
      unit = 1;
      text.remove_prefix(2);
    } else if (!text.empty()) {
      switch (text.front()) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = 60'000;
          break;
        case 'h':
          unit = 3'600'000;
          break;
        case 'd':
          unit = 86'400'000;
          break;
        default:
          return std::nullopt;
      }
      text.remove_prefix(1);
    } else {
      return std::nullopt;  // a bare number has no unit
    }
    if (n > (std::int64_t{1} << 40) / unit) return std::nullopt;
    total += n * unit;
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::milliseconds(total);
}

ServeConfig load_serve_config(const std::filesystem::path& file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file.string());
  } catch (const YAML::BadFile&) {
    throw ConfigError(file.string() + ": cannot read the config file");
  } catch (const YAML::Exception& error) {
    throw ConfigError(file.string() + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  const Reader r(file);
  ServeConfig config;
  config.file = file;
  if (!root.IsMap()) r.fail(root, "(top level)", "must be a mapping of keys");
  try {
    r.only_keys(root, "",
                {"listen", "store", "inventory", "known_hosts", "host_key_policy", "policies",
                 "waivers", "intended", "redaction_key", "schedule", "syslog", "api", "metrics",
                 "tls", "collect", "retention", "shutdown_timeout", "log"});
    if (root["listen"]) config.listen = r.address(root["listen"], "listen");
    if (!root["store"]) r.fail(root, "store", "is required (the SQLite file of the daemon)");
    config.store = r.path(root["store"], "store");
    if (!root["inventory"])
      r.fail(root, "inventory", "is required (a file, {directory: PATH} or {devices: [...]})");
    read_inventory(r, root["inventory"], config.inventory);
    config.known_hosts = root["known_hosts"] ? r.path(root["known_hosts"], "known_hosts")
                                             : config.store.parent_path() / "known_hosts";
    if (const YAML::Node n = root["host_key_policy"]) {
      const std::string policy = r.text(n, "host_key_policy");
      if (policy == "strict")
        config.host_key_policy = collectors::HostKeyPolicy::strict;
      else if (policy == "accept-new")
        config.host_key_policy = collectors::HostKeyPolicy::accept_new;
      else
        r.fail(n, "host_key_policy", "must be strict or accept-new");
    }
    if (const YAML::Node n = root["policies"]) {
      if (n.IsScalar()) {
        config.policies.push_back(r.path(n, "policies"));
      } else if (n.IsSequence()) {
        for (const YAML::Node& item : n)
          config.policies.push_back(r.path(item, "policies"));
      } else {
        r.fail(n, "policies", "must be a path or a list of paths");
      }
    }
    if (root["waivers"]) config.waivers = r.path(root["waivers"], "waivers");
    if (root["intended"]) config.intended = r.path(root["intended"], "intended");
    if (root["redaction_key"])
      config.redaction_key = r.path(root["redaction_key"], "redaction_key");
    if (root["schedule"]) read_schedule(r, root["schedule"], config.schedule);
    if (const YAML::Node n = root["syslog"]) {
      r.only_keys(n, "syslog", {"listen", "patterns", "debounce"});
      if (n["listen"]) config.syslog.listen = r.address(n["listen"], "syslog.listen");
      if (const YAML::Node p = n["patterns"]) {
        if (!p.IsSequence()) r.fail(p, "syslog.patterns", "must be a list of RE2 patterns");
        for (const YAML::Node& item : p)
          config.syslog.patterns.push_back(r.text(item, "syslog.patterns"));
      }
      if (n["debounce"]) config.syslog.debounce = r.duration(n["debounce"], "syslog.debounce");
    }
    if (const YAML::Node n = root["api"]) {
      r.only_keys(n, "api", {"token_file", "read_token_file"});
      if (n["token_file"]) config.api.token_file = r.path(n["token_file"], "api.token_file");
      if (n["read_token_file"])
        config.api.read_token_file = r.path(n["read_token_file"], "api.read_token_file");
    }
    if (const YAML::Node n = root["metrics"]) {
      r.only_keys(n, "metrics", {"token_file", "finding_series_limit"});
      if (n["token_file"])
        config.metrics.token_file = r.path(n["token_file"], "metrics.token_file");
      if (n["finding_series_limit"])
        config.metrics.finding_series_limit =
            r.count(n["finding_series_limit"], "metrics.finding_series_limit", 0, 1'000'000);
    }
    if (const YAML::Node n = root["tls"]) {
      r.only_keys(n, "tls", {"cert_file", "key_file"});
      if (n["cert_file"]) config.tls.cert_file = r.path(n["cert_file"], "tls.cert_file");
      if (n["key_file"]) config.tls.key_file = r.path(n["key_file"], "tls.key_file");
      if (config.tls.cert_file.has_value() != config.tls.key_file.has_value())
        r.fail(n, "tls", "needs both cert_file and key_file");
    }
    if (const YAML::Node n = root["collect"]) {
      r.only_keys(n, "collect", {"connect_timeout", "command_timeout", "max_bytes"});
      if (n["connect_timeout"])
        config.collect.connect_timeout =
            r.duration(n["connect_timeout"], "collect.connect_timeout");
      if (n["command_timeout"])
        config.collect.command_timeout =
            r.duration(n["command_timeout"], "collect.command_timeout");
      if (n["max_bytes"])
        config.collect.max_bytes = r.count(n["max_bytes"], "collect.max_bytes", 1024, 1u << 30);
    }
    if (const YAML::Node n = root["retention"]) {
      r.only_keys(n, "retention", {"keep_versions"});
      if (n["keep_versions"])
        config.keep_versions = r.count(n["keep_versions"], "retention.keep_versions", 0, 1'000'000);
    }
    if (root["shutdown_timeout"])
      config.shutdown_timeout = r.duration(root["shutdown_timeout"], "shutdown_timeout");
    if (const YAML::Node n = root["log"]) {
      r.only_keys(n, "log", {"level", "format"});
      if (n["level"]) {
        config.log_level = r.text(n["level"], "log.level");
        static const std::set<std::string> levels = {"trace", "debug", "info",
                                                     "warn",  "error", "off"};
        if (!levels.count(config.log_level))
          r.fail(n["level"], "log.level", "must be trace, debug, info, warn, error or off");
      }
      if (n["format"]) {
        config.log_format = r.text(n["format"], "log.format");
        if (config.log_format != "text")
          r.fail(n["format"], "log.format", "must be text (JSON lines are not written yet)");
      }
    }
  } catch (const YAML::Exception& error) {
    throw ConfigError(file.string() + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
  return config;
}

}  // namespace netaudit::serve
