// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-other.cache" 2>&1 | FileCheck %s --check-prefix=OTHER
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-short.cache" 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-trt.cache" 2>&1 | FileCheck %s --check-prefix=HEADER
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-scale.cache" 2>&1 | FileCheck %s --check-prefix=SCALE
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-nan.cache" 2>&1 | FileCheck %s --check-prefix=NAN
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-version.cache" 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/missing.cache" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not infer-opt %s --infer-quantize 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-mostly-other.cache" 2>&1 | FileCheck %s --check-prefix=MOSTLY
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize-bad-error.cache" 2>&1 | FileCheck %s --check-prefix=BADERROR
// RUN: not infer-opt %s --infer-quantize="calibration-cache=%S/Inputs/quantize.cache precision=int4" 2>&1 | FileCheck %s --check-prefix=PRECISION

// Tests the errors of a calibration cache that cannot be used: each names
// the file (and the line).
// OTHER: error: the calibration cache '{{.*}}quantize-other.cache' names none of this model's tensors (first: 'elsewhere'): it was made for another model
// SHORT: error: {{.*}}quantize-short.cache:2: expected 'name<TAB>amax<TAB>scale[<TAB>error]', got 'x{{.}}1.27'
// BADERROR: error: {{.*}}quantize-bad-error.cache:2: tensor 'x' has an error that is not a finite non-negative number ('lots')
// HEADER: error: {{.*}}quantize-trt.cache:1: not an infer calibration cache
// SCALE: error: {{.*}}quantize-scale.cache:2: tensor 'x': scale 0.5 is not amax / 127 (amax 1.27)
// NAN: error: {{.*}}quantize-nan.cache:2: tensor 'x' has an amax or scale that is not a finite non-negative number
// VERSION: error: {{.*}}quantize-version.cache:1: calibration cache version 2 is not the version this compiler reads (1)
// MISSING: error: cannot read the calibration cache '{{.*}}missing.cache'
// NONE: error: infer-quantize needs a calibration cache
// MOSTLY: error: the calibration cache '{{.*}}quantize-mostly-other.cache' names 5 tensors, only 1 of them in this model (first missing: 'other_{{.}}'): it was made for another model
// PRECISION: error: infer-quantize: precision 'int4' is not int8 or fp8
func.func @f(%x: tensor<2x8xf32> {infer.name = "x"}) -> tensor<2x4xf32> {
  %w = infer.constant dense<0.5> : tensor<8x4xf32>
  %y = infer.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
