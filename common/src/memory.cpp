#include "qta/memory.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "qta/cli.h"

namespace qta {

uint64_t available_memory_bytes(std::string* source) {
  uint64_t avail = 0;
  std::string from;
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream in(line.substr(13));
    uint64_t kb = 0;
    if (in >> kb) avail = kb * 1024, from = "MemAvailable in /proc/meminfo";
    break;
  }
  if (from.empty()) {
    const long pages = ::sysconf(_SC_AVPHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    if (pages > 0 && page > 0) avail = uint64_t(pages) * uint64_t(page), from = "free physical memory (sysconf)";
  }
  if (from.empty()) avail = UINT64_MAX, from = "unknown";
  for (auto [res, name] : {std::pair{RLIMIT_AS, "RLIMIT_AS"}, std::pair{RLIMIT_DATA, "RLIMIT_DATA"}}) {
    rlimit lim{};
    if (::getrlimit(res, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY && uint64_t(lim.rlim_cur) < avail)
      avail = uint64_t(lim.rlim_cur), from = std::string(name) + " (ulimit)";
  }
  if (source) *source = from;
  return avail;
}

std::string human_bytes(uint64_t bytes) {
  const char* units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = 0;
  while (v >= 1024 && u < 6) v /= 1024, ++u;
  if (u == 0) return fmt::format("{} bytes", bytes);
  return v < 10 ? fmt::format("{:.1f} {}", v, units[u]) : fmt::format("{:.0f} {}", v, units[u]);
}

void require_memory(uint64_t need, const std::string& what, const std::string& hint) {
  std::string source;
  const uint64_t avail = available_memory_bytes(&source);
  if (need <= avail) return;
  throw UsageError(fmt::format("{} would need about {} of memory, {} available ({}); valid: {}", what,
                               human_bytes(need), human_bytes(avail), source, hint));
}

}  // namespace qta
