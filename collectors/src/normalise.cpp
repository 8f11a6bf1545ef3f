// Volatile-line removal (RE2::Set: each line scanned once), then the one redaction
// (netaudit/secrets/redaction.hpp) with the platform's secret rules and a keyed marker.
#include "netaudit/collectors/normalise.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <stdexcept>
#include <system_error>

#include "netaudit/collectors/errors.hpp"

namespace netaudit::collectors {
namespace {

const std::vector<std::string> kCommonVolatilePatterns = {
    R"(^\s*!+\s*Last configuration change at)",
    R"(^\s*!+\s*NVRAM config last updated at)",
    R"(^\s*!\s*No configuration change since last restart)",
    R"(^\s*!\s*Time:)",
    R"(^\s*!Running configuration last done at:)",
    R"(^\s*!\s*Startup-config last modified at)",
    R"(^Building configuration\.\.\.)",
    R"(^Current configuration\s*:\s*[0-9]+ bytes)",
    R"(^\s*ntp clock-period [0-9]+)",
    R"(^\s*## Last (?:commit|changed):)",
    R"(^#conf_file_ver=)",
    R"(^: Written by \S+ at)",
    R"(^: Saved)",
    R"(^Cryptochecksum:)",
    R"(^# (?:[A-Za-z]{3}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}) [0-9:]+ by RouterOS)",
    R"(^# (?:Generated|Finished) [A-Z]{3} [A-Z]{3} +[0-9]+ [0-9:]+ [0-9]{4})",
    R"(^!\s*Last configuration was (?:updated|saved) at)",
    R"(^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +[0-9]+ [0-9:]+(?:\.[0-9]+)? \S+$)",
    R"((?i)^\s*[!#]?\s*(?:system )?uptime\s*(?:is|:))",
};

re2::RE2::Options quiet_options() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  return options;
}

// Calls fn(line) for each line without its "\n" or "\r\n".
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    const bool last = end == std::string_view::npos;
    if (last) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line);
    start = end + 1;
  }
}

}  // namespace

const std::vector<std::string>& common_volatile_patterns() {
  return kCommonVolatilePatterns;
}

struct Normaliser::Impl {
  re2::RE2::Set volatile_set{quiet_options(), re2::RE2::UNANCHORED};
  std::shared_ptr<const secrets::SecretRules> rules;
  secrets::MarkerFn marker;

  Impl(const std::vector<std::string>& profile_volatile, std::string_view platform,
       std::shared_ptr<const RedactionKey> key) {
    if (!key) throw std::invalid_argument("Normaliser: no redaction key");
    marker = secrets::keyed_marker(std::move(key));
    for (const std::string& pattern : kCommonVolatilePatterns)
      add_volatile(pattern);
    for (const std::string& pattern : profile_volatile)
      add_volatile(pattern);
    if (!volatile_set.Compile())
      throw CollectError(ErrorKind::profile_error, "volatile patterns too large to compile");
    try {
      rules = secrets::SecretRules::for_platform(platform);
    } catch (const std::runtime_error& error) {
      throw CollectError(ErrorKind::profile_error, error.what());
    }
  }

  void add_volatile(const std::string& pattern) {
    std::string error;
    if (volatile_set.Add(pattern, &error) < 0)
      throw CollectError(ErrorKind::profile_error,
                         "bad volatile pattern '" + pattern + "': " + error);
  }
};

Normaliser::Normaliser(std::shared_ptr<const RedactionKey> key)
    : impl_(std::make_unique<Impl>(std::vector<std::string>{}, "", std::move(key))) {}

Normaliser::Normaliser(const Profile& profile, std::shared_ptr<const RedactionKey> key)
    : impl_(std::make_unique<Impl>(profile.volatile_patterns, profile.platform, std::move(key))) {}

Normaliser Normaliser::for_platform(std::string_view platform,
                                    std::shared_ptr<const RedactionKey> key,
                                    const std::filesystem::path& profile_dir) {
  const std::filesystem::path file = profile_dir / (std::string(platform) + ".yaml");
  std::error_code ec;
  const bool valid =
      !platform.empty() &&
      platform.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string_view::npos;
  if (valid && !std::filesystem::exists(file, ec)) {
    Normaliser normaliser(std::move(key));
    normaliser.impl_->rules = secrets::SecretRules::for_platform(platform);
    return normaliser;
  }
  return Normaliser(load_profile_by_name(platform, profile_dir), std::move(key));
}

Normaliser::~Normaliser() = default;
Normaliser::Normaliser(Normaliser&&) noexcept = default;
Normaliser& Normaliser::operator=(Normaliser&&) noexcept = default;

std::string Normaliser::remove_volatile(std::string_view config, NormaliseStats* stats) const {
  std::string out;
  out.reserve(config.size());
  std::size_t removed = 0;
  for_each_line(config, [&](std::string_view line) {
    if (impl_->volatile_set.Match(line, nullptr)) {
      ++removed;
      return;
    }
    out.append(line);
    out.push_back('\n');
  });
  if (stats != nullptr) stats->volatile_lines_removed += removed;
  return out;
}

std::string Normaliser::redact(std::string_view config, NormaliseStats* stats) const {
  std::string lines;
  lines.reserve(config.size() + 1);
  for_each_line(config, [&](std::string_view line) {
    lines.append(line);
    lines.push_back('\n');
  });
  std::size_t count = 0;
  std::string out = impl_->rules->redact(lines, impl_->marker, &count);
  if (stats != nullptr) stats->secrets_redacted += count;
  return out;
}

std::string Normaliser::normalise(std::string_view config, NormaliseStats* stats) const {
  std::size_t count = 0;
  std::string out = impl_->rules->redact(remove_volatile(config, stats), impl_->marker, &count);
  if (stats != nullptr) stats->secrets_redacted += count;
  return out;
}

std::string Normaliser::marker(std::string_view secret) const {
  return impl_->marker(secret);
}

}  // namespace netaudit::collectors
