#!/usr/bin/env bash
# Prepares the Python API's GPU check (here, where LLVM is) in gpu-py/:
# CUDA artifacts of the bundled Fashion-MNIST classifier (fp32, batch 512)
# and of a torchvision ResNet-18 (fp16, batch 8) with an input and
# PyTorch's fp32 output, and the headers the GPU machine builds the
# runtime and the `_infer` module with (artifact schema, FlatBuffers,
# DLPack). Then, in one device call carrying gpu-py:
#   bench/gpu/python_api.sh
set -euo pipefail
ARCH=${1:-sm_90a}
OUT=gpu-py
PY=${INFER_TEST_PYTHON:-/usr/bin/python3}
rm -rf "$OUT"
mkdir -p "$OUT/include/runtime/schema" "$OUT/models"
cp build/runtime/schema/Artifact_generated.h "$OUT/include/runtime/schema/"
cp -r /usr/include/flatbuffers /usr/include/dlpack "$OUT/include/"
EX=examples/fashion-mnist
build/bin/infer-compile "$EX/model.onnx" --input-shape=image=512x1x28x28 \
  --target=cuda:"$ARCH" -o "$OUT/models/mnist.infer"
cp "$EX/images.npy" "$EX/labels.npy" "$OUT/models/"
"$PY" - "$OUT/models" <<'PYEOF'
import sys, numpy as np, torch, torchvision
out = sys.argv[1]
torch.manual_seed(0)
model = torchvision.models.resnet18().eval()
x = torch.randn(8, 3, 224, 224)
torch.onnx.export(model, x, f"{out}/resnet18.onnx", input_names=["x"], output_names=["y"],
                  opset_version=13)
with torch.no_grad():
    np.save(f"{out}/resnet18_y.npy", model(x).numpy())
np.save(f"{out}/resnet18_x.npy", x.numpy())
PYEOF
build/bin/infer-compile "$OUT/models/resnet18.onnx" --target=cuda:"$ARCH" --precision=fp16 \
  -o "$OUT/models/resnet18.fp16.infer"
# Two inputs (z = x @ w + y): host and CUDA inputs mixed in one run.
"$PY" - "$OUT/models" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper as h, TensorProto as T, numpy_helper as nh
w = np.random.default_rng(3).standard_normal((512, 256)).astype(np.float32)
g = h.make_graph([h.make_node("MatMul", ["x", "w"], ["p"]), h.make_node("Add", ["p", "y"], ["z"])],
                 "mixed", [h.make_tensor_value_info("x", T.FLOAT, [1024, 512]),
                           h.make_tensor_value_info("y", T.FLOAT, [1024, 256])],
                 [h.make_tensor_value_info("z", T.FLOAT, [1024, 256])], initializer=[nh.from_array(w, "w")])
onnx.save(h.make_model(g, opset_imports=[h.make_opsetid("", 13)]), f"{sys.argv[1]}/mixed.onnx")
np.save(f"{sys.argv[1]}/mixed_w.npy", w)
PYEOF
build/bin/infer-compile "$OUT/models/mixed.onnx" --target=cuda:"$ARCH" --precision=fp32-strict \
  -o "$OUT/models/mixed.infer"
rm "$OUT/models/mixed.onnx"
rm "$OUT/models/resnet18.onnx"
du -sh "$OUT"
