//===- CpuBackend.cpp - The CPU target backend ----------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cpu/CpuBackend.h"
#include "codegen/cpu/AttentionTemplate.h"
#include "codegen/cpu/ContractionTemplates.h"
#include "codegen/cpu/DepthwiseTemplate.h"
#include "codegen/cpu/Int8ConvTemplate.h"
#include "codegen/cpu/Int8GemmTemplate.h"
#include "codegen/cpu/PoolTemplate.h"

#include "ir/InferOps.h"
#include "ir/QuantUtils.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::infer;

GraphShaping CpuBackend::graphShaping(StringRef precision) const {
  // The CPU templates read NCHW and strided views in place; attention is
  // one kernel.
  GraphShaping s;
  s.sparseDecline = "the CPU target has no sparse kernels (weights stay dense)";
  return s;
}

void CpuBackend::selectConfigs(func::FuncOp fn) const {
  // A tile already there (a tuner's, a hand edit) is kept.
  fn.walk([&](Operation *op) {
    if (llvm::isa<ConvOp, GemmOp, MatMulOp, AttentionOp, PoolOp>(op) &&
        !op->hasAttr(InferDialect::getTileAttrName())) {
      CpuTileAttr tile = selectTileConfig(op, *target);
      // A heuristic tile the templates would refuse is a compiler bug: the
      // generic kernel runs instead, and the warning says so (lit's sweep
      // of shapes and CPUs, lit/codegen/cpu-select-config-sweep.mlir,
      // fails on it).
      if (!tile || !llvm::isa<ConvOp, GemmOp, MatMulOp>(op))
        return;
      if (std::string why = tileMismatch(op, tile, *target); !why.empty()) {
        op->emitWarning() << "internal: the heuristic chose a tile that does "
                             "not fit, the generic kernel runs instead: "
                          << why;
        op->removeAttr(InferDialect::getTileAttrName());
      }
    }
  });
  // AVX2 int8 tiles, the heuristic's or not: inputs never negative read
  // as unsigned bytes.
  fn.walk([&](Operation *op) {
    if (auto tile = op->getAttrOfType<CpuTileAttr>(InferDialect::getTileAttrName()))
      markUnsignedInt8Input(op, tile);
  });
}

std::string CpuBackend::tuningArch() const {
  std::string isa = target->vectorBytes == 64   ? "avx512"
                    : target->vectorBytes == 32 ? "avx2"
                                                : "sse";
  if (target->avx512vnni)
    isa += "+vnni";
  return "cpu:" + target->cpu + ":" + isa;
}

std::vector<Attribute> CpuBackend::tileCandidates(Operation *op) const {
  auto heuristic = op->getAttrOfType<CpuTileAttr>(InferDialect::getTileAttrName());
  if (!heuristic || !llvm::isa<ConvOp, GemmOp, MatMulOp>(op))
    return {};
  CpuKernel k = heuristic.getKernel();
  // The int8 templates have one shape of tile.
  if (k == CpuKernel::conv_i8 || k == CpuKernel::gemm_i8)
    return {};
  std::vector<Attribute> out = {heuristic};
  SmallVector<CpuKernel> kernels = {k};
  if (llvm::isa<ConvOp>(op) && k != CpuKernel::dwconv)
    kernels.append({CpuKernel::conv_direct, CpuKernel::conv_flat, CpuKernel::conv_pointwise,
                    CpuKernel::conv_cm, CpuKernel::conv_im2col,
                    CpuKernel::conv_winograd2, CpuKernel::conv_winograd4});
  // Per template, the tiles that fill the registers with one or two
  // vectors per row (three with AVX-512's 32 registers): the space the
  // heuristic picks from, small enough to measure every member.
  int64_t vl = heuristic.getVl();
  int64_t regs = target->vectorBytes == 64 ? 32 : 16;
  auto add = [&](CpuKernel kernel, int64_t mr, int64_t nv) {
    auto tile = CpuTileAttr::get(op->getContext(), kernel, mr, nv, vl);
    if (tile != heuristic && tileMismatch(op, tile, *target).empty() &&
        !llvm::is_contained(out, Attribute(tile)))
      out.push_back(tile);
  };
  // A depthwise convolution on a flattened plane takes no rows: its
  // candidates are the vectors accumulated at a time, up to its plane's.
  if (auto conv = llvm::dyn_cast<ConvOp>(op); conv && k == CpuKernel::dwconv)
    if (int64_t flat = depthwiseFlatVectors(convShape(conv), vl)) {
      for (int64_t nv = 1; nv <= std::min<int64_t>(4, flat); ++nv)
        add(k, 1, nv);
      return out;
    }
  for (CpuKernel kernel : kernels)
    for (int64_t nv = 1; nv <= (kernel == CpuKernel::dwconv ? 4 : regs == 32 ? 3 : 2);
         ++nv) {
      int64_t mr = std::min<int64_t>((regs - nv - 1) / nv, 14);
      // dwconv also with half as many rows: its window's weights need
      // registers too; conv_cm too: a windowed one's tiles are parts of an
      // output row, 14 rows half empty on a 7-wide image.
      if ((kernel == CpuKernel::dwconv || kernel == CpuKernel::conv_cm) && mr / 2 >= 1)
        add(kernel, mr / 2, nv);
      add(kernel, mr, nv);
    }
  return out;
}

std::string CpuBackend::checkTile(Operation *op, Attribute tile) const {
  auto t = llvm::dyn_cast<CpuTileAttr>(tile);
  if (!t)
    return "not a CPU tile (#infer.cpu_tile<...>)";
  return tileMismatch(op, t, *target);
}

bool CpuBackend::fusesIntoEpilogue(Operation *anchor, Operation *op) const {
  // An int8 residual read by conv_i8's or gemm_i8's epilogue, dequantized
  // in registers, or the round trip of the epilogue's value to int8.
  if (auto dq = llvm::dyn_cast<DequantizeOp>(op)) {
    if (!symmetricInt8(dq.getInput()))
      return false;
    if (auto conv = llvm::dyn_cast<ConvOp>(anchor))
      return int8ConvMismatch(conv, *target).empty();
    return llvm::isa<GemmOp, MatMulOp>(anchor) &&
           int8GemmMismatch(anchor, *target).empty();
  }
  // The contraction templates store int8 (rounded in registers); a
  // quantize after anything else (attention) is a kernel of its own, so
  // that the anchor keeps its template.
  if (llvm::isa<QuantizeOp>(op))
    return llvm::isa<ConvOp, GemmOp, MatMulOp>(anchor);
  return TargetBackend::fusesIntoEpilogue(anchor, op);
}

FailureOr<std::optional<TemplateKernel>>
CpuBackend::buildTemplate(const KernelGroup &g, KernelModule &kernels,
                          std::string &error) const {
  using Result = std::optional<TemplateKernel>;
  auto tileOf = [](Operation *op) {
    return op->getAttrOfType<CpuTileAttr>(InferDialect::getTileAttrName());
  };
  // Attention: views, the attention, views.
  auto attn = llvm::find_if(g.ops, [](Operation *op) {
    return llvm::isa<AttentionOp>(op);
  });
  if (attn != g.ops.end()) {
    CpuTileAttr tile = tileOf(*attn);
    bool onlyViews = llvm::all_of(g.ops, [&](Operation *op) {
      return op == *attn ||
             llvm::isa<TransposeOp, ReshapeOp, SliceOp, ConstantOp>(op);
    });
    if (!tile || !onlyViews)
      return Result();
    return buildAttentionKernel(llvm::cast<AttentionOp>(*attn), g.results.front(),
                                tile.getVl(), kernels, error);
  }
  if (g.ops.size() == 1) {
    if (auto pool = llvm::dyn_cast<GlobalPoolOp>(g.ops.front()))
      return buildGlobalPoolKernel(pool, target->vectorBytes / 4, kernels, error);
    if (auto pool = llvm::dyn_cast<PoolOp>(g.ops.front())) {
      CpuTileAttr tile = tileOf(pool);
      if (!tile)
        return Result();
      return buildPoolKernel(pool, tile.getVl(), kernels, error);
    }
  }
  // Contractions: the op with a tile configuration; before it only views
  // and constants, after it the epilogue.
  auto it = llvm::find_if(g.ops, [&](Operation *op) {
    return llvm::isa<ConvOp, GemmOp, MatMulOp>(op) && tileOf(op);
  });
  if (it == g.ops.end())
    return Result();
  Operation *anchor = *it;
  CpuTileAttr config = tileOf(anchor);
  if (std::string why = tileMismatch(anchor, config, *target); !why.empty()) {
    error = why;
    return failure();
  }
  // Dequantized int8 residuals join the group after its chain; the int8
  // templates read them as int8 (the epilogue step that adds them). A
  // dequantize of the chain's own quantize (a round trip) is a step.
  SmallVector<Operation *> epilogueOps;
  for (Operation *op : llvm::make_range(std::next(it), g.ops.end())) {
    auto dq = llvm::dyn_cast<DequantizeOp>(op);
    if (!llvm::isa<ConstantOp>(op) &&
        (!dq || dq.getInput().getDefiningOp<QuantizeOp>()))
      epilogueOps.push_back(op);
  }
  Value last = epilogueOps.empty() ? anchor->getResult(0)
                                   : epilogueOps.back()->getResult(0);
  if (last != g.results.front())
    return Result();
  FailureOr<SmallVector<EpilogueStep>> epilogue =
      classifyEpilogue(anchor, epilogueOps);
  if (failed(epilogue))
    return Result();
  FailureOr<TemplateKernel> tk =
      buildTemplateKernel(anchor, config, *epilogue, kernels, error);
  if (failed(tk))
    return failure();
  if (tk->stages.empty())
    return Result(); // the template declined
  return Result(std::move(*tk));
}

void CpuBackend::addConfigPasses(OpPassManager &pm) const {
  pm.addNestedPass<func::FuncOp>(createCpuSelectConfigPass(*this));
}

void CpuBackend::addLoweringPasses(OpPassManager &pm,
                                   const CodegenOptions &) const {
  pm.addPass(createCpuLowerKernelsPass());
}

FailureOr<BackendOutput> CpuBackend::emitBinaries(ModuleOp kernels,
                                                  const CodegenOptions &options,
                                                  std::string &error) const {
  std::string llvmIR;
  FailureOr<std::vector<char>> so =
      compileCpuKernels(kernels, *target, options, error, &llvmIR);
  if (failed(so))
    return failure();
  BackendOutput out;
  if (options.keepLLVMIR)
    out.listings.push_back({"llvmir", std::move(llvmIR)});
  out.binaries.push_back({"cpu", "elf-shared-object", target->cpu,
                          target->requiredFeatures, std::move(*so)});
  return out;
}

void mlir::infer::registerCpuBackend() {
  registerTargetBackend(
      "cpu", "cpu, cpu:<cpu-name>",
      [](StringRef arch, std::string &error) -> std::unique_ptr<TargetBackend> {
        std::unique_ptr<CpuTarget> target =
            createCpuTarget(arch.empty() ? "host" : arch.str(), error);
        if (!target)
          return nullptr;
        return std::make_unique<CpuBackend>(std::move(target));
      });
}
