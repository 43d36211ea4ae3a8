//===- Sm90Pipeline.h - The warp-specialized TMA ring of sm_90a GEMMs -*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// What the dense and the 2:4 sparse sm_90a GEMMs share: a block of three
// warpgroups (a producer that issues TMA copies into a ring of shared
// memory stages, two consumers that run wgmma on them), the ring's full[]
// and empty[] mbarriers after the stages, and the loop each role runs over
// the k tiles. The kernels supply what a stage holds and what a consumer
// does with it.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CODEGEN_CUDA_SM90PIPELINE_H
#define INFER_CODEGEN_CUDA_SM90PIPELINE_H

#include "codegen/cuda/GemmCommon.h"

namespace mlir::infer {

/// Threads of the block: a producer warpgroup and two consumers.
inline constexpr int64_t kSm90Threads = 384;

/// The mbarriers and stage buffers of the shared-memory ring.
struct Sm90Ring {
  Value smem;     ///< !llvm.ptr<3>, 1024-byte aligned
  Value smemAddr; ///< its shared-window address, i64
  int64_t stages = 0, stageBytes = 0;
  /// The bytes a stage's copies bring (0: stageBytes).
  int64_t txBytes = 0;
  /// Blocks sharing an SM (1 or 2) and consumer warpgroups (1 or 2): set
  /// the threads and the consumers' registers.
  int64_t blocksPerSm = 1, consumers = 2;
  int64_t threads() const { return 128 * (1 + consumers); }
  /// full[s]: the producer's arrival and the stage's bytes.
  Value full(Ir &ir, Value s) const;
  /// empty[s]: one arrival per consumer warp.
  Value empty(Ir &ir, Value s) const;
};

/// Thread 0 initializes the ring's barriers and prefetches the tensor
/// maps; the block synchronizes; then threads 0-127 build `producer` and
/// the rest `consumer` (each at the start of its branch).
void buildSm90Roles(Ir &ir, const Sm90Ring &ring, Value tid, ArrayRef<Value> maps,
                    llvm::function_ref<void()> producer,
                    llvm::function_ref<void()> consumer);

/// The producer's loop: its register budget lowered, thread 0 fills k tile
/// kt = 0 .. kCount - 1 into stage kt % stages once the consumers freed it,
/// expecting the stage's bytes on full[]; `fill(kt, stage, full)` issues
/// the copies (TmaTileLoad for tiled ones).
void buildSm90Producer(Ir &ir, const Sm90Ring &ring, Value tid, Value kCount,
                       llvm::function_ref<void(Value kt, Value stage, Value full)> fill);

/// A block's output tile (row and column tile indices): consecutive
/// blocks walk groups of 8 tile rows column by column, so that the blocks
/// running at once share their rows' and columns' operands in L2.
struct Sm90TileCoords {
  Value row, col;
};
Sm90TileCoords sm90GroupedTile(Ir &ir, Value bid, int64_t tilesRows, int64_t tilesCols);

/// Why TMA's im2col mode cannot read A of `spec` as 128-byte rows of
/// channels, or with `dense` (the dense GEMM) also channel counts in whole
/// 16 bytes: one 16-byte run per pixel (a stem's 8 padded channels) or
/// 128-byte blocks whose last one TMA completes with zeros ("" when it
/// can, or when A is not an im2col).
std::string im2colUnsupported(const GemmSpec &spec, bool dense = false);

/// Whether A of `spec` is an im2col read in 16-byte slabs: a K tile's
/// 128-byte rows are 8 slabs [BM pixels][16 bytes], slab j the j-th 16
/// bytes of the (tap, channel) sequence (16-byte pixels: one tap each;
/// int8 pixels of 32 or 48 bytes: 2 or 3 slabs per tap).
bool narrowIm2col(const GemmSpec &spec);

/// Whether A of `spec` is an im2col of 16-byte pixels read one output row
/// per tile (a stem: its stride along W 1 after pixel pairing, at most BM
/// output columns, 2, 4 or 8 taps a window row): a window row's taps are
/// one tiled TMA copy of the BM + kw - 1 pixels of one input row they
/// read (zeros outside the image), tap s's slab that patch from pixel s
/// on. TMA moves 16 bytes at a time however it is asked: TMA's im2col
/// mode, one copy of BM pixels per tap, bound ResNet-50's stem at batch 32
/// on the TMA unit (28 copies of 128 pixels a tile against 7 of 131). The
/// tile's rows past the output row are computed and not stored.
bool rowTileIm2col(const GemmSpec &spec);

/// The tiled tensor map (argument 0) of a rowTileIm2col A: the NHWC
/// image, boxes of one pixel's channels of BM + kw - 1 pixels of one row.
ArtifactTensorMap rowTileMap(const GemmSpec &spec);

/// A rowTileIm2col stage's A: patches of `rows` pixels, `bytes` apart
/// (128-byte aligned, as TMA writes shared memory), `perTile` window rows
/// a k tile.
struct RowTilePatches {
  int64_t rows = 0, bytes = 0, perTile = 0;
};
RowTilePatches rowTilePatches(const GemmSpec &spec);

/// Whether A of `spec` is an im2col whose channels end in a partial
/// 128-byte block: a K tile is one block of one tap, zeros past the
/// channels, and the weight is read per tap.
bool paddedIm2col(const GemmSpec &spec);

/// The k tiles of 128-byte rows the dense sm_90a GEMM runs for `spec`: of
/// an im2col A (not of 16-byte pixels) the taps times the channel blocks.
int64_t sm90KTiles(const GemmSpec &spec);

/// The tensor map (argument 0) of an im2col A: the NHWC image, boxes of
/// `channels` channels of `pixels` output pixels, 128-byte swizzled when
/// `swizzled`.
ArtifactTensorMap im2colMap(const GemmIm2col &g, Type elem, int64_t channels,
                            int64_t pixels, bool swizzled = true);

/// The im2col TMA copy of k tile `tile` (`channels` channels of one tap)
/// for the output pixels from row m0 of A into shared `dst`, completing
/// on `full`.
void tmaIm2colLoad(Ir &ir, const GemmIm2col &g, int64_t channels, Value dst,
                   Value map, Value m0, Value tile, Value full);

/// A tiled TMA copy of `map` at `coords` into shared `dst`, completing on
/// the mbarrier `full`.
void tmaTileLoad(Ir &ir, Value dst, Value map, ValueRange coords, Value full);

/// A consumer thread: its register budget raised, which consumer
/// warpgroup (0 or 1), its thread within it, warp and lane.
struct Sm90Consumer {
  Value consumer, t, warp, lane;
  static Sm90Consumer enter(Ir &ir, const Sm90Ring &ring, Value tid);
};

/// In a consumer's k loop: waits until k tile kt has landed; returns its
/// stage index.
Value waitSm90Stage(Ir &ir, const Sm90Ring &ring, Value kt);

/// Hands stage `s` back to the producer (lane 0 of each warp arrives)
/// where `when` holds.
void releaseSm90Stage(Ir &ir, const Sm90Ring &ring, Value s, Value when);

} // namespace mlir::infer

#endif // INFER_CODEGEN_CUDA_SM90PIPELINE_H
