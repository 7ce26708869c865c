// qta_hostif_gen: renders the C++ type of the host interface (templates/qta_host_if.hpp.mustache)
// from hostif/host_if.json at build time, so the runtime, the wire protocol and the bench share
// one definition that no one writes by hand. Usage: qta_hostif_gen DESCRIPTION TEMPLATE OUT;
// qta_hostif_gen --docs DESCRIPTION prints the register table of docs/host_if.md.
// Bad input (a malformed description): the message on stderr, exit 2, OUT untouched.
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

#include "qta/cli.h"
#include "qta/gen/generate.h"
#include "qta/gen/host_if.h"
#include "qta/text_io.h"

int main(int argc, char** argv) {
  const bool docs = argc == 3 && std::string(argv[1]) == "--docs";
  if (argc != 4 && !docs) {
    std::fprintf(stderr, "usage: qta_hostif_gen DESCRIPTION TEMPLATE OUT | qta_hostif_gen --docs DESCRIPTION\n");
    return 2;
  }
  try {
    if (docs) {
      std::fputs(qta::gen::host_if_docs_table(qta::gen::load_host_if(argv[2])).c_str(), stdout);
      return 0;
    }
    const qta::gen::HostIf h = qta::gen::load_host_if(argv[1]);
    const std::string text = qta::gen::render_template(argv[2], qta::gen::host_if_cpp_values(h));
    // Unchanged text leaves the file (and everything compiled from it) alone; otherwise written
    // beside it and renamed, so an interrupted build never sees half a header.
    const std::filesystem::path out = argv[3];
    std::error_code ec;
    if (std::filesystem::exists(out, ec) && qta::read_text(out) == text) return 0;
    const std::filesystem::path tmp = out.string() + ".tmp";
    qta::write_text(tmp, text);
    std::filesystem::rename(tmp, out);
    return 0;
  } catch (const qta::UsageError& e) {
    std::fprintf(stderr, "qta_hostif_gen: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "qta_hostif_gen: %s\n", e.what());
    return 3;
  }
}
