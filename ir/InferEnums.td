//===- InferEnums.td - Enumerations of the infer dialect ----*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The kinds of elementwise, reduction and pooling ops and the modes of pad
// and resize. One enum per op family keeps one op per family and one switch
// per lowering.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_ENUMS_TD
#define INFER_ENUMS_TD

include "mlir/IR/EnumAttr.td"

def Infer_UnaryKind : I32EnumAttr<"UnaryKind", "elementwise unary function", [
  I32EnumAttrCase<"abs", 0>, I32EnumAttrCase<"neg", 1>,
  I32EnumAttrCase<"exp", 2>, I32EnumAttrCase<"log", 3>,
  I32EnumAttrCase<"sqrt", 4>, I32EnumAttrCase<"reciprocal", 5>,
  I32EnumAttrCase<"sin", 6>, I32EnumAttrCase<"cos", 7>,
  I32EnumAttrCase<"tan", 8>, I32EnumAttrCase<"asin", 9>,
  I32EnumAttrCase<"acos", 10>, I32EnumAttrCase<"atan", 11>,
  I32EnumAttrCase<"sinh", 12>, I32EnumAttrCase<"cosh", 13>,
  I32EnumAttrCase<"tanh", 14>, I32EnumAttrCase<"asinh", 15>,
  I32EnumAttrCase<"acosh", 16>, I32EnumAttrCase<"atanh", 17>,
  I32EnumAttrCase<"erf", 18>, I32EnumAttrCase<"floor", 19>,
  I32EnumAttrCase<"ceil", 20>, I32EnumAttrCase<"round", 21>,
  I32EnumAttrCase<"sign", 22>, I32EnumAttrCase<"not_", 23, "not">,
  I32EnumAttrCase<"sigmoid", 24>, I32EnumAttrCase<"relu", 25>,
  I32EnumAttrCase<"leaky_relu", 26>, I32EnumAttrCase<"elu", 27>,
  I32EnumAttrCase<"selu", 28>, I32EnumAttrCase<"celu", 29>,
  I32EnumAttrCase<"hard_sigmoid", 30>, I32EnumAttrCase<"hard_swish", 31>,
  I32EnumAttrCase<"softplus", 32>, I32EnumAttrCase<"softsign", 33>,
  I32EnumAttrCase<"mish", 34>, I32EnumAttrCase<"silu", 35>,
  I32EnumAttrCase<"gelu", 36>, I32EnumAttrCase<"gelu_tanh", 37>,
  I32EnumAttrCase<"clip", 38>, I32EnumAttrCase<"thresholded_relu", 39>,
  I32EnumAttrCase<"shrink", 40>, I32EnumAttrCase<"is_nan", 41>,
  I32EnumAttrCase<"is_inf", 42>, I32EnumAttrCase<"bitwise_not", 43>,
  I32EnumAttrCase<"identity", 44>
]> {
  let cppNamespace = "::mlir::infer";
  let description = [{
    `alpha` and `beta` carry the parameters: leaky_relu, elu, celu and
    thresholded_relu use `alpha`; selu uses `alpha` and `beta` (gamma);
    hard_sigmoid `alpha` and `beta`; clip `alpha` (min) and `beta` (max);
    shrink `alpha` (lambda) and `beta` (bias); is_inf `alpha` (detect
    negative, 0 or 1) and `beta` (detect positive).
  }];
}

def Infer_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary function", [
  I32EnumAttrCase<"add", 0>, I32EnumAttrCase<"sub", 1>,
  I32EnumAttrCase<"mul", 2>, I32EnumAttrCase<"div", 3>,
  I32EnumAttrCase<"pow", 4>, I32EnumAttrCase<"max", 5>,
  I32EnumAttrCase<"min", 6>, I32EnumAttrCase<"mod", 7>,
  I32EnumAttrCase<"fmod", 8>, I32EnumAttrCase<"prelu", 9>,
  I32EnumAttrCase<"and_", 10, "and">, I32EnumAttrCase<"or_", 11, "or">,
  I32EnumAttrCase<"xor_", 12, "xor">, I32EnumAttrCase<"equal", 13>,
  I32EnumAttrCase<"greater", 14>, I32EnumAttrCase<"greater_equal", 15>,
  I32EnumAttrCase<"less", 16>, I32EnumAttrCase<"less_equal", 17>,
  I32EnumAttrCase<"bitwise_and", 18>, I32EnumAttrCase<"bitwise_or", 19>,
  I32EnumAttrCase<"bitwise_xor", 20>, I32EnumAttrCase<"shift_left", 21>,
  I32EnumAttrCase<"shift_right", 22>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_ReduceKind : I32EnumAttr<"ReduceKind", "reduction function", [
  I32EnumAttrCase<"sum", 0>, I32EnumAttrCase<"mean", 1>,
  I32EnumAttrCase<"max", 2>, I32EnumAttrCase<"min", 3>,
  I32EnumAttrCase<"prod", 4>, I32EnumAttrCase<"l1", 5>,
  I32EnumAttrCase<"l2", 6>, I32EnumAttrCase<"log_sum", 7>,
  I32EnumAttrCase<"log_sum_exp", 8>, I32EnumAttrCase<"sum_square", 9>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_ArgKind : I32EnumAttr<"ArgKind", "index reduction", [
  I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"min", 1>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_PoolKind : I32EnumAttr<"PoolKind", "pooling function", [
  I32EnumAttrCase<"max", 0>, I32EnumAttrCase<"avg", 1>,
  I32EnumAttrCase<"lp", 2>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_PadMode : I32EnumAttr<"PadMode", "padding mode", [
  I32EnumAttrCase<"constant", 0>, I32EnumAttrCase<"reflect", 1>,
  I32EnumAttrCase<"edge", 2>, I32EnumAttrCase<"wrap", 3>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_ResizeMode : I32EnumAttr<"ResizeMode", "resize interpolation", [
  I32EnumAttrCase<"nearest", 0>, I32EnumAttrCase<"linear", 1>,
  I32EnumAttrCase<"cubic", 2>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_CoordinateMode : I32EnumAttr<"CoordinateMode",
    "resize coordinate transformation", [
  I32EnumAttrCase<"half_pixel", 0>, I32EnumAttrCase<"pytorch_half_pixel", 1>,
  I32EnumAttrCase<"align_corners", 2>, I32EnumAttrCase<"asymmetric", 3>,
  I32EnumAttrCase<"tf_crop_and_resize", 4>,
  I32EnumAttrCase<"half_pixel_symmetric", 5>,
  I32EnumAttrCase<"tf_half_pixel_for_nn", 6>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_NearestMode : I32EnumAttr<"NearestMode", "resize nearest rounding", [
  I32EnumAttrCase<"round_prefer_floor", 0>,
  I32EnumAttrCase<"round_prefer_ceil", 1>,
  I32EnumAttrCase<"floor", 2>, I32EnumAttrCase<"ceil", 3>
]> {
  let cppNamespace = "::mlir::infer";
}

def Infer_CheckKind : I32EnumAttr<"CheckKind", "rule of a run-time check", [
  I32EnumAttrCase<"index", 0>, I32EnumAttrCase<"nonzero", 1>
]> {
  let cppNamespace = "::mlir::infer";
}

#endif // INFER_ENUMS_TD
