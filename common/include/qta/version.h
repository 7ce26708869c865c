#pragma once
namespace qta {
inline constexpr const char* kVersion = QTA_VERSION;
inline constexpr const char* kSourceDir = QTA_SOURCE_DIR;
inline constexpr const char* kBinaryDir = QTA_BINARY_DIR;
}  // namespace qta
