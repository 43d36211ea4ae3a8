//===- GemmCommon.cpp - What the CUDA GEMM kernels share ------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/GemmCommon.h"

using namespace mlir;
using namespace mlir::infer;

/// The dynamic shared memory every GEMM kernel of a module uses.
static constexpr const char *kSharedSymbol = "infer_gemm_shared";

void mlir::infer::storeGemmPair(Ir &ir, const GemmSpec &spec, ValueRange args, Value v0,
               Value v1, Value row, Value col) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  auto pairOf = [&](Type t) { return VectorType::get({2}, t); };
  Value v = LLVM::PoisonOp::create(b, loc, pairOf(ir.f32));
  v = LLVM::InsertElementOp::create(b, loc, v, v0, ir.c32(0));
  v = LLVM::InsertElementOp::create(b, loc, v, v1, ir.c32(1));
  unsigned eb = bytesOf(spec.out);
  Value rowOffset = ir.mul(ir.zext64(row), ir.c64(spec.n));
  Value index = ir.add(rowOffset, ir.zext64(col));
  auto loadPair = [&](Value base, Value at) -> Value {
    Value p = ir.offset(base, ir.mul(at, ir.c64(eb)));
    Value x = LLVM::LoadOp::create(b, loc, pairOf(spec.out), p, 2 * eb);
    if (!spec.out.isF32())
      x = LLVM::FPExtOp::create(b, loc, pairOf(ir.f32), x);
    return x;
  };
  for (const GemmEpilogueOp &e : spec.epilogue) {
    switch (e.kind) {
    case GemmEpilogueOp::Kind::BiasColumn:
      v = LLVM::FAddOp::create(b, loc, v, loadPair(args[e.arg], ir.zext64(col)));
      break;
    case GemmEpilogueOp::Kind::Residual:
      v = LLVM::FAddOp::create(b, loc, v, loadPair(args[e.arg], index));
      break;
    case GemmEpilogueOp::Kind::Relu:
    case GemmEpilogueOp::Kind::Clip: {
      float lo = e.kind == GemmEpilogueOp::Kind::Relu ? 0.0f : e.lo;
      auto splat = [&](float x) {
        return LLVM::ConstantOp::create(
            b, loc, pairOf(ir.f32),
            DenseElementsAttr::get(pairOf(ir.f32), b.getF32FloatAttr(x).getValue()));
      };
      v = LLVM::MaxNumOp::create(b, loc, v, splat(lo));
      if (e.kind == GemmEpilogueOp::Kind::Clip)
        v = LLVM::MinNumOp::create(b, loc, v, splat(e.hi));
      break;
    }
    }
  }
  if (!spec.out.isF32())
    v = LLVM::FPTruncOp::create(b, loc, pairOf(spec.out), v);
  Value dst = ir.offset(args[spec.numArgs - 1], ir.mul(index, ir.c64(eb)));
  LLVM::StoreOp::create(b, loc, v, dst, 2 * eb);
}

Value mlir::infer::gemmSharedMemory(OpBuilder &b, Location loc, ModuleOp module) {
  auto arrayType = LLVM::LLVMArrayType::get(b.getI8Type(), 0);
  auto global = module.lookupSymbol<LLVM::GlobalOp>(kSharedSymbol);
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    global = LLVM::GlobalOp::create(b, loc, arrayType, /*isConstant=*/false,
                                    LLVM::Linkage::External, kSharedSymbol,
                                    Attribute(), /*alignment=*/1024,
                                    /*addrSpace=*/3);
  }
  return LLVM::AddressOfOp::create(b, loc, global);
}
