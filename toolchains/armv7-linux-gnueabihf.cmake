# Cross build for a Raspberry Pi 2/3 running a 32-bit OS (armv7 hard-float, NEON), with Debian's
# cross compiler and the multiarch armhf packages (libhwy-dev:armhf, libgtest-dev:armhf)..
# Highway 1.0.3 never detects NEON at run time on 32-bit ARM, so NEON must be the baseline:
# -mfpu=neon-vfpv4 (a Pi 2's Cortex-A7 has NEON and VFPv4). -mfp16-format=ieee lets hwy/base.h
# use __fp16; -Wno-psabi silences GCC's note about the ABI of vector arguments. No -march:
# Debian's armhf compiler already targets armv7-a.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_C_FLAGS_INIT "-mfpu=neon-vfpv4 -mfp16-format=ieee")
set(CMAKE_CXX_FLAGS_INIT "-mfpu=neon-vfpv4 -mfp16-format=ieee -Wno-psabi")

set(CMAKE_FIND_ROOT_PATH /)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# No -L (see aarch64-linux-gnu.cmake). Set QEMU_CPU=cortex-a7 to emulate a Pi 2's CPU.
find_program(TINYMLP_QEMU_ARM qemu-arm REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${TINYMLP_QEMU_ARM})
