//===- CpuKernels.cpp - How CPU kernels are called, split and built -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A CPU kernel is `void name(void **args, int64_t begin, int64_t end)`: the
// runtime's thread pool calls it on chunks of [0, grid). Generic kernels
// are split along the first parallel loop of the op writing their output
// (producers fused into the loop); templates write their own loops. The
// module is then bufferized, lowered to LLVM, compiled for the CPU and
// linked by lld into a shared object.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuKernels.h"
#include "codegen/core/KernelSplit.h"
#include "codegen/core/LoweringPasses.h"
#include "codegen/core/WorkDir.h"

#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Below this many loop iterations in all, a kernel runs on one thread.
constexpr int64_t kMinParallelWork = 1 << 15;

/// Splits the kernel along the root's first parallel loop of extent > 1.
/// Returns the grid (1 when the kernel is not split).
int64_t splitForThreads(func::FuncOp fn, Value begin, Value end,
                        int64_t &grain) {
  grain = 1;
  TilingInterface root = splitRoot(fn);
  if (!root)
    return 1;
  IRRewriter rewriter(fn.getContext());
  rewriter.setInsertionPoint(root);
  SmallVector<Range> domain = root.getIterationDomain(rewriter);
  SmallVector<utils::IteratorType> iters = root.getLoopIteratorTypes();
  int64_t dim = -1, extent = 1, total = 1;
  for (auto [i, r] : llvm::enumerate(domain)) {
    std::optional<int64_t> size = getConstantIntValue(r.size);
    if (!size)
      return 1;
    total *= *size;
    if (dim < 0 && iters[i] == utils::IteratorType::parallel && *size > 1) {
      dim = i;
      extent = *size;
    }
  }
  if (dim < 0 || total < kMinParallelWork)
    return 1;
  SmallVector<OpFoldResult> tiles(domain.size(), rewriter.getIndexAttr(0));
  tiles[dim] = rewriter.getIndexAttr(1);
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(tiles);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
  if (failed(tiled) || tiled->loops.empty())
    return 1;
  for (auto [orig, repl] : tiled->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  auto loop = llvm::cast<scf::ForOp>(tiled->loops.front().getOperation());
  loop.setLowerBound(begin);
  loop.setUpperBound(end);
  int64_t perIteration = std::max<int64_t>(total / extent, 1);
  grain = std::max<int64_t>(1, kMinParallelWork / 4 / perIteration);
  return extent;
}

/// Adds `void symbol(void **args, int64_t begin, int64_t end)` calling each
/// `<symbol>_impl`, which becomes internal so LLVM inlines it.
void addEntryPoints(ModuleOp module) {
  OpBuilder b(module.getContext());
  auto ptr = LLVM::LLVMPointerType::get(module.getContext());
  auto i64 = b.getI64Type();
  SmallVector<LLVM::LLVMFuncOp> impls;
  for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
    if (fn.getName().ends_with("_impl"))
      impls.push_back(fn);
  for (LLVM::LLVMFuncOp impl : impls) {
    impl.setLinkage(LLVM::Linkage::Internal);
    Location loc = impl.getLoc();
    b.setInsertionPointToEnd(module.getBody());
    std::string name = impl.getName().drop_back(5).str();
    auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()),
                                            {ptr, i64, i64});
    auto entry = LLVM::LLVMFuncOp::create(b, loc, name, type);
    Block *block = entry.addEntryBlock(b);
    b.setInsertionPointToStart(block);
    LLVM::LLVMFunctionType implType = impl.getFunctionType();
    unsigned nPtrs = implType.getNumParams() - 2;
    SmallVector<Value> callArgs;
    for (unsigned i = 0; i < nPtrs; ++i) {
      Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, block->getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
      callArgs.push_back(LLVM::LoadOp::create(b, loc, ptr, slot));
    }
    callArgs.push_back(block->getArgument(1));
    callArgs.push_back(block->getArgument(2));
    LLVM::CallOp::create(b, loc, impl, callArgs);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
}

/// Gives the vpdpbusd helper, where the kernels call it, the intrinsic as
/// its body.
void defineIntrinsicHelpers(ModuleOp module) {
  auto helper = module.lookupSymbol<LLVM::LLVMFuncOp>(cpuVnniDotName());
  if (!helper || !helper.isExternal())
    return;
  OpBuilder b(module.getContext());
  Block *block = helper.addEntryBlock(b);
  b.setInsertionPointToStart(block);
  Location loc = helper.getLoc();
  Value r = LLVM::CallIntrinsicOp::create(
                b, loc, helper.getFunctionType().getReturnType(),
                b.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
                block->getArguments())
                .getResult(0);
  LLVM::ReturnOp::create(b, loc, r);
  helper.setLinkage(LLVM::Linkage::Internal);
  helper.setAlwaysInline(true);
}

} // namespace

StringRef mlir::infer::cpuVnniDotName() { return "infer_vpdpbusd512"; }

unsigned CpuKernelConvention::numIndexArgs() const { return 2; }

void CpuKernelConvention::split(func::FuncOp &fn, unsigned firstIndexArg,
                                KernelInfo &info) const {
  Block &entry = fn.getBody().front();
  info.grid = splitForThreads(fn, entry.getArgument(firstIndexArg),
                              entry.getArgument(firstIndexArg + 1), info.grain);
}

FailureOr<KernelInfo> mlir::infer::addMemrefKernel(KernelModule &kernels,
                                                   StringRef kind, Location loc,
                                                   ArrayRef<MemRefType> args,
                                                   MemrefBodyFn build,
                                                   std::string &error) {
  OpBuilder b(kernels.getContext());
  b.setInsertionPointToEnd(kernels.getModule().getBody());
  SmallVector<Type> types(args.begin(), args.end());
  types.push_back(b.getIndexType());
  types.push_back(b.getIndexType());
  KernelInfo info;
  info.symbol = kernels.nextSymbol();
  info.kind = kind.str();
  auto fn = func::FuncOp::create(b, loc, info.symbol + "_impl",
                                 b.getFunctionType(types, {}));
  fn.setPrivate();
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  ValueRange all = entry->getArguments();
  if (failed(build(b, loc, all.drop_back(2), all[all.size() - 2],
                   all[all.size() - 1], info.grid, info.grain))) {
    error = "cannot build the " + info.kind + " kernel";
    fn.erase();
    return failure();
  }
  func::ReturnOp::create(b, loc);
  kernels.recordSignature(
      info, KernelModule::argBytesOf(ArrayRef<Type>(types).drop_back(2)));
  return info;
}

void mlir::infer::addCpuLoweringPasses(OpPassManager &pm) {
  // Bufferized; heap temporaries freed; math as polynomials where MLIR has
  // an accurate one (vectorizable), the rest through libm.
  addBufferizationPasses(pm);
  bufferization::buildBufferDeallocationPipeline(pm);
  addLoopsToLLVMPasses(pm,
                       createApproximateMathPass(
                           {}, {"tanh", "erf", "exp", "expm1", "log", "log1p",
                                "log2", "sin", "cos", "rsqrt"}),
                       /*mathToLibm=*/true, /*expandBf16=*/true);
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::infer::addCpuEntryPoints(ModuleOp kernels) {
  addEntryPoints(kernels);
  defineIntrinsicHelpers(kernels);
}

FailureOr<std::vector<char>>
mlir::infer::compileCpuKernels(ModuleOp kernels, const CpuTarget &target,
                               const CodegenOptions &options,
                               std::string &error, std::string *llvmIR) {
  MLIRContext *context = kernels.getContext();
  std::string diagnostic;
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty())
      diagnostic = d.str();
    return success();
  });
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateKernels(
      kernels, llvmContext, *target.machine, /*signatureAddressSpace=*/0,
      options, error, llvmIR);
  if (!llvmModule) {
    if (!diagnostic.empty())
      error += ": " + diagnostic;
    return failure();
  }
  llvm::TargetMachine &tm = *target.machine;

  // Object code, then a shared object linked by lld.
  WorkDir work;
  if (!work.create(options.keepDir, "infer-cpu", error))
    return failure();
  llvm::SmallString<128> objPath = work.file("kernels.o"),
                         soPath = work.file("kernels.so");
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(objPath, ec);
    if (ec) {
      error = "cannot write '" + objPath.str().str() + "': " + ec.message();
      return failure();
    }
    llvm::legacy::PassManager codegen;
    if (tm.addPassesToEmitFile(codegen, out, nullptr,
                               llvm::CodeGenFileType::ObjectFile)) {
      error = "the target cannot emit object code";
      return failure();
    }
    codegen.run(*llvmModule);
  }
  llvm::ErrorOr<std::string> lld = llvm::sys::findProgramByName(
      "ld.lld", {"/usr/lib/llvm-22/bin"});
  if (!lld) {
    error = "ld.lld not found (install lld-22: scripts/install-deps.sh)";
    return failure();
  }
  if (!work.run(*lld,
                {*lld, "-shared", "--gc-sections", "-O2", "-o", soPath.str(),
            objPath.str(), "-L/lib/x86_64-linux-gnu", "-L/usr/lib/x86_64-linux-gnu",
            "--as-needed", "-lm"},
           error))
    return failure();
  std::optional<std::vector<char>> so =
      work.read("kernels.so", "the linked kernels", error);
  if (!so)
    return failure();
  return std::move(*so);
}
