# qta_verilate(<target> TOP <module> VERILOG <files...> [PREFIX <Vname>] [TRACE] [TRACE_FST] [COVERAGE]
#              [OPT_FAST <flags>] [OPT_SLOW <flags>] [THREADS <n>] [VERILATOR_ARGS <args...>])
# qta_verilated_bench(<target> TOP <module> VERILOG <files...> CXX <files...>
#                     [INCLUDE_DIRS <dirs...>] [any qta_verilate option])
#
# qta_verilate is the tree's one call of Verilator's own CMake support (verilate()): it verilates
# the Verilog into an existing target. Everything that builds a Verilator model goes through it:
# - qta_verilated_bench (below): an executable from a C++ test bench plus a model, for the
#   accelerator test bench (qta_tb_model, verif/cmake/QtaTbModel.cmake: the main build's
#   verif_tb_default and every `qta verify` configuration) and the synthesis flow's gate-level
#   benches (equivalence, energy: a project rendered from synth/templates/bench_CMakeLists.txt.mustache);
# - qta_harness_verilate (verif/harness/cmake/QtaVerilate.cmake): the harness's own tests and the
#   block tests, whose executables their CMakeLists create.
# OPT_FAST / OPT_SLOW / THREADS are passed on only when given (verilate()'s defaults otherwise);
# qta_verilated_bench gives its own defaults.
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)

# The options both functions take (a macro: functions are global, but a variable set here would be
# seen only in the scope that included this file).
macro(qta_verilate_options)
  set(QTA_VERILATE_FLAGS TRACE TRACE_FST COVERAGE)  # passed on to verilate() as given
  set(QTA_VERILATE_ONE TOP PREFIX OPT_FAST OPT_SLOW THREADS)
  set(QTA_VERILATE_MULTI VERILOG VERILATOR_ARGS)
endmacro()

function(qta_verilate target)
  qta_verilate_options()
  cmake_parse_arguments(V "${QTA_VERILATE_FLAGS}" "${QTA_VERILATE_ONE}" "${QTA_VERILATE_MULTI}" ${ARGN})
  if(V_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "qta_verilate(${target}): unknown arguments '${V_UNPARSED_ARGUMENTS}'")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "qta_verilate(${target}): no such target (create the executable first)")
  endif()
  if(NOT V_TOP OR NOT V_VERILOG)
    message(FATAL_ERROR "qta_verilate(${target}): TOP and VERILOG are required")
  endif()
  if(NOT V_PREFIX)
    set(V_PREFIX V${V_TOP})
  endif()
  set(args SOURCES ${V_VERILOG} TOP_MODULE ${V_TOP} PREFIX ${V_PREFIX})
  foreach(flag IN LISTS QTA_VERILATE_FLAGS)
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
  qta_verilate_options()
  cmake_parse_arguments(B "${QTA_VERILATE_FLAGS}" "${QTA_VERILATE_ONE}" "${QTA_VERILATE_MULTI};CXX;INCLUDE_DIRS"
                        ${ARGN})
  if(NOT B_CXX)
    message(FATAL_ERROR "qta_verilated_bench(${target}): CXX is required")
  endif()
  add_executable(${target} ${B_CXX})
  if(B_INCLUDE_DIRS)
    target_include_directories(${target} PRIVATE ${B_INCLUDE_DIRS})
  endif()
  # A bench's own defaults: -O1 evaluation code, -O0 run-once code (construction, initial,
  # settle: compile time matters more), single-threaded.
  if(NOT B_OPT_FAST)
    set(B_OPT_FAST -O1)
  endif()
  if(NOT B_OPT_SLOW)
    set(B_OPT_SLOW -O0)
  endif()
  if(NOT B_THREADS)
    set(B_THREADS 1)
  endif()
  set(flags)
  foreach(flag IN LISTS QTA_VERILATE_FLAGS)
    if(B_${flag})
      list(APPEND flags ${flag})
    endif()
  endforeach()
  set(prefix)
  if(B_PREFIX)
    set(prefix PREFIX ${B_PREFIX})
  endif()
  qta_verilate(${target} TOP ${B_TOP} VERILOG ${B_VERILOG} ${prefix} ${flags} OPT_FAST ${B_OPT_FAST}
               OPT_SLOW ${B_OPT_SLOW} THREADS ${B_THREADS} VERILATOR_ARGS ${B_VERILATOR_ARGS})
endfunction()
