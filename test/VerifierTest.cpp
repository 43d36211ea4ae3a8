//===- VerifierTest.cpp - Verifier corner cases, asserted on messages -----===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Parses small modules and asserts on the first diagnostic, for cases that
// are awkward in lit: dynamic dimensions accepted where static ones would be
// checked, quantized types built in C++, and the constant materializer.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {
class VerifierTest : public ::testing::Test {
protected:
  VerifierTest() {
    context.loadDialect<infer::InferDialect, func::FuncDialect,
                        quant::QuantDialect>();
    handlerId = context.getDiagEngine().registerHandler([this](Diagnostic &d) {
      if (message.empty())
        message = d.str();
    });
  }
  ~VerifierTest() override { context.getDiagEngine().eraseHandler(handlerId); }

  /// Parses and verifies `body` inside a function; true when valid.
  bool parses(const std::string &body) {
    message.clear();
    std::string text = "func.func @f" + body;
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(text, ParserConfig(&context));
    return static_cast<bool>(module);
  }

  MLIRContext context;
  DiagnosticEngine::HandlerID handlerId;
  std::string message;
};
} // namespace

TEST_F(VerifierTest, ReshapeAllowsOneDynamicDimension) {
  EXPECT_TRUE(parses(R"((%x: tensor<?x2048x1x1xf32>) -> tensor<?x2048xf32> {
    %y = infer.reshape %x : tensor<?x2048x1x1xf32> -> tensor<?x2048xf32>
    return %y : tensor<?x2048xf32> })"));
  EXPECT_FALSE(parses(R"((%x: tensor<?x6xf32>) -> tensor<?x?xf32> {
    %y = infer.reshape %x : tensor<?x6xf32> -> tensor<?x?xf32>
    return %y : tensor<?x?xf32> })"));
  EXPECT_NE(message.find("at most one dynamic result dimension"),
            std::string::npos)
      << message;
}

TEST_F(VerifierTest, DynamicBatchConvIsAccepted) {
  EXPECT_TRUE(parses(
      R"((%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32> {
    %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1
      : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
    return %y : tensor<?x4x6x6xf32> })"));
}

TEST_F(VerifierTest, ConvResultMismatchNamesBothShapes) {
  EXPECT_FALSE(parses(
      R"((%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
    %y = infer.conv %x, %w strides [1, 1] pads [0, 0, 0, 0] dilations [1, 1] group 1
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
    return %y : tensor<1x4x8x8xf32> })"));
  EXPECT_EQ(message, "'infer.conv' op result shape [1, 4, 8, 8] does not match "
                     "the inferred shape [1, 4, 6, 6]");
}

TEST_F(VerifierTest, PerAxisQuantizationChecksScaleCount) {
  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  auto perAxis = quant::UniformQuantizedPerAxisType::get(
      quant::QuantizationFlags::Signed, b.getI8Type(), b.getF32Type(),
      {0.5, 0.25}, {0, 0}, /*quantizedDimension=*/0, -128, 127);
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
  auto fty = b.getFunctionType({RankedTensorType::get({3, 4}, b.getF32Type())},
                               {});
  auto fn = func::FuncOp::create(b, loc, "f", fty);
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  infer::QuantizeOp::create(b, loc, RankedTensorType::get({3, 4}, perAxis),
                            entry->getArgument(0));
  func::ReturnOp::create(b, loc);
  message.clear();
  EXPECT_TRUE(failed(verify(module)));
  EXPECT_EQ(message, "'infer.quantize' op expects 3 scales for dimension 0, "
                     "got 2");
  module->erase();
}

TEST_F(VerifierTest, ConstantMaterializerBuildsInferConstant) {
  OpBuilder b(&context);
  auto type = RankedTensorType::get({2}, b.getF32Type());
  auto value = DenseElementsAttr::get(type, ArrayRef<float>{1.0f, 2.0f});
  auto *dialect = context.getLoadedDialect<infer::InferDialect>();
  Operation *op =
      dialect->materializeConstant(b, value, type, b.getUnknownLoc());
  ASSERT_NE(op, nullptr);
  EXPECT_TRUE(llvm::isa<infer::ConstantOp>(op));
  // A type that disagrees with the attribute is refused.
  auto other = RankedTensorType::get({2}, b.getF16Type());
  EXPECT_EQ(dialect->materializeConstant(b, value, other, b.getUnknownLoc()),
            nullptr);
  op->erase();
}

TEST_F(VerifierTest, NegativeDimensionsAreRefused) {
  // A negative size cannot be written in IR text, but a malformed model or
  // an importer bug could build one in C++: every infer op refuses it
  // (lit/ir/diagnostic-coverage.test reads the expectation below).
  // expected-error {{operand #0 has a negative dimension ([-3])}}
  OpBuilder b(&context);
  Location loc = b.getUnknownLoc();
  auto module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module.getBody());
  auto bad = RankedTensorType::get({-3}, b.getF32Type());
  auto fn = func::FuncOp::create(b, loc, "f", b.getFunctionType({bad}, {}));
  Block *entry = fn.addEntryBlock();
  b.setInsertionPointToStart(entry);
  infer::UnaryOp::create(b, loc, bad, infer::UnaryKind::relu,
                         entry->getArgument(0), FloatAttr(), FloatAttr());
  func::ReturnOp::create(b, loc);
  message.clear();
  EXPECT_TRUE(failed(verify(module)));
  EXPECT_EQ(message,
            "'infer.unary' op operand #0 has a negative dimension ([-3])");
  module->erase();
}
