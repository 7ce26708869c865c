#include <filesystem>

#include "qta/harness/test.h"

namespace qta::harness {

std::string TestInfo::classname() const { return std::filesystem::path(file).stem().string(); }

std::vector<TestInfo>& test_registry() {
  static std::vector<TestInfo> tests;
  return tests;
}

TestRegistrar::TestRegistrar(const char* name, const char* file, int line, TestFunction fn,
                             TestOptions opt) {
  test_registry().push_back({name, file, line, fn, std::move(opt)});
}

void fail_check(const std::string& what, const char* file, int line) {
  throw TestFailure(fmt::format("{}:{}: check failed: {}", std::filesystem::path(file).filename().string(),
                                line, what));
}

}  // namespace qta::harness
