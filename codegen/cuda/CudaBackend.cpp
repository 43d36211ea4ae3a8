//===- CudaBackend.cpp - The CUDA target backend --------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "codegen/cuda/CudaBackend.h"
#include "codegen/cuda/CudaTemplates.h"
#include "codegen/cuda/GemmCommon.h"
#include "codegen/cuda/TemplateSpecs.h"

#include "ir/Fusion.h"
#include "ir/InferOps.h"
#include "ir/QuantUtils.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::infer;

GraphShaping CudaBackend::graphShaping(StringRef precision) const {
  GraphShaping s;
  s.gpu = true;
  // 16-bit GEMMs run on tensor cores (wgmma on sm_90a, mma.sync from sm_80
  // on), and f32 ones as TF32 on wgmma unless the user asked for strict
  // fp32: convolutions become GEMMs there.
  // int8: the products without a calibrated range stay f32 (TF32).
  s.tf32 = (precision == "fp32" || precision == "int8" || precision == "fp8") &&
           target->arch == "sm_90a";
  // The pass rewrites only what runs on tensor cores: 16-bit convolutions,
  // f32 ones under TF32, and those of int8 inputs (--precision=int8 or the
  // model's own Q/DQ pairs, whatever the precision flag).
  s.convToGemm = target->capability >= 80 || s.tf32;
  // 2:4 weights run on sparse wgmma (sm_90a) or mma.sp (sm_80 on); the
  // products those kernels cannot take (fp32, K not a multiple of 128 or
  // 64, ...) get their dense weight back at code generation, and the
  // report says why.
  if (target->capability < 80)
    s.sparseDecline = "no sparse tensor cores before sm_80";
  // fp8 products run on wgmma's e4m3 form (sm_90a).
  s.fp8Unsupported = target->arch == "sm_90a"
                         ? ""
                         : "fp8 products need wgmma (--target=cuda:sm_90a); the target is " +
                               target->arch;
  return s;
}

bool CudaBackend::fusesIntoEpilogue(Operation *anchor, Operation *op) const {
  // An int8 residual read by the epilogue of an fp32-result GEMM (int8 or
  // TF32 products), dequantized in registers.
  // (Not a round trip of the epilogue's own value: nothing rounds it in
  // registers.)
  if (auto dq = llvm::dyn_cast<DequantizeOp>(op))
    return !isRoundTripOf(anchor, dq) &&
           llvm::isa<MatMulOp, GemmOp>(anchor) && target->capability >= 80 &&
           llvm::cast<RankedTensorType>(anchor->getResult(0).getType())
               .getElementType()
               .isF32() &&
           symmetric8(dq.getInput().getType(), dq.getScaleAttr());
  if (!isEpilogueOp(op))
    return false;
  // The row kernels (softmax, layer norm, global pooling) take no
  // epilogue.
  if (llvm::isa<SoftmaxOp, LogSoftmaxOp, LayerNormOp, GlobalPoolOp>(anchor))
    return false;
  // A batched product of two computed operands (attention's scores) runs
  // as a generic kernel, which takes any elementwise epilogue.
  if (auto mm = llvm::dyn_cast<MatMulOp>(anchor);
      mm && llvm::cast<RankedTensorType>(mm.getRhs().getType()).getRank() != 2)
    return true;
  // A 16-bit product runs on tensor cores, whose epilogue applies a bias or
  // residual add, ReLU, Clip, GELU, SiLU and sigmoid; anything else stays a kernel of its
  // own rather than pull the product onto CUDA cores.
  // So does the depthwise channels-last convolution template (16-bit).
  auto conv = llvm::dyn_cast<ConvOp>(anchor);
  bool depthwise = conv && conv.getChannelsLast() &&
                   conv.getGroup() == llvm::cast<RankedTensorType>(
                                          conv.getOutput().getType()).getShape().back();
  if ((llvm::isa<MatMulOp, GemmOp>(anchor) && target->capability >= 80) || depthwise) {
    Type et =
        llvm::cast<RankedTensorType>(anchor->getResult(0).getType()).getElementType();
    bool tf32 = et.isF32() && target->arch == "sm_90a" &&
                InferDialect::allowsTf32(anchor);
    if (!et.isF16() && !et.isBF16() && (depthwise || !tf32))
      return true;
    // Requantization for the next int8 layer, of an fp32 result (int8 and
    // TF32 products).
    if (llvm::isa<QuantizeOp>(op))
      return et.isF32();
    return isGemmEpilogueStep(op);
  }
  return true;
}

void CudaBackend::selectConfigs(func::FuncOp fn) const {
  selectCudaConfigs(fn, *target);
}

FailureOr<std::optional<TemplateKernel>>
CudaBackend::buildTemplate(const KernelGroup &group, KernelModule &kernels,
                           std::string &error) const {
  return buildCudaTemplate(group, *target, kernels, error);
}

void CudaBackend::addConfigPasses(OpPassManager &pm) const {
  pm.addNestedPass<func::FuncOp>(createCudaSelectConfigPass(*this));
}

void CudaBackend::addLoweringPasses(OpPassManager &pm,
                                    const CodegenOptions &) const {
  pm.addPass(createCudaLowerKernelsPass());
}

FailureOr<BackendOutput> CudaBackend::emitBinaries(ModuleOp kernels,
                                                   const CodegenOptions &options,
                                                   std::string &error) const {
  FailureOr<CudaBinaries> bins = compileCudaKernels(kernels, *target, options, error);
  if (failed(bins))
    return failure();
  BackendOutput out;
  out.note = bins->cubinNote;
  std::vector<std::string> features;
  if (bins->gridDependencyControl)
    features.push_back(kCudaGridDependencyFeature);
  out.binaries.push_back({"cuda", "ptx", target->arch, features,
                          std::vector<char>(bins->ptx.begin(), bins->ptx.end())});
  if (!bins->cubin.empty())
    out.binaries.push_back({"cuda", "cubin", target->arch, features, std::move(bins->cubin)});
  out.listings.push_back({"ptx", std::move(bins->ptx)});
  if (options.keepLLVMIR)
    out.listings.push_back({"llvmir", std::move(bins->llvmIR)});
  return out;
}

void mlir::infer::registerCudaBackend() {
  registerTargetBackend(
      "cuda", "cuda, cuda:<sm_XX>",
      [](StringRef arch, std::string &error) -> std::unique_ptr<TargetBackend> {
        std::unique_ptr<CudaTarget> target = createCudaTarget(arch.str(), error);
        if (!target)
          return nullptr;
        return std::make_unique<CudaBackend>(std::move(target));
      });
}

std::string CudaBackend::tuningArch() const { return "cuda:" + target->arch; }

std::vector<Attribute> CudaBackend::tileCandidates(Operation *op) const {
  auto heuristic = op->getAttrOfType<CudaGemmTileAttr>(InferDialect::getTileAttrName());
  // wgmma's tiles vary; mma_sync and the sparse kernels have one shape.
  if (!heuristic || heuristic.getKernel() != CudaGemmKernel::wgmma)
    return {};
  std::optional<GemmOperands> g = gemmOperands(op);
  if (!g)
    return {};
  MLIRContext *ctx = op->getContext();
  std::vector<Attribute> out = {heuristic};
  const GemmSpec &sp = g->spec;
  int64_t bk = heuristic.getBk();
  int64_t kTiles = ceilDiv(sp.k, bk);
  // A pruned space around the heuristic's pick: 128- or 64-row tiles
  // (64 rows up to 128 columns), 64 to 256 columns but not much wider than
  // the product, the heuristic's 4 stages (3 and 5 for its own tile
  // shape), and K split as the heuristic splits it, half and twice that,
  // or not at all: a few per kernel, each measured. Where N is not whole
  // 256s, also the widths that share it evenly between 3 to 6 tiles
  // (whole 16 columns; 64 for a [K,N] B): a pruned layer's 640 columns in
  // 160 or 224, not only 128 or 256 (whose last tile is half empty).
  SmallVector<int64_t> widths;
  for (int64_t bn : {int64_t(64), int64_t(128), int64_t(256),
                     static_cast<int64_t>(llvm::alignTo(sp.n, 16))})
    if (bn <= 256 && bn <= static_cast<int64_t>(llvm::alignTo(sp.n, 64)) &&
        !llvm::is_contained(widths, bn))
      widths.push_back(bn);
  if (sp.n % 256 != 0)
    for (int64_t j = 3; j <= 6; ++j) {
      int64_t bn = evenTileWidth(sp.n, j, sp.bKMajor ? 16 : 64);
      if (bn > 64 && bn < 256 && !llvm::is_contained(widths, bn))
        widths.push_back(bn);
    }
  SmallVector<int64_t> splits = {1, static_cast<int64_t>(heuristic.getSplitK())};
  if (heuristic.getSplitK() > 1)
    splits.append({heuristic.getSplitK() / 2, heuristic.getSplitK() * 2});
  auto consider = [&](int64_t bm, int64_t bn, int64_t stages, int64_t split) {
    if ((bm == 64 && bn > 128) || split < 1 || (split > 1 && kTiles < 4 * split))
      return;
    auto tile = CudaGemmTileAttr::get(ctx, CudaGemmKernel::wgmma, bm, bn, bk, stages, split);
    if (llvm::is_contained(out, Attribute(tile)))
      return;
    GemmSpec spec = sp;
    if (cudaspec::gemmTileMismatch(spec, tile, *target).empty())
      out.push_back(tile);
  };
  for (int64_t bm : {int64_t(128), int64_t(64)})
    for (int64_t bn : widths)
      for (int64_t split : splits)
        consider(bm, bn, heuristic.getStages(), split);
  for (int64_t stages : {3, 5})
    consider(heuristic.getBm(), heuristic.getBn(), stages, heuristic.getSplitK());
  return out;
}

std::string CudaBackend::checkTile(Operation *op, Attribute tile) const {
  auto t = llvm::dyn_cast<CudaGemmTileAttr>(tile);
  if (!t)
    return "not a CUDA GEMM tile (#infer.cuda_gemm_tile<...>)";
  std::optional<GemmOperands> g = gemmOperands(op);
  if (!g)
    return "the op is not a tensor-core GEMM on this target";
  GemmSpec spec = g->spec;
  return cudaspec::gemmTileMismatch(spec, t, *target);
}
