# qta_harness_verilate(<target> TOP <module> SOURCES <files...> [PREFIX <V...>] [PUBLIC] [ARGS <...>])
# Verilates a model into an existing executable target with Verilator's own CMake support
# (verilate()), FST tracing on (WAVES=1), single-threaded, and links the harness. PUBLIC adds
# --public-flat-rw so tests can use dut["internal_signal"] (slower models: small DUTs only).
# The model is compiled with the target's C++ compiler: configure the build with
# -DCMAKE_CXX_COMPILER=clang++ to compile models with clang (docs/harness.md).
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)

function(qta_harness_verilate target)
  cmake_parse_arguments(QV "PUBLIC" "TOP;PREFIX" "SOURCES;ARGS" ${ARGN})
  if(NOT QV_TOP)
    message(FATAL_ERROR "qta_harness_verilate(${target}): TOP is required")
  endif()
  if(NOT QV_PREFIX)
    set(QV_PREFIX V${QV_TOP})
  endif()
  if(QV_PUBLIC)
    list(APPEND QV_ARGS --public-flat-rw)
  endif()
  verilate(${target} SOURCES ${QV_SOURCES} TOP_MODULE ${QV_TOP} PREFIX ${QV_PREFIX} TRACE_FST
           VERILATOR_ARGS -Wall --x-assign unique --x-initial unique ${QV_ARGS})
  target_link_libraries(${target} PRIVATE qta_harness)
  # Verilator 5.006's own headers (verilated_types.h, VlClass's copy constructor) trip
  # -Wunused-parameter when a target also links a -Wextra library; the warning is not ours.
  target_compile_options(${target} PRIVATE -Wno-unused-parameter)
endfunction()
