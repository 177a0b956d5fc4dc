# One helper per concern: libraries, executables and tests all get the same warnings and layout.

add_library(sevisflow_warnings INTERFACE)
target_compile_options(sevisflow_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       $<$<BOOL:${SEVISFLOW_WERROR}>:-Werror>)

# sevisflow_library(<area> SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# Target sevisflow_<area>, alias sevisflow::<area>; public headers in include/sevisflow/<area>/.
function(sevisflow_library area)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(sevisflow_${area} STATIC ${ARG_SOURCES})
  add_library(sevisflow::${area} ALIAS sevisflow_${area})
  target_include_directories(sevisflow_${area} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                               PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(sevisflow_${area} PUBLIC ${ARG_PUBLIC_DEPS}
                                          PRIVATE ${ARG_PRIVATE_DEPS} sevisflow_warnings)
endfunction()

# sevisflow_executable(<name> SOURCES ... [DEPS ...])
function(sevisflow_executable name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} sevisflow_warnings)
  target_compile_definitions(${name} PRIVATE
    SEVISFLOW_SOURCE_DIR="${PROJECT_SOURCE_DIR}" SEVISFLOW_DEFAULT_XSD_DIR="${SEVISFLOW_XSD_DIR}")
endfunction()

# sevisflow_test(<name> LABEL unit|integration|e2e SOURCES ... [DEPS ...] [TIMEOUT s])
# unit tests are registered one ctest per test case; integration and e2e binaries share one
# broker per process, so each binary is one ctest (RUN_SERIAL: they start real servers).
function(sevisflow_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LABEL)
    message(FATAL_ERROR "sevisflow_test(${name}): LABEL is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main
                                        sevisflow_warnings)
  target_compile_definitions(${name} PRIVATE
    SEVISFLOW_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SEVISFLOW_BINARY_DIR="${PROJECT_BINARY_DIR}"
    SEVISFLOW_DEFAULT_XSD_DIR="${SEVISFLOW_XSD_DIR}")
  if(ARG_LABEL STREQUAL "unit")
    gtest_discover_tests(${name} PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
  else()
    if(NOT ARG_TIMEOUT)
      set(ARG_TIMEOUT 600)
    endif()
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} RUN_SERIAL TRUE)
  endif()
endfunction()
