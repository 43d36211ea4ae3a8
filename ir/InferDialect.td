//===- InferDialect.td - The infer dialect definition ------*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The `infer` dialect: value-semantics tensor ops with ONNX meaning made
// explicit. This file holds the dialect record and the op base class.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_DIALECT_TD
#define INFER_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Infer_Dialect : Dialect {
  let name = "infer";
  let cppNamespace = "::mlir::infer";
  let summary = "Tensor operations of neural-network inference graphs";
  let description = [{
    The `infer` dialect holds the graph that infer's frontend imports from ONNX
    and that its passes optimize. Operations have value semantics on builtin
    tensors; every ONNX attribute is present and normalized (negative axes are
    resolved, pads are spelled out per spatial dimension, default values are
    filled in), broadcasting is verified and the layout is NCHW as in ONNX.

    Element types are `f32`, `f16`, `bf16`, `f64`, signless integers for
    signed ONNX integers, unsigned integers for unsigned ONNX integers, `i1`
    for booleans, and `!quant.uniform` types for quantized tensors so that
    precision is visible in the IR and checked by verifiers.

    Dynamic dimensions are `?`. Shape helpers shared by verifiers and the
    importer (`ir/ShapeInference.h`) compute result shapes, so a verifier
    error and an import error say the same thing.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let hasConstantMaterializer = 1;
  let usePropertiesForAttributes = 1;
  let useDefaultAttributePrinterParser = 1;
  // `infer.tile` must hold a tile configuration its op can take.
  let hasOperationAttrVerify = 1;
  // `infer.buffer` on a function argument must be a buffer.
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// The attribute name of a kernel template's tile configuration.
    static constexpr ::llvm::StringLiteral getTileAttrName() {
      return ::llvm::StringLiteral("infer.tile");
    }
    /// A unit attribute on the module: f32 matrix products may run as TF32
    /// on tensor cores (`--precision=fp32`, the default; absent with
    /// `--precision=fp32-strict`).
    static constexpr ::llvm::StringLiteral getTf32AttrName() {
      return ::llvm::StringLiteral("infer.tf32");
    }
    /// A string attribute on an op: the ONNX tensor its result is (set by
    /// the importer when asked, read by passes that take per-tensor data
    /// by name, such as infer-quantize's calibration cache).
    static constexpr ::llvm::StringLiteral getTensorNameAttrName() {
      return ::llvm::StringLiteral("infer.tensor_name");
    }
    /// Whether the module holding `op` carries `infer.tf32`.
    static bool allowsTf32(::mlir::Operation *op);
    /// Weights (resource blobs) infer made in this context, so that the
    /// memory of the ones no op uses any more can be released
    /// (ir/ConstantView.h).
    std::mutex weightsMutex;
    std::vector<::mlir::DenseResourceElementsAttr> weights;
  private:
    void registerAttributes();
  public:
  }];
}

/// Every tensor an infer op takes or makes has dimensions that are
/// dynamic or at least 0 (a negative size from a malformed model is an
/// error, not a type).
def Infer_ValidShapes : NativeOpTrait<"ValidShapes"> {
  let cppNamespace = "::mlir::infer";
}

/// Base class of every infer op.
class Infer_Op<string mnemonic, list<Trait> traits = []>
    : Op<Infer_Dialect, mnemonic, !listconcat(traits, [Infer_ValidShapes])>;

//===----------------------------------------------------------------------===//
// Attribute and type constraints
//===----------------------------------------------------------------------===//

/// A signed 64-bit integer attribute: axes and groups read back as int64_t
/// (upstream I64Attr returns uint64_t).
def Infer_I64Attr : TypedSignlessIntegerAttrBase<I64, "int64_t",
                                                 "64-bit integer attribute"> {
  let convertFromStorage = "$_self.getValue().getSExtValue()";
}

def Infer_FloatElement : AnyTypeOf<[F16, BF16, F32, F64]>;
def Infer_QuantElement : Type<CPred<"::llvm::isa<::mlir::quant::UniformQuantizedType, ::mlir::quant::UniformQuantizedPerAxisType>($_self)">,
                              "uniform quantized type">;
def Infer_FloatTensor : RankedTensorOf<[F16, BF16, F32, F64]>;
def Infer_IndexTensor : RankedTensorOf<[I32, I64]>;
def Infer_QuantTensor : RankedTensorOf<[Infer_QuantElement]>;
def Infer_QuantOrFp8Tensor : RankedTensorOf<[Infer_QuantElement, F8E4M3FN]>;
def Infer_Tensor : RankedTensorOf<[AnyType]>;

#endif // INFER_DIALECT_TD
