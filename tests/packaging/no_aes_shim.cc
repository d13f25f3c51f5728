// A Raspberry Pi 3/4 under qemu: a shared library, loaded into the guest with
// `qemu-aarch64 -E LD_PRELOAD=libno_aes_shim.so`, that interposes getauxval and clears the AES,
// PMULL, SHA1 and SHA2 bits (3-6) of AT_HWCAP, which a Cortex-A53/A72 without the crypto
// extension does not report. qemu's CPU models all report them, so without this nothing here
// sees what Highway sees on a Pi. Test-only; never linked into a program.
#include <dlfcn.h>
#include <sys/auxv.h>

namespace {

constexpr unsigned long kCryptoBits = 0x78;  // HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2

using GetauxvalFn = unsigned long (*)(unsigned long);

}  // namespace

extern "C" unsigned long getauxval(unsigned long type) {
  static const auto real = reinterpret_cast<GetauxvalFn>(dlsym(RTLD_NEXT, "getauxval"));
  const unsigned long value = real(type);
  return type == AT_HWCAP ? value & ~kCryptoBits : value;
}
