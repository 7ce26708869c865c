# qta_verilated_bench(<target> TOP <module> VERILOG <files...> CXX <files...>
#                     [PREFIX <Vname>] [INCLUDE_DIRS <dirs...>] [TRACE] [TRACE_FST] [COVERAGE]
#                     [OPT_FAST <flags>] [OPT_SLOW <flags>] [THREADS <n>] [VERILATOR_ARGS <args...>])
#
# The one CMake function that turns Verilog plus a C++ test bench into an executable with
# Verilator's own CMake support (verilate()). Everything in the tree that builds a Verilator model
# goes through it: the accelerator test bench (qta_tb_model, verif/cmake/QtaTbModel.cmake: the
# main build's verif_tb_default and every `qta verify` configuration) and the synthesis flow's
# gate-level benches (equivalence, energy: a project rendered from
# synth/templates/bench_CMakeLists.txt.mustache).
find_package(verilator REQUIRED HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)

function(qta_verilated_bench target)
  set(verilate_flags TRACE TRACE_FST COVERAGE)  # passed on to verilate() as given
  cmake_parse_arguments(B "${verilate_flags}" "TOP;PREFIX;OPT_FAST;OPT_SLOW;THREADS"
                        "VERILOG;CXX;INCLUDE_DIRS;VERILATOR_ARGS" ${ARGN})
  if(NOT B_TOP OR NOT B_VERILOG OR NOT B_CXX)
    message(FATAL_ERROR "qta_verilated_bench(${target}): TOP, VERILOG and CXX are required")
  endif()
  if(NOT B_PREFIX)
    set(B_PREFIX V${B_TOP})
  endif()
  if(NOT B_OPT_FAST)
    set(B_OPT_FAST -O1)
  endif()
  if(NOT B_OPT_SLOW)
    set(B_OPT_SLOW -O0)  # run-once code (construction, initial, settle): compile time matters more
  endif()
  if(NOT B_THREADS)
    set(B_THREADS 1)
  endif()
  add_executable(${target} ${B_CXX})
  if(B_INCLUDE_DIRS)
    target_include_directories(${target} PRIVATE ${B_INCLUDE_DIRS})
  endif()
  # Verilator 5.006's own headers trip -Wunused-parameter under -Wextra; the warning is not ours.
  target_compile_options(${target} PRIVATE -Wno-unused-parameter)
  set(flags)
  foreach(flag IN LISTS verilate_flags)
    if(B_${flag})
      list(APPEND flags ${flag})
    endif()
  endforeach()
  verilate(${target} SOURCES ${B_VERILOG} TOP_MODULE ${B_TOP} PREFIX ${B_PREFIX} ${flags}
           VERILATOR_ARGS ${B_VERILATOR_ARGS} OPT_FAST ${B_OPT_FAST} OPT_SLOW ${B_OPT_SLOW} OPT_GLOBAL -O1
           THREADS ${B_THREADS})
endfunction()
