//===- ViewCopy.cpp - Copies through strided views on CUDA ----------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/ViewCopy.h"

#include "codegen/cuda/GemmCommon.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Elements per thread: the widest power of two up to 16 bytes that the
/// innermost dimension (contiguous in the source) and every offset allow.
int64_t vectorWidth(const ViewCopySpec &spec) {
  if (spec.sizes.empty() || spec.strides.back() != 1)
    return 1;
  int64_t width = 16 / spec.elemBytes;
  auto aligned = [&](int64_t w) {
    if (spec.sizes.back() % w != 0 || spec.offset % w != 0)
      return false;
    for (int64_t s : spec.strides)
      if (s % w != 0 && s != 1)
        return false;
    return true;
  };
  while (width > 1 && !aligned(width))
    width /= 2;
  return width;
}
} // namespace

bool mlir::infer::viewCopyApplies(const ViewCopySpec &spec) {
  if (spec.sizes.size() != spec.strides.size() || spec.sizes.empty() ||
      spec.sizes.size() > 8 || spec.offset < 0 || spec.threads < 32 ||
      spec.threads > 1024 || spec.threads % 32 != 0 ||
      !(spec.elemBytes == 1 || spec.elemBytes == 2 || spec.elemBytes == 4 ||
        spec.elemBytes == 8))
    return false;
  // The last element the view reads stays inside the source.
  int64_t last = spec.offset, total = 1;
  for (size_t k = 0; k < spec.sizes.size(); ++k) {
    if (spec.sizes[k] < 1 || spec.strides[k] < 0 || spec.sizes[k] >= (int64_t(1) << 31))
      return false;
    last += (spec.sizes[k] - 1) * spec.strides[k];
    total *= spec.sizes[k];
    if (total >= (int64_t(1) << 40) || last >= (int64_t(1) << 40))
      return false;
  }
  return last < spec.sourceElements;
}

FailureOr<KernelInfo> mlir::infer::addViewCopyKernel(KernelModule &kernels,
                                                     const ViewCopySpec &spec,
                                                     Location loc, std::string &error) {
  if (!viewCopyApplies(spec)) {
    error = "internal: the view copy does not apply";
    return failure();
  }
  int64_t width = vectorWidth(spec);
  SmallVector<int64_t> sizes(spec.sizes);
  sizes.back() /= width;
  int64_t total = 1;
  for (int64_t s : sizes)
    total *= s;
  KernelInfo info;
  info.kind = "view_copy";
  info.grid = ceilDiv(total, spec.threads);
  info.blockThreads = static_cast<uint32_t>(spec.threads);
  std::vector<uint64_t> argBytes = {uint64_t(spec.sourceElements) * spec.elemBytes,
                                    uint64_t(total * width) * spec.elemBytes};

  auto build = [&](OpBuilder &b, Location loc, ValueRange args) -> LogicalResult {
    Ir ir(b, loc);
    Type vec = width * spec.elemBytes >= 4
                   ? Type(VectorType::get({width * spec.elemBytes / 4}, ir.i32))
                   : Type(b.getIntegerType(8 * width * spec.elemBytes));
    unsigned align = static_cast<unsigned>(width * spec.elemBytes);
    ir.forThreadsBelow(total, spec.threads, [&](Value t) {
      // The refined indices of chunk t, innermost first, and the source
      // element they name.
      Value rest = t, src = ir.c64(spec.offset);
      for (int64_t k = sizes.size() - 1; k >= 0; --k) {
        Value r = ir.urem(rest, ir.c64(sizes[k]));
        rest = ir.udiv(rest, ir.c64(sizes[k]));
        int64_t step = spec.strides[k] * (k + 1 == static_cast<int64_t>(sizes.size()) ? width : 1);
        src = ir.add(src, ir.mul(r, ir.c64(step)));
      }
      Value from = ir.offset(args[0], ir.mul(src, ir.c64(spec.elemBytes)));
      Value data = LLVM::LoadOp::create(b, loc, vec, from, align);
      LLVM::StoreOp::create(b, loc, data,
                            ir.offset(args[1], ir.mul(t, ir.c64(width * spec.elemBytes))),
                            align);
    });
    return success();
  };
  return addCudaKernel(kernels, info, argBytes, loc, build, error);
}
