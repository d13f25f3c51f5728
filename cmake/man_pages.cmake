# The man pages, made at build time from the real --help by help2man (Debian package help2man):
# tinymlp.1 and one tinymlp-SUBCOMMAND.1 per subcommand that `tinymlp --help` lists (so an
# inference-only build gets pages for its own commands only), each gzipped with -9n as Debian
# wants them. Not hand-written pages: they would drift from the flags.
#
# Run by the tinymlp_man_pages target (cmake/packaging.cmake) as
#   cmake -DHELP2MAN=... -DTINYMLP=binary -DEMULATOR="qemu-aarch64" -DVERSION=0.1.0 \
#         -DOUT_DIR=dir -P man_pages.cmake
# EMULATOR (empty on the host) runs a cross-built binary, as CMAKE_CROSSCOMPILING_EMULATOR does.
# help2man names a page after the program it runs, so each page gets a two-line wrapper script
# named like the page (tinymlp-train runs `tinymlp train "$@"`). Subcommands have no --version,
# hence --version-string.
cmake_minimum_required(VERSION 3.25)
foreach(var HELP2MAN TINYMLP VERSION OUT_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "man_pages.cmake: -D${var}=... is required")
  endif()
endforeach()
separate_arguments(emulator UNIX_COMMAND "${EMULATOR}")

execute_process(COMMAND ${emulator} ${TINYMLP} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man_pages.cmake: `${EMULATOR} ${TINYMLP} --help` exited ${rc}")
endif()

# `tinymlp --help` (CLI11): the description on the first line; after "Subcommands:", one line
# per subcommand, "  name   description", up to a blank line.
string(REGEX MATCH "^[^\n]*" main_description "${help}")
string(REGEX REPLACE "^tinymlp: " "" main_description "${main_description}")
string(FIND "${help}" "\nSubcommands:\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "man_pages.cmake: no Subcommands: section in `tinymlp --help`")
endif()
string(SUBSTRING "${help}" ${at} -1 listing)
# The section ends at the first blank line (an "Example:" footer may follow).
string(FIND "${listing}" "\n\n" end)
if(NOT end EQUAL -1)
  string(SUBSTRING "${listing}" 0 ${end} listing)
endif()
string(REGEX MATCHALL "\n  [a-z][a-z-]* +[^\n]+" lines "${listing}")
set(names "")
foreach(line IN LISTS lines)
  string(REGEX MATCH "^\n  ([a-z][a-z-]*) +(.+)$" _ "${line}")
  list(APPEND names ${CMAKE_MATCH_1})
  set(description_${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()
if(names STREQUAL "")
  message(FATAL_ERROR "man_pages.cmake: no subcommand listed by `tinymlp --help`")
endif()

file(REMOVE_RECURSE "${OUT_DIR}")
file(MAKE_DIRECTORY "${OUT_DIR}/wrappers")

# help2man NAME line: "tinymlp-train \- train a network ...", lower-case first as man pages do
# (but not "SIMD ...").
function(lower_first text out)
  if(text MATCHES "^[A-Z][a-z]")
    string(SUBSTRING "${text}" 0 1 first)
    string(SUBSTRING "${text}" 1 -1 rest)
    string(TOLOWER "${first}" first)
    set(text "${first}${rest}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(see_also_main "")
foreach(name IN LISTS names)
  string(APPEND see_also_main ".BR tinymlp-${name} (1)\n")
endforeach()
file(WRITE "${OUT_DIR}/see_also_main.h2m" "[SEE ALSO]\n${see_also_main}")
file(WRITE "${OUT_DIR}/see_also_sub.h2m" "[SEE ALSO]\n.BR tinymlp (1)\n")

# page PAGE SUBCOMMAND DESCRIPTION SEE_ALSO: writes OUT_DIR/PAGE.1.gz.
function(page page subcommand description see_also)
  set(wrapper "${OUT_DIR}/wrappers/${page}")
  file(WRITE "${wrapper}" "#!/bin/sh\nexec ${EMULATOR} '${TINYMLP}' ${subcommand} \"$@\"\n")
  file(CHMOD "${wrapper}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
  lower_first("${description}" description)
  execute_process(COMMAND ${HELP2MAN} --no-info "--version-string=${VERSION}"
                          "--name=${description}" --section=1 "--include=${see_also}"
                          "--output=${OUT_DIR}/${page}.1" "${wrapper}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man_pages.cmake: help2man failed (${rc}) for ${page}")
  endif()
  execute_process(COMMAND gzip -9nf "${OUT_DIR}/${page}.1" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man_pages.cmake: gzip failed (${rc}) for ${page}.1")
  endif()
endfunction()

page(tinymlp "" "${main_description}" "${OUT_DIR}/see_also_main.h2m")
foreach(name IN LISTS names)
  page(tinymlp-${name} ${name} "${description_${name}}" "${OUT_DIR}/see_also_sub.h2m")
endforeach()
file(REMOVE_RECURSE "${OUT_DIR}/wrappers")
file(REMOVE "${OUT_DIR}/see_also_main.h2m" "${OUT_DIR}/see_also_sub.h2m")
list(LENGTH names count)
math(EXPR count "${count} + 1")
message(STATUS "man_pages.cmake: ${count} pages in ${OUT_DIR}")
