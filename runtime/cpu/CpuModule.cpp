//===- CpuModule.cpp - Kernels of a CPU artifact --------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/CpuModule.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

namespace infer {

CpuModule::~CpuModule() {
  if (handle)
    dlclose(handle);
  if (fd >= 0)
    close(fd);
}

infer_status CpuModule::open(const uint8_t *data, size_t size,
                             std::string &error) {
  if (size < sizeof(Elf64_Ehdr) || std::memcmp(data, ELFMAG, SELFMAG) != 0) {
    error = "the CPU code is not an ELF shared object";
    return INFER_ERROR_CORRUPT_ARTIFACT;
  }
  Elf64_Ehdr header;
  std::memcpy(&header, data, sizeof(header));
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_type != ET_DYN) {
    error = "the CPU code is not a 64-bit ELF shared object";
    return INFER_ERROR_CORRUPT_ARTIFACT;
  }
#if defined(__x86_64__)
  if (header.e_machine != EM_X86_64) {
    error = "the CPU code was built for ELF machine " +
            std::to_string(header.e_machine) + ", not x86-64";
    return INFER_ERROR_TARGET;
  }
#elif defined(__aarch64__)
  if (header.e_machine != EM_AARCH64) {
    error = "the CPU code was built for ELF machine " +
            std::to_string(header.e_machine) + ", not AArch64";
    return INFER_ERROR_TARGET;
  }
#endif
  fd = memfd_create("infer-kernels", MFD_CLOEXEC);
  if (fd < 0) {
    error = std::string("memfd_create failed: ") + std::strerror(errno);
    return INFER_ERROR_SYSTEM;
  }
  for (size_t written = 0; written < size;) {
    ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) {
      error = std::string("writing the CPU code to a memfd failed: ") +
              std::strerror(errno);
      return INFER_ERROR_SYSTEM;
    }
    written += static_cast<size_t>(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *e = dlerror();
    error = std::string("cannot load the CPU code: ") + (e ? e : "dlopen failed");
    return INFER_ERROR_SYSTEM;
  }
  return INFER_OK;
}

const void *CpuModule::lookupData(const std::string &symbol) const {
  return handle ? dlsym(handle, symbol.c_str()) : nullptr;
}

CpuKernelFn CpuModule::lookup(const std::string &symbol) const {
  if (!handle)
    return nullptr;
  return reinterpret_cast<CpuKernelFn>(dlsym(handle, symbol.c_str()));
}

} // namespace infer
