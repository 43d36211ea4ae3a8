// A convolution lowered to a GEMM reads its rows straight from the NHWC
// image on sm_90a: the im2col moves into the product's group and the
// kernel loads each 128-pixel x 64-channel A tile with TMA's im2col mode
// (the tap offsets in the copy, taps in the padding and pixels past the
// last image read 0); its tensor map is an im2col map over the image.
// An image of 16-byte pixels (a stem's 3 channels padded to 8) is read one
// tap per copy: a K tile is 8 taps, each an unswizzled [128 pixels][8
// channels] slab (taps past the 3x3 window read the last tap, whose weight
// rows are zero; its map has 8-channel boxes and no swizzle). With stride
// 1 along W, at most 128 output columns and 2, 4 or 8 taps a window row
// (Conv_5, a stem after its pixel pairing: 3 x 4 taps, stride 2 along H)
// a tile is one output row and a window row's taps one tiled copy of the
// 131 pixels they read (a 4-D tiled map with [8 channels][131 pixels]
// boxes: pixels before column 0 and past the row read zeros; grid 2 x 7
// rows); 3 taps a row (Conv_1) or stride 2 along W (Conv_4) keep TMA's
// im2col mode. Channels in whole 16 bytes but not 128 (a pruned layer's 16
// here) end each tap in a partial 64-channel block: TMA fills the
// channels past the image's with zeros, and the weight is read per tap as
// [N][taps][C] (a 3-D map, zeros past C). Left alone: channels that are
// not whole 16 bytes (12 here: a generic im2col writes the rows) and sm_80
// (no TMA). Split-K slices of the reduction (few output tiles here) read
// their taps the same way. Tiles are as wide as the channels in steps of
// 16 (64 and 16 here).
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-opt %s --infer-cuda-select-config=arch=sm_90a --infer-outline-kernels=target=cuda:sm_90a | FileCheck %s --check-prefix=MAP
// RUN: infer-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// RUN: infer-compile %s --target=cuda:sm_80 -o %t80.infer --report=- | FileCheck %s --check-prefix=SM80
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: im2col+matmul/gemm_sm90_splitk {{.*}} Conv_0
// REPORT-DAG: im2col+matmul/gemm_sm90 {{.*}} Conv_1
// REPORT-DAG: im2col+matmul/gemm_sm90_splitk {{.*}} Conv_2
// REPORT-DAG: {{ +}}im2col{{ +}}{{.*}} Conv_3
// REPORT-DAG: im2col+matmul/gemm_sm90 {{.*}} Conv_4
// REPORT-DAG: im2col+matmul/gemm_sm90 {{.*}} Conv_5
// MAP: #infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [128, 14, 14, 2], strides = [256, 3584, 50176], box = [64, 128], swizzle = 3, im2col = [-1, -1, -1, -1, 2, 2]>
// MAP: #infer.tensor_map<arg = 1, dtype = {{[0-9]+}}, dims = [1152, 64], strides = [2304], box = [64, 64], swizzle = 3>
// MAP: #infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [8, 14, 14, 2], strides = [16, 224, 3136], box = [8, 128], swizzle = 0, im2col = [-1, -1, -1, -1, 1, 1]>
// MAP: #infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [16, 14, 14, 2], strides = [32, 448, 6272], box = [64, 128], swizzle = 3, im2col = [-1, -1, -1, -1, 1, 1]>
// MAP: #infer.tensor_map<arg = 1, dtype = {{[0-9]+}}, dims = [16, 9, 16], strides = [32, 288], box = [64, 1, 16], swizzle = 3>
// MAP: #infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [8, 14, 14, 2], strides = [16, 224, 3136], box = [8, 128], swizzle = 0, im2col = [-1, -1, -1, -1, 2, 2]>
// MAP: #infer.launch<"infer_kernel_{{[0-9]+}}", "gemm_sm90", args = [0, 1, 2], grid = 14, {{.*}} maps = [#infer.tensor_map<arg = 0, dtype = {{[0-9]+}}, dims = [8, 14, 14, 2], strides = [16, 224, 3136], box = [8, 131, 1, 1], swizzle = 0>
// PTX-DAG: cp.async.bulk.tensor.4d.shared::cluster.global.im2col.mbarrier::complete_tx::bytes
// PTX-DAG: cp.async.bulk.tensor.4d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// SM80-NOT: im2col+matmul
// SM80: im2col/gather_rows {{.*}} Conv_0
func.func @main(%x: tensor<2x14x14x128xf16>, %y: tensor<2x14x14x8xf16>,
                %z: tensor<2x14x14x16xf16>, %u: tensor<2x14x14x12xf16>, %y2: tensor<2x14x14x8xf16>,
                %y3: tensor<2x14x14x8xf16>)
    -> (tensor<98x64xf16>, tensor<392x16xf16>, tensor<392x16xf16>, tensor<392x16xf16>,
        tensor<98x16xf16>, tensor<196x16xf16>) {
  %w = infer.constant dense<0.5> : tensor<1152x64xf16>
  %r = infer.im2col %x kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x128xf16> -> tensor<98x1152xf16> loc("Conv_0"("Conv"))
  %p = infer.matmul %r, %w : (tensor<98x1152xf16>, tensor<1152x64xf16>) -> tensor<98x64xf16> loc("Conv_0"("Conv"))
  %v = infer.constant dense<0.5> : tensor<72x16xf16>
  %s = infer.im2col %y kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x8xf16> -> tensor<392x72xf16> loc("Conv_1"("Conv"))
  %q = infer.matmul %s, %v : (tensor<392x72xf16>, tensor<72x16xf16>) -> tensor<392x16xf16> loc("Conv_1"("Conv"))
  %zw = infer.constant dense<0.5> : tensor<144x16xf16>
  %zr = infer.im2col %z kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x16xf16> -> tensor<392x144xf16> loc("Conv_2"("Conv"))
  %zp = infer.matmul %zr, %zw : (tensor<392x144xf16>, tensor<144x16xf16>) -> tensor<392x16xf16> loc("Conv_2"("Conv"))
  %uw = infer.constant dense<0.5> : tensor<108x16xf16>
  %ur = infer.im2col %u kernel [3, 3] strides [1, 1] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x12xf16> -> tensor<392x108xf16> loc("Conv_3"("Conv"))
  %up = infer.matmul %ur, %uw : (tensor<392x108xf16>, tensor<108x16xf16>) -> tensor<392x16xf16> loc("Conv_3"("Conv"))
  %yw = infer.constant dense<0.25> : tensor<72x16xf16>
  %yr = infer.im2col %y2 kernel [3, 3] strides [2, 2] pads [1, 1, 1, 1] dilations [1, 1] : tensor<2x14x14x8xf16> -> tensor<98x72xf16> loc("Conv_4"("Conv"))
  %yp = infer.matmul %yr, %yw : (tensor<98x72xf16>, tensor<72x16xf16>) -> tensor<98x16xf16> loc("Conv_4"("Conv"))
  %sw = infer.constant dense<0.125> : tensor<96x16xf16>
  %sr = infer.im2col %y3 kernel [3, 4] strides [2, 1] pads [1, 2, 1, 1] dilations [1, 1] : tensor<2x14x14x8xf16> -> tensor<196x96xf16> loc("Conv_5"("Conv"))
  %sp = infer.matmul %sr, %sw : (tensor<196x96xf16>, tensor<96x16xf16>) -> tensor<196x16xf16> loc("Conv_5"("Conv"))
  return %p, %q, %zp, %up, %yp, %sp : tensor<98x64xf16>, tensor<392x16xf16>, tensor<392x16xf16>, tensor<392x16xf16>,
      tensor<98x16xf16>, tensor<196x16xf16>
}
