//===- InferAttrs.td - Tile configurations of kernel templates -*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// One attribute per family of kernel templates: the configuration a
// backend's select-config pass chose for an op, kept on the op as
// `infer.tile` so that it shows in the IR, is checked by a verifier, is
// lit-tested per target and can be replaced by a tuner.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_ATTRS_TD
#define INFER_ATTRS_TD

include "InferDialect.td"
include "mlir/IR/EnumAttr.td"

def Infer_CpuKernel : I32EnumAttr<"CpuKernel", "CPU kernel template", [
  I32EnumAttrCase<"conv_pointwise", 0>, I32EnumAttrCase<"conv_direct", 1>,
  I32EnumAttrCase<"conv_flat", 2>, I32EnumAttrCase<"conv_cm", 3>,
  I32EnumAttrCase<"dwconv", 4>, I32EnumAttrCase<"conv_im2col", 5>,
  I32EnumAttrCase<"gemm", 6>, I32EnumAttrCase<"attention", 7>,
  I32EnumAttrCase<"pool", 8>, I32EnumAttrCase<"conv_i8", 9>,
  I32EnumAttrCase<"gemm_i8", 10>, I32EnumAttrCase<"conv_winograd2", 11>,
  I32EnumAttrCase<"conv_winograd4", 12>
]> {
  let cppNamespace = "::mlir::infer";
  let genSpecializedAttr = 0;
}

def Infer_CudaGemmKernel : I32EnumAttr<"CudaGemmKernel",
    "CUDA tensor-core GEMM template", [
  I32EnumAttrCase<"wgmma", 0>, I32EnumAttrCase<"mma_sync", 1>,
  I32EnumAttrCase<"wgmma_sp", 2>, I32EnumAttrCase<"mma_sp", 3>
]> {
  let cppNamespace = "::mlir::infer";
  let genSpecializedAttr = 0;
}

def Infer_CudaKernel : I32EnumAttr<"CudaKernel",
    "CUDA data-movement and row template", [
  I32EnumAttrCase<"gather_rows", 0>, I32EnumAttrCase<"pad_rows", 1>,
  I32EnumAttrCase<"transpose_channels", 2>, I32EnumAttrCase<"row_norm", 3>,
  I32EnumAttrCase<"row_reduce", 4>, I32EnumAttrCase<"depthwise", 5>,
  I32EnumAttrCase<"concat_rows", 6>, I32EnumAttrCase<"elementwise_rows", 7>,
  I32EnumAttrCase<"view_copy", 8>, I32EnumAttrCase<"max_pool", 9>
]> {
  let cppNamespace = "::mlir::infer";
  let genSpecializedAttr = 0;
}

class Infer_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Infer_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def Infer_CpuTileAttr : Infer_Attr<"CpuTile", "cpu_tile"> {
  let summary = "CPU register tile of a kernel template";
  let description = [{
    `kernel` names the template (conv_direct, gemm, attention, pool, ...);
    its hot loop keeps an `mr` x (`nv` * `vl`) tile of accumulators in
    vector registers of `vl` floats (8 with AVX2, 16 with AVX-512).
    Attention and pooling use `vl` only (mr = nv = 1). `conv_winograd2`
    and `conv_winograd4` compute 3x3 stride-1 convolutions as Winograd's
    F(2x2, 3x3) and F(4x4, 3x3); `mr` x `nv` is the tile of their GEMM
    stage (output channels x vectors of tiles).

    ```mlir
    %y = infer.conv %x, %w ... {infer.tile = #infer.cpu_tile<conv_direct, mr = 8, nv = 2, vl = 16>}
    ```
  }];
  let parameters = (ins EnumParameter<Infer_CpuKernel>:$kernel,
                        "int64_t":$mr, "int64_t":$nv, "int64_t":$vl);
  let assemblyFormat = [{
    `<` $kernel `,` `mr` `=` $mr `,` `nv` `=` $nv `,` `vl` `=` $vl `>`
  }];
  let genVerifyDecl = 1;
}

def Infer_CudaGemmTileAttr : Infer_Attr<"CudaGemmTile", "cuda_gemm_tile"> {
  let summary = "CUDA tensor-core GEMM tile";
  let description = [{
    `wgmma` (sm_90a: TMA ring of `stages` buffers, one producer and two
    consumer warpgroups) or `mma_sync` (sm_80 and later: cp.async ring):
    a `bm` x `bn` output tile per thread block, `bk` of the reduction per
    stage. A wgmma tile is 128 rows by 16 to 256 columns, or 64 rows (one
    consumer warpgroup) by 16 to 128, in steps of 16 (mma_sync: 128 x
    128, `bk` 32 for 16-bit operands and 64 for int8 ones: 64-byte rows).
    A wgmma stage holds 128-byte rows: `bk` is 64 for 16-bit
    operands, 32 for f32 operands, which run as TF32, and 128 for int8
    operands (int32 sums), or 64 for int8 convolutions of 64-channel pixels
    (64-byte rows in the 64-byte swizzle). `split_k` (wgmma
    only; 1 when not printed) splits the reduction over that many thread
    blocks per output tile, which write fp32 partial tiles to scratch
    memory; a second kernel sums them and applies the epilogue: GEMMs with
    few output tiles (batch 1, late stages of CNNs) fill the GPU. A wgmma
    kernel whose ring fits half an SM (tiles of at most 64 columns, or of
    64 rows) runs two blocks per SM; one with two tiles per SM or more and
    room for its staged epilogue after the ring is persistent (one block
    per SM walks the tiles, loading the next tile during the epilogue).

    `wgmma_sp` (sm_90a) multiplies by a 2:4 sparse weight
    (`infer.sparse24`) with `wgmma.mma_async.sp` on the same ring. The
    weight is wgmma's sparse operand, so a block computes its tile
    transposed: `bn` output channels (128 or 256, in 64-channel slices) by
    `bm` rows (64, 128 or 256; `bm` * `bn` at most 256 * 128, the
    accumulators two warpgroups hold). `bk` is 64; a stage holds 128 of the
    reduction (the kept values, the activations and the positions).
    `mma_sp` (sm_80 and later) does the same with `mma.sp.sync` m16n8k32
    on a `cp.async` ring: 128 rows by 128 channels, `bk` 64, 3 stages.

    ```mlir
    %y = infer.matmul %a, %b {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 256, bk = 64, stages = 4>}
    %z = infer.matmul %c, %d {infer.tile = #infer.cuda_gemm_tile<wgmma, bm = 128, bn = 128, bk = 64, stages = 4, split_k = 16>}
    %s = infer.matmul %e, %w24 {infer.tile = #infer.cuda_gemm_tile<wgmma_sp, bm = 128, bn = 256, bk = 64, stages = 3>}
    ```
  }];
  let parameters = (ins EnumParameter<Infer_CudaGemmKernel>:$kernel,
                        "int64_t":$bm, "int64_t":$bn, "int64_t":$bk,
                        "int64_t":$stages,
                        DefaultValuedParameter<"int64_t", "1">:$split_k);
  let assemblyFormat = [{
    `<` $kernel `,` `bm` `=` $bm `,` `bn` `=` $bn `,` `bk` `=` $bk `,`
    `stages` `=` $stages (`,` `split_k` `=` $split_k^)? `>`
  }];
  let genVerifyDecl = 1;
}

def Infer_CudaTileAttr : Infer_Attr<"CudaTile", "cuda_tile"> {
  let summary = "CUDA data-movement or row kernel";
  let description = [{
    `gather_rows` (a gather, or `infer.im2col` as a gather of pixels with a
    compile-time index table), `pad_rows`, `transpose_channels` and
    `concat_rows` (a concatenation not written in place) move 16 bytes per
    thread;
    `elementwise_rows` (on the first op of an elementwise group: per-channel
    scales and biases, residual adds and activations over rows of 16-byte
    chunks) maps 16 bytes per thread, and so does `concat_rows` when the
    concatenation leads such a group (DenseNet's concatenation, batch norm
    and ReLU); `view_copy` (on the first op of a chain of slices, reshapes
    and transposes: the chain as one strided view of its operand) copies up
    to 16 bytes per thread; `row_norm` (softmax, layer norm) runs a warp per row;
    `row_reduce` (global average and max pooling, and mean, max and sum
    over consecutive axes) a warp per row when the reduced axes are the
    innermost, else a block per run of channels after them (NHWC pooling);
    `depthwise` (a channels-last depthwise 2-D convolution and its
    epilogue) and `max_pool` (channels-last max pooling, int8 or float) a
    thread per output pixel and 16-byte run of channels.
    `threads` is the block size, a power of two.

    ```mlir
    %y = infer.softmax %x axis 1 {infer.tile = #infer.cuda_tile<row_norm, threads = 256>}
    ```
  }];
  let parameters = (ins EnumParameter<Infer_CudaKernel>:$kernel,
                        "int64_t":$threads);
  let assemblyFormat = "`<` $kernel `,` `threads` `=` $threads `>`";
  let genVerifyDecl = 1;
}

#endif // INFER_ATTRS_TD
