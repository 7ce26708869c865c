# qta_harness_verilate(<target> TOP <module> SOURCES <files...> [PREFIX <V...>] [PUBLIC] [ARGS <...>])
# Verilates a model into an existing executable target through the tree's one Verilator CMake
# function (qta_verilate, cmake/QtaVerilatedBench.cmake) with the harness's settings: FST tracing
# compiled in (WAVES=1), lint warnings on (-Wall), X-randomized state, single-threaded, and links
# the harness. PUBLIC adds --public-flat-rw so tests can use dut["internal_signal"] (slower models:
# small DUTs only). The model is compiled with the target's C++ compiler: configure the build with
# -DCMAKE_CXX_COMPILER=clang++ to compile models with clang (docs/harness.md).
include(${CMAKE_CURRENT_LIST_DIR}/../../../cmake/QtaVerilatedBench.cmake)

function(qta_harness_verilate target)
  cmake_parse_arguments(QV "PUBLIC" "TOP;PREFIX" "SOURCES;ARGS" ${ARGN})
  if(NOT QV_TOP)
    message(FATAL_ERROR "qta_harness_verilate(${target}): TOP is required")
  endif()
  if(QV_PUBLIC)
    list(APPEND QV_ARGS --public-flat-rw)
  endif()
  set(prefix)
  if(QV_PREFIX)
    set(prefix PREFIX ${QV_PREFIX})
  endif()
  qta_verilate(${target} TOP ${QV_TOP} VERILOG ${QV_SOURCES} ${prefix} TRACE_FST
               VERILATOR_ARGS -Wall --x-assign unique --x-initial unique ${QV_ARGS})
  target_link_libraries(${target} PRIVATE qta_harness)
endfunction()
