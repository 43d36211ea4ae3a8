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

void mlir::infer::storeGemmVector(Ir &ir, const GemmSpec &spec, ValueRange args,
                                  Value v, Value row, Value col) {
  OpBuilder &b = ir.b;
  Location loc = ir.loc;
  int64_t width = llvm::cast<VectorType>(v.getType()).getNumElements();
  auto vectorOf = [&](Type t) { return VectorType::get({width}, t); };
  unsigned eb = bytesOf(spec.out);
  unsigned align = std::min<unsigned>(16, width * eb);
  Value rowOffset = ir.mul(ir.zext64(row), ir.c64(spec.n));
  Value index = ir.add(rowOffset, ir.zext64(col));
  auto loadVector = [&](Value base, Value at) -> Value {
    Value p = ir.offset(base, ir.mul(at, ir.c64(eb)));
    Value x = LLVM::LoadOp::create(b, loc, vectorOf(spec.out), p, align);
    if (!spec.out.isF32())
      x = LLVM::FPExtOp::create(b, loc, vectorOf(ir.f32), x);
    return x;
  };
  for (const GemmEpilogueOp &e : spec.epilogue) {
    switch (e.kind) {
    case GemmEpilogueOp::Kind::BiasColumn:
      v = LLVM::FAddOp::create(b, loc, v, loadVector(args[e.arg], ir.zext64(col)));
      break;
    case GemmEpilogueOp::Kind::Residual:
      v = LLVM::FAddOp::create(b, loc, v, loadVector(args[e.arg], index));
      break;
    case GemmEpilogueOp::Kind::Relu:
    case GemmEpilogueOp::Kind::Clip: {
      float lo = e.kind == GemmEpilogueOp::Kind::Relu ? 0.0f : e.lo;
      auto splat = [&](float x) {
        return LLVM::ConstantOp::create(
            b, loc, vectorOf(ir.f32),
            DenseElementsAttr::get(vectorOf(ir.f32), b.getF32FloatAttr(x).getValue()));
      };
      v = LLVM::MaxNumOp::create(b, loc, v, splat(lo));
      if (e.kind == GemmEpilogueOp::Kind::Clip)
        v = LLVM::MinNumOp::create(b, loc, v, splat(e.hi));
      break;
    }
    }
  }
  if (!spec.out.isF32())
    v = LLVM::FPTruncOp::create(b, loc, vectorOf(spec.out), v);
  Value dst = ir.offset(args[spec.numArgs - 1], ir.mul(index, ir.c64(eb)));
  LLVM::StoreOp::create(b, loc, v, dst, align);
}

void mlir::infer::storeGemmPair(Ir &ir, const GemmSpec &spec, ValueRange args, Value v0,
                                Value v1, Value row, Value col) {
  auto pair = VectorType::get({2}, ir.f32);
  Value v = LLVM::PoisonOp::create(ir.b, ir.loc, pair);
  v = LLVM::InsertElementOp::create(ir.b, ir.loc, v, v0, ir.c32(0));
  v = LLVM::InsertElementOp::create(ir.b, ir.loc, v, v1, ir.c32(1));
  storeGemmVector(ir, spec, args, v, row, col);
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
