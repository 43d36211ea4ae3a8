//===- KernelModule.h - CPU kernels built from infer ops --------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Collects the kernels of one model in a module: each kernel is a group of
// infer ops turned into a function over memrefs (inputs, then outputs, then
// the [begin, end) range of its parallel loop). compileToSharedObject lowers
// the module through linalg, bufferization and LLVM, and links the object
// into a shared library whose entry points have the runtime's signature
// `void name(void **args, int64_t begin, int64_t end)`.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CPU_KERNELMODULE_H
#define INFER_CODEGEN_CPU_KERNELMODULE_H

#include "codegen/ArtifactWriter.h"
#include "codegen/cpu/CpuTarget.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::infer {

/// What the runtime needs to launch one kernel.
struct KernelInfo {
  std::string symbol;
  std::string kind;
  /// CPU: the parallel iteration space and the smallest chunk worth a
  /// thread. CUDA: the number of blocks of `blockThreads`.
  int64_t grid = 1;
  int64_t grain = 1;
  uint32_t blockThreads = 0;
  uint32_t sharedBytes = 0;
  /// CUDA: TMA descriptors over arguments, passed after the buffers.
  std::vector<ArtifactTensorMap> tensorMaps;
};

/// The attribute marking a CUDA kernel built directly as its entry point
/// (KernelModule::addCudaKernel); its value is the block size.
inline constexpr const char *kCudaEntryAttr = "infer.cuda_entry";

/// Where the kernels of a module run.
enum class KernelDevice { Cpu, Cuda };

struct CudaTarget;

/// The code of a CUDA kernel module.
struct CudaBinaries {
  std::string ptx;
  /// Empty when ptxas was not found.
  std::vector<char> cubin;
  /// Why there is no cubin (ptxas missing), for the report.
  std::string cubinNote;
};

/// Options of the CPU pipeline.
struct CpuCodegenOptions {
  /// Write the kernel module after each stage to stderr (debugging).
  bool dumpStages = false;
  /// Keep intermediate files (object, shared object) here when set.
  std::string keepDir;
};

class KernelModule {
public:
  explicit KernelModule(MLIRContext *context,
                        KernelDevice device = KernelDevice::Cpu);

  /// Adds a kernel computing `ops` (in order, topologically sorted) from
  /// `inputs` to `outputs`, lowered to linalg and split along its first
  /// parallel loop. Constants inside `ops` are inlined; `inputs` become
  /// arguments.
  FailureOr<KernelInfo> addKernel(ArrayRef<Operation *> ops,
                                  ArrayRef<Value> inputs,
                                  ArrayRef<Value> outputs, StringRef kind,
                                  std::string &error);

  /// Builds the body of a kernel written directly over memrefs: `args` are
  /// the memref arguments (inputs, then outputs); the body sets `grid` and
  /// `grain` and handles the iterations [begin, end).
  using MemrefBodyFn = function_ref<LogicalResult(
      OpBuilder &b, Location loc, ValueRange args, Value begin, Value end,
      int64_t &grid, int64_t &grain)>;

  /// Adds a kernel whose body `build` writes over memrefs (templates).
  FailureOr<KernelInfo> addMemrefKernel(StringRef kind, Location loc,
                                        ArrayRef<MemRefType> args,
                                        MemrefBodyFn build, std::string &error);

  /// CUDA: the body of a kernel's entry point, written with the LLVM, NVVM,
  /// arith and scf dialects; `args` are one !llvm.ptr per buffer argument,
  /// then one per tensor map.
  using CudaBodyFn =
      function_ref<LogicalResult(OpBuilder &b, Location loc, ValueRange args)>;

  /// CUDA: adds `.entry <symbol>(ptr...)` built by `build` for buffers of
  /// `argBytes` bytes. `info` gives the launch geometry, shared memory and
  /// tensor maps; the symbol is assigned here.
  FailureOr<KernelInfo> addCudaKernel(KernelInfo info,
                                      ArrayRef<uint64_t> argBytes, Location loc,
                                      CudaBodyFn build, std::string &error);

  /// Lowers every kernel to machine code and links a shared object.
  FailureOr<std::vector<char>>
  compileToSharedObject(const CpuTarget &target,
                        const CpuCodegenOptions &options, std::string &error);

  /// Lowers every kernel to PTX (LLVM's NVPTX backend) and, when ptxas is
  /// found, to a cubin (codegen/cuda/PtxEmitter.cpp).
  FailureOr<CudaBinaries> compileToCuda(const CudaTarget &target,
                                        const CpuCodegenOptions &options,
                                        std::string &error);

  ModuleOp getModule() { return *module; }
  KernelDevice getDevice() const { return device; }

  /// The number of kernels added.
  size_t size() const { return count; }

private:
  /// Bufferizes the module and lowers it to the LLVM dialect.
  LogicalResult lowerToLLVMDialect(const CpuCodegenOptions &options,
                                   std::string &error);

  /// Translates the lowered module to LLVM IR for `tm`, adds the kernel
  /// signatures as `<symbol>_info` globals (in `signatureAddressSpace`) and
  /// optimizes it (-O3); null with `error` on failure.
  std::unique_ptr<llvm::Module>
  translateAndOptimize(llvm::LLVMContext &llvmContext, llvm::TargetMachine &tm,
                       unsigned signatureAddressSpace,
                       const CpuCodegenOptions &options, std::string &error);

  MLIRContext *context;
  KernelDevice device;
  OwningOpRef<ModuleOp> module;
  size_t count = 0;
  /// Per kernel symbol: its grid and the byte size of each argument, stored
  /// in the shared object as `<symbol>_info` so the loader can check a plan
  /// against the code it launches.
  std::vector<std::pair<std::string, std::vector<uint64_t>>> signatures;
  void recordSignature(const KernelInfo &info, ArrayRef<Type> args);
  void recordSignature(const KernelInfo &info, ArrayRef<uint64_t> argBytes);
};

} // namespace mlir::infer

#endif // INFER_CODEGEN_CPU_KERNELMODULE_H
