# qta_verilate(<target> TOP <module> VERILOG <files...> [CXX <files...>] [INCLUDE_DIRS <dirs...>]
#              [PREFIX <Vname>] [TRACE] [TRACE_FST] [COVERAGE] [OPT_FAST <flags>] [OPT_SLOW <flags>]
#              [THREADS <n>] [VERILATOR_ARGS <args...>])
# qta_verilated_bench(<target> <the same options>)
#
# qta_verilate is the tree's one call of Verilator's own CMake support (verilate()): it verilates
# the Verilog into an existing target (and adds CXX sources and INCLUDE_DIRS to it). Everything
# that builds a Verilator model goes through it:
# - qta_verilated_bench: a new executable with a bench's defaults (-O1 evaluation code, -O0
#   run-once code, one thread), for the accelerator test bench (qta_tb_model,
#   verif/cmake/QtaTbModel.cmake: the main build's verif_tb_default and every `qta verify`
#   configuration) and the synthesis flow's gate-level benches (equivalence, energy: a project
#   rendered from synth/templates/bench_CMakeLists.txt.mustache);
# - qta_harness_verilate (verif/harness/cmake/QtaVerilate.cmake): the harness's own tests and the
#   block tests, whose executables their CMakeLists create.
# OPT_FAST / OPT_SLOW / THREADS reach verilate() only when given (its own defaults otherwise).
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)

function(qta_verilate target)
  set(verilate_flags TRACE TRACE_FST COVERAGE)  # passed on to verilate() as given
  cmake_parse_arguments(V "${verilate_flags}" "TOP;PREFIX;OPT_FAST;OPT_SLOW;THREADS"
                        "VERILOG;CXX;INCLUDE_DIRS;VERILATOR_ARGS" ${ARGN})
  if(V_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qta_verilate(${target}): unknown arguments '${V_UNPARSED_ARGUMENTS}'")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "qta_verilate(${target}): no such target (create the executable first)")
  endif()
  if(NOT V_TOP OR NOT V_VERILOG)
    message(FATAL_ERROR "qta_verilate(${target}): TOP and VERILOG are required")
  endif()
  if(V_CXX)
    target_sources(${target} PRIVATE ${V_CXX})
  endif()
  if(V_INCLUDE_DIRS)
    target_include_directories(${target} PRIVATE ${V_INCLUDE_DIRS})
  endif()
  if(NOT V_PREFIX)
    set(V_PREFIX V${V_TOP})
  endif()
  set(args SOURCES ${V_VERILOG} TOP_MODULE ${V_TOP} PREFIX ${V_PREFIX})
  foreach(flag IN LISTS verilate_flags)
    if(V_${flag})
      list(APPEND args ${flag})
    endif()
  endforeach()
  if(V_OPT_FAST)
    list(APPEND args OPT_FAST ${V_OPT_FAST} OPT_GLOBAL -O1)
  endif()
  if(V_OPT_SLOW)
    list(APPEND args OPT_SLOW ${V_OPT_SLOW})
  endif()
  if(V_THREADS)
    list(APPEND args THREADS ${V_THREADS})
  endif()
  verilate(${target} ${args} VERILATOR_ARGS ${V_VERILATOR_ARGS})
  # Verilator 5.006's own headers (verilated_types.h, VlClass's copy constructor) trip
  # -Wunused-parameter under -Wextra; the warning is not ours.
  target_compile_options(${target} PRIVATE -Wno-unused-parameter)
endfunction()

function(qta_verilated_bench target)
  add_executable(${target})
  # The bench's defaults first: an option given in ARGN comes later and wins.
  qta_verilate(${target} OPT_FAST -O1 OPT_SLOW -O0 THREADS 1 ${ARGN})
endfunction()
