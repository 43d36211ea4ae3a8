//===- VulkanTemplates.cpp - Which groups the Vulkan templates take -------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// With `+coopmat`, an fp16 matmul or gemm group (a convolution is one once
// infer-conv-to-gemm ran: its im2col a kernel of its own) runs on the
// cooperative-matrix GEMM with its epilogue; every other group, and a
// product the GEMM cannot read, is a generic kernel.
//
//===----------------------------------------------------------------------===//

#include "codegen/vulkan/VulkanBackend.h"
#include "codegen/vulkan/CoopGemm.h"
#include "codegen/vulkan/SubgroupRows.h"

#include "ir/Fusion.h"
#include "ir/InferOps.h"

#include "mlir/Pass/Pass.h"

namespace mlir::infer {
#define GEN_PASS_DECL_INFERVULKANFORMGROUPS
#define GEN_PASS_DEF_INFERVULKANFORMGROUPS
#include "codegen/vulkan/Passes.h.inc"
} // namespace mlir::infer

using namespace mlir;
using namespace mlir::infer;

namespace {
/// Workgroups the tile and split-K choice aims for: two per SM of a large
/// GPU (an H100 or H200 has 132 SMs; one workgroup of 4 subgroups per SM
/// left ResNet-50's batch-1 products 8% slower on the H200).
constexpr int64_t kWorkgroupsWanted = 2 * 132;

RankedTensorType typeOf(Value v) { return llvm::cast<RankedTensorType>(v.getType()); }

/// A product the cooperative-matrix GEMM may take: fp16 operands, B a
/// matrix.
bool isCoopProduct(Operation *op) {
  if (auto mm = llvm::dyn_cast<MatMulOp>(op))
    return typeOf(mm.getRhs()).getRank() == 2 && typeOf(mm.getLhs()).getElementType().isF16();
  if (auto g = llvm::dyn_cast<GemmOp>(op))
    return typeOf(g.getA()).getElementType().isF16();
  return false;
}
} // namespace

namespace {
/// An im2col read only as the rows of a product the cooperative-matrix
/// GEMM takes moves into the product's group (an implicit GEMM).
void absorbIm2colsIntoGemms(func::FuncOp fn) {
  forEachIm2colReadAsRows(fn, [](Operation *op, OpOperand &use, Operation *product) {
    if (!isCoopProduct(product))
      return;
    auto i = llvm::cast<Im2ColOp>(op);
    std::optional<GemmOperands> g = gemmOperands(product);
    std::optional<GemmIm2col> geometry = im2colGeometry(i);
    if (!g || !geometry || g->spec.sparse || !g->columnScale.empty())
      return;
    GemmSpec spec = g->spec;
    spec.im2col = geometry;
    if (!coopGemmUnsupported(spec).empty())
      return;
    pullIntoGroup(i, use, "im2col");
  });
}

struct VulkanFormGroupsPass
    : infer::impl::InferVulkanFormGroupsBase<VulkanFormGroupsPass> {
  using Base::Base;
  VulkanFormGroupsPass(const VulkanTarget &t) : target(t) {}
  std::optional<VulkanTarget> target;

  void runOnOperation() override {
    if (failed(resolveVulkanTarget(target, features, getOperation())))
      return signalPassFailure();
    if (target->has("coopmat"))
      absorbIm2colsIntoGemms(getOperation());
  }
};
} // namespace

std::unique_ptr<Pass> mlir::infer::createVulkanFormGroupsPass(const VulkanTarget &target) {
  return std::make_unique<VulkanFormGroupsPass>(target);
}

void mlir::infer::registerVulkanFormGroupsPass() {
  registerPass([]() -> std::unique_ptr<Pass> { return std::make_unique<VulkanFormGroupsPass>(); });
}

bool VulkanBackend::fusesIntoEpilogue(Operation *anchor, Operation *op) const {
  if (!isEpilogueOp(op))
    return false;
  // The row kernels (softmax, layer norm) take no epilogue.
  if (target->has("subgroup") && llvm::isa<SoftmaxOp, LayerNormOp>(anchor))
    return false;
  if (!target->has("coopmat") || !isCoopProduct(anchor))
    return true;
  // What the cooperative-matrix GEMM's epilogue applies; anything else
  // stays a kernel of its own rather than pull the product off the matrix
  // units.
  return isGemmEpilogueStep(op);
}

FailureOr<std::optional<TemplateKernel>>
VulkanBackend::buildTemplate(const KernelGroup &group, KernelModule &kernels,
                             std::string &error) const {
  using Result = std::optional<TemplateKernel>;
  SmallVector<Operation *> body;
  for (Operation *op : group.ops)
    if (!llvm::isa<ConstantOp>(op))
      body.push_back(op);
  if (body.empty() || body.back()->getResult(0) != group.results.front() ||
      group.results.size() != 1)
    return Result();
  // Softmax and layer norm rows: a workgroup per row, subgroup reductions.
  if (target->has("subgroup") && body.size() == 1 &&
      llvm::isa<SoftmaxOp, LayerNormOp>(body.front())) {
    std::optional<RowNormSpec> spec = rowNormOf(body.front());
    if (!spec || !subgroupRowsApply(*spec))
      return Result();
    std::vector<TemplateArg> inputs;
    for (Value v : body.front()->getOperands())
      if (v)
        inputs.push_back({v, {}});
    FailureOr<KernelInfo> info =
        addSubgroupRowKernel(kernels, *spec, body.front()->getLoc(), error);
    if (failed(info))
      return failure();
    return Result(singleStageTemplate(std::move(inputs), std::move(*info)));
  }
  if (!target->has("coopmat"))
    return Result();
  // An im2col leading a product's group is read by the GEMM
  // (gemmOperands; infer-vulkan-form-groups put it there).
  if (body.size() > 1 && llvm::isa<Im2ColOp>(body.front()))
    body.erase(body.begin());
  if (!isCoopProduct(body.front()))
    return Result();
  Operation *anchor = body.front();
  std::optional<GemmOperands> g = gemmOperands(anchor);
  if (!g || g->spec.sparse || !g->columnScale.empty())
    return Result();
  GemmSpec spec = g->spec;
  TemplateKernel tk;
  tk.inputs.push_back({g->a, {}});
  // A constant [K,N] operand is stored [N,K]: its tiles load as K-major
  // rows like a gemm's transposed B.
  bool transB = llvm::isa<GemmOp>(anchor) && llvm::cast<GemmOp>(anchor).getTransB();
  if (spec.bKMajor && !transB) {
    FailureOr<std::vector<char>> packed = transposedBytes(g->b, spec.k, spec.n, 2);
    if (failed(packed)) {
      error = "cannot read the constant operand of " + group.pattern;
      return failure();
    }
    tk.inputs.push_back({Value(), std::move(*packed)});
  } else {
    tk.inputs.push_back({g->b, {}});
  }
  if (g->bias) {
    spec.epilogue.push_back(
        {GemmEpilogueOp::Kind::BiasColumn, static_cast<int>(tk.inputs.size())});
    tk.inputs.push_back({g->bias, {}});
  }
  if (failed(classify(anchor->getResult(0), ArrayRef<Operation *>(body).drop_front(), spec.n,
                      tk, spec)))
    return Result();
  if (!coopGemmUnsupported(spec).empty())
    return Result();
  spec.numArgs = tk.inputs.size() + 1;
  CoopKernel kind = selectCoopGemmTile(spec, kWorkgroupsWanted, target->has("coopmat2"));
  if (spec.splitK == 1) {
    FailureOr<KernelInfo> info =
        addCoopGemmKernel(kernels, spec, kind, anchor->getLoc(), error);
    if (failed(info))
      return failure();
    return Result(singleStageTemplate(std::move(tk.inputs), std::move(*info)));
  }
  // Partial tiles into scratch, then their sum through the epilogue.
  GemmSpec partial = spec;
  partial.partial = true;
  partial.out = Float32Type::get(anchor->getContext());
  partial.epilogue.clear();
  partial.numArgs = 3;
  FailureOr<KernelInfo> gemm =
      addCoopGemmKernel(kernels, partial, kind, anchor->getLoc(), error);
  if (failed(gemm))
    return failure();
  FailureOr<KernelInfo> reduce =
      addCoopSplitKReduceKernel(kernels, spec, anchor->getLoc(), error);
  if (failed(reduce))
    return failure();
  // The reduction reads the epilogue operands (inputs 2 on), not A and B.
  return Result(splitKTemplate(std::move(tk.inputs), std::move(*gemm), std::move(*reduce),
                               uint64_t(spec.splitK) * spec.m * spec.n * 4,
                               /*firstReduceInput=*/2));
}
