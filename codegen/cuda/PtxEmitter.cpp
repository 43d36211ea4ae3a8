//===- PtxEmitter.cpp - CUDA kernels to PTX and cubin ---------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The CUDA half of KernelModule. Kernels are lowered to the LLVM dialect
// like CPU kernels; each `<symbol>_impl(ptr..., i64 thread)` gets a
// `.entry <symbol>(ptr...)` that computes its thread's index from the NVVM
// special registers, and the module goes through LLVM's NVPTX backend to
// PTX text (no CUDA toolkit needed). When ptxas is installed it also turns
// the PTX into a cubin for the target architecture. Next to each kernel a
// `.global` array `<symbol>_info` records its grid and argument sizes, which
// the runtime checks against the plan (as for CPU shared objects).
//
//===----------------------------------------------------------------------===//

#include "codegen/WorkDir.h"
#include "codegen/cpu/KernelModule.h"
#include "codegen/cuda/CudaTarget.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Adds `.entry symbol(ptr...)` for every `<symbol>_impl`; fails when a
/// kernel lost its thread count.
LogicalResult addCudaEntryPoints(ModuleOp module, std::string &error) {
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
      fn->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(), b.getI32IntegerAttr(1));
      fn->removeAttr(kCudaEntryAttr);
    }
  }
  for (LLVM::LLVMFuncOp impl : impls) {
    auto threads = impl->getAttrOfType<IntegerAttr>("infer.threads");
    if (!threads) {
      error = "internal: CUDA kernel " + impl.getName().str() +
              " has no thread count";
      return failure();
    }
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
    // Threads past the last point recompute it (same value, same address):
    // no guard divides the kernel.
    Value last = LLVM::ConstantOp::create(
        b, loc, i64, b.getI64IntegerAttr(std::max<int64_t>(threads.getInt() - 1, 0)));
    Value over = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ugt, linear, last);
    linear = LLVM::SelectOp::create(b, loc, over, last, linear);
    SmallVector<Value> args(block->getArguments().begin(),
                            block->getArguments().end());
    args.push_back(linear);
    LLVM::CallOp::create(b, loc, impl, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
  return success();
}

} // namespace

FailureOr<CudaBinaries>
KernelModule::compileToCuda(const CudaTarget &target,
                            const CpuCodegenOptions &options,
                            std::string &error) {
  context->loadDialect<NVVM::NVVMDialect>();
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  context->appendDialectRegistry(registry);
  if (failed(lowerToLLVMDialect(options, error)) ||
      failed(addCudaEntryPoints(*module, error)))
    return failure();

  llvm::LLVMContext llvmContext;
  // The signature globals live in global memory (address space 1).
  std::unique_ptr<llvm::Module> llvmModule = translateAndOptimize(
      llvmContext, *target.machine, /*signatureAddressSpace=*/1, options, error);
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

  CudaBinaries out;
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
