//===- KernelModule.h - The kernels of one compiled model -------*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Collects the kernels of one model in a module, whatever the target. A
// generic kernel is a group of infer ops cloned into a function over
// memrefs (inputs, then outputs, then the target's index arguments),
// lowered to linalg with its elementwise chains fused, then split across
// the target's threads by the target's KernelConvention. Templates add
// functions of their own. Each kernel's signature (grid, argument sizes,
// tensor maps) is recorded so that the binary carries it next to the code.
// Lowering the module to machine code is the backend's job.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CORE_KERNELMODULE_H
#define INFER_CODEGEN_CORE_KERNELMODULE_H

#include "codegen/core/ArtifactWriter.h"

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

namespace mlir {
class DialectRegistry;
namespace func {
class FuncOp;
} // namespace func
namespace infer {

/// What the runtime needs to launch one kernel.
struct KernelInfo {
  std::string symbol;
  std::string kind;
  /// CPU: the parallel iteration space and the smallest chunk worth a
  /// thread. GPU: the number of blocks of `blockThreads`.
  int64_t grid = 1;
  int64_t grain = 1;
  uint32_t blockThreads = 0;
  uint32_t sharedBytes = 0;
  /// CUDA: blocks that must fit on one SM at once (the compiler caps the
  /// registers per thread to match).
  uint32_t minBlocksPerSm = 1;
  /// CUDA: TMA descriptors over arguments, passed after the buffers.
  std::vector<ArtifactTensorMap> tensorMaps;
  /// Targets without constant arrays in kernels: the constant tables the
  /// lowering made (index tables, divisors), which the kernel takes as
  /// buffers after its outputs, in this order.
  std::vector<Attribute> constantArgs;
};

/// Debugging options of a backend's code generation.
struct CodegenOptions {
  /// Write the kernel module after each stage to stderr.
  bool dumpStages = false;
  /// Keep intermediate files (object, shared object, PTX) here when set.
  std::string keepDir;
  /// Keep the optimized LLVM IR of the kernels as the listing "llvmir".
  bool keepLLVMIR = false;
};

/// How one target's generic kernels are called and split: the index
/// arguments after the buffers and the parallel split of the kernel body.
/// Each backend implements it.
class KernelConvention {
public:
  virtual ~KernelConvention();
  /// Index arguments after the buffers (CPU: begin and end of the split
  /// loop; GPU: the thread's linear index).
  virtual unsigned numIndexArgs() const = 0;
  /// Splits the generic kernel `fn` (linalg on tensors, its first index
  /// argument at `firstIndexArg`) across the target's threads and sets the
  /// launch geometry in `info`. `fn` may be replaced. A kernel that does
  /// not split runs whole (grid 1).
  virtual void split(func::FuncOp &fn, unsigned firstIndexArg,
                     KernelInfo &info) const = 0;
  /// Adds the dialects the target's kernels use beyond the core ones
  /// (what the passes building and lowering them declare).
  virtual void registerDialects(DialectRegistry &registry) const {}
  /// Whether small constant arrays compile into the kernels (as globals);
  /// else they are buffers like the weights, and only splats go inside.
  virtual bool inlinesConstantArrays() const { return true; }
};

/// The kernels of a compiled model live in a module nested in the model's
/// module, marked `infer.kernels` (one per model): the graph's dispatches
/// name them, and each codegen stage reads and writes them in place.
class KernelModule {
public:
  /// The kernel module of `parent` (created when it has none), building
  /// kernels split by `convention`.
  KernelModule(ModuleOp parent, const KernelConvention &convention);

  /// The kernel module nested in `parent`, or null.
  static ModuleOp find(ModuleOp parent);
  /// Adds the dialects every kernel module uses and their interfaces
  /// (bufferization, tiling, LLVM IR translation) to `registry`.
  static void registerDialects(DialectRegistry &registry);

  /// Adds a generic kernel computing `ops` (in order, topologically
  /// sorted) from `inputs` to `outputs`. Constants inside `ops` are
  /// inlined; `inputs` become arguments.
  FailureOr<KernelInfo> addKernel(ArrayRef<Operation *> ops,
                                  ArrayRef<Value> inputs,
                                  ArrayRef<Value> outputs, StringRef kind,
                                  std::string &error);

  /// A new kernel symbol ("infer_kernel_<n>"), unused in the module.
  std::string nextSymbol();

  /// Records `info`'s signature: grid, the byte size of each argument, and
  /// the tensor maps the code expects (kept in the module's
  /// `infer.signatures` so that the binary carries it next to the code).
  void recordSignature(const KernelInfo &info, ArrayRef<uint64_t> argBytes);
  /// The byte sizes of memref arguments.
  static std::vector<uint64_t> argBytesOf(ArrayRef<Type> memrefs);

  ModuleOp getModule() { return module; }
  const KernelConvention &getConvention() const { return convention; }
  MLIRContext *getContext() { return context; }

private:
  MLIRContext *context;
  const KernelConvention &convention;
  ModuleOp module;
  size_t count = 0;
};

/// Translates `kernels` (a kernel module lowered to the LLVM dialect by its
/// backend) to LLVM IR for `tm`, adds every kernel's signature as a
/// `<symbol>_info` global (in `signatureAddressSpace`) so the loader can
/// check a plan against the code it launches, and optimizes it (-O3); null
/// with `error` on failure. With `options.keepLLVMIR`, `llvmIR` receives the
/// optimized module's text.
std::unique_ptr<llvm::Module>
translateKernels(ModuleOp kernels, llvm::LLVMContext &llvmContext,
                 llvm::TargetMachine &tm, unsigned signatureAddressSpace,
                 const CodegenOptions &options, std::string &error,
                 std::string *llvmIR = nullptr);

/// The memref type a generic kernel takes for tensor value `v` (storage
/// element type).
MemRefType kernelMemrefOf(Value v);

} // namespace infer
} // namespace mlir

#endif // INFER_CODEGEN_CORE_KERNELMODULE_H
