// Fact catalogue and readings: names, types and string forms.
#include "netaudit/policies/facts.hpp"

#include <cstdio>

namespace netaudit::policy {

std::string_view to_string(ValueType type) {
  switch (type) {
    case ValueType::boolean:
      return "bool";
    case ValueType::integer:
      return "int";
    case ValueType::string:
      return "string";
    case ValueType::list:
      return "list";
  }
  return "?";
}

std::string_view to_string(FactState state) {
  switch (state) {
    case FactState::value:
      return "value";
    case FactState::unknown:
      return "unknown";
    case FactState::unset:
      return "unset";
    case FactState::not_applicable:
      return "not_applicable";
    case FactState::undefined:
      return "undefined";
    case FactState::error:
      return "error";
  }
  return "?";
}

std::string scalar_to_string(const Scalar& value) {
  if (std::holds_alternative<bool>(value)) return std::get<bool>(value) ? "true" : "false";
  if (std::holds_alternative<std::int64_t>(value))
    return std::to_string(std::get<std::int64_t>(value));
  if (std::holds_alternative<std::string>(value)) return std::get<std::string>(value);
  return "";
}

int FactSpec::field_index(std::string_view field) const {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].name == field) return static_cast<int>(i);
  return -1;
}

int FactCatalogue::find(std::string_view name) const {
  for (std::size_t i = 0; i < facts_.size(); ++i)
    if (facts_[i].name == name) return static_cast<int>(i);
  return -1;
}

void FactCatalogue::replace(int id, FactSpec spec) {
  facts_[static_cast<std::size_t>(id)] = std::move(spec);
}

int FactCatalogue::add(FactSpec spec) {
  facts_.push_back(std::move(spec));
  return static_cast<int>(facts_.size() - 1);
}

const FactSpec& DeviceFacts::spec(int id) const {
  if (id < catalogue->size()) return catalogue->spec(id);
  return local_specs[static_cast<std::size_t>(id - catalogue->size())];
}

int DeviceFacts::find(std::string_view name) const {
  const int id = catalogue->find(name);
  if (id >= 0) return id;
  for (std::size_t i = 0; i < local_specs.size(); ++i)
    if (local_specs[i].name == name) return catalogue->size() + static_cast<int>(i);
  return -1;
}

}  // namespace netaudit::policy
