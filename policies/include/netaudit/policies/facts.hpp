// Facts: normalised, vendor-neutral values read from a config tree by a vendor pack.
//
// The catalogue (policies/baseline/facts.yaml) names every fact and its type; a pack
// (policies/vendors/<platform>.yaml) says how to read each one on its platform. A reading keeps
// where its value came from: the source line, or the platform default that applied.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace netaudit::policy {

enum class ValueType : std::uint8_t { boolean, integer, string, list };
std::string_view to_string(ValueType type);

// A scalar value: nothing, bool, int or string.
using Scalar = std::variant<std::monostate, bool, std::int64_t, std::string>;
std::string scalar_to_string(const Scalar& value);

enum class FactState : std::uint8_t {
  value,           // read from the config or from a platform default
  unknown,         // the config does not tell (note says why)
  unset,           // nothing matched and the pack gives no default
  not_applicable,  // the platform has no such feature (note says why)
  undefined,       // the pack does not define this fact
  error,           // could not be read (note says why)
};
std::string_view to_string(FactState state);

struct FieldSpec {
  std::string name;
  ValueType type = ValueType::string;
  std::vector<std::string> values;  // allowed values of a string field (empty: any)
  std::string meaning;
  bool secret = false;  // never printed in clear (e.g. a community name)
};

struct FactSpec {
  std::string name;
  ValueType type = ValueType::string;
  std::string meaning;
  std::vector<FieldSpec> fields;  // list facts only
  std::vector<std::string> values;
  bool secret = false;
  int field_index(std::string_view field) const;
};

// The shared vocabulary of fact names.
class FactCatalogue {
 public:
  int find(std::string_view name) const;  // -1 when absent
  const FactSpec& spec(int id) const { return facts_[static_cast<std::size_t>(id)]; }
  int size() const { return static_cast<int>(facts_.size()); }
  int add(FactSpec spec);  // returns the new id
  void replace(int id, FactSpec spec);

 private:
  std::vector<FactSpec> facts_;
};

// One scalar reading (a scalar fact, or one field of a record).
struct ScalarReading {
  FactState state = FactState::unset;
  Scalar value;
  std::uint32_t line = 0;     // the statement it was read from; 0 for defaults/derived
  bool from_default = false;  // value is the platform default named in `note`
  std::string note;           // default note, or the unknown / n.a. / error reason
  // Further lines the value rests on: a derived fact's deciding condition, the statement of a
  // `when:` that let the entry or default apply, earlier statements that gave the same value.
  std::vector<std::uint32_t> derived_lines;
};

struct Record {
  std::uint32_t line = 0;     // the anchor statement; 0 for default records
  bool from_default = false;  // record exists by platform default (note on the list)
  std::string note;
  std::vector<ScalarReading> fields;  // indexed like FactSpec::fields
};

struct FactReading {
  FactState state = FactState::undefined;
  ScalarReading scalar;       // scalar facts
  std::vector<Record> items;  // list facts
  std::string note;           // list facts: default note / unknown, n.a. or error reason
  bool from_default = false;  // list facts: the items are the platform default
};

// Everything one pack read from one config.
struct DeviceFacts {
  std::string platform;
  bool has_pack = false;
  const FactCatalogue* catalogue = nullptr;
  std::vector<FactSpec> local_specs;  // pack-local facts (ids follow the catalogue's)
  std::vector<FactReading> readings;  // by fact id

  const FactSpec& spec(int id) const;
  int find(std::string_view name) const;
};

}  // namespace netaudit::policy
