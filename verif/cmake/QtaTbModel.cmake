# qta_tb_model(<target> GEN_DIR <dir> [WAVES] [COVERAGE] [DISCOVER_TESTS])
#
# The one way this tree builds a Verilator model of qta_top with the accelerator test bench
# (verif/tb): used by the main build for the checked-in rtl/default_8x8 (target verif_tb_default)
# and by `qta verify` for every other configuration (a per-configuration CMake project rendered
# from templates/verify/CMakeLists.txt.mustache, linking the libraries the main build exported).
#   GEN_DIR   a `qta gen` output directory (its qta_top.f lists the RTL)
#   WAVES     FST tracing compiled in (only when waves are asked for: tracing a 64x64 array
#             roughly doubles the model's C++)
#   COVERAGE  verilator --coverage-line
#   DISCOVER_TESTS  one CTest entry per QTA_TEST, named verif.tb.<test>, found after the build
#             by running the bench with QTA_LIST_TESTS=1 (as gtest_discover_tests does)
# The test bench's tests are the object library qta_tb_tests (compiled once by the main build,
# verif/CMakeLists.txt); only accel.cpp and tb_main.cpp, which include the model's header, are
# compiled per model. Its libraries are the targets qta_tb_tests, qta_verif_core, qta_harness,
# qta_golden, qta_gen (in the main build) or qta::<same> (imported from qta-targets.cmake).
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/QtaVerilatedBench.cmake)

set(QTA_TB_DIR ${CMAKE_CURRENT_LIST_DIR}/../tb)
# Optimization of the Verilated model's C++: the per-cycle evaluation ("fast") and the
# construction/initialization code ("slow", run once).
set(QTA_MODEL_OPT_FAST "-O1" CACHE STRING "compiler flags of the Verilated model's evaluation code")
set(QTA_MODEL_OPT_SLOW "-O0" CACHE STRING "compiler flags of the Verilated model's one-time code (construction, initial and settle: run once; -O0 compiles 2.5x faster than -O1 and is 45% of a 64x64 model's C++)")

set(QTA_MODEL_THREADS "1" CACHE STRING "verilator --threads of the model's evaluation (1: single-threaded)")

function(qta_tb_model target)
  cmake_parse_arguments(M "WAVES;COVERAGE;DISCOVER_TESTS" "GEN_DIR" "" ${ARGN})
  if(NOT M_GEN_DIR OR NOT EXISTS ${M_GEN_DIR}/qta_top.f)
    message(FATAL_ERROR "qta_tb_model(${target}): GEN_DIR '${M_GEN_DIR}' has no qta_top.f (a qta gen output?)")
  endif()
  # The RTL files in the order the file list gives them.
  # The list is read here, at configure time, and is a configure dependency. verilate()'s rebuild
  # rule keeps the file list of the last configure and runs before CMake re-runs, so a module new
  # in the list (a template added to the generator, then `git pull` or `qta gen`) is found through
  # -y <gen>/rtl (one module per file, named after it) until the reconfigure takes the new list.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${M_GEN_DIR}/qta_top.f)
  file(STRINGS ${M_GEN_DIR}/qta_top.f lines)
  set(rtl)
  foreach(line IN LISTS lines)
    if(line MATCHES "^rtl/.*\\.v$")
      list(APPEND rtl ${M_GEN_DIR}/${line})
    endif()
  endforeach()
  # The sources that include the model's own header; the tests are the qta_tb_tests objects.
  set(tb_sources ${QTA_TB_DIR}/accel.cpp ${QTA_TB_DIR}/tb_main.cpp)
  set(flags)  # qta_verilated_bench passes them on to verilate()
  set(coverage_args)
  if(M_WAVES)
    list(APPEND flags TRACE_FST)
  endif()
  if(M_COVERAGE)
    # Line coverage only, as documented. verilate()'s COVERAGE flag is `--coverage`, which adds
    # toggle coverage of every signal: an 8x8 model became 25 MB of C++ (181 objects, 225 CPU-s
    # at O0). Verilator's generated Vqta_top.cmake still reports coverage, so verilate() defines
    # VM_COVERAGE and links verilated_cov.cpp as before.
    list(APPEND coverage_args --coverage-line)
  endif()
  if(NOT QTA_MODEL_THREADS MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "QTA_MODEL_THREADS = '${QTA_MODEL_THREADS}': valid is a thread count, 1 or more")
  endif()
  # Lint is a test of its own (gen.lint.*): warnings do not stop a model build.
  # --output-split-cfuncs 4000: no generated function over about 4000 statements. Clang's -O1 is
  # superlinear in a function's size (one 64x64 file of 10,000-line functions took 72 s, the
  # critical path of the build): a clean 64x64 model builds in 187 s wall / 317 CPU-s instead of
  # 243 s / 425, and simulates within the noise of before (farm-bench median 1.04x the time).
  qta_verilated_bench(${target} TOP qta_top PREFIX Vqta_top VERILOG ${rtl} CXX ${tb_sources}
                      INCLUDE_DIRS ${QTA_TB_DIR} ${flags}
                      OPT_FAST ${QTA_MODEL_OPT_FAST} OPT_SLOW ${QTA_MODEL_OPT_SLOW} THREADS ${QTA_MODEL_THREADS}
                      VERILATOR_ARGS -Wno-fatal -y ${M_GEN_DIR}/rtl --x-assign unique --x-initial unique --output-split-cfuncs 4000 ${coverage_args}
                                     +define+QTA_DPI_BACKDOOR)
  if(TARGET qta_verif_core)
    target_link_libraries(${target} PRIVATE qta_tb_tests qta_verif_core qta_harness qta_gen qta_golden)
  else()
    target_link_libraries(${target} PRIVATE qta::qta_tb_tests qta::qta_verif_core qta::qta_harness qta::qta_gen
                                            qta::qta_golden)
  endif()
  target_compile_definitions(${target} PRIVATE QTA_DPI_BACKDOOR)
  if(M_DISCOVER_TESTS)
    set(list_file ${CMAKE_CURRENT_BINARY_DIR}/${target}_tests.cmake)
    add_custom_command(TARGET ${target} POST_BUILD
      COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:${target}> -DGEN_DIR=${M_GEN_DIR} -DOUT=${list_file}
              -DWORK=${CMAKE_CURRENT_BINARY_DIR}/${target}_work -P ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/QtaTbDiscover.cmake
      BYPRODUCTS ${list_file} VERBATIM)
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${list_file})
  endif()
endfunction()
