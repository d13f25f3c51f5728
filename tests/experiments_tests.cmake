# Tests of the picture and experiment code (apps/render, apps/experiments and the plot, weights
# and search commands). They link libraries beyond the engine, so they sit in this file rather
# than on one line each in CMakeLists.txt.
tinymlp_add_test(render_test SOURCES render_test.cc)
target_link_libraries(render_test PRIVATE tinymlp::render)
target_include_directories(render_test PRIVATE ${STB_INCLUDE_DIR})
tinymlp_add_test(experiments_test SOURCES experiments_test.cc)
target_link_libraries(experiments_test PRIVATE tinymlp::experiments)
if(NOT TINYMLP_INFERENCE_ONLY)  # it trains through the binary
  tinymlp_add_test(experiments_cli_test SOURCES experiments_cli_test.cc)
  target_link_libraries(experiments_cli_test PRIVATE tinymlp::experiments)
  target_include_directories(experiments_cli_test PRIVATE ${STB_INCLUDE_DIR})
  add_dependencies(experiments_cli_test tinymlp)
endif()
