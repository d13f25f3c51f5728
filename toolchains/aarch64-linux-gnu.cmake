# Cross build for a Raspberry Pi 3/4/5 running a 64-bit OS (aarch64), with Debian's cross
# compiler and the multiarch arm64 packages (libhwy-dev:arm64, libgtest-dev:arm64).
# No -march: NEON is the aarch64 baseline, and Highway adds SVE/SVE2 targets with its own pragmas,
# picking one at run time (a global -march would fight those pragmas).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# Multiarch: the arm64 headers and libraries live under / (…/aarch64-linux-gnu), so the root is
# /, searched for libraries, headers and packages only; programs are the host's.
set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest and gtest_discover_tests run the binaries under qemu. No -L: the multiarch libc is
# installed where the loader looks, and -L /usr/aarch64-linux-gnu mixes two libc builds, which
# hangs any program that starts a thread. Set QEMU_CPU (e.g. cortex-a72) to emulate a Pi's CPU.
find_program(TINYMLP_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${TINYMLP_QEMU_AARCH64})
