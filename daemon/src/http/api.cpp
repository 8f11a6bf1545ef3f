#include "http/api.hpp"

#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "http/uri.hpp"

namespace netaudit::http {
namespace {

using nlohmann::json;

constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr std::size_t kMaxFindings = 10'000;
constexpr std::size_t kMaxEvents = 10'000;
constexpr std::array<std::string_view, 5> kSeverities = {"critical", "high", "medium", "low",
                                                         "info"};
constexpr std::array<std::string_view, 6> kVerdicts = {"pass",  "fail",           "unknown",
                                                       "error", "not_applicable", "waived"};
constexpr std::array<std::string_view, 9> kEventTypes = {
    "config_changed",    "compliance_regression", "compliance_restored",
    "collection_failed", "collection_recovered",  "host_key_changed",
    "drift_detected",    "drift_cleared",         "policy_changed"};

// A 4xx answer with a message; thrown from a route, turned into {"error": ...} by handle().
struct HttpError {
  unsigned status;
  std::string message;
  std::vector<std::pair<std::string, std::string>> headers = {};
};

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& allowed) {
  for (const std::string_view candidate : allowed)
    if (candidate == value) return true;
  return false;
}

template <std::size_t N>
std::string list(const std::array<std::string_view, N>& values) {
  std::string out;
  for (const std::string_view value : values) {
    if (!out.empty()) out += ", ";
    out += value;
  }
  return out;
}

Response json_response(unsigned status, const json& body) {
  return Response{status,
                  "application/json",
                  body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n",
                  {}};
}

Response error_response(const HttpError& error) {
  Response response = json_response(error.status, json{{"error", error.message}});
  response.headers = error.headers;
  return response;
}

json time_value(std::optional<store::TimestampMs> at) {
  return at ? json(format_rfc3339(*at)) : json(nullptr);
}
json unix_value(std::optional<store::TimestampMs> at) {
  return at ? json(static_cast<double>(*at) / 1000.0) : json(nullptr);
}
void put_time(json& object, const std::string& key, std::optional<store::TimestampMs> at) {
  object[key] = time_value(at);
  object[key + "_unix"] = unix_value(at);
}

json version_json(const store::VersionInfo& version) {
  json out{{"id", version.id}, {"sha256", version.sha256}, {"bytes", version.bytes}};
  put_time(out, "collected_at", version.collected_at);
  put_time(out, "last_seen_at", version.last_seen_at);
  return out;
}

json device_json(const store::DeviceStatus& device) {
  json out{{"name", device.info.name},           {"platform", device.info.platform},
           {"transport", device.info.transport}, {"host", device.info.host},
           {"labels", device.info.labels},       {"up", device.up}};
  put_time(out, "last_collection", device.last_collection);
  put_time(out, "last_success", device.last_success);
  put_time(out, "last_change", device.last_change);
  out["last_error"] =
      device.last_error_kind.empty() && device.last_error_message.empty()
          ? json(nullptr)
          : json{{"kind", device.last_error_kind}, {"message", device.last_error_message}};
  out["consecutive_failures"] = device.consecutive_failures;
  out["latest_version"] =
      device.latest_version ? version_json(*device.latest_version) : json(nullptr);
  out["failing_by_severity"] = json::object();
  for (const std::string_view severity : kSeverities) {
    const auto it = device.failing_by_severity.find(severity);
    out["failing_by_severity"][std::string(severity)] =
        it == device.failing_by_severity.end() ? 0 : it->second;
  }
  out["verdict_counts"] = device.verdict_counts;
  out["compliance_ratio"] = device.compliance_ratio;
  out["drift"] = device.drift;
  return out;
}

json finding_json(const store::FindingRow& row) {
  json evidence = json::array();
  for (const store::EvidenceLine& line : row.evidence)
    evidence.push_back({{"line", line.line}, {"text", line.text}});
  json out{{"device", row.device},
           {"control", row.control},
           {"title", row.title},
           {"severity", row.severity},
           {"verdict", row.verdict},
           {"message", row.message},
           {"evidence", std::move(evidence)},
           {"remediation", row.remediation},
           {"version_id", row.version_id},
           {"policy_version", row.policy_version}};
  put_time(out, "failing_since", row.failing_since);
  put_time(out, "last_cleared", row.last_cleared);
  return out;
}

json event_json(const store::Event& event) {
  json out{{"id", event.id},           {"type", event.type},         {"device", event.device},
           {"control", event.control}, {"severity", event.severity}, {"details", event.details}};
  put_time(out, "at", event.at);
  return out;
}

// Query parameters a route takes; any other is a 400 (a misspelt filter would otherwise
// silently return everything).
void allow_only(const Query& query, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : query) {
    bool known = false;
    for (const std::string_view candidate : allowed)
      known = known || candidate == name;
    if (!known) {
      std::string names;
      for (const std::string_view candidate : allowed)
        names += (names.empty() ? "" : ", ") + std::string(candidate);
      throw HttpError{400, "unknown query parameter '" + name + "'" +
                               (names.empty() ? std::string("; this route takes none")
                                              : "; this route takes: " + names)};
    }
  }
}

std::string param(const Query& query, std::string_view name) {
  const auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

std::optional<std::int64_t> integer_param(const Query& query, std::string_view name,
                                          std::int64_t min, std::int64_t max) {
  const auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  const std::string& text = it->second;
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
    throw HttpError{400, std::string(name) + " must be an integer from " + std::to_string(min) +
                             " to " + std::to_string(max) + ", got '" + text + "'"};
  return value;
}

std::optional<std::string> bearer_token(const Request& request) {
  const std::string_view value = request.header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = value[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kScheme[i])
      return std::nullopt;
  }
  std::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return std::string(token);
}

// Any of `tokens` (non-empty ones) is accepted; every one is compared, in constant time.
void require_token(const Request& request, std::initializer_list<std::string_view> tokens) {
  const auto given = bearer_token(request);
  bool ok = false;
  if (given) {
    for (const std::string_view token : tokens)
      if (!token.empty()) ok = constant_time_equal(*given, token) || ok;
  }
  if (!ok) {
    throw HttpError{401,
                    given ? "invalid bearer token" : "missing 'Authorization: Bearer <token>'",
                    {{"WWW-Authenticate", "Bearer realm=\"netaudit\""}}};
  }
}

void require_method(const Request& request, std::string_view allowed) {
  const bool get_like = allowed == "GET" && (request.method == "GET" || request.method == "HEAD");
  if (get_like || request.method == allowed) return;
  const std::string allow = allowed == "GET" ? "GET, HEAD" : std::string(allowed);
  throw HttpError{
      405, "method " + request.method + " is not allowed here; use " + allow, {{"Allow", allow}}};
}

}  // namespace

void refresh_metrics(DaemonMetrics& metrics, const store::Store& store) {
  store::FindingFilter failing;
  failing.verdict = "fail";
  failing.limit = std::numeric_limits<std::size_t>::max();
  const auto devices = store.devices();
  metrics.update_state(devices, store.findings(failing));
}

Api::Api(const store::Store& store, DaemonMetrics& metrics, ApiOptions options, ApiHooks hooks)
    : store_(store), metrics_(metrics), hooks_(std::move(hooks)), options_(std::move(options)) {}

void Api::set_options(ApiOptions options) {
  std::lock_guard lock(options_mutex_);
  options_ = std::move(options);
}

ApiOptions Api::options() const {
  std::lock_guard lock(options_mutex_);
  return options_;
}

Response Api::handle(const Request& request) const {
  try {
    const Target target = parse_target(request.target);
    const auto& path = target.segments;
    const Query& query = target.query;
    const ApiOptions opts = options();

    if (path.size() == 1 && path[0] == "healthz") {
      require_method(request, "GET");
      allow_only(query, {});
      return json_response(200, {{"status", "ok"}});
    }
    if (path.size() == 1 && path[0] == "readyz") {
      require_method(request, "GET");
      allow_only(query, {});
      const bool ready = hooks_.ready ? hooks_.ready() : false;
      return json_response(ready ? 200 : 503, {{"status", ready ? "ready" : "not ready"}});
    }
    if (path.size() == 1 && path[0] == "metrics") {
      require_method(request, "GET");
      if (!opts.metrics_token.empty()) require_token(request, {opts.metrics_token});
      allow_only(query, {});
      if (opts.refresh_metrics_on_scrape) refresh_metrics(metrics_, store_);
      return Response{200, std::string(kMetricsContentType), metrics_.render(), {}};
    }
    if (path.size() < 3 || path[0] != "api" || path[1] != "v1")
      throw HttpError{404, "no such route: " + request.target.substr(0, 200)};

    const bool is_audit = path.size() == 5 && path[2] == "devices" && path[4] == "audit";
    if (is_audit) {
      require_method(request, "POST");
      if (opts.write_token.empty())
        throw HttpError{403, "POST is disabled: the daemon has no api token (api.token_file)"};
      require_token(request, {opts.write_token});
      allow_only(query, {});
      const std::string& name = path[3];
      const auto job = hooks_.enqueue_audit ? hooks_.enqueue_audit(name) : std::nullopt;
      if (!job) throw HttpError{404, "unknown device '" + name + "'"};
      Response response = json_response(202, {{"job_id", *job}, {"device", name}});
      response.headers.emplace_back("Location", "/api/v1/devices/" + percent_encode(name));
      return response;
    }

    if (!opts.read_token.empty()) require_token(request, {opts.read_token, opts.write_token});

    if (path.size() == 3 && path[2] == "devices") {
      require_method(request, "GET");
      allow_only(query, {});
      json devices = json::array();
      for (const store::DeviceStatus& device : store_.devices())
        devices.push_back(device_json(device));
      const std::size_t count = devices.size();
      return json_response(200, {{"devices", std::move(devices)}, {"count", count}});
    }
    if (path.size() == 3 && path[2] == "findings") {
      require_method(request, "GET");
      allow_only(query, {"severity", "control", "verdict", "device", "limit"});
      store::FindingFilter filter;
      filter.severity = param(query, "severity");
      filter.control = param(query, "control");
      filter.verdict = param(query, "verdict");
      filter.device = param(query, "device");
      if (!filter.severity.empty() && !one_of(filter.severity, kSeverities))
        throw HttpError{400, "severity must be one of " + list(kSeverities) + ", got '" +
                                 filter.severity + "'"};
      if (!filter.verdict.empty() && !one_of(filter.verdict, kVerdicts))
        throw HttpError{
            400, "verdict must be one of " + list(kVerdicts) + ", got '" + filter.verdict + "'"};
      const auto limit = static_cast<std::size_t>(
          integer_param(query, "limit", 1, kMaxFindings).value_or(kMaxFindings));
      filter.limit = limit + 1;  // one more tells whether the answer was cut
      auto rows = store_.findings(filter);
      const bool truncated = rows.size() > limit;
      if (truncated) rows.resize(limit);
      json findings = json::array();
      for (const store::FindingRow& row : rows)
        findings.push_back(finding_json(row));
      return json_response(
          200,
          {{"findings", std::move(findings)}, {"count", rows.size()}, {"truncated", truncated}});
    }
    if (path.size() == 3 && path[2] == "events") {
      require_method(request, "GET");
      allow_only(query, {"since", "after_id", "type", "device", "limit"});
      store::EventFilter filter;
      if (query.contains("since")) {
        filter.since = parse_time(param(query, "since"));
        if (!filter.since)
          throw HttpError{400,
                          "since must be unix seconds or an RFC 3339 time "
                          "(2026-12-03T13:00:00Z), got '" +
                              param(query, "since") + "'"};
      }
      filter.after_id =
          integer_param(query, "after_id", 0, std::numeric_limits<std::int64_t>::max());
      filter.type = param(query, "type");
      if (!filter.type.empty() && !one_of(filter.type, kEventTypes))
        throw HttpError{400,
                        "type must be one of " + list(kEventTypes) + ", got '" + filter.type + "'"};
      filter.device = param(query, "device");
      const auto limit =
          static_cast<std::size_t>(integer_param(query, "limit", 1, kMaxEvents).value_or(1000));
      filter.limit = limit + 1;
      auto rows = store_.events(filter);
      const bool truncated = rows.size() > limit;
      if (truncated) rows.resize(limit);
      json events = json::array();
      for (const store::Event& event : rows)
        events.push_back(event_json(event));
      json body{{"events", std::move(events)}, {"count", rows.size()}, {"truncated", truncated}};
      // Where to continue: ?after_id= this (events come oldest first).
      body["next_after_id"] = rows.empty()
                                  ? json(filter.after_id ? json(*filter.after_id) : json(nullptr))
                                  : json(rows.back().id);
      return json_response(200, body);
    }

    if (path.size() >= 4 && path.size() <= 5 && path[2] == "devices") {
      const std::string& name = path[3];
      const std::string what = path.size() == 5 ? path[4] : std::string();
      if (what != "" && what != "config" && what != "versions" && what != "diff")
        throw HttpError{404, "no such route: " + request.target.substr(0, 200)};
      require_method(request, "GET");
      const auto device = store_.device(name);
      if (!device) throw HttpError{404, "unknown device '" + name + "'"};

      if (what.empty()) {
        allow_only(query, {});
        store::FindingFilter filter;
        filter.device = name;
        json body = device_json(*device);
        body["findings"] = json::array();
        for (const store::FindingRow& row : store_.findings(filter))
          body["findings"].push_back(finding_json(row));
        return json_response(200, body);
      }

      const auto versions = store_.versions(name);
      const auto find_version = [&](std::int64_t id) {
        for (const store::VersionInfo& version : versions)
          if (version.id == id) return version;
        throw HttpError{404, "device '" + name + "' has no version " + std::to_string(id)};
      };
      const auto text_of = [&](const store::VersionInfo& version) {
        auto text = store_.config(name, version.id);
        if (!text)
          throw HttpError{404,
                          "device '" + name + "' has no version " + std::to_string(version.id)};
        return std::move(*text);
      };
      constexpr std::int64_t kMaxId = std::numeric_limits<std::int64_t>::max();

      if (what == "versions") {
        allow_only(query, {});
        json list_json = json::array();
        for (const store::VersionInfo& version : versions)
          list_json.push_back(version_json(version));
        return json_response(200, {{"device", name}, {"versions", std::move(list_json)}});
      }
      if (what == "config") {
        allow_only(query, {"version", "format"});
        const std::string format = param(query, "format");
        if (!format.empty() && format != "json" && format != "text")
          throw HttpError{400, "format must be json or text, got '" + format + "'"};
        const auto id = integer_param(query, "version", 1, kMaxId);
        if (versions.empty())
          throw HttpError{404, "device '" + name + "' has no stored config yet"};
        const store::VersionInfo version = id ? find_version(*id) : versions.front();
        std::string text = text_of(version);
        if (format == "text")
          return Response{200, "text/plain; charset=utf-8", std::move(text), {}};
        return json_response(
            200,
            {{"device", name}, {"version", version_json(version)}, {"config", std::move(text)}});
      }
      // diff: from and to default to the last change (the two newest versions).
      allow_only(query, {"from", "to", "format"});
      const std::string format = param(query, "format");
      if (!format.empty() && format != "json" && format != "text")
        throw HttpError{400, "format must be json or text, got '" + format + "'"};
      const auto from_id = integer_param(query, "from", 1, kMaxId);
      const auto to_id = integer_param(query, "to", 1, kMaxId);
      if (versions.empty()) throw HttpError{404, "device '" + name + "' has no stored config yet"};
      const store::VersionInfo to = to_id ? find_version(*to_id) : versions.front();
      std::optional<store::VersionInfo> from;
      if (from_id) {
        from = find_version(*from_id);
      } else {
        for (std::size_t i = 0; i + 1 < versions.size(); ++i)
          if (versions[i].id == to.id) from = versions[i + 1];  // the one before `to`
      }
      const std::string to_text = text_of(to);
      const std::string from_text = from ? text_of(*from) : std::string();
      const auto label = [&](const store::VersionInfo& version) {
        return name + " version " + std::to_string(version.id) + " (" +
               format_rfc3339(version.collected_at) + ")";
      };
      std::string diff =
          from ? store::unified_diff(from_text, to_text, label(*from), label(to)) : std::string();
      if (format == "text") return Response{200, "text/x-diff; charset=utf-8", std::move(diff), {}};
      return json_response(200, {{"device", name},
                                 {"from", from ? version_json(*from) : json(nullptr)},
                                 {"to", version_json(to)},
                                 {"diff", std::move(diff)}});
    }
    std::string hint;
    if (path.size() > 5 && path[2] == "devices")
      hint = " (a device name holding '/' must be sent percent-encoded, as %2F)";
    throw HttpError{404, "no such route: " + request.target.substr(0, 200) + hint};
  } catch (const HttpError& error) {
    return error_response(error);
  } catch (const BadRequest& error) {
    return error_response(HttpError{400, error.what()});
  }
}

}  // namespace netaudit::http
