// Test declaration (cocotb: @cocotb.test(timeout_time=..., expect_fail=..., expect_error=...,
// skip=...)) and the checks that fail a test.
//
//   QTA_TEST(counter_counts_up, .timeout = 1, .timeout_unit = Unit::us) {
//     auto& top = dut.top<Vcounter>();
//     ...
//     QTA_CHECK_EQ(count.value(), 5u);
//   }
#pragma once

#include <fmt/format.h>

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "qta/harness/core.h"
#include "qta/harness/task.h"

namespace qta::harness {

class Dut;

using ErrorMatcher = std::function<bool(std::exception_ptr)>;

// An ErrorMatcher accepting exceptions of type E (cocotb: expect_error=E).
template <class E>
ErrorMatcher error_of() {
  return [](std::exception_ptr e) {
    try {
      std::rethrow_exception(e);
    } catch (const E&) {
      return true;
    } catch (...) {
      return false;
    }
  };
}

struct TestOptions {
  double timeout = 0;          // 0: no timeout (cocotb: timeout_time=None)
  Unit timeout_unit = Unit::ns;
  bool expect_fail = false;    // passes only if it fails with TestFailure (a failed QTA_CHECK)
  ErrorMatcher expect_error{}; // passes only if it raises an error this matcher accepts
  bool skip = false;           // reported as skipped, not run
  // Suites the test belongs to (QTA_SUITE=<name> selects them; every test is in "all").
  std::vector<std::string> suites{};
};

using TestFunction = Task<> (*)(Dut&);

struct TestInfo {
  std::string name;
  std::string file;
  int line = 0;
  TestFunction fn = nullptr;
  TestOptions options;
  std::string classname() const;  // the test file's stem, like cocotb's Python module name
};

// Every test registered with QTA_TEST, in registration order (per file: definition order).
std::vector<TestInfo>& test_registry();

struct TestRegistrar {
  TestRegistrar(const char* name, const char* file, int line, TestFunction fn, TestOptions opt);
};

[[noreturn]] void fail_check(const std::string& what, const char* file, int line);

template <class A, class B>
void check_eq(const A& a, const B& b, const char* ea, const char* eb, const char* file, int line) {
  if (!(a == b)) {
    if constexpr (fmt::is_formattable<A>::value && fmt::is_formattable<B>::value)
      fail_check(fmt::format("{} == {} ({} != {})", ea, eb, a, b), file, line);
    else
      fail_check(fmt::format("{} == {}", ea, eb), file, line);
  }
}

}  // namespace qta::harness

#define QTA_TEST(name, ...)                                                                      \
  static ::qta::harness::Task<> name(::qta::harness::Dut& dut);                                 \
  static const ::qta::harness::TestRegistrar qta_test_registrar_##name{                         \
      #name, __FILE__, __LINE__, &name, ::qta::harness::TestOptions{__VA_ARGS__}};               \
  static ::qta::harness::Task<> name([[maybe_unused]] ::qta::harness::Dut& dut)

// Fails the test with TestFailure (cocotb: a failing `assert`).
#define QTA_CHECK(cond)                                                 \
  do {                                                                  \
    if (!(cond)) ::qta::harness::fail_check(#cond, __FILE__, __LINE__); \
  } while (0)
#define QTA_CHECK_EQ(a, b) ::qta::harness::check_eq((a), (b), #a, #b, __FILE__, __LINE__)
// Ends the test as skipped, with the reason in results.xml (a run-time skip: the configuration
// does not support what the test checks).
#define QTA_SKIP(...) throw ::qta::harness::SkipTest(fmt::format(__VA_ARGS__))
#define QTA_FAIL(...) ::qta::harness::fail_check(fmt::format(__VA_ARGS__), __FILE__, __LINE__)
