//===- TemplateFunc.cpp - The function a Vulkan template builds -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/TemplateFunc.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::infer;

TemplateFunc mlir::infer::beginTemplateFunc(OpBuilder &b, KernelModule &kernels,
                                            const KernelInfo &info, ArrayRef<Type> args,
                                            int64_t threads, int64_t count, Location loc) {
  MLIRContext *ctx = kernels.getContext();
  ctx->loadDialect<arith::ArithDialect, func::FuncDialect, gpu::GPUDialect, math::MathDialect,
                   memref::MemRefDialect, scf::SCFDialect, spirv::SPIRVDialect,
                   vector::VectorDialect>();
  b.setInsertionPointToEnd(kernels.getModule().getBody());
  auto fn = func::FuncOp::create(b, loc, info.symbol, b.getFunctionType(args, {}));
  fn->setAttr(kVulkanTemplateAttr, b.getI64IntegerAttr(threads));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  Value wx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value wy = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value nx = gpu::GridDimOp::create(b, loc, gpu::Dimension::x);
  Value group = arith::AddIOp::create(b, loc, arith::MulIOp::create(b, loc, wy, nx), wx);
  Value live = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, group,
                                     arith::ConstantIndexOp::create(b, loc, count));
  auto guard = scf::IfOp::create(b, loc, live, /*withElseRegion=*/false);
  func::ReturnOp::create(b, loc);
  b.setInsertionPointToStart(guard.thenBlock());
  return {fn, entry->getArguments(), group};
}
