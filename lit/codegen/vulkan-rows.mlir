// Softmax and layer norm over the last axis are Vulkan row kernels (a
// workgroup of 64 per row, subgroup reductions): f32 and f16 rows, a
// layer norm with and without bias. A softmax over another axis and, with
// the feature 'subgroup' off, every one of them stay generic kernels. On
// a Vulkan device (lavapipe in CI: subgroups of 8) the rows match the
// reference interpreter.
// RUN: infer-compile %s --target=vulkan -o %t.infer --report=- | FileCheck %s
// RUN: infer-compile %s --target=vulkan:-subgroup -o %t2.infer --report=- | FileCheck %s --check-prefix=OFF
// RUN: %if vulkan %{ infer-run %t.infer --reference --reference-model %s | FileCheck %s --check-prefix=DEVICE %}

// CHECK-DAG: softmax/softmax_rows {{.*}} 12 {{.*}}Softmax_last
// CHECK-DAG: {{ +}}softmax{{ +}}{{.*}} Softmax_first
// CHECK-DAG: layer_norm/layer_norm_rows {{.*}} 6 {{.*}}LayerNorm_bias
// CHECK-DAG: layer_norm/layer_norm_rows {{.*}} 6 {{.*}}LayerNorm_f16
// OFF-NOT: _rows
// DEVICE-COUNT-4: reference 'output{{[0-3]}}': PASS

func.func @main(%x: tensor<3x4x100xf32>, %y: tensor<6x300xf32>, %g: tensor<300xf32>,
                %b: tensor<300xf32>, %h: tensor<6x300xf16>, %gh: tensor<300xf16>)
    -> (tensor<3x4x100xf32>, tensor<3x4x100xf32>, tensor<6x300xf32>, tensor<6x300xf16>) {
  %0 = infer.softmax %x axis 2 : tensor<3x4x100xf32> loc("Softmax_last"("Softmax"))
  %1 = infer.softmax %x axis 0 : tensor<3x4x100xf32> loc("Softmax_first"("Softmax"))
  %2 = infer.layer_norm %y, %g, %b axis 1 epsilon 1.0e-05 : (tensor<6x300xf32>, tensor<300xf32>, tensor<300xf32>) -> tensor<6x300xf32> loc("LayerNorm_bias"("LayerNormalization"))
  %3 = infer.layer_norm %h, %gh axis 1 epsilon 1.0e-05 : (tensor<6x300xf16>, tensor<300xf16>) -> tensor<6x300xf16> loc("LayerNorm_f16"("LayerNormalization"))
  return %0, %1, %2, %3 : tensor<3x4x100xf32>, tensor<3x4x100xf32>, tensor<6x300xf32>, tensor<6x300xf16>
}
