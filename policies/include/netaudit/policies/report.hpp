// Rendering audit reports: table (people), JSON, CSV, JUnit XML, SARIF 2.1.0.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netaudit/policies/audit.hpp"

namespace netaudit::policy {

enum class ReportFormat { table, json, csv, junit, sarif };
std::optional<ReportFormat> report_format_from_string(std::string_view name);

struct RenderOptions {
  bool colour = false;  // ANSI colours (table only)
  std::string tool_version = "0.1.0";
  // About the run as a whole rather than one device (a waiver that matches nothing); every
  // format lists them.
  std::vector<std::string> warnings;
};

// A report whose `error` is set stands for an input that was not audited (a file that could not
// be read or whose platform was not recognised, a missing path, an unreadable or empty folder):
// every format lists it, and SARIF's invocation is then not `executionSuccessful`.

// `controls` supplies rule metadata (SARIF rules, help text); may be empty.
// Text from configs and file names passes through display_text in every format but JSON
// (which escapes it): no config byte reaches a terminal as a control sequence, and the XML is
// XML 1.0.
std::string render_report(const std::vector<DeviceReport>& reports, ReportFormat format,
                          const std::vector<ControlInfo>& controls, const RenderOptions& options);

std::string render_json(const std::vector<DeviceReport>& reports,
                        const RenderOptions& options = {});
std::string render_csv(const std::vector<DeviceReport>& reports, const RenderOptions& options = {});
std::string render_junit(const std::vector<DeviceReport>& reports,
                         const RenderOptions& options = {});
std::string render_sarif(const std::vector<DeviceReport>& reports,
                         const std::vector<ControlInfo>& controls, const RenderOptions& options);
std::string render_table(const std::vector<DeviceReport>& reports, const RenderOptions& options);

}  // namespace netaudit::policy
