//===- VulkanKernels.cpp - How Vulkan kernels are called, split and built -===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/VulkanKernels.h"
#include "codegen/core/GpuSplit.h"
#include "codegen/vulkan/TemplateFunc.h"
#include "codegen/core/LoweringPasses.h"
#include "codegen/vulkan/VulkanTarget.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToSPIRV/ArithToSPIRV.h"
#include "mlir/Conversion/ControlFlowToSPIRV/ControlFlowToSPIRV.h"
#include "mlir/Conversion/FuncToSPIRV/FuncToSPIRV.h"
#include "mlir/Conversion/GPUToSPIRV/GPUToSPIRV.h"
#include "mlir/Conversion/IndexToSPIRV/IndexToSPIRV.h"
#include "mlir/Conversion/MathToSPIRV/MathToSPIRV.h"
#include "mlir/Conversion/MemRefToSPIRV/MemRefToSPIRV.h"
#include "mlir/Conversion/SCFToSPIRV/SCFToSPIRV.h"
#include "mlir/Conversion/VectorToSPIRV/VectorToSPIRV.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/Transforms/SPIRVConversion.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr const char *kThreadsAttr = "infer.threads";
constexpr const char *kWorkgroupAttr = "infer.workgroup_size";
/// The private memory an invocation's temporaries may take.
constexpr uint64_t kMaxPrivateBytes = 64 * 1024;

/// GLSL.std.450's transcendental functions take 16- and 32-bit floats only:
/// on f64 they run in f32 (as other GPU compilers do; the result keeps f32's
/// ~1e-7 relative error). The square root, rounding and min/max stay f64.
struct NarrowF64Math : PassWrapper<NarrowF64Math, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(NarrowF64Math)
  void runOnOperation() override {
    static const llvm::StringSet<> narrowed = {
        "math.exp",  "math.exp2", "math.expm1", "math.log",  "math.log2",
        "math.log10", "math.log1p", "math.powf", "math.sin", "math.cos",
        "math.tan",  "math.tanh", "math.atan",  "math.atan2", "math.asin",
        "math.acos", "math.sinh", "math.cosh",  "math.asinh", "math.acosh",
        "math.atanh", "math.erf", "math.erfc",  "math.cbrt"};
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (narrowed.contains(op->getName().getStringRef()) && op->getNumResults() == 1 &&
          op->getResult(0).getType().isF64() &&
          llvm::all_of(op->getOperandTypes(), [](Type t) { return t.isF64(); }))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      Type f32 = b.getF32Type();
      SmallVector<Value> args;
      for (Value v : op->getOperands())
        args.push_back(arith::TruncFOp::create(b, op->getLoc(), f32, v));
      OperationState state(op->getLoc(), op->getName().getStringRef(), args, {f32},
                           op->getAttrs());
      Operation *narrow = b.create(state);
      Value wide = arith::ExtFOp::create(b, op->getLoc(), op->getResult(0).getType(),
                                         narrow->getResult(0));
      op->getResult(0).replaceAllUsesWith(wide);
      op->erase();
    }
  }
};

/// From kernels on tensors to loops over memrefs in storage buffers: every
/// temporary a function-local array, math the GLSL extended instructions
/// lack expanded or approximated, views folded into the loads and stores.
void addVulkanLoopPasses(OpPassManager &pm) {
  pm.addPass(std::make_unique<NarrowF64Math>());
  addBufferizationPasses(pm);
  pm.addPass(createHoistAllocsToStackPass());
  addLoopsPasses(pm, createApproximateMathPass(
                         {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "fpowi",
                          "ctlz", "erfc"},
                         {"erf", "expm1", "log1p", "cbrt", "atan2"}));
  pm.addPass(memref::createFoldMemRefAliasOpsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(arith::createArithExpandOpsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// A compute entry point `name` of `gm` over storage buffers of `buffers`
/// (argument i at set 0, binding i), `wg` invocations per workgroup.
gpu::GPUFuncOp createEntryPoint(gpu::GPUModuleOp gm, Location loc, StringRef name,
                                TypeRange buffers, int32_t wg) {
  MLIRContext *ctx = gm.getContext();
  OpBuilder b = OpBuilder::atBlockEnd(gm.getBody());
  auto gfn = gpu::GPUFuncOp::create(b, loc, name, b.getFunctionType(buffers, {}));
  gfn->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), b.getUnitAttr());
  gfn->setAttr(spirv::getEntryPointABIAttrName(), spirv::getEntryPointABIAttr(ctx, {wg, 1, 1}));
  for (unsigned i = 0; i < buffers.size(); ++i)
    gfn.setArgAttr(i, spirv::getInterfaceVarABIAttrName(),
                   spirv::getInterfaceVarABIAttr(0, i, std::nullopt, ctx));
  return gfn;
}

/// Moves generic kernel `fn` (memrefs, then its thread index) into `gm` as
/// a compute entry point over storage buffers.
LogicalResult makeEntryPoint(func::FuncOp fn, gpu::GPUModuleOp gm,
                             const VulkanTarget &target) {
  MLIRContext *ctx = fn.getContext();
  auto threads = fn->getAttrOfType<IntegerAttr>(kThreadsAttr);
  auto wgAttr = fn->getAttrOfType<IntegerAttr>(kWorkgroupAttr);
  if (!threads || !wgAttr)
    return fn.emitError() << "kernel " << fn.getName()
                          << " was not split by the Vulkan convention (the "
                             "Vulkan target has no templates)";
  if (!fn.getBody().hasOneBlock())
    return fn.emitError() << "kernel " << fn.getName()
                          << " has unstructured control flow";
  ArrayRef<Type> inputs = fn.getFunctionType().getInputs();
  SmallVector<Type> buffers(inputs.drop_back());
  // MLIR emulates bf16 as f32 where SPIR-V lacks it, which does not match
  // bf16's 2-byte storage: refused until kernels carry it as 16-bit words.
  auto isBf16 = [](Type t) { return getElementTypeOrSelf(t).isBF16(); };
  bool bf16 = llvm::any_of(buffers, isBf16);
  fn.walk([&](Operation *op) {
    bf16 |= llvm::any_of(op->getResultTypes(), isBf16);
  });
  if (bf16)
    return fn.emitError() << "kernel " << fn.getName()
                          << " computes with bf16 tensors, which the Vulkan target does "
                             "not support yet (SPIR-V 1.3 has no bf16)";
  for (Type t : buffers) {
    Type e = llvm::cast<MemRefType>(t).getElementType();
    unsigned bits = e.getIntOrFloatBitWidth();
    StringRef feature = e.isF64()          ? "fp64"
                        : e.isF16()        ? "fp16"
                        : bits == 64       ? "int64"
                        : bits == 16       ? "int16"
                        : bits == 8        ? "int8"
                                           : "";
    // 16-bit storage comes with fp16 too.
    if (feature == "int16" && target.has("fp16"))
      continue;
    if (!feature.empty() && !target.has(feature))
      return fn.emitError() << "kernel " << fn.getName() << " reads or writes " << e
                            << " tensors, which need the Vulkan feature '" << feature
                            << "' (the target turns it off)";
  }
  Location loc = fn.getLoc();
  // The plan names the kernel by its symbol, the generic body `<symbol>_impl`.
  StringRef name = fn.getName();
  name.consume_back("_impl");
  int32_t wg = static_cast<int32_t>(wgAttr.getInt());
  gpu::GPUFuncOp gfn = createEntryPoint(gm, loc, name, buffers, wg);
  OpBuilder b(ctx);
  Block &entry = gfn.getBody().front();
  b.setInsertionPointToStart(&entry);
  // The invocation's linear index: workgroups run as a 2-D grid (x fastest)
  // when there are more than a dispatch's 65535 in x; invocations past the
  // last point do nothing (a kernel may accumulate in its output, so two
  // invocations of one point would race).
  Value wx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value wy = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value nx = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  Value tx = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value group = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, wy, nx), wx);
  Value linear = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, group, arith::ConstantIndexOp::create(b, loc, wg)),
      tx);
  Value inRange = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ult, linear,
      arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(threads.getInt(), 1)));
  auto guard = scf::IfOp::create(b, loc, inRange, /*withElseRegion=*/false);
  gpu::ReturnOp::create(b, loc);
  Block &body = fn.getBody().front();
  for (unsigned i = 0; i < buffers.size(); ++i)
    body.getArgument(i).replaceAllUsesWith(entry.getArgument(i));
  body.getArgument(buffers.size()).replaceAllUsesWith(linear);
  body.getTerminator()->erase();
  Block *then = guard.thenBlock();
  then->getOperations().splice(then->begin(), body.getOperations());
  fn.erase();
  // Temporaries live in each invocation's private memory: refused past
  // what a device keeps per invocation (as on CUDA).
  uint64_t bytes = 0;
  gfn.walk([&](memref::AllocaOp a) {
    MemRefType t = a.getType();
    bytes += t.getNumElements() * std::max<uint64_t>(1, t.getElementTypeBitWidth() / 8);
  });
  if (bytes > kMaxPrivateBytes)
    return gfn.emitError() << "kernel " << gfn.getName() << " needs " << (bytes + 1023) / 1024
                           << " KiB of private memory per invocation (at most "
                           << kMaxPrivateBytes / 1024
                           << " KiB): its work is not split across invocations";
  return success();
}

/// Moves template kernel `fn` (a workgroup's code over memrefs, built by
/// a Vulkan template) into `gm` as a compute entry point over storage
/// buffers.
void makeTemplateEntryPoint(func::FuncOp fn, gpu::GPUModuleOp gm) {
  auto wg = static_cast<int32_t>(fn->getAttrOfType<IntegerAttr>(kVulkanTemplateAttr).getInt());
  gpu::GPUFuncOp gfn =
      createEntryPoint(gm, fn.getLoc(), fn.getName(), fn.getFunctionType().getInputs(), wg);
  Block &entry = gfn.getBody().front();
  Block &body = fn.getBody().front();
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    body.getArgument(i).replaceAllUsesWith(entry.getArgument(i));
  // Returns (at the end, and in nested regions) become gpu.return.
  SmallVector<func::ReturnOp> returns;
  fn.walk([&](func::ReturnOp r) { returns.push_back(r); });
  for (func::ReturnOp r : returns) {
    OpBuilder rb(r);
    gpu::ReturnOp::create(rb, r.getLoc());
    r.erase();
  }
  entry.getOperations().splice(entry.end(), body.getOperations());
  fn.erase();
}
} // namespace

void VulkanKernelConvention::split(func::FuncOp &fn, unsigned firstIndexArg,
                                   KernelInfo &info) const {
  int64_t threads = splitAcrossGpuThreads(fn, firstIndexArg);
  info.blockThreads =
      static_cast<uint32_t>(std::min<int64_t>(workgroupSize, threads));
  info.grid = (threads + info.blockThreads - 1) / info.blockThreads;
  Builder b(fn.getContext());
  fn->setAttr(kThreadsAttr, b.getI64IntegerAttr(threads));
  fn->setAttr(kWorkgroupAttr, b.getI64IntegerAttr(info.blockThreads));
}

void VulkanKernelConvention::registerDialects(DialectRegistry &registry) const {
  registry.insert<gpu::GPUDialect, spirv::SPIRVDialect>();
}

LogicalResult mlir::infer::lowerVulkanKernels(ModuleOp kernels, const VulkanTarget &target,
                                              PipelineRunner runPipeline) {
  MLIRContext *ctx = kernels.getContext();
  // Template kernels are a workgroup's code already: they skip the
  // generic kernels' loop lowering.
  OwningOpRef<ModuleOp> templates = ModuleOp::create(kernels.getLoc());
  for (func::FuncOp fn : llvm::make_early_inc_range(kernels.getOps<func::FuncOp>()))
    if (fn->hasAttr(kVulkanTemplateAttr))
      fn->moveBefore(templates->getBody(), templates->getBody()->end());
  OpPassManager loops(ModuleOp::getOperationName());
  addVulkanLoopPasses(loops);
  if (failed(runPipeline(loops)))
    return failure();
  // Splat constants the kernels still read from memory become values.
  SmallVector<memref::GetGlobalOp> reads;
  kernels.walk([&](memref::GetGlobalOp g) { reads.push_back(g); });
  for (memref::GetGlobalOp g : reads) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(g, g.getNameAttr());
    auto init = global ? llvm::dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr())
                       : nullptr;
    if (!global || !global.getConstant() || !init || !init.isSplat() ||
        !llvm::all_of(g->getUsers(), [](Operation *u) { return llvm::isa<memref::LoadOp>(u); })) {
      return g.emitError() << "a Vulkan kernel reads the constant array " << g.getName()
                           << " from memory (SPIR-V has no such constants; small "
                              "constants must be buffers)";
    }
    for (Operation *u : llvm::make_early_inc_range(g->getUsers())) {
      OpBuilder b(u);
      Value v = arith::ConstantOp::create(b, u->getLoc(), init.getSplatValue<TypedAttr>());
      u->getResult(0).replaceAllUsesWith(v);
      u->erase();
    }
    g.erase();
  }
  for (memref::GlobalOp g : llvm::make_early_inc_range(kernels.getOps<memref::GlobalOp>()))
    if (SymbolTable::symbolKnownUseEmpty(g, kernels))
      g.erase();

  // Every kernel an entry point of one GPU module.
  spirv::TargetEnvAttr env = vulkanTargetEnv(ctx, target);
  OpBuilder b = OpBuilder::atBlockEnd(kernels.getBody());
  auto gm = gpu::GPUModuleOp::create(b, kernels.getLoc(), "infer_kernels");
  gm->setAttr(spirv::getTargetEnvAttrName(), env);
  SmallVector<func::FuncOp> fns(kernels.getOps<func::FuncOp>());
  for (func::FuncOp fn : fns) {
    unsigned args = fn.getNumArguments();
    if (args > target.maxBindings + 1)
      return fn.emitError() << "kernel " << fn.getName() << " binds " << args - 1
                            << " buffers; a Vulkan shader may bind "
                            << target.maxBindings;
    if (failed(makeEntryPoint(fn, gm, target)))
      return failure();
  }
  for (func::FuncOp fn : llvm::make_early_inc_range(templates->getOps<func::FuncOp>()))
    makeTemplateEntryPoint(fn, gm);
  // Temporaries live in each invocation's Function storage, buffers in
  // StorageBuffer.
  auto function = spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Function);
  gm.walk([&](memref::AllocaOp a) {
    MemRefType t = a.getType();
    a.getResult().setType(MemRefType::get(t.getShape(), t.getElementType(),
                                          t.getLayout(), function));
  });
  spirv::MemorySpaceToStorageClassMap memorySpaceMap =
      spirv::mapMemorySpaceToVulkanStorageClass;
  spirv::MemorySpaceToStorageClassConverter storage(memorySpaceMap);
  spirv::convertMemRefTypesAndAttrs(gm, storage);

  std::unique_ptr<ConversionTarget> legal = SPIRVConversionTarget::get(env);
  SPIRVConversionOptions options;
  options.use64bitIndex = false;
  SPIRVTypeConverter types(env, options);
  RewritePatternSet patterns(ctx);
  ScfToSPIRVContext scf;
  populateGPUToSPIRVPatterns(types, patterns);
  if (target.has("coopmat")) {
    populateMMAToSPIRVCoopMatrixTypeConversion(types);
    // Matrices larger than the subgroup's 16 x 16 are workgroup-scope ones
    // (VK_NV_cooperative_matrix2); added last, this conversion is tried
    // first.
    types.addConversion([](gpu::MMAMatrixType t) -> std::optional<Type> {
      ArrayRef<int64_t> shape = t.getShape();
      if (shape[0] <= 16 && shape[1] <= 16)
        return std::nullopt;
      auto use = llvm::StringSwitch<spirv::CooperativeMatrixUseKHR>(t.getOperand())
                     .Case("AOp", spirv::CooperativeMatrixUseKHR::MatrixA)
                     .Case("BOp", spirv::CooperativeMatrixUseKHR::MatrixB)
                     .Default(spirv::CooperativeMatrixUseKHR::MatrixAcc);
      return spirv::CooperativeMatrixType::get(t.getElementType(), shape[0], shape[1],
                                               spirv::Scope::Workgroup, use);
    });
    populateGpuWMMAToSPIRVCoopMatrixKHRConversionPatterns(types, patterns);
  }
  populateVectorToSPIRVPatterns(types, patterns);
  arith::populateArithToSPIRVPatterns(types, patterns);
  populateMathToSPIRVPatterns(types, patterns);
  populateMemRefToSPIRVPatterns(types, patterns);
  populateSCFToSPIRVPatterns(types, scf, patterns);
  index::populateIndexToSPIRVPatterns(types, patterns);
  populateFuncToSPIRVPatterns(types, patterns);
  cf::populateControlFlowToSPIRVPatterns(types, patterns);
  if (failed(applyFullConversion(gm.getOperation(), *legal, std::move(patterns))))
    return failure();

  OpPassManager abi(ModuleOp::getOperationName());
  abi.addNestedPass<spirv::ModuleOp>(spirv::createSPIRVLowerABIAttributesPass());
  abi.addNestedPass<spirv::ModuleOp>(spirv::createSPIRVUpdateVCEPass());
  return runPipeline(abi);
}

FailureOr<SpirvBinary> mlir::infer::serializeVulkanKernels(ModuleOp kernels,
                                                          std::string &error) {
  SmallVector<spirv::ModuleOp> modules(kernels.getOps<spirv::ModuleOp>());
  if (modules.size() != 1) {
    error = "the Vulkan kernels were not lowered to one SPIR-V module";
    return failure();
  }
  spirv::ModuleOp m = modules.front();
  SpirvBinary out;
  SmallVector<uint32_t> words;
  if (failed(spirv::serialize(m, words))) {
    error = "cannot serialize the SPIR-V module";
    return failure();
  }
  out.words.assign(words.begin(), words.end());
  out.version = "1.0";
  if (std::optional<spirv::VerCapExtAttr> vce = m.getVceTriple()) {
    out.version = spirv::stringifyVersion(vce->getVersion()).drop_front(1).str();
    for (spirv::Capability c : vce->getCapabilities())
      out.capabilities.push_back(spirv::stringifyCapability(c).str());
  }
  // Workgroup-scope matrices need VK_NV_cooperative_matrix2 (no SPIR-V
  // capability says so): the runtime checks this name.
  bool workgroupScope = false;
  m.walk([&](Operation *op) {
    for (Type t : op->getResultTypes())
      if (auto c = llvm::dyn_cast<spirv::CooperativeMatrixType>(t))
        workgroupScope |= c.getScope() == spirv::Scope::Workgroup;
  });
  if (workgroupScope)
    out.capabilities.push_back("CooperativeMatrixWorkgroupScopeNV");
  llvm::raw_string_ostream os(out.text);
  m.print(os);
  return out;
}
