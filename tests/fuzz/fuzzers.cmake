# The libFuzzer targets (included by CMakeLists.txt when SLUICE_FUZZ is on). Each gets a CTest
# entry that fuzzes for SLUICE_FUZZ_SECONDS from its seeds — which include, as `regression-*`,
# every input that once found a defect; what it finds (crash-*, timeout-*, oom-*) is written to
# fuzz-artifacts/ in the build tree, new inputs to fuzz-corpus/.
enable_testing()
set(SLUICE_FUZZ_SECONDS 10 CACHE STRING "seconds each fuzz test runs")
set(fuzz_seeds_json_row ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/json_row)
set(fuzz_seeds_debezium ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/debezium)
set(fuzz_seeds_checkpoint ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/checkpoint)
set(fuzz_seeds_pipeline_json ${CMAKE_CURRENT_SOURCE_DIR}/docs/examples)
set(fuzz_seeds_replay_case ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz/corpus/replay_case
    ${CMAKE_CURRENT_SOURCE_DIR}/tests/apps/frontend/replay_cases)
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz-artifacts)
foreach(target json_row debezium checkpoint pipeline_json replay_case)
  add_executable(fuzz_${target} tests/fuzz/${target}_fuzz.cpp)
  target_link_libraries(fuzz_${target} PRIVATE sluice_apps)
  target_link_options(fuzz_${target} PRIVATE -fsanitize=fuzzer)
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz-corpus/${target})
  add_test(NAME fuzz_${target}
           COMMAND fuzz_${target} -max_total_time=${SLUICE_FUZZ_SECONDS} -seed=1 -timeout=10 -rss_limit_mb=2048
                   -print_final_stats=1 -artifact_prefix=${CMAKE_BINARY_DIR}/fuzz-artifacts/${target}-
                   ${CMAKE_BINARY_DIR}/fuzz-corpus/${target} ${fuzz_seeds_${target}})
  math(EXPR fuzz_timeout "${SLUICE_FUZZ_SECONDS} + 120")
  set_tests_properties(fuzz_${target} PROPERTIES TIMEOUT ${fuzz_timeout})
endforeach()
