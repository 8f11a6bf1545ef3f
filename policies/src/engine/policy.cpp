// Loading a whole policy (catalogue, packs, rules) from files and directories.
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "engine/engine.hpp"
#include "engine/yaml_util.hpp"

#ifndef NETAUDIT_POLICY_DIR
#define NETAUDIT_POLICY_DIR ""
#endif

namespace netaudit::policy {

namespace fs = std::filesystem;

std::string_view to_string(Severity severity) {
  switch (severity) {
    case Severity::info:
      return "info";
    case Severity::low:
      return "low";
    case Severity::medium:
      return "medium";
    case Severity::high:
      return "high";
    case Severity::critical:
      return "critical";
  }
  return "?";
}

std::optional<Severity> severity_from_string(std::string_view name) {
  for (Severity s :
       {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical})
    if (to_string(s) == name) return s;
  return std::nullopt;
}

std::string PolicyIssue::to_string() const {
  std::string out = file;
  if (line > 0) out.append(":").append(std::to_string(line));
  out += ": ";
  if (!subject.empty()) out.append("[").append(subject).append("] ");
  return out.append(message);
}

std::string ControlInfo::remediation_for(std::string_view platform) const {
  auto it = remediation.find(platform);
  if (it != remediation.end()) return it->second;
  it = remediation.find("default");
  return it == remediation.end() ? std::string() : it->second;
}

Policy::Policy() : impl_(std::make_unique<Impl>()) {}
Policy::Policy(Policy&&) noexcept = default;
Policy& Policy::operator=(Policy&&) noexcept = default;
Policy::~Policy() = default;

const FactCatalogue& Policy::catalogue() const {
  return impl_->catalogue;
}

bool Policy::has_pack(std::string_view platform) const {
  return impl_->pack(platform) != nullptr;
}

std::vector<std::string> Policy::platforms() const {
  std::vector<std::string> out;
  for (const auto& [name, pack] : impl_->packs)
    out.push_back(name);
  return out;
}

std::vector<ControlInfo> Policy::controls() const {
  std::vector<ControlInfo> out;
  for (const engine::Rule& rule : impl_->rules)
    out.push_back(rule.info);
  return out;
}

DeviceFacts Policy::extract(std::string_view platform, const ConfigTree& tree) const {
  std::vector<std::vector<engine::Hit>> hits;
  return engine::extract_facts(impl_->catalogue, impl_->pack(platform), platform, tree, hits);
}

namespace {

struct Document {
  std::string file;
  YAML::Node root;
};

void collect_files(const fs::path& path, std::vector<std::string>& files,
                   std::vector<PolicyIssue>& errors) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(path, ec), end; it != end && !ec; it.increment(ec)) {
      const fs::path& p = it->path();
      if (p.filename().string().front() == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      const std::string ext = p.extension().string();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(p.string());
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
    if (ec) errors.push_back({path.string(), 0, "", "cannot read directory: " + ec.message()});
    return;
  }
  if (!fs::exists(path, ec)) {
    errors.push_back({path.string(), 0, "", "no such file or directory"});
    return;
  }
  files.push_back(path.string());
}

std::optional<Document> read_document(const std::string& file, std::vector<PolicyIssue>& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back({file, 0, "", "cannot open file"});
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  try {
    Document doc{file, YAML::Load(buffer.str())};
    if (!doc.root.IsMap()) {
      errors.push_back(
          {file, 0, "",
           "not a policy file: expected a map with 'facts', 'platform' or 'controls'"});
      return std::nullopt;
    }
    return doc;
  } catch (const YAML::Exception& e) {
    errors.push_back(
        {file, e.mark.line >= 0 ? e.mark.line + 1 : 0, "", "YAML syntax error: " + e.msg});
    return std::nullopt;
  }
}

}  // namespace

PolicyLoadResult Policy::load(const std::vector<fs::path>& paths, const fs::path& shipped_dir) {
  PolicyLoadResult result;
  std::vector<std::string> files;
  for (const fs::path& p : paths)
    collect_files(p, files, result.errors);
  std::vector<Document> catalogues, packs, rules;
  // The same file reached twice (given relative, shipped absolute) is read once.
  std::vector<fs::path> seen;
  auto classify = [&](std::vector<std::string> list, bool strict) {
    for (const std::string& file : list) {
      std::error_code ec;
      const fs::path canonical = fs::weakly_canonical(file, ec);
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
      seen.push_back(canonical);
      auto doc = read_document(file, result.errors);
      if (!doc) continue;
      result.files.push_back(file);
      if (doc->root["facts"] && !doc->root["platform"])
        catalogues.push_back(std::move(*doc));
      else if (doc->root["platform"])
        packs.push_back(std::move(*doc));
      else if (doc->root["controls"])
        rules.push_back(std::move(*doc));
      else if (strict)
        result.errors.push_back(
            {file, 1, "", "not a policy file: no top-level 'facts', 'platform' or 'controls'"});
    }
  };
  classify(files, true);
  // The shipped catalogue is always the base vocabulary (given catalogue files extend it);
  // shipped packs fill in every platform the given paths have no pack for; the shipped rules
  // apply only when the given paths contain no rules.
  const std::size_t given_packs = packs.size();
  const std::size_t given_catalogues = catalogues.size();
  const bool given_rules = !rules.empty();
  classify({(shipped_dir / "baseline" / "facts.yaml").string()}, true);
  {
    std::vector<std::string> shipped;
    std::vector<PolicyIssue> ignored;
    collect_files(shipped_dir / "vendors", shipped, ignored);
    if (!given_rules) collect_files(shipped_dir / "baseline", shipped, ignored);
    classify(shipped, false);
  }
  // A shipped pack for a platform that a given pack covers is replaced by the given one.
  {
    std::vector<std::string> given_platforms;
    for (std::size_t i = 0; i < given_packs; ++i)
      given_platforms.push_back(engine::scalar_text(packs[i].root["platform"]));
    std::vector<Document> kept;
    for (std::size_t i = 0; i < packs.size(); ++i) {
      if (i >= given_packs &&
          std::find(given_platforms.begin(), given_platforms.end(),
                    engine::scalar_text(packs[i].root["platform"])) != given_platforms.end())
        continue;
      kept.push_back(std::move(packs[i]));
    }
    packs = std::move(kept);
  }
  Policy policy;
  Impl& impl = *policy.impl_;
  engine::LoadContext load;
  load.catalogue = &impl.catalogue;
  load.errors = &result.errors;
  load.warnings = &result.warnings;
  if (catalogues.empty()) {
    result.errors.push_back(
        {(shipped_dir / "baseline" / "facts.yaml").string(), 0, "", "no fact catalogue found"});
  }
  // A shape the loaders did not expect (e.g. a list where a map belongs) surfaces as a yaml-cpp
  // exception; it becomes an error naming the file and line, never a crash.
  auto guarded = [&](const Document& doc, auto&& step) {
    load.file = doc.file;
    load.subject.clear();
    try {
      step();
    } catch (const YAML::Exception& e) {
      result.errors.push_back({doc.file, e.mark.line >= 0 ? e.mark.line + 1 : 0, load.subject,
                               "unexpected structure: " + e.msg});
    }
  };
  // The shipped catalogue first; a given catalogue may redefine its facts (checking a copy of
  // the shipped tree, or a newer catalogue), but two given files defining one fact conflict.
  std::vector<std::string> shipped_facts;
  for (std::size_t i = given_catalogues; i < catalogues.size(); ++i)
    guarded(catalogues[i], [&] {
      engine::load_catalogue(catalogues[i].root, load, impl.catalogue, nullptr, &shipped_facts);
    });
  for (std::size_t i = 0; i < given_catalogues; ++i)
    guarded(catalogues[i], [&] {
      engine::load_catalogue(catalogues[i].root, load, impl.catalogue, &shipped_facts);
    });
  for (const Document& doc : packs) {
    guarded(doc, [&] {
      auto pack = engine::load_pack(doc.root, load);
      if (!pack) return;
      if (impl.packs.count(pack->platform)) {
        load.error(doc.root["platform"], "a pack for platform '" + pack->platform +
                                             "' already exists (" +
                                             impl.packs[pack->platform]->file + ")");
        return;
      }
      impl.packs[pack->platform] = std::move(pack);
    });
  }
  for (const Document& doc : rules)
    guarded(doc, [&] { engine::load_rules(doc.root, load, impl.packs, impl.rules); });
  for (auto& [platform, pack] : impl.packs) {
    load.file = pack->file;
    engine::finish_pack(*pack, load);
  }
  for (engine::Rule& rule : impl.rules) {
    for (const auto& [platform, pack] : impl.packs) {
      const bool included = rule.include_platforms.empty() ||
                            std::find(rule.include_platforms.begin(), rule.include_platforms.end(),
                                      platform) != rule.include_platforms.end();
      const bool excluded = std::find(rule.exclude_platforms.begin(), rule.exclude_platforms.end(),
                                      platform) != rule.exclude_platforms.end();
      auto o = rule.overrides.find(platform);
      const bool na = o != rule.overrides.end() && o->second.not_applicable;
      if (included && !excluded && !na) rule.info.platforms.push_back(platform);
    }
  }
  impl.fields_used = engine::field_use(impl.catalogue, impl.rules, impl.packs);
  if (result.errors.empty()) result.policy = std::move(policy);
  return result;
}

PolicyLoadResult Policy::load_shipped(const fs::path& dir) {
  return load({dir / "baseline", dir / "vendors"}, dir);
}

fs::path default_policy_dir() {
  std::error_code ec;
  auto usable = [&](const fs::path& dir) {
    return !dir.empty() && fs::is_directory(dir / "baseline", ec) &&
           fs::is_directory(dir / "vendors", ec);
  };
  if (const char* env = std::getenv("NETAUDIT_POLICY_DIR"); env != nullptr && *env != '\0') {
    if (usable(env)) return fs::path(env);
  }
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path dir = exe.parent_path();
    for (const fs::path& candidate :
         {dir / ".." / "share" / "netaudit" / "policies", dir / "policies"}) {
      if (usable(candidate)) return fs::weakly_canonical(candidate, ec);
    }
  }
  return fs::path(NETAUDIT_POLICY_DIR);
}

}  // namespace netaudit::policy
