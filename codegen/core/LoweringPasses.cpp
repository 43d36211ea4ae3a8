//===- LoweringPasses.cpp - Building blocks of a backend's pipeline -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/core/LoweringPasses.h"

#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVMPass.h"
#include "mlir/Conversion/IndexToLLVM/IndexToLLVM.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Largest temporary promoted to the stack.
constexpr int64_t kMaxStackTemporaryBytes = 65536;

struct ApproximateMath
    : PassWrapper<ApproximateMath, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(ApproximateMath)
  ApproximateMath(std::vector<std::string> expand,
                  std::vector<std::string> approximate)
      : expand(std::move(expand)), approximate(std::move(approximate)) {}
  std::vector<std::string> expand, approximate;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (!expand.empty()) {
      SmallVector<StringRef> names(expand.begin(), expand.end());
      math::populateExpansionPatterns(patterns, names);
    }
    const std::vector<std::string> &wanted = approximate;
    populateMathPolynomialApproximationPatterns(patterns, [&](StringRef name) {
      name.consume_front("math.");
      return llvm::is_contained(wanted, name.str());
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

struct HoistAllocsToStack
    : PassWrapper<HoistAllocsToStack, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(HoistAllocsToStack)
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp fn) {
      SmallVector<memref::AllocOp> allocs;
      fn.walk([&](memref::AllocOp a) {
        if (a.getType().hasStaticShape())
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
} // namespace

void mlir::infer::addBufferizationPasses(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.allowReturnAllocsFromLoops = true;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(bufferization::createPromoteBuffersToStackPass(
      [](Value alloc) {
        auto t = llvm::cast<MemRefType>(alloc.getType());
        return t.hasStaticShape() && t.getNumElements() *
                                             t.getElementTypeBitWidth() / 8 <=
                                         kMaxStackTemporaryBytes;
      }));
}

std::unique_ptr<Pass> mlir::infer::createHoistAllocsToStackPass() {
  return std::make_unique<HoistAllocsToStack>();
}

std::unique_ptr<Pass>
mlir::infer::createApproximateMathPass(std::vector<std::string> expand,
                                       std::vector<std::string> approximate) {
  return std::make_unique<ApproximateMath>(std::move(expand),
                                           std::move(approximate));
}

void mlir::infer::addLoopsPasses(OpPassManager &pm, std::unique_ptr<Pass> math) {
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(std::make_unique<CopiesToLoops>());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(std::move(math));
}

void mlir::infer::addLoopsToLLVMPasses(OpPassManager &pm,
                                       std::unique_ptr<Pass> math,
                                       bool mathToLibm, bool expandBf16) {
  addLoopsPasses(pm, std::move(math));
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = expandBf16;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createConvertMathToLLVMPass());
  if (mathToLibm)
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
}
