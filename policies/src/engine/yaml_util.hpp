// Small helpers shared by the YAML loaders.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "engine/engine.hpp"

namespace netaudit::policy::engine {

// Records an error for every key of `node` not in `allowed`; false if any (or not a map).
bool check_keys(const YAML::Node& node, LoadContext& load,
                std::initializer_list<std::string_view> allowed, std::string_view what);
// The scalar's text, or "" for anything else.
std::string scalar_text(const YAML::Node& node);
bool load_fact_spec(const std::string& name, const YAML::Node& node, LoadContext& load,
                    FactSpec& spec, bool local);

}  // namespace netaudit::policy::engine
