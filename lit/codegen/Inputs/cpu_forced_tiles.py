"""Writes convolutions in infer IR with a forced CPU tile each, random
weights and bias, for cpu-forced-tiles.test to compile and compare with the
reference interpreter:

  cpu_forced_tiles.py OUT_DIR

One file per case, NAME.mlir; prints the names. Covers the depthwise
template's register tiles (rows x vectors), strides, 5x5 and dilated
windows, rows narrower than a vector, and conv_im2col's packing (window
rows read as strided loads where a vector's positions share an output row,
gathered otherwise) and its reduction in blocks.
"""
import os
import sys

import numpy as np

RNG = np.random.default_rng(11)


def nested(a):
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return "[" + ", ".join(nested(x) for x in a) + "]"


def dense(a):
    return "dense<" + nested(a) + ">"


def conv(name, c, m, h, w, k, s, p, d, group, tile, act="", n=1):
    kh, kw = k
    sh, sw = s
    oh = (h + 2 * p[0] - d * (kh - 1) - 1) // sh + 1
    ow = (w + 2 * p[1] - d * (kw - 1) - 1) // sw + 1
    wt = (RNG.standard_normal((m, c // group, kh, kw)) * 0.3).astype(np.float32)
    b = RNG.standard_normal(m).astype(np.float32)
    tin, tout = f"tensor<{n}x{c}x{h}x{w}xf32>", f"tensor<{n}x{m}x{oh}x{ow}xf32>"
    tw = f"tensor<{m}x{c // group}x{kh}x{kw}xf32>"
    body = f"""func.func @main(%x: {tin}) -> {tout} {{
  %w = infer.constant {dense(wt)} : {tw}
  %b = infer.constant {dense(b)} : tensor<{m}xf32>
  %y = infer.conv %x, %w, %b strides [{sh}, {sw}] pads [{p[0]}, {p[1]}, {p[0]}, {p[1]}] dilations [{d}, {d}] group {group}
       {{infer.tile = #infer.cpu_tile<{tile}, vl = 8>}}
       : ({tin}, {tw}, tensor<{m}xf32>) -> {tout} loc("Conv_1"("Conv"))
"""
    if act:
        body += f"""  %z = infer.unary {act} %y : {tout} -> {tout}
  return %z : {tout}
}}
"""
    else:
        body += f"  return %y : {tout}\n}}\n"
    return name, body


CASES = [
    # dwconv: rows x vectors, the rest of a row, stride 2, 5x5, dilation.
    conv("dw_1x1", 3, 3, 9, 19, (3, 3), (1, 1), (1, 1), 1, 3, "dwconv, mr = 1, nv = 1"),
    conv("dw_2x4", 3, 3, 20, 45, (3, 3), (1, 1), (1, 1), 1, 3, "dwconv, mr = 2, nv = 4", "silu"),
    conv("dw_5x2_s2", 4, 4, 31, 33, (5, 5), (2, 2), (2, 2), 1, 4, "dwconv, mr = 5, nv = 2", "sigmoid"),
    conv("dw_12x1_narrow", 2, 2, 30, 7, (5, 5), (1, 1), (2, 2), 1, 2, "dwconv, mr = 12, nv = 1"),
    conv("dw_dilated", 2, 2, 16, 24, (3, 3), (1, 1), (2, 2), 2, 2, "dwconv, mr = 3, nv = 3", "relu"),
    conv("dw_tall", 2, 2, 130, 10, (3, 3), (2, 1), (1, 1), 1, 2, "dwconv, mr = 4, nv = 2"),
    # dwconv on flattened planes (stride 1, output as large as the input,
    # at most 16 vectors): groups of vectors with a shorter last group, a
    # dilated window, a plane that ends inside a vector, a batch of two
    # planes of whole vectors stored in one pass, more vectors asked for
    # than the plane has.
    conv("dw_flat_dilated", 3, 3, 9, 9, (3, 3), (1, 1), (2, 2), 2, 3, "dwconv, mr = 1, nv = 3", "silu"),
    conv("dw_flat_odd", 4, 4, 5, 11, (5, 5), (1, 1), (2, 2), 1, 4, "dwconv, mr = 1, nv = 2", "sigmoid"),
    conv("dw_flat_batch", 3, 3, 8, 8, (3, 3), (1, 1), (1, 1), 1, 3, "dwconv, mr = 1, nv = 3", "relu", n=2),
    conv("dw_flat_one_vector", 2, 2, 2, 4, (3, 3), (1, 1), (1, 1), 1, 2, "dwconv, mr = 1, nv = 3"),
    # conv_im2col: one-row vectors (OW = 16), vectors across rows (OW =
    # 15), stride 1, and a reduction of 6 * 9 * 16 = 864 in blocks.
    conv("im2col_s2_rows", 6, 16, 32, 32, (3, 3), (2, 2), (1, 1), 1, 1, "conv_im2col, mr = 6, nv = 2", "silu"),
    conv("im2col_s2_mixed", 6, 16, 30, 30, (3, 3), (2, 2), (1, 1), 1, 1, "conv_im2col, mr = 6, nv = 2"),
    conv("im2col_s1", 5, 12, 12, 20, (3, 3), (1, 1), (1, 1), 1, 1, "conv_im2col, mr = 6, nv = 1", "relu"),
    conv("im2col_deep", 96, 20, 9, 9, (3, 3), (1, 1), (1, 1), 1, 1, "conv_im2col, mr = 6, nv = 2", "silu"),
    # conv_cm: the tile transposed in registers (rows of positions, lanes of
    # channels), channels past M and positions past P left unstored.
    conv("cm_1x1", 24, 40, 5, 5, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 6, nv = 2", "silu"),
    conv("cm_3x3_s2", 8, 20, 10, 10, (3, 3), (2, 2), (1, 1), 1, 1, "conv_cm, mr = 8, nv = 1", "relu"),
    conv("cm_5_rows", 16, 12, 7, 7, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 5, nv = 2"),
    # More rows than a vector has lanes: transposed in groups of VL.
    conv("cm_14_rows", 24, 20, 9, 9, (3, 3), (1, 1), (1, 1), 1, 1, "conv_cm, mr = 14, nv = 1", "relu"),
    # Reductions deeper than L1 holds a weight panel of: in blocks of
    # channels, partial tiles kept between them (a last block shorter).
    conv("cm_deep_1x1", 600, 40, 7, 7, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 6, nv = 2", "silu"),
    # Few channel tiles: tasks take groups of position tiles (the last of
    # each group stored through masks).
    conv("cm_groups", 24, 16, 20, 20, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 5, nv = 2", "silu"),
    conv("cm_groups_relu", 10, 12, 15, 17, (3, 3), (1, 1), (1, 1), 1, 1, "conv_cm, mr = 6, nv = 2", "relu"),
    conv("cm_1x1_s2", 40, 24, 13, 14, (1, 1), (2, 2), (0, 0), 1, 1, "conv_cm, mr = 6, nv = 2", "relu"),
    conv("cm_deep_3x3", 96, 20, 9, 9, (3, 3), (2, 2), (1, 1), 1, 1, "conv_cm, mr = 5, nv = 2", "relu"),
    # Windows read in place: a 7x7 stem's (3 channels, stride 2, padding
    # written out), a dilated window without padding, rows dividing the
    # output's width (whole tiles only) and not.
    conv("cm_stem", 3, 20, 23, 23, (7, 7), (2, 2), (3, 3), 1, 1, "conv_cm, mr = 6, nv = 2", "relu"),
    conv("cm_dilated", 12, 20, 13, 13, (3, 3), (1, 1), (0, 0), 2, 1, "conv_cm, mr = 3, nv = 2"),
    conv("cm_dilated_part", 12, 20, 13, 13, (3, 3), (1, 1), (0, 0), 2, 1, "conv_cm, mr = 4, nv = 2"),
    # Winograd F(2, 3) and F(4, 3): images that the tiles divide and do not
    # (rows and columns of the last tiles past the output), rows of more
    # than a vector of tiles, no padding, channels past the GEMM's panels,
    # and a costly epilogue in the second pass.
    conv("wino2_even", 8, 16, 12, 12, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd2, mr = 6, nv = 2", "relu"),
    conv("wino2_odd", 5, 13, 11, 13, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd2, mr = 6, nv = 1", "silu"),
    conv("wino2_wide", 3, 8, 7, 45, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd2, mr = 4, nv = 2"),
    conv("wino4_even", 16, 24, 16, 16, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd4, mr = 6, nv = 2", "relu"),
    conv("wino4_odd", 7, 10, 14, 14, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd4, mr = 6, nv = 2", "sigmoid"),
    conv("wino4_wide", 4, 8, 9, 70, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd4, mr = 4, nv = 1"),
    conv("wino4_nopad", 6, 6, 10, 11, (3, 3), (1, 1), (0, 0), 1, 1, "conv_winograd4, mr = 6, nv = 2", "relu"),
    conv("wino4_batch2", 5, 9, 9, 10, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd4, mr = 6, nv = 2", "relu", n=2),
    conv("wino2_batch3", 4, 7, 6, 9, (3, 3), (1, 1), (1, 1), 1, 1, "conv_winograd2, mr = 6, nv = 1", "", n=3),
    conv("cm_batch2_s2", 12, 20, 9, 9, (3, 3), (2, 2), (1, 1), 1, 1, "conv_cm, mr = 6, nv = 2", "relu", n=2),
    # 1x1 stride 1 with at least 12 channel tiles: the input packed as
    # panels first (the last tile's lanes past the image zero, whole
    # vectors read where a tile's lanes run into the next tile), a last
    # channel tile partial, batches, a reduction in blocks.
    conv("cm_panel", 24, 200, 5, 5, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 6, nv = 2", "relu"),
    conv("cm_panel_batch2", 20, 192, 4, 5, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 5, nv = 2", "", n=2),
    conv("cm_panel_deep", 390, 192, 3, 3, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 6, nv = 2", "silu"),
    # One vector per row: 25 tiles of 8 here, 13 of 16 in the 16-lane
    # check on AVX-512 (bench/gpu/prepare-cpu-avx512.sh).
    conv("cm_panel_nv1", 24, 200, 5, 5, (1, 1), (1, 1), (0, 0), 1, 1, "conv_cm, mr = 6, nv = 1", "relu"),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, body in CASES:
        with open(os.path.join(out, name + ".mlir"), "w") as f:
            f.write(body)
        print(name)


if __name__ == "__main__":
    main()
