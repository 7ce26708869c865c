#include "gen_dir.h"

#include <fstream>
#include <sstream>

#include "qta/cli.h"
#include "qta/json_read.h"
#include "qta/paths.h"

namespace qta::synth {
namespace fs = std::filesystem;

namespace {

// By the strict reader (qta/json_read.h): a hostile manifest.json (deep nesting, duplicate keys,
// huge strings) is bad input with a short message.
nlohmann::json read_json_file(const fs::path& p, const std::string& what) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw qta::UsageError(what + ": cannot read " + qta::shown_path(p));
  std::ostringstream text;
  text << in.rdbuf();
  qta::JsonReadOptions o;
  o.source = what + ": " + qta::shown_path(p);
  return qta::parse_json_strict(text.str(), o);
}

std::vector<fs::path> read_file_list(const fs::path& f, const fs::path& dir) {
  std::ifstream in(f);
  std::vector<fs::path> files;
  std::string line;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
    if (line.rfind("//", 0) == 0 || line[0] == '#') continue;
    if (line[0] == '+' || line[0] == '-') continue;  // +incdir+, -Wno-... options
    fs::path p = fs::path(line).is_absolute() ? fs::path(line) : dir / line;
    files.push_back(fs::weakly_canonical(p));
  }
  return files;
}

}  // namespace

GeneratedDesign read_generated_dir(const fs::path& dir_in) {
  const std::string hint =
      " (expected a directory written by `qta gen --out DIR`: manifest.json, rtl/*.v, qta_top.f)";
  if (!fs::is_directory(dir_in))
    throw qta::UsageError("--rtl: '" + dir_in.string() + "' is not a directory" + hint);
  GeneratedDesign d;
  d.dir = fs::canonical(dir_in);
  fs::path manifest = d.dir / "manifest.json";
  if (!fs::exists(manifest))
    throw qta::UsageError("--rtl: '" + dir_in.string() + "' has no manifest.json, so it was never generated" + hint);
  d.manifest = read_json_file(manifest, "--rtl");
  d.top = d.manifest.value("top", std::string("qta_top"));
  if (d.manifest.contains("modules") && d.manifest["modules"].is_object())
    for (auto& [name, file] : d.manifest["modules"].items())
      if (file.is_string()) d.modules[name] = fs::weakly_canonical(d.dir / file.get<std::string>());
  fs::path flist = d.dir / "qta_top.f";
  if (!fs::exists(flist))
    throw qta::UsageError("--rtl: '" + dir_in.string() + "' has no qta_top.f file list" + hint);
  d.rtl_files = read_file_list(flist, d.dir);
  if (d.rtl_files.empty())
    throw qta::UsageError("--rtl: " + flist.string() + " lists no source files" + hint);
  for (const auto& f : d.rtl_files)
    if (!fs::exists(f))
      throw qta::UsageError("--rtl: " + flist.string() + " lists '" + f.string() +
                            "', which does not exist" + hint);
  // Modules not named in the manifest: one module per file named after the module.
  for (const auto& f : d.rtl_files) {
    std::string stem = f.stem().string();
    if (stem.rfind("qta_", 0) == 0 && !d.modules.count(stem)) d.modules[stem] = f;
  }
  for (const auto& [name, file] : d.modules)
    if (!fs::exists(file))
      throw qta::UsageError("--rtl: manifest.json names module " + name + " in '" +
                            file.string() + "', which does not exist" + hint);
  if (!d.modules.count("qta_pe"))
    throw qta::UsageError("--rtl: '" + dir_in.string() +
                          "' has no qta_pe module (manifest.json \"modules\" or rtl/qta_pe.v)" + hint);
  if (fs::exists(d.dir / "config.json")) d.config = read_json_file(d.dir / "config.json", "--rtl");
  return d;
}

}  // namespace qta::synth
