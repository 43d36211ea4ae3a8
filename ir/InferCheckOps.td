//===- InferCheckOps.td - Run-time checks of tensor values --*- tablegen -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Checks of values that only the run-time data can violate: gather indices
// within their axis, integer divisors other than zero. A failed check makes
// the run fail with a message naming the ONNX node; the kernels it guards
// never fault.
//
//===----------------------------------------------------------------------===//

#ifndef INFER_CHECK_OPS_TD
#define INFER_CHECK_OPS_TD

def Infer_CheckOp : Infer_Op<"check", [MemoryEffects<[MemWrite]>]> {
  let summary = "run-time check of a tensor's values";
  let description = [{
    `failed` is true when an element of `input` breaks the rule `kind`:
    `index` wants `-bound <= x < bound` (a gather index into an axis of
    `bound` elements, negative ones counting from the end), `nonzero` wants
    `x != 0` (an integer divisor). The op has an effect: it is never folded
    away while its input is unknown, and the plan stops the run with an
    error when `failed` is set. On constants it folds, and a violation is a
    compile-time error at the op's location.

    `infer-insert-checks` adds one before every gather whose indices and
    every integer division whose divisor are known only at run time.

    ```mlir
    %bad = infer.check index %ids bound 30522 : tensor<1x128xi64> -> tensor<i1>
    %zero = infer.check nonzero %d : tensor<4xi32> -> tensor<i1>
    ```
  }];
  let arguments = (ins Infer_CheckKind:$kind, Infer_Tensor:$input,
                       DefaultValuedAttr<Infer_I64Attr, "0">:$bound);
  let results = (outs 0DTensorOf<[I1]>:$failed);
  let assemblyFormat = [{
    $kind $input (`bound` $bound^)? attr-dict `:` type($input) `->` type($failed)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// What a failure means, for the error of the run: "index out of range
    /// [-5, 4]", "integer division by zero".
    std::string describeFailure();
  }];
}

#endif // INFER_CHECK_OPS_TD
