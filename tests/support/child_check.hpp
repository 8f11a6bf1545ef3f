// Checking a child process a test started: how it ended, and whether a sanitizer reported.
//
// Every child run through run_command() (test_paths.hpp) has its sanitizer reports (ASan, LSan,
// UBSan) written to files of its own (log_path), whatever the command does with stderr, and a
// report fails the running test case by itself. The exit status is the caller's to check:
//
//   const auto result = run_command(netaudit + " facts " + file + " 2>&1");
//   CHECK_EXIT(result, 0);  // exited with 0, not by a signal, no sanitizer report
//
// For a child started another way (fork/exec, a server), check its waitpid status with
// describe_wait_status() and the output it wrote with sanitizer_report().
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "test_paths.hpp"

namespace netaudit::test {

// The sanitizer report in `output`, from its first "ERROR: ...Sanitizer", "runtime error:" or
// "SUMMARY: ...Sanitizer" line to the end; "" when there is none.
std::string sanitizer_report(std::string_view output);

// "exited with 3", "killed by signal 6 (Aborted)", from a waitpid() status.
std::string describe_wait_status(int wait_status);

// "" when the child exited with `expected_exit` and no sanitizer reported; otherwise what
// happened, followed by the report or the end of its output.
std::string child_problem(const CommandResult& result, int expected_exit);

}  // namespace netaudit::test

// Catch prints child_problem()'s text when these fail.
#define CHECK_EXIT(result, expected_exit) \
  CHECK(::netaudit::test::child_problem((result), (expected_exit)) == std::string())
#define REQUIRE_EXIT(result, expected_exit) \
  REQUIRE(::netaudit::test::child_problem((result), (expected_exit)) == std::string())
