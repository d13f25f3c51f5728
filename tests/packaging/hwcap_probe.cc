// Prints this process's AT_HWCAP in hex: the no-AES test runs it with and without the shim
// (no_aes_shim.cc) to show the shim is in effect (bit 3, AES, set without it and clear with it),
// so a shim that failed to load cannot pass for a quiet Highway.
#include <sys/auxv.h>

#include <cstdio>

int main() {
  std::printf("hwcap=%lx\n", getauxval(AT_HWCAP));
  return 0;
}
