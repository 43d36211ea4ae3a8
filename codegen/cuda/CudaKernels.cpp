//===- CudaKernels.cpp - How CUDA kernels are called, split and built -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Generic CUDA kernels run one thread per point of their root's parallel
// loops (producers fused into the tile, temporaries in thread-local
// memory); templates are written as entry points over pointers. Kernels are
// lowered to the LLVM dialect like CPU kernels; each `<symbol>_impl(ptr..., i64 thread)` gets a
// `.entry <symbol>(ptr...)` that computes its thread's index from the NVVM
// special registers, and the module goes through LLVM's NVPTX backend to
// PTX text (no CUDA toolkit needed). When ptxas is installed it also turns
// the PTX into a cubin for the target architecture. Next to each kernel a
// `.global` array `<symbol>_info` records its grid and argument sizes, which
// the runtime checks against the plan (as for CPU shared objects).
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaKernels.h"
#include "codegen/core/GpuSplit.h"
#include "codegen/core/LoweringPasses.h"
#include "codegen/core/WorkDir.h"
#include "codegen/cuda/CudaTarget.h"

#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Threads per block of generic CUDA kernels.
constexpr int64_t kCudaBlockThreads = 256;
/// The local memory a CUDA kernel's thread may use (temporaries the split
/// left whole): 64 KiB for each of ~270,000 resident threads is 17 GiB.
constexpr uint64_t kCudaMaxLocalBytes = 64 * 1024;

} // namespace

LogicalResult mlir::infer::addCudaEntryPoints(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  auto ptr = LLVM::LLVMPointerType::get(ctx);
  auto i32 = b.getI32Type();
  auto i64 = b.getI64Type();
  SmallVector<LLVM::LLVMFuncOp> impls;
  for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
    if (fn.getName().ends_with("_impl"))
      impls.push_back(fn);
    // Kernels written as entry points (tensor-core templates).
    if (auto threads = fn->getAttrOfType<IntegerAttr>(kCudaEntryAttr)) {
      fn.setCConv(LLVM::cconv::CConv::PTX_Kernel);
      fn->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), b.getUnitAttr());
      int32_t n = static_cast<int32_t>(threads.getInt());
      fn->setAttr(NVVM::NVVMDialect::getReqntidAttrName(),
                  b.getDenseI32ArrayAttr({n, 1, 1}));
      int32_t blocks = 1;
      if (auto min = fn->getAttrOfType<IntegerAttr>(kCudaMinBlocksAttr))
        blocks = static_cast<int32_t>(min.getInt());
      fn->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(), b.getI32IntegerAttr(blocks));
      fn->removeAttr(kCudaEntryAttr);
      fn->removeAttr(kCudaMinBlocksAttr);
    }
  }
  for (LLVM::LLVMFuncOp impl : impls) {
    auto threads = impl->getAttrOfType<IntegerAttr>("infer.threads");
    if (!threads)
      return impl.emitError() << "has no thread count (infer.threads): it was "
                                 "not split by the CUDA convention";
    impl.setLinkage(LLVM::Linkage::Internal);
    Location loc = impl.getLoc();
    b.setInsertionPointToEnd(module.getBody());
    std::string name = impl.getName().drop_back(5).str();
    LLVM::LLVMFunctionType implType = impl.getFunctionType();
    unsigned nPtrs = implType.getNumParams() - 1;
    SmallVector<Type> params(nPtrs, ptr);
    auto type = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), params);
    auto entry = LLVM::LLVMFuncOp::create(b, loc, name, type);
    entry.setCConv(LLVM::cconv::CConv::PTX_Kernel);
    entry->setAttr(NVVM::NVVMDialect::getKernelFuncAttrName(), b.getUnitAttr());
    Block *block = entry.addEntryBlock(b);
    b.setInsertionPointToStart(block);
    auto zext = [&](Value v) { return LLVM::ZExtOp::create(b, loc, i64, v); };
    Value block_ = zext(NVVM::BlockIdXOp::create(b, loc, i32));
    Value dim = zext(NVVM::BlockDimXOp::create(b, loc, i32));
    Value tid = zext(NVVM::ThreadIdXOp::create(b, loc, i32));
    Value linear = LLVM::AddOp::create(
        b, loc, LLVM::MulOp::create(b, loc, block_, dim), tid);
    // Threads past the last point return: a kernel may accumulate in its
    // output, so two threads computing one point would race.
    Value count = LLVM::ConstantOp::create(
        b, loc, i64, b.getI64IntegerAttr(std::max<int64_t>(threads.getInt(), 1)));
    Value inRange = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ult, linear, count);
    Block *work = entry.addBlock();
    Block *done = entry.addBlock();
    LLVM::CondBrOp::create(b, loc, inRange, work, ValueRange{}, done, ValueRange{});
    b.setInsertionPointToStart(work);
    SmallVector<Value> args(block->getArguments().begin(),
                            block->getArguments().end());
    args.push_back(linear);
    LLVM::CallOp::create(b, loc, impl, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    b.setInsertionPointToStart(done);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
  return success();
}


FailureOr<KernelInfo> mlir::infer::addCudaKernel(KernelModule &kernels,
                                                 KernelInfo info,
                                                 ArrayRef<uint64_t> argBytes,
                                                 Location loc, CudaBodyFn build,
                                                 std::string &error) {
  MLIRContext *context = kernels.getContext();
  OpBuilder b(context);
  b.setInsertionPointToEnd(kernels.getModule().getBody());
  info.symbol = kernels.nextSymbol();
  SmallVector<Type> types(argBytes.size() + info.tensorMaps.size(),
                          LLVM::LLVMPointerType::get(context));
  auto fn = func::FuncOp::create(b, loc, info.symbol, b.getFunctionType(types, {}));
  // addCudaEntryPoints makes it a kernel with this many threads per block.
  fn->setAttr(kCudaEntryAttr, b.getI64IntegerAttr(info.blockThreads));
  if (info.minBlocksPerSm > 1)
    fn->setAttr(kCudaMinBlocksAttr, b.getI64IntegerAttr(info.minBlocksPerSm));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  if (failed(build(b, loc, entry->getArguments()))) {
    error = "cannot build the " + info.kind + " kernel";
    fn.erase();
    return failure();
  }
  func::ReturnOp::create(b, loc);
  kernels.recordSignature(info, argBytes);
  return info;
}


unsigned CudaKernelConvention::numIndexArgs() const { return 1; }

void CudaKernelConvention::split(func::FuncOp &fn, unsigned firstIndexArg,
                                 KernelInfo &info) const {
  int64_t threads = splitAcrossGpuThreads(fn, firstIndexArg);
  info.blockThreads =
      static_cast<uint32_t>(std::min<int64_t>(kCudaBlockThreads, threads));
  info.grid = (threads + info.blockThreads - 1) / info.blockThreads;
  // The entry point returns early in threads past the last point.
  fn->setAttr("infer.threads",
              IntegerAttr::get(IntegerType::get(fn.getContext(), 64), threads));
}

void CudaKernelConvention::registerDialects(DialectRegistry &registry) const {
  registry.insert<NVVM::NVVMDialect>();
  registerNVVMDialectTranslation(registry);
}

void mlir::infer::addCudaLoweringPasses(OpPassManager &pm) {
  // Every temporary in thread-local memory (no device malloc); every math
  // function that is not an NVPTX instruction expanded or approximated
  // (there is no libm); NVVM ops without an intrinsic as inline PTX.
  addBufferizationPasses(pm);
  pm.addPass(createHoistAllocsToStackPass());
  addLoopsToLLVMPasses(
      pm,
      createApproximateMathPass(
          {"tan", "sinh", "cosh", "asinh", "acosh", "atanh", "powf", "fpowi"},
          {"tanh", "erf", "exp", "expm1", "log", "log1p", "log2", "sin", "cos",
           "rsqrt", "atan", "atan2", "asin", "acos", "cbrt", "erfc"}),
      /*mathToLibm=*/false, /*expandBf16=*/false);
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

/// Refuses a kernel whose threads would each need more local memory than a
/// launch can get: the driver reserves it for every thread the GPU can hold
/// (about 270,000 on an H200), so what compiles could still fail at launch
/// (CUDA_ERROR_INVALID_VALUE or out of memory). Counted from the allocas of
/// the optimized LLVM IR; the message is at the kernel's ONNX nodes.
static LogicalResult checkLocalMemory(ModuleOp kernels, llvm::Module &module) {
  for (llvm::Function &f : module) {
    if (f.isDeclaration() ||
        f.getCallingConv() != llvm::CallingConv::PTX_Kernel)
      continue;
    // The kernel's allocas and those of the functions it calls.
    uint64_t bytes = 0;
    bool dynamic = false;
    llvm::SmallPtrSet<llvm::Function *, 8> seen;
    std::function<void(llvm::Function &)> visit = [&](llvm::Function &fn) {
      if (fn.isDeclaration() || !seen.insert(&fn).second)
        return;
      for (llvm::Instruction &i : llvm::instructions(fn)) {
        if (auto *a = llvm::dyn_cast<llvm::AllocaInst>(&i)) {
          if (std::optional<llvm::TypeSize> size =
                  a->getAllocationSize(module.getDataLayout()))
            bytes += size->getFixedValue();
          else
            dynamic = true;
        } else if (auto *call = llvm::dyn_cast<llvm::CallBase>(&i)) {
          if (llvm::Function *callee = call->getCalledFunction())
            visit(*callee);
        }
      }
    };
    visit(f);
    if (!dynamic && bytes <= kCudaMaxLocalBytes)
      continue;
    Location loc = UnknownLoc::get(kernels.getContext());
    if (Operation *op = SymbolTable::lookupSymbolIn(kernels, f.getName()))
      loc = op->getLoc();
    InFlightDiagnostic d = mlir::emitError(loc) << "kernel " << f.getName();
    if (dynamic)
      d << " needs local memory of a size known only at run time";
    else
      d << " needs " << (bytes + 1023) / 1024
        << " KiB of local memory per thread (kernels of at most "
        << kCudaMaxLocalBytes / 1024 << " KiB launch on every GPU)";
    d << ": its work is not split across threads";
    return failure();
  }
  return success();
}

namespace {
/// Programmatic dependent launch (sm_90 on): every kernel starts by waiting
/// for the grids before it in the stream to complete and their writes to be
/// visible (griddepcontrol.wait), then lets the next kernel launch
/// (launch_dependents: once every block of this grid has said so, or ended).
/// The runtime launches such kernels with programmatic stream
/// serialization, so the next grid's launch and block scheduling overlap
/// this one's tail; launched plainly, the wait returns at once.
void addGridDependencyControl(ModuleOp module) {
  for (auto fn : module.getOps<LLVM::LLVMFuncOp>()) {
    if (fn.isExternal() || !fn->hasAttr(NVVM::NVVMDialect::getKernelFuncAttrName()))
      continue;
    // Inline assembly that clobbers memory, as NVVM's griddepcontrol
    // intrinsics are declared not to touch memory: no load may move above
    // the wait.
    OpBuilder b = OpBuilder::atBlockBegin(&fn.getBody().front());
    LLVM::InlineAsmOp::create(
        b, fn.getLoc(), TypeRange{}, ValueRange{},
        "griddepcontrol.wait;\n\tgriddepcontrol.launch_dependents;", "~{memory}",
        /*has_side_effects=*/true, /*is_align_stack=*/false,
        LLVM::tailcallkind::TailCallKind::None, LLVM::AsmDialectAttr(), ArrayAttr());
  }
}
} // namespace

FailureOr<CudaBinaries>
mlir::infer::compileCudaKernels(ModuleOp module, const CudaTarget &target,
                                const CodegenOptions &options,
                                std::string &error) {
  CudaBinaries out;
  if (target.capability >= 90) {
    addGridDependencyControl(module);
    out.gridDependencyControl = true;
  }
  llvm::LLVMContext llvmContext;
  // The signature globals live in global memory (address space 1).
  std::unique_ptr<llvm::Module> llvmModule = translateKernels(
      module, llvmContext, *target.machine, /*signatureAddressSpace=*/1,
      options, error, &out.llvmIR);
  if (!llvmModule)
    return failure();
  // Only the driver's device functions may remain undefined.
  for (llvm::Function &f : *llvmModule)
    if (f.isDeclaration() && !f.isIntrinsic() && !f.use_empty() &&
        f.getName() != "malloc" && f.getName() != "free") {
      std::string user;
      for (llvm::User *u : f.users())
        if (auto *call = llvm::dyn_cast<llvm::Instruction>(u))
          user = call->getFunction()->getName().str();
      error = "the CUDA backend cannot compile '" + f.getName().str() +
              "' (used by kernel " + user + ")";
      return failure();
    }

  if (failed(checkLocalMemory(module, *llvmModule)))
    return failure();
  {
    llvm::raw_string_ostream os(out.ptx);
    llvm::buffer_ostream pos(os);
    llvm::legacy::PassManager codegen;
    if (target.machine->addPassesToEmitFile(codegen, pos, nullptr,
                               llvm::CodeGenFileType::AssemblyFile)) {
      error = "the NVPTX target cannot emit PTX";
      return failure();
    }
    codegen.run(*llvmModule);
  }
  if (target.ptxas.empty()) {
    out.cubinNote = "ptxas not found (set CUDA_HOME or PATH): PTX only, the "
                    "driver compiles it when loading";
    return out;
  }
  WorkDir work;
  if (!work.create(options.keepDir, "infer-cuda", error))
    return failure();
  llvm::SmallString<128> ptxPath = work.file("kernels.ptx"),
                         cubinPath = work.file("kernels.cubin");
  if (!work.write("kernels.ptx", out.ptx, error))
    return failure();
  std::string arch = "-arch=" + target.arch;
  if (!work.run(target.ptxas,
                {target.ptxas, arch, "-O3", "-o", cubinPath.str(), ptxPath.str()},
                error))
    return failure();
  std::optional<std::vector<char>> cubin = work.read("kernels.cubin", "the cubin", error);
  if (!cubin)
    return failure();
  out.cubin = std::move(*cubin);
  return out;
}
