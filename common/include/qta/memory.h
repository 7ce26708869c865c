// How much memory a run may use, for refusing up front what cannot fit (docs/interfaces.md
// section 5: a legal but huge `qta golden lora` is refused with what it would need).
#pragma once

#include <cstdint>
#include <string>

namespace qta {

// Bytes this process can still allocate: MemAvailable of /proc/meminfo (else free physical
// pages from sysconf), capped by RLIMIT_AS and RLIMIT_DATA. `source` says where it came from.
uint64_t available_memory_bytes(std::string* source = nullptr);

// "1.5 GiB", "704 GiB", "12 MiB".
std::string human_bytes(uint64_t bytes);

// Throws qta::UsageError if `need` bytes exceed what is available: "<what> would need about
// <need> of memory, <available> available (<source>); valid: <hint>".
void require_memory(uint64_t need, const std::string& what, const std::string& hint);

}  // namespace qta
