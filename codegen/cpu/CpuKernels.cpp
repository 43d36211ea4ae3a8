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
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// Whether `v` is a kernel input or constant, not computed in the kernel.
bool isKernelInput(Value v) {
  Operation *def = v.getDefiningOp();
  return !def || llvm::isa<bufferization::ToTensorOp, arith::ConstantOp>(def);
}

/// For each indexing map, where the loops [k, n) appear among its results:
/// as one run in order (its first result's position), or not at all (-1).
/// Fails when a map holds some of them, holds them out of order, or has a
/// result other than a loop or a constant (a strided read).
std::optional<SmallVector<int64_t>> tailPositions(ArrayRef<AffineMap> maps,
                                                  int64_t k, int64_t n) {
  SmallVector<int64_t> at;
  for (AffineMap map : maps) {
    int64_t first = -1, seen = 0;
    for (auto [i, r] : llvm::enumerate(map.getResults())) {
      if (llvm::isa<AffineConstantExpr>(r))
        continue;
      auto d = llvm::dyn_cast<AffineDimExpr>(r);
      if (!d)
        return std::nullopt;
      if (static_cast<int64_t>(d.getPosition()) < k)
        continue;
      if (first < 0)
        first = i;
      if (static_cast<int64_t>(i) != first + seen ||
          static_cast<int64_t>(d.getPosition()) != k + seen)
        return std::nullopt;
      ++seen;
    }
    if (seen != 0 && seen != n - k)
      return std::nullopt;
    at.push_back(first);
  }
  return at;
}

/// An elementwise kernel over NCHW tensors (a per-channel scale x[N,C,H,W]
/// * s[N,C,1,1], say) loops over W innermost: LLVM vectorizes 28 columns
/// as one vector and a scalar remainder per row. Where every operand holds
/// its trailing loops contiguously (or not at all: a broadcast), they
/// become one loop (784 elements of H*W), the operands collapsed views of
/// the kernel's arguments and the output written through a collapsed view
/// of its buffer. Returns the root to split: the new op, or `root`.
TilingInterface collapseTrailingLoops(TilingInterface root) {
  auto generic = llvm::dyn_cast<linalg::GenericOp>(root.getOperation());
  if (!generic || generic.getNumLoops() < 3 || generic.getNumResults() != 1 ||
      generic.getNumLoops() != generic.getNumParallelLoops() ||
      !generic.getResult(0).hasOneUse() ||
      !generic.getBody()->getOps<linalg::IndexOp>().empty() ||
      !llvm::all_of(generic.getDpsInputs(), isKernelInput))
    return root;
  auto materialize = llvm::dyn_cast<bufferization::MaterializeInDestinationOp>(
      *generic.getResult(0).getUsers().begin());
  auto empty = generic.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>();
  if (!materialize || !empty ||
      !llvm::isa<TypedValue<MemRefType>>(materialize.getDest()))
    return root;
  int64_t n = generic.getNumLoops();
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  for (OpOperand &operand : generic->getOpOperands()) {
    auto t = llvm::dyn_cast<RankedTensorType>(operand.get().getType());
    if (!t || !t.hasStaticShape())
      return root;
  }
  // The first k from which the trailing loops collapse, past the loop the
  // threads split (the first of extent > 1), which stays apart: its slices
  // keep the collapsed loop whole for LLVM to vectorize.
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  int64_t split = 0;
  while (split < n && ranges[split] == 1)
    ++split;
  int64_t k = split + 1;
  std::optional<SmallVector<int64_t>> at;
  for (; k + 1 < n; ++k)
    if ((at = tailPositions(maps, k, n)))
      break;
  if (!at)
    return root;
  // The output's run must be there (it is an identity map).
  if ((*at)[generic.getNumDpsInputs()] < 0)
    return root;

  MLIRContext *ctx = generic.getContext();
  IRRewriter rewriter(ctx);
  rewriter.setInsertionPoint(generic);
  Location loc = generic.getLoc();
  int64_t len = n - k;
  // Each operand's reassociation and collapsed map.
  auto collapse = [&](int64_t i, AffineMap map,
                      SmallVector<ReassociationIndices> &groups) {
    SmallVector<AffineExpr> results;
    int64_t first = (*at)[i];
    for (int64_t r = 0; r < map.getNumResults(); ++r) {
      if (first >= 0 && r > first && r < first + len) {
        groups.back().push_back(r);
        continue;
      }
      groups.push_back({r});
      AffineExpr e = map.getResult(r);
      results.push_back(r == first ? getAffineDimExpr(k, ctx) : e);
    }
    return AffineMap::get(k + 1, 0, results, ctx);
  };
  SmallVector<Value> inputs;
  SmallVector<AffineMap> newMaps;
  for (auto [i, operand] : llvm::enumerate(generic.getDpsInputs())) {
    SmallVector<ReassociationIndices> groups;
    newMaps.push_back(collapse(i, maps[i], groups));
    Value v = operand;
    if ((*at)[i] >= 0)
      v = tensor::CollapseShapeOp::create(rewriter, loc, v, groups);
    inputs.push_back(v);
  }
  int64_t o = generic.getNumDpsInputs();
  SmallVector<ReassociationIndices> outGroups;
  newMaps.push_back(collapse(o, maps[o], outGroups));
  auto outType = llvm::cast<RankedTensorType>(generic.getResult(0).getType());
  auto collapsedType = tensor::CollapseShapeOp::inferCollapsedType(outType, outGroups);
  Value init = tensor::EmptyOp::create(rewriter, loc, collapsedType.getShape(),
                                       collapsedType.getElementType());
  SmallVector<utils::IteratorType> iters(k + 1, utils::IteratorType::parallel);
  auto collapsed = linalg::GenericOp::create(rewriter, loc, collapsedType, inputs,
                                             ValueRange{init}, newMaps, iters);
  rewriter.inlineRegionBefore(generic.getRegion(), collapsed.getRegion(),
                              collapsed.getRegion().begin());
  // The output through a collapsed view of the kernel's buffer.
  rewriter.setInsertionPoint(materialize);
  Value dest = memref::CollapseShapeOp::create(rewriter, loc, materialize.getDest(),
                                               outGroups);
  auto m = bufferization::MaterializeInDestinationOp::create(
      rewriter, loc, collapsed.getResult(0), dest);
  m.setRestrict(true);
  m.setWritable(true);
  rewriter.eraseOp(materialize);
  rewriter.eraseOp(generic);
  if (empty->use_empty())
    rewriter.eraseOp(empty);
  return llvm::cast<TilingInterface>(collapsed.getOperation());
}

/// Splits the kernel along the root's first parallel loop of extent > 1.
/// Returns the grid (1 when the kernel is not split).
int64_t splitForThreads(func::FuncOp fn, Value begin, Value end,
                        int64_t &grain) {
  grain = 1;
  TilingInterface root = splitRoot(fn);
  if (!root)
    return 1;
  root = collapseTrailingLoops(root);
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

/// What the AVX2 dot helpers share: each works on the two 256-bit halves
/// of its 64-byte operands and joins the two halves' 8 int32 sums.
struct Avx2Halves {
  OpBuilder &b;
  Location loc;
  VectorType i16s = VectorType::get({16}, b.getI16Type());
  VectorType i32s = VectorType::get({8}, b.getI32Type());

  Value splat16(int16_t v) {
    return LLVM::ConstantOp::create(b, loc, i16s,
                                    DenseElementsAttr::get(i16s, b.getI16IntegerAttr(v)));
  }
  /// Half `h` of `v` (`lanes` elements each), as it is.
  Value half(Value v, int64_t h, int64_t lanes) {
    SmallVector<int32_t> pick;
    for (int32_t i = 0; i < lanes; ++i)
      pick.push_back(static_cast<int32_t>(lanes * h) + i);
    return LLVM::ShuffleVectorOp::create(b, loc, v, v, pick);
  }
  /// Half `h` of `v` as 16 16-bit words.
  Value words(Value v, int64_t h, int64_t lanes) {
    return LLVM::BitcastOp::create(b, loc, i16s, half(v, h, lanes));
  }
  Value call(StringRef intrinsic, Type type, ValueRange args) {
    return LLVM::CallIntrinsicOp::create(b, loc, type, b.getStringAttr(intrinsic), args)
        .getResult(0);
  }
  /// vpmaddwd: pairs of 16-bit products summed into 32 bits, exactly.
  Value maddWords(Value x, Value y) {
    return call("llvm.x86.avx2.pmadd.wd", i32s, ValueRange{x, y});
  }
  /// `acc` plus the two halves' sums.
  Value join(Value acc, Value low, Value high) {
    SmallVector<int32_t> all;
    for (int32_t i = 0; i < 16; ++i)
      all.push_back(i);
    Value both = LLVM::ShuffleVectorOp::create(b, loc, low, high, all);
    return LLVM::AddOp::create(b, loc, acc, both);
  }
};

/// The AVX2 body of the dot helper (cpuDotName(8)): per half, the unsigned
/// bytes and the signed bytes split into their even and odd bytes as
/// 16-bit values (zero- and sign-extended), then vpmaddwd of each pair
/// sums bytes 0 and 2, and 1 and 3, of every lane into 32 bits, exactly.
Value avx2Dot(OpBuilder &b, Location loc, Value acc, Value u, Value s) {
  Avx2Halves a{b, loc};
  Value low = a.splat16(0x00FF), eight = a.splat16(8);
  SmallVector<Value> sums;
  for (int64_t h = 0; h < 2; ++h) {
    Value uh = a.words(u, h, 32), sh = a.words(s, h, 32);
    Value ue = LLVM::AndOp::create(b, loc, uh, low);
    Value uo = LLVM::LShrOp::create(b, loc, uh, eight);
    Value se = LLVM::AShrOp::create(b, loc, LLVM::ShlOp::create(b, loc, sh, eight), eight);
    Value so = LLVM::AShrOp::create(b, loc, sh, eight);
    sums.push_back(LLVM::AddOp::create(b, loc, a.maddWords(ue, se), a.maddWords(uo, so)));
  }
  return a.join(acc, sums[0], sums[1]);
}

/// The AVX2 body of the split dot helper (cpuSplitDotName): as avx2Dot
/// with the signed bytes split before, `even` holding bytes 0 and 2 of each
/// lane as 16-bit values, `odd` bytes 1 and 3.
Value avx2SplitDot(OpBuilder &b, Location loc, Value acc, Value u, Value even,
                   Value odd) {
  Avx2Halves a{b, loc};
  Value low = a.splat16(0x00FF), eight = a.splat16(8);
  SmallVector<Value> sums;
  for (int64_t h = 0; h < 2; ++h) {
    Value uh = a.words(u, h, 32);
    Value ue = LLVM::AndOp::create(b, loc, uh, low);
    Value uo = LLVM::LShrOp::create(b, loc, uh, eight);
    sums.push_back(LLVM::AddOp::create(b, loc, a.maddWords(ue, a.words(even, h, 8)),
                                       a.maddWords(uo, a.words(odd, h, 8))));
  }
  return a.join(acc, sums[0], sums[1]);
}

/// The AVX2 body of the narrow dot helper (cpuNarrowDotName): per half,
/// vpmaddubsw sums bytes 0 and 1, and 2 and 3, of every lane into 16 bits
/// (exact: the unsigned bytes are below 128), vpmaddwd by ones the two
/// into 32.
Value avx2NarrowDot(OpBuilder &b, Location loc, Value acc, Value u, Value s) {
  Avx2Halves a{b, loc};
  Value ones = a.splat16(1);
  SmallVector<Value> sums;
  for (int64_t h = 0; h < 2; ++h) {
    Value pairs = a.call("llvm.x86.avx2.pmadd.ub.sw", a.i16s,
                         ValueRange{a.half(u, h, 32), a.half(s, h, 32)});
    sums.push_back(a.maddWords(pairs, ones));
  }
  return a.join(acc, sums[0], sums[1]);
}

/// Gives the int8 dot helpers, where the kernels call them, their bodies:
/// vpdpbusd (AVX-512 VNNI), avx2Dot, avx2NarrowDot or avx2SplitDot.
void defineIntrinsicHelpers(ModuleOp module) {
  auto define = [&](StringRef name,
                    function_ref<Value(OpBuilder &, Location, Block::BlockArgListType)> body) {
    auto helper = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
    if (!helper || !helper.isExternal())
      return;
    OpBuilder b(module.getContext());
    Block *block = helper.addEntryBlock(b);
    b.setInsertionPointToStart(block);
    LLVM::ReturnOp::create(b, helper.getLoc(),
                           body(b, helper.getLoc(), block->getArguments()));
    helper.setLinkage(LLVM::Linkage::Internal);
    helper.setAlwaysInline(true);
  };
  define(cpuDotName(16), [](OpBuilder &b, Location loc, Block::BlockArgListType args) {
    return LLVM::CallIntrinsicOp::create(b, loc, args[0].getType(),
                                         b.getStringAttr("llvm.x86.avx512.vpdpbusd.512"),
                                         args)
        .getResult(0);
  });
  define(cpuDotName(8), [](OpBuilder &b, Location loc, Block::BlockArgListType args) {
    return avx2Dot(b, loc, args[0], args[1], args[2]);
  });
  define(cpuNarrowDotName(), [](OpBuilder &b, Location loc, Block::BlockArgListType args) {
    return avx2NarrowDot(b, loc, args[0], args[1], args[2]);
  });
  define(cpuSplitDotName(), [](OpBuilder &b, Location loc, Block::BlockArgListType args) {
    return avx2SplitDot(b, loc, args[0], args[1], args[2], args[3]);
  });
}

} // namespace

StringRef mlir::infer::cpuSplitDotName() { return "infer_dot4_avx2_split"; }

StringRef mlir::infer::cpuNarrowDotName() { return "infer_dot4_avx2_u7"; }

StringRef mlir::infer::cpuDotName(int64_t vl) {
  return vl == 16 ? "infer_vpdpbusd512" : "infer_dot4_avx2";
}

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
