// RUN: infer-opt %s --split-input-file --infer-plan-buffers | FileCheck %s

// Tests infer-plan-buffers: the input is the caller's tensor; constants
// are laid out 64-byte aligned in the order kernels read them; a value
// lives in the arena while launches read it, so a scratch buffer first
// touched by a later launch reuses the bytes of a value no longer read;
// the output a kernel writes through a reshape is the caller's output
// (no copy); returning the input needs a copy, so it gets no output
// buffer here.
// CHECK-LABEL: func.func @chain
// CHECK-SAME: {infer.buffer = #infer.buffer<input, size = 1024>}
// CHECK-SAME: attributes {infer.arena_size = 2048 : i64, infer.constants_size = 80 : i64}
// CHECK: infer.constant {{.*}}{infer.buffers = [#infer.buffer<constants, size = 16>]}
// CHECK: infer.constant {{.*}}{infer.buffers = [#infer.buffer<constants, offset = 64, size = 16>]}
// CHECK: infer.dispatch "a"{{.*}}{infer.buffers = [#infer.buffer<arena, size = 1024>]}
// CHECK: infer.dispatch "b"{{.*}}{infer.buffers = [#infer.buffer<arena, offset = 1024, size = 1024>], infer.scratch_buffers = [#infer.buffer<arena, size = 100>]}
// CHECK: infer.dispatch "e"{{.*}}{infer.buffers = [#infer.buffer<output, size = 1024>]}
// CHECK: infer.reshape {{.*}}{infer.buffers = [#infer.buffer<output, size = 1024>]}
func.func @chain(%x: tensor<256xf32>) -> (tensor<16x16xf32>, tensor<256xf32>) {
  %c = infer.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %d = infer.constant dense<[5.0, 6.0, 7.0, 8.0]> : tensor<4xf32>
  %a = infer.dispatch "a"(%x, %c) launches [#infer.launch<"k0", "a", args = [0, 1, 2], grid = 1, grain = 1>] : (tensor<256xf32>, tensor<4xf32>) -> tensor<256xf32>
  %b = infer.dispatch "b"(%a, %d) launches [#infer.launch<"k1", "b", args = [0, 1, 3], grid = 1, grain = 1>, #infer.launch<"k2", "b", args = [2, 3], grid = 1, grain = 1>] scratch [100] : (tensor<256xf32>, tensor<4xf32>) -> tensor<256xf32>
  %e = infer.dispatch "e"(%b) launches [#infer.launch<"k3", "e", args = [0, 1], grid = 1, grain = 1>] : (tensor<256xf32>) -> tensor<256xf32>
  %r = infer.reshape %e : tensor<256xf32> -> tensor<16x16xf32>
  return %r, %x : tensor<16x16xf32>, tensor<256xf32>
}

// -----

// Tests an in-place concatenation: its operands' kernels write into its
// slices (at offsets 0 and 128 of its arena buffer), and the result the
// graph returns is the caller's output.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: infer.arena_size = 256 : i64
// CHECK: infer.dispatch "neg"{{.*}}{infer.buffers = [#infer.buffer<arena, size = 128>]}
// CHECK: infer.dispatch "exp"{{.*}}{infer.buffers = [#infer.buffer<arena, offset = 128, size = 128>]}
// CHECK: infer.concat {{.*}}{in_place, infer.buffers = [#infer.buffer<arena, size = 256>]}
// CHECK: infer.dispatch "relu"{{.*}}{infer.buffers = [#infer.buffer<output, size = 256>]}
func.func @concat(%x: tensor<4x8xf32>) -> tensor<8x8xf32> {
  %a = infer.dispatch "neg"(%x) launches [#infer.launch<"k0", "neg", args = [0, 1], grid = 1, grain = 1>] : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = infer.dispatch "exp"(%x) launches [#infer.launch<"k1", "exp", args = [0, 1], grid = 1, grain = 1>] : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %c = infer.concat %a, %b axis 0 {in_place} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<8x8xf32>
  %d = infer.dispatch "relu"(%c) launches [#infer.launch<"k2", "relu", args = [0, 1], grid = 1, grain = 1>] : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %d : tensor<8x8xf32>
}

// -----

// Tests that a result returned twice is written in place for its first
// output only, and that several outputs of one kernel each get theirs.
// CHECK-LABEL: func.func @outputs
// CHECK: infer.dispatch "split"{{.*}}{infer.buffers = [#infer.buffer<output, size = 64>, #infer.buffer<output, index = 1, size = 64>]}
// CHECK: infer.dispatch "neg"{{.*}}{infer.buffers = [#infer.buffer<output, index = 2, size = 64>]}
func.func @outputs(%x: tensor<32xf32>) -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %a:2 = infer.dispatch "split"(%x) launches [#infer.launch<"k0", "split", args = [0, 1, 2], grid = 1, grain = 1>] : (tensor<32xf32>) -> (tensor<16xf32>, tensor<16xf32>)
  %n = infer.dispatch "neg"(%a#0) launches [#infer.launch<"k1", "neg", args = [0, 1], grid = 1, grain = 1>] : (tensor<16xf32>) -> tensor<16xf32>
  return %a#0, %a#1, %n, %n : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
}
