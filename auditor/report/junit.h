// The JUnit XML report, rendered from the report JSON (never from AuditResult), for CI systems that
// show test results natively (GitLab, GitHub test-report actions, Jenkins).
//
// Shape: <testsuites name="mmaudit"> holds one <testsuite> per requested page (name: the page's
// URL), then one named "site" for the site-scoped findings and one named "checkout" for the
// checkout-scoped findings (each only when the report has such findings). Every finding is a
// <testcase classname="URL|site|checkout" name="RULE-ID: rule title" time="0">:
//   pass            a passing testcase;
//   warn            a passing testcase with a <system-out> note (score, measured value, threshold),
//                   or a <failure type="warn"> when JunitOptions::warn_as_failure is set;
//   fail            a <failure type="fail" message="failure title: measured value"> with the
//                   threshold and the evidence in its text;
//   error           an <error type="error"> with the reason the check could not run;
//   not-applicable  a <skipped message="not applicable: ...">;
//   informative     a passing testcase with a <system-out> note.
// A page that could not be audited is a suite with one testcase "page-audited" holding an <error>
// (type: the page's error code). Counts (tests, failures, errors, skipped) are given on every
// suite and on <testsuites>. A suite's time is the page's fetch time; testcases take no time of
// their own. Every string is escaped for XML (& < > " ' and, in attributes, tab and line breaks),
// ill-formed UTF-8 is repaired and characters XML 1.0 forbids are dropped, so the output is
// well-formed whatever the report holds.
#pragma once

#include <string>
#include <string_view>

namespace mmaudit::report {

struct JunitOptions {
  bool warn_as_failure = false;  // report "warn" findings as failures (--junit-warn-as-failure)
};

// Renders `report_json` (the output of ToJson). Returns true and fills *xml on success; returns
// false and sets *error only when the text is not a JSON object. Missing members and members of the
// wrong type are skipped, never fatal.
bool RenderJunit(std::string_view report_json, const JunitOptions& options, std::string* xml, std::string* error);

// `s` as XML character data and attribute value text: ill-formed UTF-8 repaired, characters not
// allowed in XML 1.0 dropped, & < > " ' escaped; tab, CR and LF escaped as character references
// when `attribute` is set (so attribute-value normalisation keeps them).
std::string XmlEscape(std::string_view s, bool attribute);

}  // namespace mmaudit::report
