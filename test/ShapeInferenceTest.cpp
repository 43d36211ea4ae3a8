//===- ShapeInferenceTest.cpp - Tests of the shared shape rules -----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The rules in ir/ShapeInference.h serve verifiers and the importer; these
// tests pin their corner cases: dynamic dimensions, ceil mode, 1-D matmul
// operands, negative slice steps, and the messages they produce.
//
//===----------------------------------------------------------------------===//

#include "ir/ShapeInference.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::infer;

namespace {
constexpr int64_t kDyn = ShapedType::kDynamic;

/// Collects the message of the last diagnostic emitted in the context.
class ShapeInferenceTest : public ::testing::Test {
protected:
  ShapeInferenceTest() {
    handlerId = context.getDiagEngine().registerHandler(
        [this](Diagnostic &diag) { message = diag.str(); });
  }
  ~ShapeInferenceTest() override {
    context.getDiagEngine().eraseHandler(handlerId);
  }
  InFlightDiagnostic emit() { return emitError(UnknownLoc::get(&context)); }

  MLIRContext context;
  DiagnosticEngine::HandlerID handlerId;
  std::string message;
};
} // namespace

TEST_F(ShapeInferenceTest, BroadcastNumpyRules) {
  auto e = [&] { return emit(); };
  EXPECT_EQ(*broadcastShapes({8, 1, 6, 1}, {7, 1, 5}, e),
            (Shape{8, 7, 6, 5}));
  EXPECT_EQ(*broadcastShapes({}, {3, 4}, e), (Shape{3, 4}));
  EXPECT_EQ(*broadcastShapes({kDyn, 4}, {1, 4}, e), (Shape{kDyn, 4}));
  EXPECT_EQ(*broadcastShapes({kDyn, 4}, {3, 1}, e), (Shape{3, 4}));
  EXPECT_TRUE(failed(broadcastShapes({2, 3}, {4, 3}, e)));
  EXPECT_EQ(message, "shapes [2, 3] and [4, 3] do not broadcast (dimension 0: "
                     "2 vs 4)");
}

TEST_F(ShapeInferenceTest, BroadcastWithoutDiagnosticStaysSilent) {
  EXPECT_TRUE(failed(broadcastShapes({2}, {3}, nullptr)));
  EXPECT_TRUE(message.empty());
}

TEST_F(ShapeInferenceTest, ConvGroupsStridesDilations) {
  auto e = [&] { return emit(); };
  // ResNet stem: 224 -> 112 with 7x7 stride 2 pad 3.
  EXPECT_EQ(*inferConvShape({1, 3, 224, 224}, {64, 3, 7, 7}, {2, 2},
                            {3, 3, 3, 3}, {1, 1}, 1, e),
            (Shape{1, 64, 112, 112}));
  // Depthwise with dilation 2: effective kernel 5.
  EXPECT_EQ(*inferConvShape({2, 32, 10, 10}, {32, 1, 3, 3}, {1, 1},
                            {0, 0, 0, 0}, {2, 2}, 32, e),
            (Shape{2, 32, 6, 6}));
  // Dynamic batch and dynamic spatial size.
  EXPECT_EQ(*inferConvShape({kDyn, 3, kDyn}, {8, 3, 3}, {1}, {1, 1}, {1}, 1,
                            e),
            (Shape{kDyn, 8, kDyn}));
  EXPECT_TRUE(failed(inferConvShape({1, 6, 8, 8}, {4, 4, 3, 3}, {1, 1},
                                    {0, 0, 0, 0}, {1, 1}, 2, e)));
  EXPECT_EQ(message, "expects input channels (6) to equal weight channels per "
                     "group (4) times group (2)");
}

TEST_F(ShapeInferenceTest, ConvTransposeOutputPadding) {
  auto e = [&] { return emit(); };
  EXPECT_EQ(*inferConvTransposeShape({1, 8, 4, 4}, {8, 2, 3, 3}, {2, 2},
                                     {1, 1, 1, 1}, {1, 1}, {1, 1}, 2, e),
            (Shape{1, 4, 8, 8}));
  EXPECT_TRUE(failed(inferConvTransposeShape(
      {1, 8, 4, 4}, {8, 2, 3, 3}, {2, 2}, {1, 1, 1, 1}, {1, 1}, {2, 0}, 1, e)));
}

TEST_F(ShapeInferenceTest, PoolCeilModeDropsWindowInPadding) {
  auto e = [&] { return emit(); };
  // WindowGeometry holds ArrayRefs: keep the arrays alive.
  Shape k3{3, 3}, s2{2, 2}, p0{0, 0, 0, 0}, d1{1, 1};
  WindowGeometry w{k3, s2, p0, d1};
  EXPECT_EQ(*inferPoolShape({1, 1, 4, 4}, w, true, e), (Shape{1, 1, 2, 2}));
  EXPECT_EQ(*inferPoolShape({1, 1, 4, 4}, w, false, e), (Shape{1, 1, 1, 1}));
  // 5 with kernel 2 stride 2 pad 1: floor 3, ceil 4 minus the window that
  // would start in the end padding = 3.
  Shape k2{2}, s1{2}, p1{1, 1}, d{1};
  WindowGeometry p{k2, s1, p1, d};
  EXPECT_EQ(*inferPoolShape({1, 1, 5}, p, true, e), (Shape{1, 1, 3}));
}

TEST_F(ShapeInferenceTest, MatMulVectorsAndBatches) {
  auto e = [&] { return emit(); };
  EXPECT_EQ(*inferMatMulShape({4}, {4}, e), (Shape{}));
  EXPECT_EQ(*inferMatMulShape({4}, {2, 4, 5}, e), (Shape{2, 5}));
  EXPECT_EQ(*inferMatMulShape({3, 1, 2, 4}, {5, 4, 6}, e),
            (Shape{3, 5, 2, 6}));
  EXPECT_TRUE(failed(inferMatMulShape({2, 3}, {4, 5}, e)));
  EXPECT_EQ(message,
            "expects the contraction dimensions to match, got [2, 3] and [4, 5]");
}

TEST_F(ShapeInferenceTest, GemmTransposes) {
  auto e = [&] { return emit(); };
  EXPECT_EQ(*inferGemmShape({4, 3}, {5, 4}, true, true, e), (Shape{3, 5}));
  EXPECT_TRUE(failed(inferGemmShape({4, 3}, {5, 4}, false, true, e)));
}

TEST_F(ShapeInferenceTest, ReduceAxes) {
  auto e = [&] { return emit(); };
  EXPECT_EQ(*inferReduceShape({2, 3, 4}, {1}, true, e), (Shape{2, 1, 4}));
  EXPECT_EQ(*inferReduceShape({2, 3, 4}, {0, 2}, false, e), (Shape{3}));
  EXPECT_EQ(*inferReduceShape({2, 3, 4}, {}, false, e), (Shape{}));
  EXPECT_TRUE(failed(inferReduceShape({2, 3, 4}, {2, 1}, false, e)));
  EXPECT_EQ(message, "expects sorted unique axes, got [2, 1]");
}

TEST_F(ShapeInferenceTest, SliceNegativeSteps) {
  auto e = [&] { return emit(); };
  // x[::-1] on 10 elements: start 9, end -1.
  EXPECT_EQ(*inferSliceShape({10}, {9}, {-1}, {-1}, e), (Shape{10}));
  // x[8:1:-3] -> 8, 5, 2.
  EXPECT_EQ(*inferSliceShape({10}, {8}, {1}, {-3}, e), (Shape{3}));
  EXPECT_EQ(*inferSliceShape({10}, {3}, {3}, {1}, e), (Shape{0}));
  EXPECT_TRUE(failed(inferSliceShape({10}, {0}, {11}, {1}, e)));
  EXPECT_TRUE(failed(inferSliceShape({10}, {0}, {5}, {0}, e)));
  EXPECT_EQ(message, "step of dimension 0 is zero");
}

TEST_F(ShapeInferenceTest, ConcatPadGatherTranspose) {
  auto e = [&] { return emit(); };
  SmallVector<ArrayRef<int64_t>> in;
  Shape a{1, 2, 3}, b{1, 5, 3};
  in.push_back(a);
  in.push_back(b);
  EXPECT_EQ(*inferConcatShape(in, 1, e), (Shape{1, 7, 3}));
  EXPECT_TRUE(failed(inferConcatShape(in, 2, e)));
  EXPECT_EQ(*inferPadShape({3, 4}, {1, -1, 2, 0}, e), (Shape{6, 3}));
  EXPECT_TRUE(failed(inferPadShape({3, 4}, {0, -5, 0, 0}, e)));
  EXPECT_EQ(*inferGatherShape({10, 4}, {2, 3}, 0, e), (Shape{2, 3, 4}));
  EXPECT_EQ(*inferGatherShape({10, 4}, {}, 1, e), (Shape{10}));
  EXPECT_EQ(*inferTransposeShape({2, 3, 4}, {2, 0, 1}, e), (Shape{4, 2, 3}));
  EXPECT_TRUE(failed(inferTransposeShape({2, 3, 4}, {0, 0, 1}, e)));
}

TEST_F(ShapeInferenceTest, NormalizeAxisAndFormat) {
  auto e = [&] { return emit(); };
  EXPECT_EQ(*normalizeAxis(-1, 4, e), 3);
  // A scalar has no axis.
  EXPECT_TRUE(failed(normalizeAxis(0, 0, e)));
  EXPECT_TRUE(failed(normalizeAxis(4, 4, e)));
  EXPECT_EQ(message, "axis 4 is out of range for rank 4");
  EXPECT_EQ(formatShape({1, kDyn, 3}), "[1, ?, 3]");
  EXPECT_EQ(numElements({2, 3, 4}), 24);
  EXPECT_EQ(numElements({2, kDyn}), kDyn);
  EXPECT_TRUE(isBroadcastableTo({3, 1}, {2, 3, 4}));
  EXPECT_FALSE(isBroadcastableTo({3, 2}, {2, 3, 4}));
}
