//===- KernelModule.cpp - The kernels of one compiled model ---------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A generic kernel is built in three steps. (1) The group's infer ops are
// cloned into a function over memrefs, reading inputs with to_tensor and
// writing outputs with materialize_in_destination. (2) The ops are lowered
// to linalg and chains of elementwise ops fused into one generic. (3) The
// target's convention splits it across threads. Backends then lower the
// whole module to machine code.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/KernelModule.h"
#include "codegen/core/KernelSplit.h"
#include "codegen/core/ScalarOps.h"
#include "codegen/core/linalg/LowerToLinalg.h"

#include "ir/InferOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Index/IR/IndexDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Linalg/Transforms/TilingInterfaceImpl.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/IR/TensorTilingInterfaceImpl.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::infer;

MemRefType mlir::infer::kernelMemrefOf(Value v) {
  auto t = llvm::cast<RankedTensorType>(v.getType());
  return MemRefType::get(t.getShape(), storageType(t.getElementType()));
}

KernelConvention::~KernelConvention() = default;

namespace {
/// Where a kernel module keeps its kernels' signatures.
constexpr llvm::StringLiteral kSignaturesAttr = "infer.signatures";
} // namespace

void KernelModule::registerDialects(DialectRegistry &registry) {
  arith::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerBufferizableOpInterfaceExternalModels(registry);
  scf::registerBufferizableOpInterfaceExternalModels(registry);
  tensor::registerBufferizableOpInterfaceExternalModels(registry);
  linalg::registerTilingInterfaceExternalModels(registry);
  tensor::registerTilingInterfaceExternalModels(registry);
  bufferization::func_ext::registerBufferizableOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registry.insert<func::FuncDialect, linalg::LinalgDialect,
                  tensor::TensorDialect, arith::ArithDialect, math::MathDialect,
                  scf::SCFDialect, memref::MemRefDialect,
                  bufferization::BufferizationDialect, LLVM::LLVMDialect,
                  affine::AffineDialect, cf::ControlFlowDialect,
                  vector::VectorDialect, index::IndexDialect>();
}

ModuleOp KernelModule::find(ModuleOp parent) {
  for (auto m : parent.getOps<ModuleOp>())
    if (m->hasAttr(DispatchOp::getKernelsAttrName()))
      return m;
  return nullptr;
}

KernelModule::KernelModule(ModuleOp parent, const KernelConvention &convention)
    : context(parent.getContext()), convention(convention) {
  // The passes building kernels declare the dialects (registerDialects);
  // outside a pass they are loaded here.
  DialectRegistry registry;
  registerDialects(registry);
  convention.registerDialects(registry);
  context->appendDialectRegistry(registry);
  for (StringRef name : registry.getDialectNames())
    context->getOrLoadDialect(name);
  module = find(parent);
  if (!module) {
    OpBuilder b(context);
    b.setInsertionPointToEnd(parent.getBody());
    module = ModuleOp::create(b, parent.getLoc(), StringRef("kernels"));
    module->setAttr(DispatchOp::getKernelsAttrName(), b.getUnitAttr());
  }
}

std::string KernelModule::nextSymbol() {
  SymbolTable symbols(module);
  while (true) {
    std::string name = "infer_kernel_" + std::to_string(count++);
    if (!symbols.lookup(name) && !symbols.lookup(name + "_impl"))
      return name;
  }
}

FailureOr<KernelInfo> KernelModule::addKernel(ArrayRef<Operation *> ops,
                                              ArrayRef<Value> inputs,
                                              ArrayRef<Value> outputs,
                                              StringRef kind,
                                              std::string &error) {
  OpBuilder b(context);
  b.setInsertionPointToEnd(module.getBody());
  Location loc = ops.empty() ? UnknownLoc::get(context) : ops.front()->getLoc();
  SmallVector<Type> args;
  for (Value v : inputs)
    args.push_back(kernelMemrefOf(v));
  for (Value v : outputs)
    args.push_back(kernelMemrefOf(v));
  // The target's index arguments (CPU: the split loop's range; GPU: the
  // thread index).
  unsigned extraArgs = convention.numIndexArgs();
  for (unsigned i = 0; i < extraArgs; ++i)
    args.push_back(b.getIndexType());
  KernelInfo info;
  info.symbol = nextSymbol();
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
  // Constant tables the lowering made become buffers where the target has
  // no constant arrays: arguments after the outputs.
  unsigned firstIndexArg = inputs.size() + outputs.size();
  if (!convention.inlinesConstantArrays()) {
    SmallVector<arith::ConstantOp> tables;
    fn.walk([&](arith::ConstantOp c) {
      auto t = llvm::dyn_cast<RankedTensorType>(c.getType());
      auto dense = llvm::dyn_cast<DenseElementsAttr>(c.getValue());
      if (t && !(dense && dense.isSplat()))
        tables.push_back(c);
    });
    for (arith::ConstantOp c : tables) {
      auto t = llvm::cast<RankedTensorType>(c.getType());
      auto mt = MemRefType::get(t.getShape(), t.getElementType());
      if (failed(fn.insertArgument(firstIndexArg, mt, {}, c.getLoc()))) {
        error = "cannot pass a constant table to kernel " + info.symbol;
        fn.erase();
        return failure();
      }
      OpBuilder tb = OpBuilder::atBlockBegin(&fn.getBody().front());
      Value v = bufferization::ToTensorOp::create(tb, c.getLoc(), t,
                                                  fn.getArgument(firstIndexArg),
                                                  /*restrict=*/true, /*writable=*/false);
      c.getResult().replaceAllUsesWith(v);
      info.constantArgs.push_back(c.getValue());
      c.erase();
      args.insert(args.begin() + firstIndexArg, mt);
      ++firstIndexArg;
    }
  }
  {
    // A kernel that cannot be split runs on one thread: not an error.
    ScopedDiagnosticHandler quiet(context, [](Diagnostic &) { return success(); });
    convention.split(fn, firstIndexArg, info);
  }
  recordSignature(info, argBytesOf(ArrayRef<Type>(args).drop_back(extraArgs)));
  return info;
}

std::vector<uint64_t> KernelModule::argBytesOf(ArrayRef<Type> args) {
  std::vector<uint64_t> bytes;
  for (Type t : args) {
    auto m = llvm::cast<MemRefType>(t);
    uint64_t bits = m.getElementTypeBitWidth();
    bytes.push_back(static_cast<uint64_t>(m.getNumElements()) *
                    std::max<uint64_t>(1, bits / 8));
  }
  return bytes;
}

void KernelModule::recordSignature(const KernelInfo &info,
                                   ArrayRef<uint64_t> argBytes) {
  SmallVector<int64_t> sig{info.grid, static_cast<int64_t>(argBytes.size())};
  sig.append(argBytes.begin(), argBytes.end());
  // The tensor maps the code expects (what a GPU runtime checks before
  // encoding them): argument, dtype, rank, swizzle, box (4 words), mode
  // (0 tiled, 1 im2col), the im2col corners and strides (6 words). None on
  // the CPU, whose loader stops reading after the arguments.
  sig.push_back(info.tensorMaps.size());
  for (const ArtifactTensorMap &t : info.tensorMaps) {
    sig.append({t.arg, t.dtype, static_cast<int64_t>(t.dims.size()), t.swizzle});
    for (size_t d = 0; d < 4; ++d)
      sig.push_back(d < t.box.size() ? t.box[d] : 0);
    sig.push_back(t.im2col.empty() ? 0 : 1);
    for (size_t d = 0; d < 6; ++d)
      sig.push_back(d < t.im2col.size() ? t.im2col[d] : 0);
  }
  NamedAttrList all(
      module->getAttrOfType<DictionaryAttr>(kSignaturesAttr));
  all.set(info.symbol, DenseI64ArrayAttr::get(context, sig));
  module->setAttr(kSignaturesAttr, all.getDictionary(context));
}

std::unique_ptr<llvm::Module>
mlir::infer::translateKernels(ModuleOp kernels, llvm::LLVMContext &llvmContext,
                              llvm::TargetMachine &tm,
                              unsigned signatureAddressSpace,
                              const CodegenOptions &options,
                              std::string &error, std::string *llvmIR) {
  // The signatures go in as globals of their own, not as a module
  // attribute the translation would not understand.
  auto signatures = kernels->getAttrOfType<DictionaryAttr>(kSignaturesAttr);
  kernels->removeAttr(kSignaturesAttr);
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(kernels, llvmContext, "infer_kernels");
  if (signatures)
    kernels->setAttr(kSignaturesAttr, signatures);
  if (!llvmModule) {
    error = "translation of the kernels to LLVM IR failed";
    return nullptr;
  }
  // Each kernel's signature, next to its code.
  auto i64 = llvm::Type::getInt64Ty(llvmContext);
  for (NamedAttribute entry : signatures ? signatures.getValue()
                                         : ArrayRef<NamedAttribute>()) {
    ArrayRef<int64_t> sig =
        llvm::cast<DenseI64ArrayAttr>(entry.getValue()).asArrayRef();
    std::vector<uint64_t> words(sig.begin(), sig.end());
    auto *global = new llvm::GlobalVariable(
        *llvmModule, llvm::ArrayType::get(i64, words.size()),
        /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
        llvm::ConstantDataArray::get(llvmContext, llvm::ArrayRef<uint64_t>(words)),
        entry.getName().str() + "_info", nullptr,
        llvm::GlobalValue::NotThreadLocal, signatureAddressSpace);
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
  if (options.keepLLVMIR && llvmIR) {
    llvm::raw_string_ostream os(*llvmIR);
    llvmModule->print(os, nullptr);
  }
  return llvmModule;
}
