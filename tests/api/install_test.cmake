# The library as its users get it, checked by building examples/classify the ways a user would
# and comparing what it prints with `tinymlp predict --top 1` on the same pixels (PPM for the
# example, PNG for predict; a model and images made by api_make_fixture, no real data needed).
#
#   MODE=find_package      cmake --install into a fresh prefix, then find_package(tinymlp)
#   MODE=pkg_config        the same prefix found through tinymlp.pc (pkg_check_modules)
#   MODE=add_subdirectory  a project that add_subdirectory()s the source tree: the library alone,
#                          with none of the apps' and tests' packages looked for
#   MODE=readme_lines      the README's lines (between "README begin/end" in the example) are at
#                          most five, and the example includes nothing of tinymlp but its header
#
# Run by ctest (tests/api/CMakeLists.txt passes every variable used here).
set(example ${SOURCE_DIR}/examples/classify)

function(run)  # run(COMMAND ... [WORKING_DIRECTORY d]): fails the test with the output on error
  execute_process(${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " what "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${what}\n${out}\n${err}")
  endif()
  set(run_out "${out}" PARENT_SCOPE)
endfunction()

# Configures and builds a CMake project for this machine, as this build is configured.
function(build_project src bin)
  file(REMOVE_RECURSE ${bin})
  run(COMMAND ${CMAKE_COMMAND} -S ${src} -B ${bin} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
              -DCMAKE_BUILD_TYPE=${BUILD_TYPE} "-DCMAKE_EXE_LINKER_FLAGS=${LINK_FLAGS}" ${ARGN})
  set(run_out "${run_out}" PARENT_SCOPE)
  run(COMMAND ${CMAKE_COMMAND} --build ${bin} --target classify)
endfunction()

# The example's lines must equal predict's (file names aside) on the fixture's images.
function(compare_with_predict classify)
  set(data ${WORK_DIR}/data)
  file(REMOVE_RECURSE ${data})
  file(MAKE_DIRECTORY ${data})
  run(COMMAND ${FIXTURE} ${data})
  set(pngs img0.png img1.png img2.png img3.png)
  set(ppms img0.ppm img1.ppm img2.ppm img3.ppm)
  run(COMMAND ${TINYMLP} predict --top 1 --model model.tmlp ${pngs} WORKING_DIRECTORY ${data})
  # predict's lines ("images: file=img0.png top=airplane:0:0.7472" after "model=...") in the
  # example's format ("img0.ppm: airplane 0.7472").
  string(REGEX REPLACE "model=[^\n]*\n" "" expected "${run_out}")
  string(REGEX REPLACE "images: file=([^ \n]+)\\.png top=([a-z]+):[0-9]+:([0-9.]+)" "\\1.ppm: \\2 \\3"
                       expected "${expected}")
  run(COMMAND ${classify} model.tmlp ${ppms} WORKING_DIRECTORY ${data})
  string(REGEX MATCHALL "\n" lines "${expected}")
  list(LENGTH lines count)
  if(NOT count EQUAL 4)
    message(FATAL_ERROR "predict printed ${count} lines, not 4:\n${expected}")
  endif()
  if(NOT run_out STREQUAL expected)
    message(FATAL_ERROR "classify printed\n${run_out}tinymlp predict printed\n${expected}")
  endif()
  message(STATUS "classify and tinymlp predict agree:\n${run_out}")
  # A bad model is one line naming it, exit code 1.
  execute_process(COMMAND ${classify} img0.ppm img0.ppm WORKING_DIRECTORY ${data}
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 1 OR NOT err MATCHES "^classify: img0.ppm: [^\n]*\n$")
    message(FATAL_ERROR "a PPM given as the model: exit ${rc}, stderr '${err}'")
  endif()
endfunction()

function(install_prefix out)
  set(prefix ${WORK_DIR}/prefix)
  file(REMOVE_RECURSE ${prefix})
  run(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
  set(${out} ${prefix} PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "find_package")
  install_prefix(prefix)
  build_project(${example} ${WORK_DIR}/classify -DCMAKE_PREFIX_PATH=${prefix})
  compare_with_predict(${WORK_DIR}/classify/classify)

elseif(MODE STREQUAL "pkg_config")
  if(NOT PKG_CONFIG)
    message(FATAL_ERROR "pkg-config is not installed (Debian: pkg-config; scripts/deps.sh has it)")
  endif()
  install_prefix(prefix)
  file(GLOB_RECURSE pc_file ${prefix}/*/tinymlp.pc)
  get_filename_component(pc_dir "${pc_file}" DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pc_dir})
  run(COMMAND ${PKG_CONFIG} --static --libs tinymlp)
  message(STATUS "pkg-config --static --libs tinymlp: ${run_out}")
  if(NOT run_out MATCHES "-ltinymlp_engine -ltinymlp_train .* -ltinymlp_platform.*-lhwy")
    message(FATAL_ERROR "the libraries are not listed in link order: ${run_out}")
  endif()
  build_project(${example} ${WORK_DIR}/classify -DCLASSIFY_USE_PKG_CONFIG=ON
                -DPKG_CONFIG_EXECUTABLE=${PKG_CONFIG})
  compare_with_predict(${WORK_DIR}/classify/classify)

elseif(MODE STREQUAL "add_subdirectory")
  set(src ${WORK_DIR}/consumer)
  file(MAKE_DIRECTORY ${src})
  file(WRITE ${src}/CMakeLists.txt "
cmake_minimum_required(VERSION 3.25)
project(consumer LANGUAGES CXX)
add_subdirectory(${SOURCE_DIR} tinymlp)
if(TARGET tinymlp OR TARGET api_test OR TARGET tinymlp-bench)
  message(FATAL_ERROR \"a subproject tinymlp built its apps or tests\")
endif()
add_executable(classify ${example}/classify.cc)
target_link_libraries(classify PRIVATE tinymlp::engine)
")
  # Any of the apps' or tests' packages looked for would fail the configure.
  build_project(${src} ${WORK_DIR}/consumer-build
                -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON
                -DCMAKE_DISABLE_FIND_PACKAGE_nlohmann_json=ON
                -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON)
  file(STRINGS ${WORK_DIR}/consumer-build/CMakeCache.txt looked_for
       REGEX "^(STB_INCLUDE_DIR|CLI11_INCLUDE_DIR|TINYMLP_OPENBLAS_[A-Z_]*|GTest_DIR|benchmark_DIR)[:=]")
  if(looked_for)
    message(FATAL_ERROR "the subproject looked for app or test dependencies: ${looked_for}")
  endif()
  compare_with_predict(${WORK_DIR}/consumer-build/classify)

elseif(MODE STREQUAL "readme_lines")
  # Semicolons and brackets mean something in a CMake list: stand-ins while lines are counted.
  file(READ ${example}/classify.cc source)
  string(REPLACE ";" "<semicolon>" source "${source}")
  string(REPLACE "[" "<open>" source "${source}")
  string(REPLACE "]" "<close>" source "${source}")
  string(REPLACE "\n" ";" source "${source}")
  set(inside FALSE)
  set(count 0)
  set(text "")
  foreach(line IN LISTS source)
    if(line MATCHES "// README begin")
      set(inside TRUE)
    elseif(line MATCHES "// README end")
      set(inside FALSE)
    elseif(inside AND NOT line MATCHES "^[ \t]*$")
      string(STRIP "${line}" line)
      string(APPEND text "${line}\n")
      math(EXPR count "${count} + 1")
    endif()
    if(line MATCHES "#include.*(engine|platform|apps)/")
      message(FATAL_ERROR "the example includes an internal header: ${line}")
    endif()
  endforeach()
  string(REPLACE "<semicolon>" ";" text "${text}")
  string(REPLACE "<open>" "[" text "${text}")
  string(REPLACE "<close>" "]" text "${text}")
  if(count LESS 3 OR count GREATER 5)
    message(FATAL_ERROR "the README's lines are ${count}, not 3 to 5:\n${text}")
  endif()
  message(STATUS "the README's ${count} lines:\n${text}")
else()
  message(FATAL_ERROR "install_test.cmake: unknown MODE '${MODE}'")
endif()
