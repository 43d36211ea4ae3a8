// RUN: infer-opt --infer-convert-precision %s | FileCheck %s
// RUN: infer-opt --infer-convert-precision=precision=bf16 %s | FileCheck %s --check-prefix=BF16
// RUN: infer-opt --infer-convert-precision --infer-fold-constants %s | FileCheck %s --check-prefix=FOLD
// RUN: not infer-opt --infer-convert-precision=precision=fp8 %s 2>&1 | FileCheck %s --check-prefix=BAD

// Every f32 op runs in f16 between casts; casts that cancel go, so the
// chain casts once in and once out.
// CHECK-LABEL: func.func @chain
// CHECK: %[[X:.*]] = infer.cast %arg0 : tensor<4x8xf32> to tensor<4x8xf16>
// CHECK: %[[W:.*]] = infer.cast %{{.*}} : tensor<8x8xf32> to tensor<8x8xf16>
// CHECK: %[[M:.*]] = infer.matmul %[[X]], %[[W]] : (tensor<4x8xf16>, tensor<8x8xf16>) -> tensor<4x8xf16>
// CHECK: %[[R:.*]] = infer.unary relu %[[M]] : tensor<4x8xf16> -> tensor<4x8xf16>
// CHECK: %[[Y:.*]] = infer.cast %[[R]] : tensor<4x8xf16> to tensor<4x8xf32>
// CHECK: return %[[Y]]
// BF16-LABEL: func.func @chain
// BF16: infer.matmul {{.*}} -> tensor<4x8xbf16>
// Weights fold into converted constants.
// FOLD-LABEL: func.func @chain
// FOLD: infer.constant dense_resource<{{.*}}> : tensor<8x8xf16>
// FOLD-NOT: tensor<8x8xf32>
// BAD: precision 'fp8' is not fp16 or bf16
func.func @chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = infer.constant dense<0.25> : tensor<8x8xf32>
  %m = infer.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %r = infer.unary relu %m : tensor<4x8xf32> -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// A sum keeps f32 (a 16-bit result could overflow; its neighbours convert
// around it); softmax runs in f16 (kernels keep its statistics in f32);
// integer ops are left alone.
// CHECK-LABEL: func.func @accumulating
// CHECK: infer.unary exp %{{.*}} : tensor<4x8xf16>
// CHECK: %[[S:.*]] = infer.softmax %{{.*}} axis 1 : tensor<4x8xf16>
// CHECK: %[[B:.*]] = infer.cast %[[S]] : tensor<4x8xf16> to tensor<4x8xf32>
// CHECK: infer.reduce sum %[[B]] {{.*}} : tensor<4x8xf32> -> tensor<4x1xf32>
// CHECK: infer.binary add %{{.*}} : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
func.func @accumulating(%x: tensor<4x8xf32>, %i: tensor<4xi64>) -> (tensor<4x1xf32>, tensor<4xi64>) {
  %e = infer.unary exp %x : tensor<4x8xf32> -> tensor<4x8xf32>
  %s = infer.softmax %e axis 1 : tensor<4x8xf32>
  %r = infer.reduce sum %s axes [1] keep_dims : tensor<4x8xf32> -> tensor<4x1xf32>
  %j = infer.binary add %i, %i : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %r, %j : tensor<4x1xf32>, tensor<4xi64>
}

// A narrowing that is not a round trip stays: f32 -> f16 -> f32 loses bits.
// CHECK-LABEL: func.func @lossy
// CHECK: infer.cast %arg0 : tensor<4xf32> to tensor<4xf16>
// CHECK: infer.cast %{{.*}} : tensor<4xf16> to tensor<4xf32>
func.func @lossy(%x: tensor<4xf32>) -> tensor<4xf32> {
  %h = infer.cast %x : tensor<4xf32> to tensor<4xf16>
  %f = infer.cast %h : tensor<4xf16> to tensor<4xf32>
  return %f : tensor<4xf32>
}
