// Report formats: a table for people, JSON/CSV for scripts, JUnit XML and SARIF for CI.
#include "netaudit/policies/report.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "netaudit/policies/display_text.hpp"

namespace netaudit::policy {

std::optional<ReportFormat> report_format_from_string(std::string_view name) {
  if (name == "table") return ReportFormat::table;
  if (name == "json") return ReportFormat::json;
  if (name == "csv") return ReportFormat::csv;
  if (name == "junit") return ReportFormat::junit;
  if (name == "sarif") return ReportFormat::sarif;
  return std::nullopt;
}

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// Table order: what needs action first.
int verdict_rank(Verdict v) {
  switch (v) {
    case Verdict::fail:
      return 0;
    case Verdict::error:
      return 1;
    case Verdict::unknown:
      return 2;
    case Verdict::waived:
      return 3;
    case Verdict::pass:
      return 4;
    case Verdict::not_applicable:
      return 5;
  }
  return 6;
}

std::string evidence_lines(const Finding& f) {
  std::string out;
  for (const Evidence& e : f.evidence) {
    if (e.line == 0) continue;
    if (!out.empty()) out += ';';
    out += std::to_string(e.line);
  }
  return out;
}

// Config text may hold terminal escapes; a CSV file is often read with `cat` or `column`.
std::string csv_field(std::string_view raw) {
  const std::string s = display_text(raw, true);
  const bool quote = s.find_first_of(",\"\n\r") != std::string_view::npos;
  if (!quote) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::critical:
    case Severity::high:
      return "error";
    case Severity::medium:
      return "warning";
    default:
      return "note";
  }
}

const char* security_severity(Severity s) {
  switch (s) {
    case Severity::critical:
      return "9.5";
    case Severity::high:
      return "8.0";
    case Severity::medium:
      return "5.5";
    case Severity::low:
      return "3.0";
    default:
      return "1.0";
  }
}

// SARIF wants a rule `name` that is readable and not the id: the title in PascalCase
// ("Telnet is disabled" -> "TelnetIsDisabled"), or the id's words when the title has none.
std::string rule_name(std::string_view title, std::string_view id) {
  auto pascal = [](std::string_view text) {
    std::string out;
    bool word_start = true;
    for (char c : text) {
      const auto u = static_cast<unsigned char>(c);
      if (!std::isalnum(u)) {
        word_start = true;
        continue;
      }
      out += word_start ? static_cast<char>(std::toupper(u)) : c;
      word_start = false;
    }
    return out;
  };
  std::string name = pascal(title);
  if (name.empty() || name == id) {
    std::string lower(id);
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    name = pascal(lower);
  }
  if (name.empty() || name == id) name = "Rule" + name;
  return name;
}

std::string uri_of(const std::string& file) {
  std::string out;
  for (char c : file) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", u);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string render_json(const std::vector<DeviceReport>& reports, const RenderOptions& options) {
  nlohmann::json results = nlohmann::json::array();
  for (const DeviceReport& r : reports) {
    nlohmann::json findings = nlohmann::json::array();
    for (const Finding& f : r.findings) {
      nlohmann::json evidence = nlohmann::json::array();
      for (const Evidence& e : f.evidence)
        evidence.push_back(
            {{"line", e.line == 0 ? nlohmann::json(nullptr) : nlohmann::json(e.line)},
             {"text", e.text}});
      findings.push_back({{"control", f.control},
                          {"title", f.title},
                          {"severity", to_string(f.severity)},
                          {"verdict", to_string(f.verdict)},
                          {"message", f.message},
                          {"evidence", std::move(evidence)},
                          {"remediation", f.remediation}});
    }
    nlohmann::json device = {{"file", r.file},
                             {"device", r.device},
                             {"platform", r.platform},
                             {"findings", std::move(findings)}};
    if (!r.error.empty()) device["error"] = r.error;
    if (!r.warnings.empty()) device["warnings"] = r.warnings;
    results.push_back(std::move(device));
  }
  return dump({{"results", std::move(results)}, {"warnings", options.warnings}});
}

std::string render_csv(const std::vector<DeviceReport>& reports, const RenderOptions& options) {
  std::string out =
      "file,device,platform,control,title,severity,verdict,message,evidence_lines,remediation\n";
  for (const DeviceReport& r : reports) {
    if (!r.error.empty()) {
      out += csv_field(r.file) + ',' + csv_field(r.device) + ',' + csv_field(r.platform) +
             ",,,,error," + csv_field(r.error) + ",,\n";
    }
    for (const Finding& f : r.findings) {
      out += csv_field(r.file) + ',' + csv_field(r.device) + ',' + csv_field(r.platform) + ',' +
             csv_field(f.control) + ',' + csv_field(f.title) + ',' +
             std::string(to_string(f.severity)) + ',' + std::string(to_string(f.verdict)) + ',' +
             csv_field(f.message) + ',' + csv_field(evidence_lines(f)) + ',' +
             csv_field(f.remediation) + '\n';
    }
  }
  for (const std::string& warning : options.warnings)
    out += ",,,,,,warning," + csv_field(warning) + ",,\n";
  return out;
}

std::string render_junit(const std::vector<DeviceReport>& reports, const RenderOptions& options) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node suites = doc.append_child("testsuites");
  suites.append_attribute("name") = "netaudit";
  std::size_t total = 0, failures = 0, errors = 0, skipped = 0;
  for (const DeviceReport& r : reports) {
    pugi::xml_node suite = suites.append_child("testsuite");
    suite.append_attribute("name") = display_text(r.device + " (" + r.file + ")").c_str();
    suite.append_attribute("hostname") = display_text(r.device).c_str();
    std::size_t s_tests = 0, s_fail = 0, s_err = 0, s_skip = 0;
    if (!r.error.empty()) {
      pugi::xml_node tc = suite.append_child("testcase");
      tc.append_attribute("classname") = display_text("netaudit." + r.device).c_str();
      tc.append_attribute("name") = "input";
      tc.append_attribute("file") = display_text(r.file).c_str();
      tc.append_child("error").append_attribute("message") = display_text(r.error).c_str();
      ++s_tests;
      ++s_err;
    }
    for (const Finding& f : r.findings) {
      pugi::xml_node tc = suite.append_child("testcase");
      tc.append_attribute("classname") = display_text("netaudit." + r.device).c_str();
      tc.append_attribute("name") = display_text(f.control + ": " + f.title).c_str();
      tc.append_attribute("file") = display_text(r.file).c_str();
      for (const Evidence& e : f.evidence) {
        if (e.line != 0) {
          tc.append_attribute("line") = e.line;
          break;
        }
      }
      ++s_tests;
      std::string body;
      for (const Evidence& e : f.evidence)
        body += (e.line ? std::to_string(e.line) + ": " : std::string()) + e.text + "\n";
      if (!f.remediation.empty()) body += "remediation:\n" + f.remediation + "\n";
      switch (f.verdict) {
        case Verdict::pass:
          break;
        case Verdict::fail: {
          pugi::xml_node failure = tc.append_child("failure");
          failure.append_attribute("message") = display_text(f.message).c_str();
          failure.append_attribute("type") = std::string(to_string(f.severity)).c_str();
          failure.text().set(display_text(body, true).c_str());
          ++s_fail;
          break;
        }
        case Verdict::error: {
          pugi::xml_node error = tc.append_child("error");
          error.append_attribute("message") = display_text(f.message).c_str();
          error.text().set(display_text(body, true).c_str());
          ++s_err;
          break;
        }
        case Verdict::unknown:
        case Verdict::not_applicable:
        case Verdict::waived: {
          pugi::xml_node skip = tc.append_child("skipped");
          skip.append_attribute("message") =
              display_text(std::string(to_string(f.verdict)) + ": " + f.message).c_str();
          ++s_skip;
          break;
        }
      }
    }
    suite.append_attribute("tests") = s_tests;
    suite.append_attribute("failures") = s_fail;
    suite.append_attribute("errors") = s_err;
    suite.append_attribute("skipped") = s_skip;
    total += s_tests;
    failures += s_fail;
    errors += s_err;
    skipped += s_skip;
  }
  if (!options.warnings.empty()) {
    // Warnings about the run as skipped cases: CI pages show a skip and its message.
    pugi::xml_node suite = suites.append_child("testsuite");
    suite.append_attribute("name") = "netaudit run";
    for (const std::string& warning : options.warnings) {
      pugi::xml_node tc = suite.append_child("testcase");
      tc.append_attribute("classname") = "netaudit.run";
      tc.append_attribute("name") = "warning";
      tc.append_child("skipped").append_attribute("message") =
          display_text("warning: " + warning).c_str();
    }
    const std::size_t n = options.warnings.size();
    suite.append_attribute("tests") = n;
    suite.append_attribute("failures") = 0;
    suite.append_attribute("errors") = 0;
    suite.append_attribute("skipped") = n;
    total += n;
    skipped += n;
  }
  suites.append_attribute("tests") = total;
  suites.append_attribute("failures") = failures;
  suites.append_attribute("errors") = errors;
  suites.append_attribute("skipped") = skipped;
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

std::string render_sarif(const std::vector<DeviceReport>& reports,
                         const std::vector<ControlInfo>& controls, const RenderOptions& options) {
  nlohmann::json rules = nlohmann::json::array();
  std::map<std::string, std::size_t> rule_index;
  auto add_rule = [&](const std::string& id, const std::string& title, Severity severity,
                      const ControlInfo* info) {
    if (rule_index.count(id)) return;
    rule_index[id] = rules.size();
    nlohmann::json tags = nlohmann::json::array({"security"});
    nlohmann::json rule = {
        {"id", id},
        {"name", rule_name(title, id)},
        {"shortDescription", {{"text", title}}},
        {"defaultConfiguration", {{"level", sarif_level(severity)}}},
        {"properties",
         {{"security-severity", security_severity(severity)}, {"severity", to_string(severity)}}}};
    if (info != nullptr) {
      if (!info->rationale.empty()) rule["fullDescription"] = {{"text", info->rationale}};
      const std::string fix = info->remediation_for("default");
      if (!fix.empty()) rule["help"] = {{"text", fix}};
      for (const auto& c : info->references.cis)
        tags.push_back("CIS " + c);
      for (const auto& s : info->references.stig)
        tags.push_back("STIG " + s);
      for (const auto& n : info->references.nist)
        tags.push_back("NIST " + n);
    }
    rule["properties"]["tags"] = std::move(tags);
    rules.push_back(std::move(rule));
  };
  for (const ControlInfo& c : controls)
    add_rule(c.id, c.title, c.severity, &c);
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json notifications = nlohmann::json::array();
  for (const DeviceReport& r : reports) {
    if (!r.error.empty()) {
      notifications.push_back(
          {{"level", "error"},
           {"message", {{"text", display_text(r.error)}}},
           {"locations",
            {{{"physicalLocation", {{"artifactLocation", {{"uri", uri_of(r.file)}}}}}}}}});
    }
    for (const Finding& f : r.findings) {
      if (f.verdict == Verdict::pass || f.verdict == Verdict::not_applicable) continue;
      add_rule(f.control, f.title, f.severity, nullptr);
      nlohmann::json locations = nlohmann::json::array();
      nlohmann::json related = nlohmann::json::array();
      for (const Evidence& e : f.evidence) {
        if (e.line == 0) continue;
        nlohmann::json loc = {
            {"physicalLocation",
             {{"artifactLocation", {{"uri", uri_of(r.file)}}},
              {"region", {{"startLine", e.line}, {"snippet", {{"text", display_text(e.text)}}}}}}}};
        if (locations.empty()) {
          locations.push_back(std::move(loc));
        } else {
          loc["id"] = related.size();
          related.push_back(std::move(loc));
        }
      }
      if (locations.empty())
        locations.push_back(
            {{"physicalLocation", {{"artifactLocation", {{"uri", uri_of(r.file)}}}}}});
      std::string text = f.message;
      for (const Evidence& e : f.evidence)
        if (e.line == 0) text += " (" + e.text + ")";
      nlohmann::json result = {
          {"ruleId", f.control},
          {"ruleIndex", rule_index[f.control]},
          {"kind", f.verdict == Verdict::fail || f.verdict == Verdict::waived ? "fail" : "review"},
          {"level", f.verdict == Verdict::fail || f.verdict == Verdict::waived
                        ? sarif_level(f.severity)
                        : (f.verdict == Verdict::error ? "error" : "none")},
          {"message", {{"text", display_text(r.device + ": " + text)}}},
          {"locations", std::move(locations)},
          {"properties",
           {{"verdict", to_string(f.verdict)},
            {"device", display_text(r.device)},
            {"platform", r.platform}}}};
      if (!related.empty()) result["relatedLocations"] = std::move(related);
      if (f.verdict == Verdict::waived)
        result["suppressions"] = {
            {{"kind", "external"}, {"justification", display_text(f.message)}}};
      results.push_back(std::move(result));
    }
  }
  nlohmann::json run = {{"tool",
                         {{"driver",
                           {{"name", "netaudit"},
                            {"version", options.tool_version},
                            {"informationUri", "https://github.com/netaudit/netaudit"},
                            {"rules", std::move(rules)}}}}},
                        {"results", std::move(results)},
                        {"columnKind", "utf16CodeUnits"}};
  for (const std::string& warning : options.warnings)
    notifications.push_back({{"level", "warning"}, {"message", {{"text", display_text(warning)}}}});
  // An input that was not audited means the run did not do all it was asked to.
  const bool all_audited = std::none_of(reports.begin(), reports.end(),
                                        [](const DeviceReport& r) { return !r.error.empty(); });
  run["invocations"] = {{{"executionSuccessful", all_audited},
                         {"toolExecutionNotifications", std::move(notifications)}}};
  return dump({{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
               {"version", "2.1.0"},
               {"runs", {std::move(run)}}});
}

std::string render_table(const std::vector<DeviceReport>& reports, const RenderOptions& options) {
  const char* reset = options.colour ? "\033[0m" : "";
  const char* bold = options.colour ? "\033[1m" : "";
  const char* dim = options.colour ? "\033[2m" : "";
  auto colour = [&](Verdict v) -> const char* {
    if (!options.colour) return "";
    switch (v) {
      case Verdict::fail:
        return "\033[31m";
      case Verdict::error:
        return "\033[35m";
      case Verdict::unknown:
        return "\033[33m";
      case Verdict::waived:
        return "\033[36m";
      case Verdict::pass:
        return "\033[32m";
      default:
        return "\033[2m";
    }
  };
  std::ostringstream out;
  VerdictCounts all;
  for (const DeviceReport& r : reports) {
    VerdictCounts counts;
    for (const Finding& f : r.findings)
      counts.add(f.verdict);
    if (!r.error.empty()) {  // the error names the input
      out << colour(Verdict::error) << "NOT AUDITED " << reset << display_text(r.error) << "\n\n";
      continue;
    }
    out << bold << display_text(r.device) << reset << " (" << display_text(r.platform) << ") "
        << dim << display_text(r.file) << reset << ": ";
    out << colour(Verdict::fail) << counts.fail << " fail" << reset << ", " << colour(Verdict::pass)
        << counts.pass << " pass" << reset << ", " << counts.unknown << " unknown, "
        << counts.not_applicable << " n/a, " << counts.waived << " waived, " << counts.error
        << " error\n";
    std::vector<const Finding*> order;
    for (const Finding& f : r.findings)
      order.push_back(&f);
    std::stable_sort(order.begin(), order.end(), [](const Finding* a, const Finding* b) {
      if (verdict_rank(a->verdict) != verdict_rank(b->verdict))
        return verdict_rank(a->verdict) < verdict_rank(b->verdict);
      return a->severity > b->severity;
    });
    for (const Finding* f : order) {
      if (f->verdict == Verdict::pass || f->verdict == Verdict::not_applicable) continue;
      std::string verdict(to_string(f->verdict));
      for (char& c : verdict)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      char head[128];
      std::snprintf(head, sizeof head, "  %-8s %-8s %-28s ", verdict.c_str(),
                    std::string(to_string(f->severity)).c_str(), f->control.c_str());
      out << colour(f->verdict) << head << reset << display_text(f->message) << "\n";
      if (f->verdict == Verdict::waived) continue;
      std::size_t shown = 0;
      for (const Evidence& e : f->evidence) {
        if (++shown > 6) {
          out << dim << "      ... " << (f->evidence.size() - 6) << " more" << reset << "\n";
          break;
        }
        if (e.line != 0)
          out << dim << "      " << e.line << ": " << reset << display_text(e.text) << "\n";
        else
          out << dim << "      " << display_text(e.text) << reset << "\n";
      }
    }
    for (const Finding& f : r.findings)
      all.add(f.verdict);
    out << "\n";
  }
  for (const std::string& warning : options.warnings)
    out << colour(Verdict::unknown) << "warning: " << reset << display_text(warning) << "\n";
  const auto not_audited = static_cast<std::size_t>(std::count_if(
      reports.begin(), reports.end(), [](const DeviceReport& r) { return !r.error.empty(); }));
  if (not_audited > 0)
    out << colour(Verdict::error) << not_audited << " input(s) not audited" << reset << "\n";
  out << bold << reports.size() - not_audited << " device(s): " << reset << colour(Verdict::fail)
      << all.fail << " fail" << reset << ", " << colour(Verdict::pass) << all.pass << " pass"
      << reset << ", " << all.unknown << " unknown, " << all.not_applicable << " n/a, "
      << all.waived << " waived, " << all.error << " error\n";
  return out.str();
}

std::string render_report(const std::vector<DeviceReport>& reports, ReportFormat format,
                          const std::vector<ControlInfo>& controls, const RenderOptions& options) {
  switch (format) {
    case ReportFormat::table:
      return render_table(reports, options);
    case ReportFormat::json:
      return render_json(reports, options);
    case ReportFormat::csv:
      return render_csv(reports, options);
    case ReportFormat::junit:
      return render_junit(reports, options);
    case ReportFormat::sarif:
      return render_sarif(reports, controls, options);
  }
  return "";
}

}  // namespace netaudit::policy
