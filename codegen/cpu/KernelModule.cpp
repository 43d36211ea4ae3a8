//===- KernelModule.cpp - CPU kernels built from infer ops ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A kernel is built in three steps. (1) The group's infer ops are cloned
// into a function over memrefs, reading inputs with to_tensor and writing
// outputs with materialize_in_destination. (2) The ops are lowered to linalg
// and the op producing the output is tiled with size 1 along its first
// parallel loop of extent > 1, fusing its producers into the loop; the
// loop's bounds become the function's [begin, end) so that the runtime can
// split it over threads. (3) At the end, the whole module is bufferized,
// lowered to LLVM and linked.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/KernelModule.h"
#include "codegen/WorkDir.h"
#include "codegen/ScalarOps.h"
#include "codegen/linalg/LowerToLinalg.h"

#include "ir/InferOps.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Below this many loop iterations in all, a kernel runs on one thread.
constexpr int64_t kMinParallelWork = 1 << 15;
/// Threads per block of generic CUDA kernels.
constexpr int64_t kCudaBlockThreads = 256;

MemRefType memrefOf(Value v) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  return MemRefType::get(t.getShape(), storageType(t.getElementType()));
}

/// The op whose result the kernel writes to output `dest`.
Operation *rootOf(bufferization::MaterializeInDestinationOp m) {
  Value v = m.getSource();
  while (auto cast = v.getDefiningOp<UnrealizedConversionCastOp>())
    v = cast.getInputs().front();
  return v.getDefiningOp();
}

/// Whether `v` is a kernel input or constant, seen through reshapes (a
/// reshape of it is a view every thread can read whole).
bool isUncomputed(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (llvm::isa<arith::ConstantOp, bufferization::ToTensorOp>(def))
      return true;
    if (!llvm::isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                   tensor::ExtractSliceOp, UnrealizedConversionCastOp>(def))
      return false;
    v = def->getOperand(0);
  }
  return true;
}

/// Whether every compute op `root` depends on inside the kernel can be
/// fused into a loop over slices of the root: otherwise each thread would
/// recompute the whole unfused producer.
bool producersFuse(Operation *root) {
  SmallVector<Operation *> work{root};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!seen.insert(op).second)
      continue;
    if (op != root && !llvm::isa<TilingInterface>(op) &&
        !llvm::isa<tensor::EmptyOp, arith::ConstantOp,
                   bufferization::ToTensorOp, UnrealizedConversionCastOp>(op) &&
        !(llvm::isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                    tensor::ExtractSliceOp>(op) &&
          isUncomputed(op->getOperand(0))))
      return false;
    for (Value v : op->getOperands())
      if (Operation *def = v.getDefiningOp())
        work.push_back(def);
    // Values read inside bodies (tensor.extract of a computed tensor).
    bool captured = false;
    op->walk([&](Operation *inner) {
      if (inner == op)
        return;
      for (Value v : inner->getOperands())
        if (Operation *def = v.getDefiningOp())
          if (!op->isAncestor(def) && !llvm::isa<arith::ConstantOp>(def) &&
              !llvm::isa<bufferization::ToTensorOp>(def) &&
              !llvm::isa<UnrealizedConversionCastOp>(def))
            captured = true;
    });
    if (captured)
      return false;
  }
  return true;
}

/// Fuses each elementwise linalg.generic into its single consumer, so that
/// a chain of elementwise ops is one loop nest with no intermediate tensor
/// (unsplit kernels would otherwise run one loop and allocate one buffer
/// per op; a 64-op chain made 147 KB of code).
void fuseElementwiseChains(func::FuncOp fn) {
  RewritePatternSet patterns(fn.getContext());
  linalg::populateElementwiseOpsFusionPatterns(
      patterns, [](OpOperand *operand) { return operand->get().hasOneUse(); });
  (void)applyPatternsGreedily(fn, std::move(patterns));
}

/// The linalg op writing the kernel's single output, when every compute op
/// it depends on can fuse into loops over its slices; else null.
TilingInterface splitRoot(func::FuncOp fn) {
  SmallVector<bufferization::MaterializeInDestinationOp> outs;
  fn.walk([&](bufferization::MaterializeInDestinationOp m) { outs.push_back(m); });
  if (outs.size() != 1)
    return nullptr;
  auto root = llvm::dyn_cast_or_null<TilingInterface>(rootOf(outs.front()));
  if (!root || !llvm::isa<linalg::LinalgOp>(root.getOperation()) ||
      !producersFuse(root))
    return nullptr;
  return root;
}

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

/// Tiles the root of `fn` by 1 along the parallel loops `dims` (producers
/// fused) and makes each tile loop run the one iteration that `linear`, the
/// thread's index, selects (innermost dimension fastest: consecutive
/// threads touch consecutive elements). Fails when a compute op stays
/// outside the tile loops: every thread would recompute it whole.
LogicalResult tileForGpu(func::FuncOp fn, Value linear, ArrayRef<int64_t> dims,
                         ArrayRef<int64_t> extents) {
  TilingInterface root = splitRoot(fn); // found on the original: not null
  IRRewriter rewriter(fn.getContext());
  rewriter.setInsertionPoint(root);
  SmallVector<OpFoldResult> tiles(root.getLoopIteratorTypes().size(),
                                  rewriter.getIndexAttr(0));
  for (int64_t d : dims)
    tiles[d] = rewriter.getIndexAttr(1);
  scf::SCFTileAndFuseOptions options;
  options.tilingOptions.setTileSizes(tiles);
  FailureOr<scf::SCFTileAndFuseResult> tiled =
      scf::tileConsumerAndFuseProducersUsingSCF(rewriter, root, options);
  if (failed(tiled) || tiled->loops.size() != dims.size())
    return failure();
  for (auto [orig, repl] : tiled->replacements)
    rewriter.replaceAllUsesWith(orig, repl);
  // Dead producers go (live ones outside the loops mean no split), and
  // slices of empty tensors become small empty tensors (no full-size
  // temporary per thread).
  RewritePatternSet patterns(fn.getContext());
  tensor::populateFoldTensorEmptyPatterns(patterns);
  (void)applyPatternsGreedily(fn, std::move(patterns));
  bool unfused = false;
  fn.walk([&](linalg::LinalgOp op) {
    if (!op->getParentOfType<scf::ForOp>())
      unfused = true;
  });
  if (unfused)
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
  Location loc = fn.getLoc();
  SmallVector<Value> ivs(extents.size());
  Value rest = linear;
  for (int64_t k = extents.size() - 1; k >= 0; --k) {
    Value extent = arith::ConstantIndexOp::create(b, loc, extents[k]);
    ivs[k] = arith::RemUIOp::create(b, loc, rest, extent);
    rest = arith::DivUIOp::create(b, loc, rest, extent);
  }
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  for (auto [k, l] : llvm::enumerate(tiled->loops)) {
    auto loop = llvm::cast<scf::ForOp>(l.getOperation());
    loop.setLowerBound(ivs[k]);
    loop.setUpperBound(arith::AddIOp::create(b, loc, ivs[k], one));
  }
  return success();
}

/// A kernel whose output is a slice of its input gets a linalg.copy as its
/// root, so that the copy splits into threads like any other kernel.
void copyViewRoot(func::FuncOp fn) {
  SmallVector<bufferization::MaterializeInDestinationOp> outs;
  fn.walk([&](bufferization::MaterializeInDestinationOp m) { outs.push_back(m); });
  if (outs.size() != 1)
    return;
  auto slice = llvm::dyn_cast_or_null<tensor::ExtractSliceOp>(rootOf(outs.front()));
  if (!slice || !isUncomputed(slice.getSource()))
    return;
  OpBuilder b(slice->getContext());
  b.setInsertionPointAfter(slice);
  RankedTensorType t = slice.getType();
  Value empty = tensor::EmptyOp::create(b, slice.getLoc(), t.getShape(),
                                        t.getElementType());
  auto copy = linalg::CopyOp::create(b, slice.getLoc(), slice.getResult(), empty);
  slice.getResult().replaceAllUsesExcept(copy->getResult(0), copy);
}

/// GPU form of the split: one thread per point of the root's parallel
/// loops of extent > 1, or of the outermost of them that its producers
/// fuse into (softmax: rows). `fn` is replaced by the split function.
/// Returns the number of threads (1 when nothing splits: one thread
/// computes all).
int64_t splitForGpu(func::FuncOp &fn, unsigned linearArg) {
  copyViewRoot(fn);
  TilingInterface root = splitRoot(fn);
  if (!root)
    return 1;
  OpBuilder b(root);
  SmallVector<Range> domain = root.getIterationDomain(b);
  SmallVector<utils::IteratorType> iters = root.getLoopIteratorTypes();
  SmallVector<int64_t> dims, extents;
  for (auto [i, r] : llvm::enumerate(domain)) {
    std::optional<int64_t> size = getConstantIntValue(r.size);
    if (!size)
      return 1;
    if (iters[i] == utils::IteratorType::parallel && *size > 1) {
      dims.push_back(i);
      extents.push_back(*size);
    }
  }
  for (size_t n = dims.size(); n > 0; --n) {
    // Try on a copy; keep it if every compute op fused.
    auto copy = llvm::cast<func::FuncOp>(fn->clone());
    b.setInsertionPoint(fn);
    b.insert(copy);
    if (succeeded(tileForGpu(copy, copy.getArgument(linearArg),
                             ArrayRef<int64_t>(dims).take_front(n),
                             ArrayRef<int64_t>(extents).take_front(n)))) {
      copy.setName(fn.getName());
      fn.erase();
      fn = copy;
      int64_t total = 1;
      for (int64_t e : ArrayRef<int64_t>(extents).take_front(n))
        total *= e;
      return total;
    }
    copy.erase();
  }
  return 1;
}
} // namespace

KernelModule::KernelModule(MLIRContext *ctx, KernelDevice device)
    : context(ctx), device(device) {
  DialectRegistry registry;
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  ctx->appendDialectRegistry(registry);
  ctx->loadDialect<func::FuncDialect, linalg::LinalgDialect,
                   tensor::TensorDialect, arith::ArithDialect,
                   math::MathDialect, scf::SCFDialect, memref::MemRefDialect,
                   bufferization::BufferizationDialect, LLVM::LLVMDialect,
                   affine::AffineDialect, cf::ControlFlowDialect,
                   vector::VectorDialect, index::IndexDialect>();
  if (device == KernelDevice::Cuda)
    ctx->loadDialect<NVVM::NVVMDialect>();
  module = ModuleOp::create(UnknownLoc::get(ctx));
}

FailureOr<KernelInfo> KernelModule::addKernel(ArrayRef<Operation *> ops,
                                              ArrayRef<Value> inputs,
                                              ArrayRef<Value> outputs,
                                              StringRef kind,
                                              std::string &error) {
  OpBuilder b(context);
  b.setInsertionPointToEnd(module->getBody());
  Location loc = ops.empty() ? UnknownLoc::get(context) : ops.front()->getLoc();
  SmallVector<Type> args;
  for (Value v : inputs)
    args.push_back(memrefOf(v));
  for (Value v : outputs)
    args.push_back(memrefOf(v));
  // CPU: the [begin, end) range of the split loop; CUDA: the thread index.
  int64_t extraArgs = device == KernelDevice::Cpu ? 2 : 1;
  for (int64_t i = 0; i < extraArgs; ++i)
    args.push_back(b.getIndexType());
  KernelInfo info;
  info.symbol = "infer_kernel_" + std::to_string(count++);
  info.kind = kind.str();
  auto fn = func::FuncOp::create(b, loc, info.symbol + "_impl",
                                 b.getFunctionType(args, {}));
  fn.setPrivate();
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping map;
  for (auto [i, v] : llvm::enumerate(inputs)) {
    auto mt = llvm::cast<MemRefType>(args[i]);
    Value t = bufferization::ToTensorOp::create(
        b, loc, RankedTensorType::get(mt.getShape(), mt.getElementType()),
        entry->getArgument(i), /*restrict=*/true, /*writable=*/false);
    if (t.getType() != v.getType())
      t = UnrealizedConversionCastOp::create(b, loc, v.getType(), t).getResult(0);
    map.map(v, t);
  }
  for (Operation *op : ops)
    b.clone(*op, map);
  for (auto [j, v] : llvm::enumerate(outputs)) {
    Value r = map.lookup(v);
    Value dest = entry->getArgument(inputs.size() + j);
    auto mt = llvm::cast<MemRefType>(dest.getType());
    auto st = RankedTensorType::get(mt.getShape(), mt.getElementType());
    if (r.getType() != st)
      r = UnrealizedConversionCastOp::create(b, loc, st, r).getResult(0);
    auto m = bufferization::MaterializeInDestinationOp::create(b, loc, r, dest);
    m.setRestrict(true);
    m.setWritable(true);
  }
  func::ReturnOp::create(b, loc);

  // Lower this kernel now, so that its parallel split is known.
  std::string diagnostic;
  {
    ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
      if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty())
        diagnostic = d.str();
      return success();
    });
    if (failed(lowerInferToLinalg(fn))) {
      error = "cannot lower kernel " + info.symbol + " (" + info.kind +
              "): " + diagnostic;
      fn.erase();
      return failure();
    }
  }
  fuseElementwiseChains(fn);
  int64_t nIn = inputs.size(), nOut = outputs.size();
  {
    // A kernel that cannot be split runs on one thread: not an error.
    ScopedDiagnosticHandler quiet(context, [](Diagnostic &) { return success(); });
    if (device == KernelDevice::Cpu) {
      info.grid = splitForThreads(fn, entry->getArgument(nIn + nOut),
                                  entry->getArgument(nIn + nOut + 1), info.grain);
    } else {
      int64_t threads = splitForGpu(fn, nIn + nOut);
      info.blockThreads = static_cast<uint32_t>(
          std::min<int64_t>(kCudaBlockThreads, threads));
      info.grid = (threads + info.blockThreads - 1) / info.blockThreads;
      // The entry point clamps thread indices to the last point.
      fn->setAttr("infer.threads", b.getI64IntegerAttr(threads));
    }
  }
  recordSignature(info, ArrayRef<Type>(args).drop_back(extraArgs));
  return info;
}

FailureOr<KernelInfo> KernelModule::addMemrefKernel(StringRef kind,
                                                    Location loc,
                                                    ArrayRef<MemRefType> args,
                                                    MemrefBodyFn build,
                                                    std::string &error) {
  OpBuilder b(context);
  b.setInsertionPointToEnd(module->getBody());
  SmallVector<Type> types(args.begin(), args.end());
  types.push_back(b.getIndexType());
  types.push_back(b.getIndexType());
  KernelInfo info;
  info.symbol = "infer_kernel_" + std::to_string(count++);
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
  recordSignature(info, ArrayRef<Type>(types).drop_back(2));
  return info;
}

void KernelModule::recordSignature(const KernelInfo &info, ArrayRef<Type> args) {
  std::vector<uint64_t> bytes;
  for (Type t : args) {
    auto m = llvm::cast<MemRefType>(t);
    uint64_t bits = m.getElementTypeBitWidth();
    bytes.push_back(static_cast<uint64_t>(m.getNumElements()) *
                    std::max<uint64_t>(1, bits / 8));
  }
  recordSignature(info, bytes);
}

void KernelModule::recordSignature(const KernelInfo &info,
                                   ArrayRef<uint64_t> argBytes) {
  std::vector<uint64_t> sig{static_cast<uint64_t>(info.grid), argBytes.size()};
  sig.insert(sig.end(), argBytes.begin(), argBytes.end());
  // CUDA: the tensor maps the code expects (what the runtime checks before
  // encoding them): argument, dtype, rank, swizzle, box (4 words).
  if (device == KernelDevice::Cuda) {
    sig.push_back(info.tensorMaps.size());
    for (const ArtifactTensorMap &t : info.tensorMaps) {
      sig.insert(sig.end(), {t.arg, t.dtype, t.dims.size(), t.swizzle});
      for (size_t d = 0; d < 4; ++d)
        sig.push_back(d < t.box.size() ? t.box[d] : 0);
    }
  }
  signatures.push_back({info.symbol, std::move(sig)});
}

FailureOr<KernelInfo> KernelModule::addCudaKernel(KernelInfo info,
                                                  ArrayRef<uint64_t> argBytes,
                                                  Location loc, CudaBodyFn build,
                                                  std::string &error) {
  if (device != KernelDevice::Cuda) {
    error = "internal: a CUDA kernel in a CPU kernel module";
    return failure();
  }
  OpBuilder b(context);
  b.setInsertionPointToEnd(module->getBody());
  info.symbol = "infer_kernel_" + std::to_string(count++);
  SmallVector<Type> types(argBytes.size() + info.tensorMaps.size(),
                          LLVM::LLVMPointerType::get(context));
  auto fn = func::FuncOp::create(b, loc, info.symbol, b.getFunctionType(types, {}));
  // addCudaEntryPoints makes it a kernel with this many threads per block.
  fn->setAttr(kCudaEntryAttr, b.getI64IntegerAttr(info.blockThreads));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  if (failed(build(b, loc, entry->getArguments()))) {
    error = "cannot build the " + info.kind + " kernel";
    fn.erase();
    return failure();
  }
  func::ReturnOp::create(b, loc);
  recordSignature(info, argBytes);
  return info;
}

namespace {
/// Expands math functions into polynomials (vectorizable, no libm calls)
/// where MLIR has an accurate approximation.
/// On CUDA there is no libm: every math function that is not an NVPTX
/// instruction is expanded or approximated.
struct ApproximateMath : PassWrapper<ApproximateMath, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ApproximateMath)
  explicit ApproximateMath(bool gpu = false) : gpu(gpu) {}
  bool gpu;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (gpu)
      math::populateExpansionPatterns(
          patterns, {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "powf",
                     "fpowi"});
    bool gpuOnly = gpu;
    populateMathPolynomialApproximationPatterns(patterns, [gpuOnly](StringRef name) {
      name.consume_front("math.");
      if (gpuOnly && (name == "atan" || name == "atan2" || name == "asin" ||
                      name == "acos" || name == "cbrt" || name == "erfc"))
        return true;
      return name == "tanh" || name == "erf" || name == "exp" ||
             name == "expm1" || name == "log" || name == "log1p" ||
             name == "log2" || name == "sin" || name == "cos" ||
             name == "rsqrt";
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

/// CUDA: temporaries (all of static shape) become allocas at the function
/// entry (thread-local memory, reused by every loop iteration) instead of
/// device malloc calls.
struct HoistAllocsToStack
    : PassWrapper<HoistAllocsToStack, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(HoistAllocsToStack)
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp fn) {
      SmallVector<memref::AllocOp> allocs;
      fn.walk([&](memref::AllocOp a) {
        auto t = a.getType();
        if (t.hasStaticShape())
          allocs.push_back(a);
      });
      OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
      for (memref::AllocOp a : allocs) {
        auto stack = memref::AllocaOp::create(b, a.getLoc(), a.getType(),
                                              a.getAlignmentAttr());
        for (Operation *user : llvm::make_early_inc_range(a->getUsers()))
          if (llvm::isa<memref::DeallocOp>(user))
            user->erase();
        a.replaceAllUsesWith(stack.getResult());
        a.erase();
      }
    });
  }
};

/// Rewrites memref.copy into linalg.copy, which lowers to loops: the
/// strided form of memref.copy would call MLIR's runner library, which a
/// self-contained artifact must not need.
struct CopiesToLoops : PassWrapper<CopiesToLoops, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CopiesToLoops)
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) { copies.push_back(c); });
    for (memref::CopyOp c : copies) {
      OpBuilder b(c);
      linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
      c.erase();
    }
  }
};

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

/// Runs `program` with `args`; false with the command line in `error`.
} // namespace

LogicalResult KernelModule::lowerToLLVMDialect(const CpuCodegenOptions &options,
                                               std::string &error) {
  bool gpu = device == KernelDevice::Cuda;
  std::string diagnostic;
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty())
      diagnostic = d.str();
    return success();
  });
  if (options.dumpStages)
    context->disableMultithreading();
  PassManager pm(context);
  if (options.dumpStages)
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *) { return true; });
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  // Temporaries live on the stack (CUDA: thread-local memory) up to 64 KiB.
  pm.addNestedPass<func::FuncOp>(bufferization::createPromoteBuffersToStackPass(
      [](Value alloc) {
        auto t = llvm::cast<MemRefType>(alloc.getType());
        return t.hasStaticShape() &&
               t.getNumElements() * t.getElementTypeBitWidth() / 8 <= 65536;
      }));
  // CUDA: every temporary lives in thread-local memory (no device malloc,
  // hence nothing to free).
  if (gpu)
    pm.addPass(std::make_unique<HoistAllocsToStack>());
  else
    bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(std::make_unique<CopiesToLoops>());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(std::make_unique<ApproximateMath>(gpu));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(arith::createArithExpandOpsPass());
  pm.addPass(createConvertMathToLLVMPass());
  if (!gpu)
    pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  // CUDA: NVVM ops without an LLVM intrinsic (wgmma, waits) as inline PTX.
  if (gpu)
    pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (failed(pm.run(*module))) {
    error = std::string(gpu ? "CUDA" : "CPU") +
            " code generation failed: " + diagnostic;
    return failure();
  }
  return success();
}

std::unique_ptr<llvm::Module>
KernelModule::translateAndOptimize(llvm::LLVMContext &llvmContext,
                                   llvm::TargetMachine &tm,
                                   unsigned signatureAddressSpace,
                                   const CpuCodegenOptions &options,
                                   std::string &error) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, "infer_kernels");
  if (!llvmModule) {
    error = "translation of the kernels to LLVM IR failed";
    return nullptr;
  }
  // Each kernel's signature, next to its code.
  auto i64 = llvm::Type::getInt64Ty(llvmContext);
  for (auto &[symbol, sig] : signatures) {
    auto *global = new llvm::GlobalVariable(
        *llvmModule, llvm::ArrayType::get(i64, sig.size()),
        /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
        llvm::ConstantDataArray::get(llvmContext, llvm::ArrayRef<uint64_t>(sig)),
        symbol + "_info", nullptr, llvm::GlobalValue::NotThreadLocal,
        signatureAddressSpace);
    global->setAlignment(llvm::Align(8));
  }
  llvmModule->setDataLayout(tm.createDataLayout());
  llvmModule->setTargetTriple(tm.getTargetTriple());
  auto optimize = makeOptimizingTransformer(3, 0, &tm);
  if (llvm::Error e = optimize(llvmModule.get())) {
    error = "LLVM optimization failed: " + llvm::toString(std::move(e));
    return nullptr;
  }
  if (options.dumpStages)
    llvmModule->print(llvm::errs(), nullptr);
  return llvmModule;
}

FailureOr<std::vector<char>>
KernelModule::compileToSharedObject(const CpuTarget &target,
                                    const CpuCodegenOptions &options,
                                    std::string &error) {
  std::string diagnostic;
  ScopedDiagnosticHandler handler(context, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error && diagnostic.empty())
      diagnostic = d.str();
    return success();
  });
  if (failed(lowerToLLVMDialect(options, error)))
    return failure();
  addEntryPoints(*module);

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateAndOptimize(
      llvmContext, *target.machine, /*signatureAddressSpace=*/0, options, error);
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
