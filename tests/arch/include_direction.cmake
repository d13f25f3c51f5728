# Checks the layering: a source file may include headers of its own layer and the layers below,
# never above. Run as: cmake -DROOT=<source tree> -P include_direction.cmake
# Fails (with one line per offending include) when any file breaks the rule.
#
# Layers, lowest first; a folder's rank is that of the longest prefix listed here.
set(layers
  "platform"
  "engine/base"
  "engine/ops"
  "engine/model"
  "engine/io"
  "engine/train"
  "engine/api"
  "apps"           # apps' libraries: apps/render, apps/lab, apps/bench
  "apps/tinymlp")  # the command line: nothing below includes it
# Headers the engine (platform and engine/) must never include: the app-side dependencies.
set(app_only_headers "CLI/" "nlohmann/" "stb_image" "benchmark/" "gtest/" "mpi.h")

if(NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -P include_direction.cmake")
endif()

function(rank_of path out)
  set(best -1)
  set(best_len 0)
  set(i 0)
  foreach(layer IN LISTS layers)
    string(LENGTH "${layer}" len)
    string(FIND "${path}" "${layer}/" at)
    if(at EQUAL 0 AND len GREATER best_len)
      set(best ${i})
      set(best_len ${len})
    endif()
    math(EXPR i "${i} + 1")
  endforeach()
  set(${out} ${best} PARENT_SCOPE)
endfunction()

file(GLOB_RECURSE files RELATIVE "${ROOT}"
     "${ROOT}/platform/*.h" "${ROOT}/platform/*.cc"
     "${ROOT}/engine/*.h" "${ROOT}/engine/*.cc"
     "${ROOT}/apps/*.h" "${ROOT}/apps/*.cc")
set(problems "")
set(checked 0)
foreach(f IN LISTS files)
  rank_of("${f}" own)
  if(own LESS 0)
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  file(STRINGS "${ROOT}/${f}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*[\"<]")
  foreach(line IN LISTS includes)
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[\"<]([^\">]*)[\">].*" "\\1" header "${line}")
    rank_of("${header}" theirs)
    if(theirs GREATER own)
      list(GET layers ${own} own_name)
      list(GET layers ${theirs} their_name)
      string(APPEND problems "${f}: includes ${header} (layer ${their_name} is above ${own_name})\n")
    endif()
    if(own LESS 7)  # platform and engine
      foreach(app_header IN LISTS app_only_headers)
        string(FIND "${header}" "${app_header}" at)
        if(at EQUAL 0)
          string(APPEND problems "${f}: includes ${header} (the engine takes Highway and the C++ standard library only)\n")
        endif()
      endforeach()
    endif()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "include_direction: no source files under ${ROOT}")
endif()
if(problems)
  # NOTICE prints lines as they are (FATAL_ERROR would re-wrap them).
  message(NOTICE "${problems}")
  message(FATAL_ERROR "include_direction: the includes above go against the layering")
endif()
message(STATUS "include_direction: ${checked} files, every include points down or sideways")
