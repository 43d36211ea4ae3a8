//===- Passes.td - Graph passes of infer --------------------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Every graph pass of infer: one record each, flags prefixed `infer-`, one
// .cpp file per pass that only fills and applies a public pattern set.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_TRANSFORMS_PASSES_TD
#define INFER_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferRemoveIdentity : Pass<"infer-remove-identity"> {
  let summary = "Remove ops that return their input unchanged";
  let description = [{
    Replaces by their input: `identity` unary ops, casts to the same type,
    reshapes and expands to the same type, identity transposes, slices that
    keep everything and pads of zero. ONNX exports are full of them
    (Identity nodes, inference-mode Dropout, no-op Reshape).
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferInsertChecks : Pass<"infer-insert-checks"> {
  let summary = "Check gather indices and integer divisors at run time";
  let description = [{
    ONNX leaves a gather index out of range and an integer division by zero
    undefined; onnxruntime fails the run. This pass adds an `infer.check`
    before every `gather` and `gather_elements` (indices within the axis)
    and every integer `binary div / mod / fmod` (a divisor other than 0);
    the compiled plan stops the run with an error naming the node when one
    fails, and the kernels themselves clamp indices and divide by a safe
    divisor so that they never fault. Constant operands are checked at
    compile time: a violation is an error, a pass adds nothing.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferReleaseWeights : Pass<"infer-release-weights", "::mlir::ModuleOp"> {
  let summary = "Free the memory of weights no op uses any more";
  let description = [{
    A weight's blob is an attribute, and attributes live as long as the
    context: when folding batch normalization, converting precision or
    reordering for a GEMM replaces a weight, the old values would stay in
    memory. This pass frees the blobs of weights infer made that no op
    uses any more; the IR does not change. The graph pipeline runs it after
    each pass that rewrites weights.
  }];
}

def InferFoldConstants : Pass<"infer-fold-constants"> {
  let summary = "Evaluate ops whose operands are all constants";
  let description = [{
    Replaces an op whose operands are all `infer.constant` by the constants
    it computes, with the reference interpreter as the evaluator. Exporters
    leave transposes, reshapes, casts and arithmetic on weights in the graph
    (a MatMul weight transposed at run time, a scale multiplied into a
    bias); folding them means kernels read prepared weights. Results above
    `max-elements` elements are left alone.
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"1 << 26",
           "largest result (in elements) to fold">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferFoldIntoWeights : Pass<"infer-fold-into-weights"> {
  let summary = "Fold batch normalization, scales and shifts into weights";
  let description = [{
    Folds into the constant weights and bias of the preceding `conv`,
    `conv_transpose`, `gemm` or `matmul` (the anchor):

    - `batch_norm` with constant statistics: weights scaled by
      `scale / sqrt(var + eps)` per output channel, bias shifted;
    - `binary mul` by a constant that is the same along every output
      position (a scalar or one value per output channel);
    - `binary add` / `sub` of such a constant, into the bias (conv, conv
      transpose and gemm, which have one).

    The anchor's result must have no other user. A `batch_norm` with
    constant statistics that no anchor takes (pre-activation networks such
    as DenseNet: batch norm, ReLU, then the convolution) becomes
    `x * s + t` with one constant per channel: elementwise ops that fuse
    with their neighbours and run in the model's precision.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferEliminateZeroChannels
    : Pass<"infer-eliminate-zero-channels", "::mlir::ModuleOp"> {
  let summary = "Remove channels whose weights and bias are all zero";
  let description = [{
    A `conv` (ungrouped), `gemm` or `matmul` with constant weights whose
    output channel has all-zero weights and a zero (or no) bias computes
    zeros there, as models pruned by masking leave them. The pass follows
    such channels through the ops that keep them zero (activations with
    f(0) = 0, `cast`, `pool`, `global_pool`, `batch_norm` and per-channel
    `mul` / `div` / `add` / `sub` by constants that map 0 to 0, depthwise
    `conv` (whose zero-bias channels stay zero),
    `concat` along the channels, and an `add` of two activations in the
    channels zero on both sides) and removes them from the producer's
    outputs, every op on the way and the input channels of the `conv`,
    `gemm` and `matmul` ops that read them.

    Channels are removed only where the producer and every reader can
    work without them (a graph output, a reshape or a grouped convolution
    keeps the full width), so results are unchanged. Each contraction
    changed is logged in the module attribute `infer.sparsity`
    (`kind = "channels"`, `removed_outputs`, `removed_inputs`,
    `flops_saved`), which `infer-compile --report` and
    `infer-opt --sparsity-report` show.

    With `channel-multiple=N` a tensor whose channel count is a multiple
    of N keeps it one: fewer zero channels are removed so that rows stay
    whole vectors for the kernels. `preferred-channel-multiple` is tried
    first, and `conv-channel-multiple` before it for tensors a convolution
    with a window or a stride reads (the K tile of an implicit GEMM); a
    count keeps the first of these it is a multiple of. GPU pipelines: 8
    (16-byte rows), preferred and conv 128 bytes of channels (64 16-bit
    values, 32 fp32 ones), the runs their kernels move.

    ```mlir
    // conv1's channel 1 is zero: conv1 keeps 1 output, conv2 1 input.
    %a = infer.conv %x, %w1, %b1 ... -> tensor<1x2x8x8xf32>
    %r = infer.unary relu %a : ...
    %y = infer.conv %r, %w2 ... : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> ...
    ```
  }];
  let options = [
    Option<"channelMultiple", "channel-multiple", "int64_t", /*default=*/"1",
           "Keep channel counts that are multiples of this one">,
    Option<"preferredChannelMultiple", "preferred-channel-multiple", "int64_t",
           /*default=*/"1",
           "Keep channel counts that are multiples of this one, before "
           "channel-multiple">,
    Option<"convChannelMultiple", "conv-channel-multiple", "int64_t",
           /*default=*/"1",
           "Keep channel counts that are multiples of this one where a "
           "convolution with a window or a stride reads the tensor">,
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferQuantize : Pass<"infer-quantize", "::mlir::ModuleOp"> {
  let summary = "Quantize product inputs to int8 or fp8 with calibrated ranges";
  let description = [{
    Post-training int8 quantization from a calibration cache (written by
    `infer-run --calibrate`): the activation input of every `conv`,
    `matmul` and `gemm` with a constant weight gets an `infer.quantize` /
    `infer.dequantize` pair with the tensor's calibrated range: symmetric,
    scale `amax / 127`, storage `i8<-127:127>`. With `precision=fp8` the
    pair is to f8E4M3FN with scale `amax / 448` (the pair's `scale`
    attribute; E4M3's largest value maps to the range). This is the explicit Q/DQ
    form an exporter writes; `infer-fold-qdq` then makes the products
    compute in int8. Of two products whose results a residual `add` sums
    (ResNet's downsampling blocks), the earlier one's result gets a pair
    too: it travels as int8 into the other's epilogue.

    The cache names ONNX tensors: the pass finds them through the
    importer's `infer.tensor_name` attributes and the function arguments'
    `infer.name`. A product stays float when its input has no range in the
    cache (or a range of 0), when one of its ONNX nodes is listed in
    `keep`, when it is a grouped convolution, when both its operands
    are activations, or when `max-error` is set and the cache says int8
    costs its input a larger relative L2 error (per-layer fallback: what
    `infer-run --calibrate` measured between the fp32 tensor and its int8
    version, the cache's fourth column; a remark names each such product).
    A cache that names none of the module's tensors is
    an error (it was made for another model), as is a malformed one
    (the file and line are named).

    ```mlir
    %y = infer.conv %x, %w, %b ... // %x is "/stem/Relu_output_0"
    // becomes
    %q = infer.quantize %x : tensor<1x32x14x14xf32>
           -> tensor<1x32x14x14x!quant.uniform<i8<-127:127>:f32, 0.0321>>
    %d = infer.dequantize %q : ... -> tensor<1x32x14x14xf32>
    %y = infer.conv %d, %w, %b ...
    ```
  }];
  let options = [
    Option<"calibrationCache", "calibration-cache", "std::string",
           /*default=*/"\"\"", "The calibration cache to read">,
    Option<"precision", "precision", "std::string", /*default=*/"\"int8\"",
           "The quantized type: int8 or fp8 (f8E4M3FN)">,
    ListOption<"keep", "keep", "std::string",
               "ONNX node names whose products stay in float">,
    Option<"maxError", "max-error", "double", /*default=*/"0.0",
           "Products whose input int8 costs a larger relative L2 error "
           "(the cache's fourth column) stay in float (0: no limit)">,
  ];
  let dependentDialects = ["::mlir::infer::InferDialect",
                           "::mlir::quant::QuantDialect"];
}

def InferFoldQdq : Pass<"infer-fold-qdq"> {
  let summary = "Turn products of dequantized int8 values into int8 products";
  let description = [{
    Works on the Q/DQ form, from `infer-quantize` or from a model exported
    with QuantizeLinear / DequantizeLinear nodes (onnxruntime's
    `quantize_static`, NVIDIA ModelOpt, pytorch-quantization):
    - a per-tensor `infer.dequantize` of zero point 0 moves below
      `transpose`, `reshape`, `slice`, `expand`, `im2col` and zero
      `pad`, so that the int8 tensor is what those ops move;
    - a `conv` (not grouped), `matmul` (2-D weight) or `gemm` (activation
      not transposed) whose activation is such a dequantize and whose weight
      is a float constant takes the int8 activation and the weight
      quantized per output channel (symmetric, `max|w| / 127`, storage
      `i8<-127:127>` cast to a per-axis `!quant.uniform`). Its result stays
      float: the int32 sum times both scales, on which bias, activation,
      residual and the next layer's `infer.quantize` run as the epilogue;
    - a per-tensor `infer.quantize` of a max pool (whose input nothing
      else reads) moves above it (rounding is monotonic, so the pool moves
      int8), and one of a reshape above the reshape: the quantize joins
      the epilogue of its input's producer;
    - a residual `add` of a product's result and a value that another
      layer reads through a per-tensor quantize takes
      `dequantize(quantize(value))` instead (TensorRT's quantized residual
      input): the value's producer then writes int8 alone, and the
      dequantize joins the product's epilogue;
    - `quantize(dequantize(x))` of one type is `x`; the integer round trip
      an imported QuantizeLinear / DequantizeLinear pair leaves cancels.

    Activations with a zero point (onnxruntime's default asymmetric
    activations) stay in the Q/DQ form and compute in float.

    The same for f8E4M3FN (`infer-quantize precision=fp8`): values move as
    f8E4M3FN, a product takes the fp8 activation and its weight in
    f8E4M3FN per output channel (scale `max|w| / 448`), and its f32 result
    (the plain sum of the products) is multiplied by both scales, a
    per-channel `mul` after it that joins its epilogue. A `gemm`'s bias
    moves after that `mul`.

    ```mlir
    %d = infer.dequantize %q : tensor<4x64x!quant.uniform<i8:f32, 0.02>> -> tensor<4x64xf32>
    %y = infer.matmul %d, %w : (tensor<4x64xf32>, tensor<64x10xf32>) -> tensor<4x10xf32>
    // becomes
    %c = infer.constant dense<...> : tensor<64x10xi8>
    %wq = infer.cast %c : tensor<64x10xi8>
            to tensor<64x10x!quant.uniform<i8<-127:127>:f32:1, {...}>>
    %y = infer.matmul %q, %wq : (...) -> tensor<4x10xf32>
    ```
  }];
  let dependentDialects = ["::mlir::infer::InferDialect",
                           "::mlir::quant::QuantDialect"];
}

def InferSparse24 : Pass<"infer-sparse24", "::mlir::ModuleOp"> {
  let summary = "Rewrite 2:4 sparse weights into infer.sparse24";
  let description = [{
    Finds the constant weights of `matmul`, `gemm` and `conv` whose every
    group of four consecutive values along the reduction dimension K holds
    at most two non-zeros (NVIDIA's 2:4 pattern, as ASP, ModelOpt and
    torch.ao leave pruned models) and rewrites those of matrix products
    into `infer.sparse24` (kept values and 4-bit positions, the output
    channels as rows; a `K x N` weight through a transpose). Each
    contraction is logged in the module attribute `infer.sparsity`:
    `kind = "2:4"` (rewritten), `"declined"` with a `reason` (an
    activation operand, a grouped convolution, K not a multiple of 16, a
    convolution before `infer-conv-to-gemm`, or the target's reason given
    by `decline`), or `"dense"` (not 2:4), with its `weights` and `zeros`
    counts.

    `mode=force` first prunes every eligible weight by magnitude (the two
    largest values of every four stay; `forced` counts the weights
    zeroed). `decline=REASON` logs eligible weights as declined with that
    reason and leaves them dense (targets without sparse kernels).

    ```mlir
    %w = infer.constant dense<...> : tensor<32x8xf16>      // K x N, 2:4 along K
    %y = infer.matmul %x, %w : (tensor<4x32xf16>, tensor<32x8xf16>) -> tensor<4x8xf16>
    // becomes
    %d = infer.sparse24 %values, %meta : (tensor<8x16xf16>, tensor<8x2xi16>) -> tensor<8x32xf16>
    %t = infer.transpose %d perm [1, 0] : tensor<8x32xf16> -> tensor<32x8xf16>
    %y = infer.matmul %x, %t : ...
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"enable\"",
           "enable (use 2:4 weights) or force (prune eligible weights to "
           "2:4 by magnitude first)">,
    Option<"decline", "decline", "std::string", /*default=*/"\"\"",
           "Leave eligible weights dense and log them as declined for "
           "this reason">,
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferSparsityReport : Pass<"infer-sparsity-report", "::mlir::ModuleOp"> {
  let summary = "Print the module's sparsity log as a table";
  let description = [{
    Prints the `infer.sparsity` entries the sparsity passes wrote, one
    line per contraction: ONNX node, op, what was done (2:4 used, declined
    and why, dense, channels removed), the share of zero weights nothing
    exploits, and the FLOPs saved; then the totals. The IR is unchanged.
  }];
}

def InferRecognizeActivations : Pass<"infer-recognize-activations"> {
  let summary = "Recognize activations exported as several nodes";
  let description = [{
    Rewrites the decomposed forms exporters write into one `infer.unary`:

    - `x * sigmoid(x)` into `silu`;
    - `0.5 * x * (1 + erf(x / sqrt(2)))`, in any association, into `gelu`;
    - `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))` into
      `gelu_tanh`;
    - `x * hard_sigmoid(x)` (alpha 1/6, beta 1/2) and
      `x * clip(x + 3, 0, 6) / 6` into `hard_swish`.

    Intermediates must have no other user.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferRecognizeLayerNorm : Pass<"infer-recognize-layer-norm"> {
  let summary = "Recognize layer normalization exported as several nodes";
  let description = [{
    Rewrites `(x - mean(x)) / sqrt(mean((x - mean(x))^2) + eps)` over the
    trailing axes, optionally followed by a multiplication by a constant
    scale and an addition of a constant bias, into `infer.layer_norm`. This
    is the form PyTorch exports below opset 17 (ReduceMean, Sub, Pow,
    ReduceMean, Add, Sqrt, Div, Mul, Add).
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferRecognizeAttention : Pass<"infer-recognize-attention"> {
  let summary = "Recognize scaled dot-product attention";
  let description = [{
    Rewrites `matmul(softmax(scale * matmul(q, kᵀ) + mask), v)` into
    `infer.attention`. The scale may be a multiplication or division by a
    scalar constant of the scores, of `q` or of `kᵀ`; the mask is an
    optional addition before the softmax; `kᵀ` is usually a transpose of the
    last two dimensions, which the rewrite looks through. The softmax must
    be over the last axis and the intermediates must have no other user.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferLiftConv1d : Pass<"infer-lift-conv1d"> {
  let summary = "Run 1-D convolutions and pooling as 2-D ones of height 1";
  let description = [{
    A convolution of rank-3 tensors ([N, C, L], NCL) becomes the 2-D
    convolution of [N, C, 1, L] by the weight reshaped to [M, C, 1, K]
    (strides, pads and dilations of height 1), between two reshapes, which
    cost nothing: the 2-D kernel templates then take it (audio and text
    CNNs: a 64 -> 128 channel, 5-tap convolution of 4000 samples ran 36 ms
    on the generic path). The weight's reshape folds into the constant.
    1-D max and average pooling likewise (the 2-D pool template).

    ```mlir
    %y = infer.conv %x, %w strides [1] pads [2, 2] dilations [1] group 1
         : (tensor<1x64x4000xf32>, tensor<128x64x5xf32>) -> tensor<1x128x4000xf32>
    ```
    becomes a reshape to `tensor<1x64x1x4000xf32>`, the convolution with
    `strides [1, 1] pads [0, 2, 0, 2] dilations [1, 1]` and a reshape back.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferConvTransposeToConv : Pass<"infer-conv-transpose-to-conv"> {
  let summary = "Run 2-D transposed convolutions as convolutions of the "
                "zero-upsampled input";
  let description = [{
    A transposed convolution of stride s is the convolution, of stride 1
    and the same dilation, of its input with s - 1 zeros inserted between
    neighbours (a reshape, a zero pad and a reshape), padded by
    d (k - 1) - pad at the start and d (k - 1) - pad + output_padding at the
    end (a pad op where that is negative), by its weight with input and
    output channels swapped (per group) and the window flipped, computed
    at compile time. That costs s x s times the multiply-adds of the
    transposed convolution, mostly of zeros, but runs on the convolution
    templates across threads: a 64 -> 32 channel 4x4 stride-2 upsampling
    of a 64 x 64 image took 275 ms on the generic path. Where the stride
    equals the kernel (no padding, output padding, dilation or groups: the
    2x upsampling of U-Nets and text detectors) the output's s x s blocks
    are disjoint: a 1x1 convolution to M s s channels, then a reshape, a
    transpose and a reshape put each block in place, with no multiply-add
    of a zero. Constant weights, static shapes; run for CPU targets.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferSimplifyLayout : Pass<"infer-simplify-layout"> {
  let summary = "Merge and remove layout changes";
  let description = [{
    Composes transposes of transposes and reshapes of reshapes, turns a
    transpose that only moves unit dimensions into a reshape (which costs
    nothing: it shares its operand's buffer), and a split into one slice
    per piece (slices are views a consumer kernel can read in place).
    Multiplications and divisions by a scalar constant move below
    transposes, reshapes and matrix products, and reshapes that only add
    or drop unit dimensions move above matrix products and their bias, so
    that both land in a product's epilogue (attention's query scaling,
    the residual add after an exported attention's output projection).
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferConvertPrecision : Pass<"infer-convert-precision"> {
  let summary = "Run float ops in fp16 or bf16";
  let description = [{
    What `infer-compile --precision=fp16|bf16` does to the graph. Every op
    that computes on f32 tensors gets its f32 operands cast to `precision`
    and its results cast back; then casts that cancel
    (`f16 -> f32 -> f16`) are removed and casts of constants fold, so that
    weights are stored converted and only the model's inputs and outputs
    stay f32. Sums whose result can leave the 16-bit range keep f32
    (`reduce`, `cumsum`), as do `batch_norm` and ops the model computes on
    indices. Contractions, softmax, layer norm and pooling on 16-bit
    tensors accumulate in f32 in every kernel.
  }];
  let options = [
    Option<"precision", "precision", "std::string", /*default=*/"\"fp16\"",
           "fp16 or bf16">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferConvToGemm : Pass<"infer-conv-to-gemm"> {
  let summary = "Rewrite 16-bit and TF32 2-D convolutions as NHWC matrix products";
  let description = [{
    For targets whose fastest kernel is a tensor-core GEMM (CUDA sm_90a).
    An ungrouped 2-D `conv` on f16 or bf16 (or on f32 in a module marked
    `infer.tf32`: its products may run as TF32) with a constant weight
    becomes

    - when `kh*kw*C` values are not a multiple of 16 bytes (a TMA row's
      pitch: 8 16-bit values, 4 f32 ones), a `pad` of the channels up to
      one that is;
    - a transpose of the input to NHWC;
    - for a 1x1 stride-1 unpadded convolution, nothing more: the NHWC
      tensor is already the `[N*H*W, C]` matrix;
    - else a spatial `pad` and one `gather` of the `kh*kw` window
      positions of every output pixel (im2col, with strides and dilations
      in the indices);
    - a `matmul` with the weight reordered to `[kh*kw*C, M]`, the bias as
      an `add`, and a transpose back to NCHW.

    A grouped 2-D convolution with at least 4 channels per group and at
    most 64 groups takes the same form with a block-diagonal weight (zeros
    where an output channel's group does not read: tensor cores do `group`
    times the work; an Inf or NaN input then reaches every group's outputs
    at its pixel, as 0 * Inf is NaN). Other grouped convolutions (depthwise
    included) become a `channels_last` `conv` between a transpose to NHWC
    and one back.

    `infer-sink-layout` then lets the transposes of consecutive
    convolutions cancel, so activations stay NHWC between them.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferSinkLayout : Pass<"infer-sink-layout"> {
  let summary = "Move transposes and reshapes below elementwise ops";
  let description = [{
    Rewrites `op(T(x))` into `T(op(x))` for a transpose or reshape `T`
    used once and an elementwise unary op, and `op(T(a), T(b))` into
    `T(op(a, b))` for a binary op whose operands went through the same
    layout change (or whose other operand is a constant that can follow
    it, or a tensor whose layout change only moves dimensions of size 1,
    such as a squeeze-excite scale `[N, C, 1, 1]`). A `global_pool` of a
    channels-last tensor transposed to channels-first becomes a `reduce`
    over the spatial dimensions of the channels-last one. Inverse
    transposes then meet and compose to nothing, and the elementwise ops
    land right after the kernel that produced their operand, where fusion
    puts them in its epilogue.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferFuse : Pass<"infer-fuse"> {
  let summary = "Group ops into fusion groups (`infer.fused`)";
  let description = [{
    Wraps each group of ops that will run as one kernel in an `infer.fused`
    region, named by what it fused:

    - an anchor (`conv`, `conv_transpose`, `gemm`, `matmul`, `attention`,
      `softmax`, `log_softmax`, `layer_norm`) with its epilogue: the chain of
      elementwise ops that follows it (bias, activation, residual add,
      activation) where each intermediate has no other user, the other
      operands broadcast to the result and every activation can run in
      registers;
    - connected elementwise ops (with broadcasts, `expand` and reshapes)
      into one group;
    - layout changes (`transpose`, `reshape`, `slice`) that feed an
      attention, matmul or elementwise group, or that follow an attention,
      cloned into the group so that the kernel reads (or writes) through a
      strided view instead of a copy.

    With `views=false` (GPU targets) layout changes stay kernels of their
    own: a GPU kernel splits into one thread per output element only when
    every op of its group tiles, and reshapes do not; and an elementwise
    group keeps one result (an op joins through the group's last value
    only when nothing else reads it), since the split follows one result.

    A group holds at most `max-group-ops` ops: past that a chain starts a
    new group. One kernel's compile time grows faster than its size in
    LLVM (a 4,000-op kernel took 78 s and 2.4 GB), while the extra memory
    pass a split costs is small next to that many ops' work.
  }];
  let options = [
    Option<"views", "views", "bool", /*default=*/"true",
           "clone layout changes into the groups that read them">,
    Option<"maxGroupOps", "max-group-ops", "int64_t", /*default=*/"64",
           "most ops in one fusion group (one kernel)">
  ];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

def InferConcatInPlace : Pass<"infer-concat-in-place"> {
  let summary = "Let producers write straight into a concatenation";
  let description = [{
    Marks `infer.concat` ops with `in_place` when every operand is computed
    by a kernel (not a graph input or constant), is used by nothing else,
    and lands in one contiguous range of the result (every dimension before
    the axis is 1). The planner then gives each producer a slice of the
    concatenation's buffer and the concatenation costs nothing.
  }];
  let dependentDialects = ["::mlir::infer::InferDialect"];
}

#endif // INFER_TRANSFORMS_PASSES_TD
