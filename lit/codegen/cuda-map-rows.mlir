// Elementwise groups whose chain the GEMM epilogue steps express
// (per-channel scale and bias, residual add, activation) over rows of
// whole 16-byte chunks map 16 bytes per thread (map_rows); a concatenation
// read only by such a group moves into it and the one kernel reads the
// operands, applies the chain and writes the result (concat_map_rows:
// DenseNet's concatenation, batch norm and ReLU). Left alone: a chain with
// a division, rows of 3 channels (generic kernels); a concatenation with
// a second reader keeps its own kernel (its lone reader maps).
// RUN: infer-compile %s --target=cuda:sm_90a -o %t.infer --report=- | FileCheck %s --check-prefix=REPORT
// RUN: infer-opt %s --infer-fuse --infer-cuda-select-config=arch=sm_90a | FileCheck %s --check-prefix=IR
// RUN: infer-translate --emit-ptx %s | FileCheck %s --check-prefix=PTX
// RUN: %if ptxas %{ infer-translate --emit-ptx %s -o %t.ptx && %ptxas -arch=sm_90a %t.ptx -o %t.cubin %}
// REPORT-DAG: concat+elementwise/concat_map_rows {{.*}} Concat_0, Mul_0, Add_0, Relu_0
// REPORT-DAG: elementwise/map_rows {{.*}} Mul_1, Add_1, Relu_1, Add_2
// REPORT-DAG: binary.mul/map_rows {{.*}} Mul_5
// REPORT-DAG: infer_kernel_{{[0-9]+}} elementwise {{.*}} Div_3, Relu_3
// REPORT-DAG: infer_kernel_{{[0-9]+}} binary.mul {{.*}} Mul_4
// REPORT-DAG: concat/concat_rows {{.*}} Concat_5
// IR-LABEL: func.func @main
// IR-DAG: infer.binary mul %arg3, %{{[0-9]+}} :
// IR-DAG: infer.concat %arg1, %arg0 axis 3 {infer.tile = #infer.cuda_tile<concat_rows
// IR-DAG: infer.binary mul %{{[0-9]+}}, %{{[0-9]+}} {infer.tile = #infer.cuda_tile<elementwise_rows
// IR: infer.fused "concat+elementwise"
// IR-NEXT: ^bb0(
// IR-NEXT: infer.concat %{{.*}} {infer.tile = #infer.cuda_tile<concat_rows
// IR: infer.fused "elementwise"
// IR-NEXT: ^bb0(
// IR-NEXT: infer.binary mul {{.*}}elementwise_rows
// IR: infer.binary div %{{[^{]*}} :
// PTX: ld.global.v4.b32
// PTX: cvt.f32.f16
// PTX: max.f32
// PTX: cvt.rn.f16.f32
func.func @main(%a: tensor<2x4x4x64xf16>, %b: tensor<2x4x4x32xf16>, %c: tensor<2x4x4x96xf16>,
                %d: tensor<2x4x4x3xf16>)
    -> (tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>,
        tensor<2x4x4x3xf16>, tensor<2x4x4x96xf16>) {
  %s = infer.constant dense<0.5> : tensor<1x1x1x96xf16>
  %t = infer.constant dense<-0.25> : tensor<1x1x1x96xf16>
  %s3 = infer.constant dense<0.5> : tensor<1x1x1x3xf16>
  %x0 = infer.concat %a, %b axis 3 : (tensor<2x4x4x64xf16>, tensor<2x4x4x32xf16>) -> tensor<2x4x4x96xf16> loc("Concat_0"("Concat"))
  %m0 = infer.binary mul %x0, %s : (tensor<2x4x4x96xf16>, tensor<1x1x1x96xf16>) -> tensor<2x4x4x96xf16> loc("Mul_0"("Mul"))
  %a0 = infer.binary add %m0, %t : (tensor<2x4x4x96xf16>, tensor<1x1x1x96xf16>) -> tensor<2x4x4x96xf16> loc("Add_0"("Add"))
  %r0 = infer.unary relu %a0 : tensor<2x4x4x96xf16> -> tensor<2x4x4x96xf16> loc("Relu_0"("Relu"))
  %m1 = infer.binary mul %c, %s : (tensor<2x4x4x96xf16>, tensor<1x1x1x96xf16>) -> tensor<2x4x4x96xf16> loc("Mul_1"("Mul"))
  %a1 = infer.binary add %m1, %t : (tensor<2x4x4x96xf16>, tensor<1x1x1x96xf16>) -> tensor<2x4x4x96xf16> loc("Add_1"("Add"))
  %r1 = infer.unary relu %a1 : tensor<2x4x4x96xf16> -> tensor<2x4x4x96xf16> loc("Relu_1"("Relu"))
  %a2 = infer.binary add %c, %r1 : (tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>) -> tensor<2x4x4x96xf16> loc("Add_2"("Add"))
  %d3 = infer.binary div %c, %s : (tensor<2x4x4x96xf16>, tensor<1x1x1x96xf16>) -> tensor<2x4x4x96xf16> loc("Div_3"("Div"))
  %e3 = infer.unary relu %d3 : tensor<2x4x4x96xf16> -> tensor<2x4x4x96xf16> loc("Relu_3"("Relu"))
  %m4 = infer.binary mul %d, %s3 : (tensor<2x4x4x3xf16>, tensor<1x1x1x3xf16>) -> tensor<2x4x4x3xf16> loc("Mul_4"("Mul"))
  %x5 = infer.concat %b, %a axis 3 : (tensor<2x4x4x32xf16>, tensor<2x4x4x64xf16>) -> tensor<2x4x4x96xf16> loc("Concat_5"("Concat"))
  %m5 = infer.binary mul %x5, %s : (tensor<2x4x4x96xf16>, tensor<1x1x1x96xf16>) -> tensor<2x4x4x96xf16> loc("Mul_5"("Mul"))
  return %r0, %a2, %e3, %m5, %m4, %x5 : tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>, tensor<2x4x4x96xf16>,
      tensor<2x4x4x3xf16>, tensor<2x4x4x96xf16>
}
