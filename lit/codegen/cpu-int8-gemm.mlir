// int8 matrix products take gemm_i8 (weights packed as [N/NR][K/4][NR][4]
// bytes, rows broadcast): on CPUs with AVX-512 VNNI its dot products are
// vpdpbusd on 16 lanes, on AVX2 CPUs without VNNI (skylake-avx512,
// x86-64-v3) pairs of vpmaddwd on 8-lane halves (`vl = 8`, 4 rows). A matmul
// of a 3-D int8 activation by a constant weight, its ReLU and
// requantization in the epilogue. Not for gemm_i8: a product of two
// activations (no constant weight), and any product on a CPU without AVX2
// (sandybridge).
// RUN: infer-compile %s --target=cpu:znver4 -o %t.vnni.infer --report=- | FileCheck %s --check-prefix=INT8
// RUN: infer-compile %s --target=cpu:skylake-avx512 -o %t.avx512.infer --report=- | FileCheck %s --check-prefix=INT8
// RUN: infer-compile %s --target=cpu:sandybridge -o %t.avx.infer --report=- | FileCheck %s --check-prefix=AVX
// RUN: infer-compile %s --target=cpu:znver4 -o %t.ir.infer --mlir-print-ir-after=infer-cpu-select-config 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: infer-compile %s --target=cpu:x86-64-v3 -o %t.ir2.infer --mlir-print-ir-after=infer-cpu-select-config 2>&1 | FileCheck %s --check-prefix=TILE2
// INT8: matmul+relu+quantize/gemm_i8 int8
// INT8-NOT: gemm_i8
// AVX-NOT: gemm_i8
// TILE: infer.tile = #infer.cpu_tile<gemm_i8, mr = 8, nv = 1, vl = 16>} : (tensor<2x24x96x!quant
// TILE2: infer.tile = #infer.cpu_tile<gemm_i8, mr = 4, nv = 1, vl = 8>} : (tensor<2x24x96x!quant
!q = !quant.uniform<i8<-127:127>:f32, 2.000000e-02>
func.func @main(%a: tensor<2x24x96x!q>, %b: tensor<2x24x96xf32>, %c: tensor<2x96x24xf32>)
    -> (tensor<2x24x80x!q>, tensor<2x24x24xf32>) {
  %w = infer.constant dense<0.5> : tensor<96x80xf32>
  %da = infer.dequantize %a : tensor<2x24x96x!q> -> tensor<2x24x96xf32>
  %y = infer.matmul %da, %w : (tensor<2x24x96xf32>, tensor<96x80xf32>) -> tensor<2x24x80xf32>
  %r = infer.unary relu %y : tensor<2x24x80xf32> -> tensor<2x24x80xf32>
  %q = infer.quantize %r : tensor<2x24x80xf32> -> tensor<2x24x80x!q>
  %p = infer.matmul %b, %c : (tensor<2x24x96xf32>, tensor<2x96x24xf32>) -> tensor<2x24x24xf32>
  return %q, %p : tensor<2x24x80x!q>, tensor<2x24x24xf32>
}
