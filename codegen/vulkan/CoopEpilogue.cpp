//===- CoopEpilogue.cpp - IR helpers of the cooperative-matrix GEMMs ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/CoopEpilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::infer;

Value CoopIR::c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
Value CoopIR::add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
Value CoopIR::add(Value x, int64_t y) { return y ? add(x, c(y)) : x; }
Value CoopIR::mul(Value x, int64_t y) { return arith::MulIOp::create(b, loc, x, c(y)); }
Value CoopIR::div(Value x, int64_t y) { return arith::DivUIOp::create(b, loc, x, c(y)); }
Value CoopIR::rem(Value x, int64_t y) { return arith::RemUIOp::create(b, loc, x, c(y)); }
Value CoopIR::lt(Value x, int64_t y) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, c(y));
}
Value CoopIR::both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
Value CoopIR::fc(float v) { return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v)); }
Value CoopIR::fadd(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
Value CoopIR::fmul(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
Value CoopIR::fdiv(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
Value CoopIR::fmax(Value x, Value y) { return arith::MaximumFOp::create(b, loc, x, y); }
Value CoopIR::fmin(Value x, Value y) { return arith::MinimumFOp::create(b, loc, x, y); }
Value CoopIR::exp(Value x) { return math::ExpOp::create(b, loc, x); }
Value CoopIR::toF32(Value v) {
  return v.getType().isF32() ? v : arith::ExtFOp::create(b, loc, f32, v).getResult();
}

namespace {
using Kind = GemmEpilogueOp::Kind;

/// 1 / (1 + e^-x).
Value sigmoid(CoopIR &ir, Value x) {
  Value e = ir.exp(ir.fmul(x, ir.fc(-1.0f)));
  return ir.fdiv(ir.fc(1.0f), ir.fadd(ir.fc(1.0f), e));
}

/// 0.5 x (1 + erf(x / sqrt 2)), erf(z) for z >= 0 as 1 - poly(t) e^(-z^2)
/// with t = 1 / (1 + p z) (Abramowitz and Stegun 7.1.26, absolute error
/// 1.5e-7), odd for z < 0: GLSL.std.450 has no erf.
Value gelu(CoopIR &ir, Value x) {
  Value z = ir.fmul(math::AbsFOp::create(ir.b, ir.loc, x), ir.fc(0.70710678f));
  Value t = ir.fdiv(ir.fc(1.0f), ir.fadd(ir.fc(1.0f), ir.fmul(z, ir.fc(0.3275911f))));
  Value p = ir.fc(1.061405429f);
  for (float a : {-1.453152027f, 1.421413741f, -0.284496736f, 0.254829592f})
    p = ir.fadd(ir.fmul(p, t), ir.fc(a));
  p = ir.fmul(p, t);
  Value erf = ir.fadd(ir.fc(1.0f), ir.fmul(ir.fmul(p, ir.fc(-1.0f)),
                                          ir.exp(ir.fmul(ir.fmul(z, z), ir.fc(-1.0f)))));
  erf = math::CopySignOp::create(ir.b, ir.loc, erf, x);
  return ir.fmul(ir.fmul(x, ir.fc(0.5f)), ir.fadd(ir.fc(1.0f), erf));
}

/// Epilogue step `e` on the f32 value `v`; `operand` is the step's operand
/// at v's position (bias or scale of its column, the residual), null for
/// steps without one.
Value applyStep(CoopIR &ir, const GemmEpilogueOp &e, Value v, Value operand) {
  switch (e.kind) {
  case Kind::BiasColumn:
  case Kind::Residual:
    return ir.fadd(v, ir.toF32(operand));
  case Kind::ScaleColumn:
    return ir.fmul(v, ir.toF32(operand));
  case Kind::Relu:
    return ir.fmax(v, ir.fc(0.0f));
  case Kind::Clip:
    return ir.fmin(ir.fmax(v, ir.fc(e.lo)), ir.fc(e.hi));
  case Kind::Sigmoid:
    return sigmoid(ir, v);
  case Kind::Silu:
    return ir.fmul(v, sigmoid(ir, v));
  case Kind::Gelu:
    return gelu(ir, v);
  case Kind::Quantize:
  case Kind::ResidualInt8:
  case Kind::ResidualF8:
    break; // refused by coopGemmUnsupported
  }
  return v;
}

/// The epilogue of `spec` on the four f32 values of C at (row, col + e):
/// the residual read as one vector where `vecResidual` (its buffer typed
/// as 4-vectors), else columns past N read column N - 1.
void applyEpilogue4(CoopIR &ir, const GemmSpec &spec, ValueRange args,
                    MutableArrayRef<Value> v, Value row, Value col, bool vecResidual) {
  for (const GemmEpilogueOp &e : spec.epilogue) {
    Value residual;
    if (e.kind == Kind::Residual && vecResidual)
      residual = memref::LoadOp::create(ir.b, ir.loc, args[e.arg],
                                        ir.div(ir.add(ir.mul(row, spec.n), col), 4));
    for (int64_t i = 0; i < 4; ++i) {
      // Without vectors N may end inside the run: columns past it read
      // column N - 1 (their values are not stored).
      Value c = ir.add(col, i), operand;
      if (!vecResidual)
        c = arith::MinUIOp::create(ir.b, ir.loc, c, ir.c(spec.n - 1));
      if (e.kind == Kind::BiasColumn || e.kind == Kind::ScaleColumn)
        operand = memref::LoadOp::create(ir.b, ir.loc, args[e.arg], c);
      else if (e.kind == Kind::Residual)
        operand = residual ? vector::ExtractOp::create(ir.b, ir.loc, residual, i).getResult()
                           : memref::LoadOp::create(ir.b, ir.loc, args[e.arg],
                                                    ir.add(ir.mul(row, spec.n), c))
                                 .getResult();
      v[i] = applyStep(ir, e, v[i], operand);
    }
  }
}
} // namespace

Value mlir::infer::applyEpilogue(CoopIR &ir, const GemmSpec &spec, ValueRange args,
                                Value v, Value row, Value col) {
  for (const GemmEpilogueOp &e : spec.epilogue) {
    Value operand;
    if (e.kind == Kind::BiasColumn || e.kind == Kind::ScaleColumn)
      operand = memref::LoadOp::create(ir.b, ir.loc, args[e.arg], col);
    else if (e.kind == Kind::Residual)
      operand = memref::LoadOp::create(ir.b, ir.loc, args[e.arg],
                                       ir.add(ir.mul(row, spec.n), col));
    v = applyStep(ir, e, v, operand);
  }
  return v;
}

void mlir::infer::storeRun4(CoopIR &ir, const GemmSpec &spec, ValueRange args,
                            MutableArrayRef<Value> v, Value row, Value col, Value at,
                            bool vecC) {
  OpBuilder &b = ir.b;
  applyEpilogue4(ir, spec, args, v, row, col, vecC);
  for (Value &x : v)
    if (!spec.out.isF32())
      x = arith::TruncFOp::create(b, ir.loc, spec.out, x);
  if (vecC) {
    Value vec = vector::FromElementsOp::create(b, ir.loc, VectorType::get({4}, spec.out), v);
    memref::StoreOp::create(b, ir.loc, vec, args.back(), ValueRange{ir.div(at, 4)});
    return;
  }
  for (int64_t e = 0; e < 4; ++e) {
    auto in = scf::IfOp::create(b, ir.loc, ir.lt(ir.add(col, e), spec.n), false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(in.thenBlock());
    memref::StoreOp::create(b, ir.loc, v[e], args.back(), ValueRange{ir.add(at, e)});
  }
}

LogicalResult mlir::infer::appendEpilogueArgs(const GemmSpec &spec,
                                             SmallVectorImpl<Type> &args,
                                             std::vector<uint64_t> &bytes, std::string &error,
                                             bool vecResidual) {
  Type eType = epilogueType(spec);
  for (unsigned i = 2; i + 1 < spec.numArgs; ++i) {
    const GemmEpilogueOp *op = nullptr;
    for (const GemmEpilogueOp &e : spec.epilogue)
      if (e.arg == static_cast<int>(i))
        op = &e;
    if (!op) {
      error = "internal: GEMM argument " + std::to_string(i) + " has no epilogue step";
      return failure();
    }
    int64_t elems = op->perColumn() ? spec.n : spec.m * spec.n;
    if (!op->perColumn() && vecResidual)
      args.push_back(MemRefType::get({elems / 4}, VectorType::get({4}, eType)));
    else
      args.push_back(MemRefType::get({elems}, eType));
    bytes.push_back(uint64_t(elems) * eType.getIntOrFloatBitWidth() / 8);
  }
  return success();
}
