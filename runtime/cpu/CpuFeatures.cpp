//===- CpuFeatures.cpp - Which ISA features this CPU has ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A table of the cpuid bits each LLVM 22 X86 feature needs (Intel SDM leaves
// 1, 7, 0xD, 0x14, 0x19, 0x1E, 0x24; AMD APM leaves 0x80000001, 0x80000008)
// and the register state the OS must save for it (XCR0), plus the features
// no single bit describes (AVX10 versions, EVEX512, misaligned SSE). It
// agrees with LLVM's host detection except where code LLVM generates on its
// own would still fault: APX without XCR0 bit 19, AVX10 without the AVX-512
// state, AMX without Linux's permission, misaligned SSE without MXCSR.MM.
//
//===----------------------------------------------------------------------===//

#include "runtime/cpu/CpuFeatures.h"

#include <cstdint>
#include <iterator>

#if defined(__x86_64__)
#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#endif

namespace infer {

#if defined(__x86_64__)
namespace {

/// Names that say how code is generated, not which instructions it may use:
/// execution modes and ABIs, speculative-execution hardening (built from
/// LFENCE, PAUSE and jumps, which every x86-64 has), and LLVM's tuning hints.
/// ermsb and fsrm only tell LLVM that REP MOVSB/STOSB are fast; the
/// instructions themselves are baseline. Code built with any of these runs on
/// every x86-64 CPU, so refusing it would be wrong.
constexpr const char *kNotInstructions[] = {
    // Modes, ABIs, hardening, code-generation preferences, fast strings.
    "16bit-mode", "32bit-mode", "64bit-mode", "x32", "soft-float",
    "tagged-globals", "inline-asm-use-gpr32", "retpoline",
    "retpoline-external-thunk", "retpoline-indirect-branches",
    "retpoline-indirect-calls", "lvi-cfi", "lvi-load-hardening", "seses",
    "harden-sls-ijmp", "harden-sls-ret", "prefer-128-bit",
    "prefer-legacy-setcc", "prefer-no-gather", "prefer-no-scatter", "ermsb",
    "fsrm",
    // Tuning (the TuneImplies of LLVM 22's X86 processors).
    "allow-light-256-bit", "branch-hint", "branchfusion", "false-deps-getmant",
    "false-deps-lzcnt-tzcnt", "false-deps-mulc", "false-deps-mullq",
    "false-deps-perm", "false-deps-popcnt", "false-deps-range",
    "fast-11bytenop", "fast-15bytenop", "fast-7bytenop", "fast-bextr",
    "fast-dpwssd", "fast-gather", "fast-hops", "fast-imm16", "fast-lzcnt",
    "fast-movbe", "fast-scalar-fsqrt", "fast-scalar-shift-masks",
    "fast-shld-rotate", "fast-variable-crosslane-shuffle",
    "fast-variable-perlane-shuffle", "fast-vector-fsqrt",
    "fast-vector-shift-masks", "faster-shift-than-shuffle", "idivl-to-divb",
    "idivq-to-divl", "lea-sp", "lea-uses-ag", "macrofusion", "no-bypass-delay",
    "no-bypass-delay-blend", "no-bypass-delay-mov", "no-bypass-delay-shuffle",
    "pad-short-functions", "prefer-256-bit", "prefer-mask-registers",
    "prefer-movmsk-over-vtest", "sbb-dep-breaking", "slow-3ops-lea",
    "slow-incdec", "slow-lea", "slow-pmaddwd", "slow-pmulld", "slow-pmullq",
    "slow-shld", "slow-two-mem-ops", "slow-unaligned-mem-16",
    "slow-unaligned-mem-32", "tuning-fast-imm-vector-shift",
    "use-glm-div-sqrt-costs", "use-slm-arith-costs", "vzeroupper"};

/// The x86-64 psABI baseline (every 64-bit CPU decodes NOPL too): present
/// wherever this runtime itself runs.
constexpr const char *kBaseline[] = {"64bit", "cmov", "cx8",  "fxsr", "mmx",
                                     "nopl",  "sse",  "sse2", "x87"};

enum Reg : uint8_t { EAX, EBX, ECX, EDX };

/// Register state the OS must have enabled before instructions using it may
/// run (they fault otherwise, whatever cpuid says); a bit mask.
enum OsState : uint8_t {
  kNone = 0,
  /// CR4.OSXSAVE: the XSAVE family and XGETBV are usable.
  kXSave = 1,
  /// XMM and YMM state (XCR0 bits 1 and 2): VEX encodings.
  kAvx = 2,
  /// kAvx plus opmask, ZMM_Hi256 and Hi16_ZMM (XCR0 bits 5-7): EVEX.
  kAvx512 = 4,
  /// TILECFG and TILEDATA (XCR0 bits 17 and 18), and on Linux the process's
  /// permission to use tile data.
  kAmx = 8,
  /// The extended GPRs r16-r31 (XCR0 bit 19).
  kApx = 16,
};

constexpr uint64_t kXcr0Avx = (1u << 1) | (1u << 2);
constexpr uint64_t kXcr0Avx512 = kXcr0Avx | (1u << 5) | (1u << 6) | (1u << 7);
constexpr uint64_t kXcr0Amx = (1u << 17) | (1u << 18);
constexpr uint64_t kXcr0Apx = 1u << 19;

/// One cpuid bit a feature needs. A feature named by several rows needs all
/// of them.
struct CpuidBit {
  const char *name;
  uint32_t leaf;
  uint32_t subleaf;
  Reg reg;
  uint8_t bit;
  uint8_t state;
};

constexpr uint32_t kExt1 = 0x80000001;
constexpr uint32_t kExt8 = 0x80000008;

// clang-format off
constexpr CpuidBit kCpuidBits[] = {
    // Leaf 1.
    {"sse3",               1,    0, ECX,  0, kNone},
    {"pclmul",             1,    0, ECX,  1, kNone},
    {"ssse3",              1,    0, ECX,  9, kNone},
    {"fma",                1,    0, ECX, 12, kAvx},
    {"cx16",               1,    0, ECX, 13, kNone},
    {"sse4.1",             1,    0, ECX, 19, kNone},
    {"sse4.2",             1,    0, ECX, 20, kNone},
    // LLVM's name for the CRC32 instruction alone; it comes with SSE4.2.
    {"crc32",              1,    0, ECX, 20, kNone},
    {"movbe",              1,    0, ECX, 22, kNone},
    {"popcnt",             1,    0, ECX, 23, kNone},
    {"aes",                1,    0, ECX, 25, kNone},
    {"xsave",              1,    0, ECX, 26, kXSave},
    {"avx",                1,    0, ECX, 28, kAvx},
    {"f16c",               1,    0, ECX, 29, kAvx},
    {"rdrnd",              1,    0, ECX, 30, kNone},
    // Leaf 7, subleaf 0.
    {"fsgsbase",           7,    0, EBX,  0, kNone},
    {"sgx",                7,    0, EBX,  2, kNone},
    {"bmi",                7,    0, EBX,  3, kNone},
    {"avx2",               7,    0, EBX,  5, kAvx},
    {"bmi2",               7,    0, EBX,  8, kNone},
    {"invpcid",            7,    0, EBX, 10, kNone},
    {"rtm",                7,    0, EBX, 11, kNone},
    {"avx512f",            7,    0, EBX, 16, kAvx512},
    {"avx512dq",           7,    0, EBX, 17, kAvx512},
    {"rdseed",             7,    0, EBX, 18, kNone},
    {"adx",                7,    0, EBX, 19, kNone},
    {"avx512ifma",         7,    0, EBX, 21, kAvx512},
    {"clflushopt",         7,    0, EBX, 23, kNone},
    {"clwb",               7,    0, EBX, 24, kNone},
    {"avx512cd",           7,    0, EBX, 28, kAvx512},
    {"sha",                7,    0, EBX, 29, kNone},
    {"avx512bw",           7,    0, EBX, 30, kAvx512},
    {"avx512vl",           7,    0, EBX, 31, kAvx512},
    {"avx512vbmi",         7,    0, ECX,  1, kAvx512},
    // OSPKE rather than PKU: RDPKRU/WRPKRU fault unless the OS set CR4.PKE.
    {"pku",                7,    0, ECX,  4, kNone},
    {"waitpkg",            7,    0, ECX,  5, kNone},
    {"avx512vbmi2",        7,    0, ECX,  6, kAvx512},
    {"shstk",              7,    0, ECX,  7, kNone},
    {"gfni",               7,    0, ECX,  8, kNone},
    {"vaes",               7,    0, ECX,  9, kAvx},
    {"vpclmulqdq",         7,    0, ECX, 10, kAvx},
    {"avx512vnni",         7,    0, ECX, 11, kAvx512},
    {"avx512bitalg",       7,    0, ECX, 12, kAvx512},
    {"avx512vpopcntdq",    7,    0, ECX, 14, kAvx512},
    {"rdpid",              7,    0, ECX, 22, kNone},
    {"kl",                 7,    0, ECX, 23, kNone},
    {"cldemote",           7,    0, ECX, 25, kNone},
    {"movdiri",            7,    0, ECX, 27, kNone},
    {"movdir64b",          7,    0, ECX, 28, kNone},
    {"enqcmd",             7,    0, ECX, 29, kNone},
    {"uintr",              7,    0, EDX,  5, kNone},
    {"avx512vp2intersect", 7,    0, EDX,  8, kAvx512},
    {"serialize",          7,    0, EDX, 14, kNone},
    {"tsxldtrk",           7,    0, EDX, 16, kNone},
    {"pconfig",            7,    0, EDX, 18, kNone},
    {"amx-bf16",           7,    0, EDX, 22, kAmx},
    {"avx512fp16",         7,    0, EDX, 23, kAvx512},
    {"amx-tile",           7,    0, EDX, 24, kAmx},
    {"amx-int8",           7,    0, EDX, 25, kAmx},
    // Leaf 7, subleaf 1.
    {"sha512",             7,    1, EAX,  0, kAvx},
    {"sm3",                7,    1, EAX,  1, kAvx},
    {"sm4",                7,    1, EAX,  2, kAvx},
    {"raoint",             7,    1, EAX,  3, kNone},
    {"avxvnni",            7,    1, EAX,  4, kAvx},
    {"avx512bf16",         7,    1, EAX,  5, kAvx512},
    {"cmpccxadd",          7,    1, EAX,  7, kNone},
    {"amx-fp16",           7,    1, EAX, 21, kAmx},
    {"hreset",             7,    1, EAX, 22, kNone},
    {"avxifma",            7,    1, EAX, 23, kAvx},
    {"movrs",              7,    1, EAX, 31, kNone},
    {"avxvnniint8",        7,    1, EDX,  4, kAvx},
    {"avxneconvert",       7,    1, EDX,  5, kAvx},
    {"amx-complex",        7,    1, EDX,  8, kAmx},
    {"avxvnniint16",       7,    1, EDX, 10, kAvx},
    {"prefetchi",          7,    1, EDX, 14, kNone},
    {"usermsr",            7,    1, EDX, 15, kNone},
    // APX_F: LLVM splits APX into one feature per facility; one bit covers
    // them all.
    {"egpr",               7,    1, EDX, 21, kApx},
    {"push2pop2",          7,    1, EDX, 21, kApx},
    {"ppx",                7,    1, EDX, 21, kApx},
    {"ndd",                7,    1, EDX, 21, kApx},
    {"ccmp",               7,    1, EDX, 21, kApx},
    {"nf",                 7,    1, EDX, 21, kApx},
    {"cf",                 7,    1, EDX, 21, kApx},
    {"zu",                 7,    1, EDX, 21, kApx},
    // Leaf 0xD, subleaf 1.
    {"xsaveopt",         0xD,    1, EAX,  0, kXSave},
    {"xsavec",           0xD,    1, EAX,  1, kXSave},
    {"xsaves",           0xD,    1, EAX,  3, kXSave},
    // Leaf 0x14 (processor trace).
    {"ptwrite",         0x14,    0, EBX,  4, kNone},
    // Leaf 0x19 (Key Locker). Like LLVM, no AESKLE check: LLVM emits Key
    // Locker instructions only for their intrinsics.
    {"widekl",             7,    0, ECX, 23, kNone},
    {"widekl",          0x19,    0, EBX,  2, kNone},
    // Leaf 0x1E, subleaf 1 (AMX).
    {"amx-fp8",         0x1E,    1, EAX,  4, kAmx},
    {"amx-tf32",        0x1E,    1, EAX,  6, kAmx},
    {"amx-avx512",      0x1E,    1, EAX,  7, kAmx | kAvx512},
    {"amx-movrs",       0x1E,    1, EAX,  8, kAmx},
    // AMD extended leaves.
    {"sahf",           kExt1,    0, ECX,  0, kNone},
    {"lzcnt",          kExt1,    0, ECX,  5, kNone},
    {"sse4a",          kExt1,    0, ECX,  6, kNone},
    {"sse-unaligned-mem", kExt1, 0, ECX,  7, kNone},
    {"prfchw",         kExt1,    0, ECX,  8, kNone},
    {"xop",            kExt1,    0, ECX, 11, kAvx},
    {"lwp",            kExt1,    0, ECX, 15, kNone},
    {"fma4",           kExt1,    0, ECX, 16, kAvx},
    {"tbm",            kExt1,    0, ECX, 21, kNone},
    {"mwaitx",         kExt1,    0, ECX, 29, kNone},
    {"clzero",         kExt8,    0, EBX,  0, kNone},
    {"rdpru",          kExt8,    0, EBX,  4, kNone},
    {"wbnoinvd",       kExt8,    0, EBX,  9, kNone},
};
// clang-format on

/// CR4.OSXSAVE as cpuid reports it: XGETBV is usable.
constexpr CpuidBit kOsxsaveBit = {"", 1, 0, ECX, 27, kNone};
/// AVX10 is enumerated; its version is in leaf 0x24.
constexpr CpuidBit kAvx10Bit = {"", 7, 1, EDX, 19, kNone};
/// Leaf 0x24 EBX: the AVX10 version, and 512-bit vector support.
constexpr uint32_t kAvx10VersionMask = 0xff;
constexpr uint32_t kAvx10Has512 = 1u << 18;
/// AMD's MXCSR.MM: misaligned SSE memory operands do not fault.
constexpr uint32_t kMxcsrMisalignedSse = 1u << 17;

/// Leaves whose subleaf 0 reports the highest subleaf in EAX; reading past it
/// may return garbage rather than zeros on some CPUs.
bool countsSubleaves(uint32_t leaf) {
  return leaf == 7 || leaf == 0x14 || leaf == 0x1E || leaf == 0x24;
}

uint64_t readXcr0() {
  uint32_t lo, hi;
  // The XGETBV opcode, so that this file needs no -mxsave.
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

/// Whether Linux lets this process use AMX tile data, asking for it if not
/// yet granted: without the grant the first tile instruction raises SIGILL.
bool amxPermitted() {
#if defined(__linux__)
  constexpr long kArchGetXcompPerm = 0x1022;
  constexpr long kArchReqXcompPerm = 0x1023;
  constexpr unsigned long kXFeatureTileData = 18;
  static const bool permitted = [] {
    unsigned long long granted = 0;
    if (syscall(SYS_arch_prctl, kArchGetXcompPerm, &granted) == 0 &&
        (granted >> kXFeatureTileData) & 1)
      return true;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXFeatureTileData) == 0;
  }();
  return permitted;
#else
  return true;
#endif
}

/// What cpuid and XCR0 say on this CPU, read once.
class Host {
public:
  Host() {
    uint32_t r[4];
    __cpuid(0, r[EAX], r[EBX], r[ECX], r[EDX]);
    maxLeaf = r[EAX];
    __cpuid(0x80000000, r[EAX], r[EBX], r[ECX], r[EDX]);
    maxExtLeaf = r[EAX];
    osxsave = bit(kOsxsaveBit);
    xcr0 = osxsave ? readXcr0() : 0;
  }

  /// Registers of cpuid (`leaf`, `subleaf`); false if the CPU lacks them.
  bool cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4]) const {
    uint32_t max = leaf >= 0x80000000 ? maxExtLeaf : maxLeaf;
    if (leaf > max)
      return false;
    if (subleaf > 0 && countsSubleaves(leaf)) {
      __cpuid_count(leaf, 0, r[EAX], r[EBX], r[ECX], r[EDX]);
      if (subleaf > r[EAX])
        return false;
    }
    __cpuid_count(leaf, subleaf, r[EAX], r[EBX], r[ECX], r[EDX]);
    return true;
  }

  /// Whether the bit of `row` is set (ignoring its OS state).
  bool bit(const CpuidBit &row) const {
    uint32_t r[4];
    return cpuid(row.leaf, row.subleaf, r) && ((r[row.reg] >> row.bit) & 1);
  }

  /// Whether the OS saves (and, for AMX, lets us use) the `state` mask.
  bool saves(uint8_t state) const {
    if (state == kNone)
      return true;
    if (!osxsave)
      return false;
    if ((state & kAvx) && (xcr0 & kXcr0Avx) != kXcr0Avx)
      return false;
    if ((state & kAvx512) && (xcr0 & kXcr0Avx512) != kXcr0Avx512)
      return false;
    if ((state & kAmx) && ((xcr0 & kXcr0Amx) != kXcr0Amx || !amxPermitted()))
      return false;
    if ((state & kApx) && (xcr0 & kXcr0Apx) != kXcr0Apx)
      return false;
    return true;
  }

  /// The AVX10 version with 512-bit vectors, or 0.
  int avx10Version() const {
    uint32_t r[4];
    if (!bit(kAvx10Bit) || !saves(kAvx512) || !cpuid(0x24, 0, r))
      return 0;
    // LLVM 22's AVX10 features all include 512-bit vectors.
    if (!(r[EBX] & kAvx10Has512))
      return 0;
    return static_cast<int>(r[EBX] & kAvx10VersionMask);
  }

private:
  uint32_t maxLeaf = 0;
  uint32_t maxExtLeaf = 0;
  bool osxsave = false;
  uint64_t xcr0 = 0;
};

const Host &host() {
  static const Host h;
  return h;
}

bool named(const char *const *begin, const char *const *end,
           const std::string &name) {
  for (const char *const *n = begin; n != end; ++n)
    if (name == *n)
      return true;
  return false;
}

CpuFeatureStatus present(bool b) {
  return b ? CpuFeatureStatus::Present : CpuFeatureStatus::Absent;
}

/// Present when every row naming `name` holds; Unknown when none names it.
CpuFeatureStatus fromRows(const std::string &name) {
  const Host &h = host();
  bool known = false, all = true;
  for (const CpuidBit &row : kCpuidBits) {
    if (name != row.name)
      continue;
    known = true;
    all = all && h.bit(row) && h.saves(row.state);
  }
  return known ? present(all) : CpuFeatureStatus::Unknown;
}

/// Features that cpuid rows alone do not decide; Unknown for the others.
CpuFeatureStatus special(const std::string &name) {
  const Host &h = host();
  if (name == "avx10.1" || name == "avx10.1-512")
    return present(h.avx10Version() >= 1);
  if (name == "avx10.2" || name == "avx10.2-512")
    return present(h.avx10Version() >= 2);
  // 512-bit EVEX encodings: AVX-512, or AVX10 (512 bits wide in LLVM 22).
  if (name == "evex512")
    return present(fromRows("avx512f") == CpuFeatureStatus::Present ||
                   h.avx10Version() >= 1);
  if (name == "sse-unaligned-mem") {
    // Misaligned SSE operands stop faulting only once MXCSR.MM is set, which
    // no OS does by default. MXCSR is per thread: this reads the caller's.
    uint32_t mxcsr;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    return present(fromRows(name) == CpuFeatureStatus::Present &&
                   (mxcsr & kMxcsrMisalignedSse));
  }
  return CpuFeatureStatus::Unknown;
}

} // namespace

CpuFeatureStatus cpuFeatureStatus(const std::string &llvmName) {
  if (named(std::begin(kBaseline), std::end(kBaseline), llvmName) ||
      named(std::begin(kNotInstructions), std::end(kNotInstructions), llvmName))
    return CpuFeatureStatus::Present;
  CpuFeatureStatus s = special(llvmName);
  return s != CpuFeatureStatus::Unknown ? s : fromRows(llvmName);
}

#else

CpuFeatureStatus cpuFeatureStatus(const std::string &) {
  // The names are LLVM's X86 ones; nothing about them can be checked here.
  return CpuFeatureStatus::Unknown;
}

#endif

bool cpuFeatureIntrinsicOnly(const std::string &llvmName) {
  static const char *const kIntrinsicOnly[] = {
      "cldemote", "clflushopt", "clwb",      "clzero",   "cmpccxadd",
      "enqcmd",   "fsgsbase",   "hreset",    "invpcid",  "kl",
      "lwp",      "movdir64b",  "movdiri",   "movrs",    "mwaitx",
      "pconfig",  "pku",        "prefetchi", "ptwrite",  "raoint",
      "rdpid",    "rdpru",      "rdrnd",     "rdseed",   "rtm",
      "serialize", "sgx",       "shstk",     "tsxldtrk", "uintr",
      "usermsr",  "waitpkg",    "wbnoinvd",  "widekl",   "xsave",
      "xsavec",   "xsaveopt",   "xsaves"};
  for (const char *n : kIntrinsicOnly)
    if (llvmName == n)
      return true;
  return false;
}

} // namespace infer
