# Debian packages of this build, made by CPack (`cpack` in the build folder, or
# scripts/package.sh PRESET... which collects them in build/packages/):
#   tinymlp_<version>_<arch>.deb      the command: /usr/bin/tinymlp, its man pages (help2man,
#                                     cmake/man_pages.cmake), copyright, changelog and README
#   tinymlp-dev_<version>_<arch>.deb  the static libraries, headers, CMake package and
#                                     pkg-config file (the install rules of the top-level
#                                     CMakeLists.txt, component dev)
# <version> is project(VERSION) in CMakeLists.txt, the one place it is written (`tinymlp
# --version` and `info` print it too); <arch> is the target's Debian architecture (amd64, arm64,
# armhf), also when cross-compiling. Included from the top-level CMakeLists.txt when the apps
# are built.
include_guard(GLOBAL)

# The command package: the binary, its man pages and its documentation.
install(TARGETS tinymlp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tinymlp)

find_program(TINYMLP_HELP2MAN help2man)
if(TINYMLP_HELP2MAN)
  # A cross-built binary runs under the emulator (qemu without -L: see the toolchain files).
  set(emulator "")
  if(CMAKE_CROSSCOMPILING)
    string(JOIN " " emulator ${CMAKE_CROSSCOMPILING_EMULATOR})
  endif()
  set(man_dir ${PROJECT_BINARY_DIR}/man)
  add_custom_command(
    OUTPUT ${man_dir}/tinymlp.1.gz
    COMMAND ${CMAKE_COMMAND} -DHELP2MAN=${TINYMLP_HELP2MAN} -DTINYMLP=$<TARGET_FILE:tinymlp>
            -DEMULATOR=${emulator} -DVERSION=${PROJECT_VERSION} -DOUT_DIR=${man_dir}
            -P ${PROJECT_SOURCE_DIR}/cmake/man_pages.cmake
    DEPENDS tinymlp ${PROJECT_SOURCE_DIR}/cmake/man_pages.cmake
    COMMENT "help2man: man pages from tinymlp --help"
    VERBATIM)
  add_custom_target(tinymlp_man_pages ALL DEPENDS ${man_dir}/tinymlp.1.gz)
  # OPTIONAL: a build of chosen targets (not `all`) may not have made them.
  install(DIRECTORY ${man_dir}/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tinymlp
          OPTIONAL FILES_MATCHING PATTERN "*.1.gz")
else()
  message(WARNING "tinymlp: help2man not found (Debian package help2man; scripts/deps.sh "
                  "installs it): the tinymlp package will have no man pages")
endif()

# Both packages: the copyright file (Debian's machine-readable format: tinymlp's MIT licence,
# the LICENSE file, and the header-only code compiled in) and a changelog, which every Debian
# package carries in /usr/share/doc/<package>/ (lintian: no-changelog). Version numbers without
# a Debian revision make these native packages, whose changelog is changelog.gz.
set(TINYMLP_PACKAGE_MAINTAINER "The tinymlp authors <tinymlp@users.noreply.github.com>"
    CACHE STRING "tinymlp: the Maintainer field of the Debian packages")
string(TIMESTAMP changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(changelog ${PROJECT_BINARY_DIR}/debian/changelog)
file(WRITE ${changelog}
     "tinymlp (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
     "  * Built with CPack from the tinymlp source tree (cmake/packaging.cmake).\n\n"
     " -- ${TINYMLP_PACKAGE_MAINTAINER}  ${changelog_date}\n")
execute_process(COMMAND gzip -9nf ${changelog} RESULT_VARIABLE gzip_rc)
if(NOT gzip_rc EQUAL 0)
  message(FATAL_ERROR "tinymlp: gzip ${changelog} failed (${gzip_rc})")
endif()
set(doc_dir ${CMAKE_INSTALL_DATADIR}/doc)
install(FILES cmake/debian/copyright ${changelog}.gz README.md
        DESTINATION ${doc_dir}/tinymlp COMPONENT tinymlp)
install(FILES cmake/debian/copyright ${changelog}.gz DESTINATION ${doc_dir}/tinymlp-dev
        COMPONENT dev)

# The target's Debian architecture. CPack would ask dpkg, which answers for the machine that
# builds, not for a cross build's target.
if(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "x86_64-linux-gnu")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
elseif(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "aarch64-linux-gnu")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
elseif(CMAKE_LIBRARY_ARCHITECTURE STREQUAL "arm-linux-gnueabihf")
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE armhf)
elseif(CMAKE_CROSSCOMPILING)
  message(WARNING "tinymlp: no Debian architecture known for ${CMAKE_LIBRARY_ARCHITECTURE}; "
                  "set CPACK_DEBIAN_PACKAGE_ARCHITECTURE before packaging")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tinymlp)
set(CPACK_PACKAGE_VENDOR "The tinymlp authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)  # the binary; CMake leaves static libraries unstripped
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL tinymlp dev)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # tinymlp_0.1.0_arm64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${TINYMLP_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# Descriptions: the first line is the synopsis; CPack indents the rest and turns empty lines into
# " .", as the control file wants. Lines stay under 80 characters (lintian).
set(CPACK_DEBIAN_TINYMLP_PACKAGE_NAME tinymlp)
if(TINYMLP_INFERENCE_ONLY)
  set(what "This is the inference-only build, as a Raspberry Pi gets it: predict, eval\n"
           "and info. Models are trained on another machine with the full build.")
else()
  set(what "This is the full build: train, search, report, plot, weights, gradcheck,\n"
           "bench-train, predict, eval and info.")
endif()
string(CONCAT CPACK_DEBIAN_TINYMLP_DESCRIPTION
       "fully connected CIFAR-10 image classifiers, trained fast on a CPU\n"
       "tinymlp trains and runs fully connected image classifiers on CIFAR-10:\n"
       "hidden ReLU layers, softmax, cyclical learning rates, batch normalization,\n"
       "dropout and augmentation, with kernels written with Google Highway and\n"
       "chosen at run time for the CPU (AVX-512, AVX2, SSE4, NEON, SVE). predict\n"
       "classifies 32x32 PNG or JPEG images with a saved model.\n\n" ${what})
# Depends from the binary's real shared libraries (dpkg-shlibdeps: libc6, libgcc-s1,
# libhwy1, libstdc++6 with the versions their symbols files require). For a cross build it reads
# the target architecture's multiarch packages (libhwy1:arm64 and so on), which scripts/deps.sh
# --arm installs.
set(CPACK_DEBIAN_TINYMLP_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME tinymlp-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
string(CONCAT CPACK_DEBIAN_DEV_DESCRIPTION
       "static libraries and headers of tinymlp's CIFAR-10 classifier engine\n"
       "The library behind the tinymlp command, for C++17 programs: one public\n"
       "header, tinymlp/tinymlp.h (load a model, classify images, train), static\n"
       "libraries of the engine's layers, a CMake package (find_package(tinymlp),\n"
       "target tinymlp::engine) and a pkg-config file (tinymlp).\n\n"
       "The kernels are written with Google Highway; threads are std::thread.")
if(TINYMLP_INFERENCE_ONLY)
  string(APPEND CPACK_DEBIAN_DEV_DESCRIPTION
         "\nThis is the inference-only build: Classifier::Train throws.")
endif()
# Static libraries: what a program linking them needs are Highway's headers and library (the
# CMake package and the .pc file ask for them) and the threads library, which comes with libc.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libhwy-dev")

include(CPack)
