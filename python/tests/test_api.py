"""The Python API on the CPU: compile and run the bundled Fashion-MNIST
classifier and a torchvision model, NumPy and PyTorch tensors in and out,
and the errors users meet. Run by `make test` (scripts/run-tests.sh) with
PYTHONPATH=<build>/python."""
import os
from pathlib import Path

import numpy as np
import pytest

import infer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "fashion-mnist"


@pytest.fixture(scope="module")
def mnist(tmp_path_factory):
    out = tmp_path_factory.mktemp("mnist") / "model.infer"
    engine = infer.compile(EXAMPLE / "model.onnx", input_shapes={"image": (512, 1, 28, 28)},
                           output=out, threads=2)
    return engine, out


def test_fashion_mnist_accuracy(mnist):
    engine, path = mnist
    assert engine.target == "cpu" and path.exists()
    assert engine.inputs[0]["name"] == "image" and engine.inputs[0]["shape"] == [512, 1, 28, 28]
    images = np.load(EXAMPLE / "images.npy")
    labels = np.load(EXAMPLE / "labels.npy")
    logits = engine.run({"image": images})["logits"]
    assert logits.shape == (512, 10) and logits.dtype == np.float32
    accuracy = float((logits.argmax(1) == labels).mean())
    # The example's fp32 accuracy on these 512 images (make run prints it).
    assert accuracy > 0.85
    # The same artifact loaded again gives the same logits, given in input order.
    again = infer.load(path, threads=1).run([images])["logits"]
    np.testing.assert_array_equal(again, logits)


def test_torch_tensors_in_and_out(mnist):
    torch = pytest.importorskip("torch")
    engine, _ = mnist
    images = torch.from_numpy(np.load(EXAMPLE / "images.npy"))
    out = engine.run({"image": images})["logits"]
    assert isinstance(out, torch.Tensor) and out.shape == (512, 10)
    ref = engine.run({"image": images.numpy()})["logits"]
    np.testing.assert_array_equal(out.numpy(), ref)


def test_torchvision_model(tmp_path):
    torch = pytest.importorskip("torch")
    models = pytest.importorskip("torchvision.models")
    torch.manual_seed(0)
    model = models.resnet18(num_classes=10).eval()
    x = torch.randn(2, 3, 64, 64)
    onnx_path = tmp_path / "resnet18.onnx"
    torch.onnx.export(model, x, onnx_path, input_names=["x"], output_names=["y"], opset_version=13)
    engine = infer.compile(onnx_path, threads=2)
    y = engine.run({"x": x})["y"]
    with torch.no_grad():
        expected = model(x)
    rel = float(torch.linalg.norm(y - expected) / torch.linalg.norm(expected))
    assert rel < 1e-4, rel
    stats = engine.bench({"x": x}, iterations=5, warmup=1)
    assert stats["iterations"] == 5 and 0 < stats["min_ms"] <= stats["median_ms"] <= stats["max_ms"]


def test_input_errors(mnist):
    engine, _ = mnist
    good = np.zeros((512, 1, 28, 28), np.float32)
    with pytest.raises(infer.Error, match="no input named 'img'"):
        engine.run({"img": good})
    with pytest.raises(infer.Error, match="input 'image' is not given"):
        engine.run({})
    with pytest.raises(infer.Error, match=r"input 'image' has shape \[512, 1, 28, 28\]; "
                                          r"the array given has \[1, 1, 28, 28\]"):
        engine.run({"image": good[:1]})
    with pytest.raises(infer.Error, match="input 'image' is float32; the array given is float64"):
        engine.run({"image": good.astype(np.float64)})
    with pytest.raises(infer.Error, match="the model has 1 inputs; 2 given"):
        engine.run([good, good])


class FakeCudaTensor:
    """A DLPack producer claiming CUDA memory (kDLCUDA) of `shape` float32:
    what a PyTorch CUDA tensor hands over, without a GPU."""

    def __init__(self, shape):
        import ctypes as C

        class Device(C.Structure):
            _fields_ = [("device_type", C.c_int), ("device_id", C.c_int)]

        class DType(C.Structure):
            _fields_ = [("code", C.c_uint8), ("bits", C.c_uint8), ("lanes", C.c_uint16)]

        class Tensor(C.Structure):
            _fields_ = [("data", C.c_void_p), ("device", Device), ("ndim", C.c_int),
                        ("dtype", DType), ("shape", C.POINTER(C.c_int64)),
                        ("strides", C.POINTER(C.c_int64)), ("byte_offset", C.c_uint64)]

        class Managed(C.Structure):
            _fields_ = [("dl_tensor", Tensor), ("manager_ctx", C.c_void_p),
                        ("deleter", C.c_void_p)]

        self.C = C
        self.dims = (C.c_int64 * len(shape))(*shape)
        self.managed = Managed(Tensor(C.c_void_p(0x1000), Device(2, 0), len(shape),
                                      DType(2, 32, 1), self.dims, None, 0), None, None)

    def __dlpack_device__(self):
        return (2, 0)

    def __dlpack__(self, stream=None):
        C = self.C
        new = C.pythonapi.PyCapsule_New
        new.restype = C.py_object
        new.argtypes = [C.c_void_p, C.c_char_p, C.c_void_p]
        return new(C.addressof(self.managed), b"dltensor", None)


def test_device_memory_on_a_cpu_engine(mnist):
    # A CUDA tensor given to a CPU engine is refused by the runtime with the
    # reason, before any memory is touched.
    engine, _ = mnist
    assert engine.device == "cpu"
    with pytest.raises(infer.Error, match="input 'image': the engine is a cpu artifact; "
                                          "device memory is for CUDA artifacts"):
        engine.run({"image": FakeCudaTensor((512, 1, 28, 28))})
    with pytest.raises(infer.Error, match=r"input 'image' has shape \[512, 1, 28, 28\]; "
                                          r"the tensor given has \[2, 1, 28, 28\]"):
        engine.run({"image": FakeCudaTensor((2, 1, 28, 28))})


def test_load_errors(tmp_path):
    with pytest.raises(infer.Error, match="cannot load"):
        infer.load(tmp_path / "missing.infer")
    corrupt = tmp_path / "corrupt.infer"
    corrupt.write_bytes(b"not an artifact at all" * 10)
    with pytest.raises(infer.Error, match="cannot load"):
        infer.load(corrupt)


def test_compile_notes_are_warnings():
    with pytest.warns(UserWarning, match="input 'image' dimension 0 .* is dynamic: compiled as 1"):
        engine = infer.compile(EXAMPLE / "model.onnx")
    assert engine.inputs[0]["shape"] == [1, 1, 28, 28]


def test_compile_errors(tmp_path):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    with pytest.raises(infer.CompileError, match="not a valid ONNX model"):
        infer.compile(bad)
    with pytest.raises(infer.CompileError, match="--input-shape names 'nope'"):
        infer.compile(EXAMPLE / "model.onnx", input_shapes={"nope": (1, 2)})
    assert not any(tmp_path.glob("*.infer"))


def test_dynamic_shapes(tmp_path):
    """A model compiled with profiles runs any shape in them (padded onto
    a larger specialization where exact), matching PyTorch at each, and
    refuses shapes outside them."""
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)

    class Block(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.attn = torch.nn.MultiheadAttention(16, 2, batch_first=True)
            self.norm = torch.nn.LayerNorm(16)

        def forward(self, x, mask):
            y, _ = self.attn(x, x, x, key_padding_mask=mask == 0, need_weights=False)
            return self.norm(x + y)

    model = Block().eval()
    onnx_path = tmp_path / "block.onnx"
    x, mask = torch.randn(2, 8, 16), torch.ones(2, 8, dtype=torch.int64)
    axes = {"x": {0: "batch", 1: "seq"}, "mask": {0: "batch", 1: "seq"}, "y": {0: "batch", 1: "seq"}}
    torch.onnx.export(model, (x, mask), onnx_path, input_names=["x", "mask"], output_names=["y"],
                      dynamic_axes=axes, opset_version=17)
    engine = infer.compile(onnx_path, threads=2, output=tmp_path / "block.infer",
                           profiles={"x": ((1, 1, 16), (2, 8, 16), (4, 16, 16)),
                                     "mask": {"min": (1, 1), "opt": (2, 8), "max": (4, 16)}})
    assert [d["name"] for d in engine.dims] == ["batch", "seq"]
    assert engine.inputs[0]["shape"] == [-1, -1, 16]
    for batch, seq in ((1, 1), (3, 5), (2, 8), (4, 16), (4, 11)):
        x = torch.randn(batch, seq, 16)
        mask = torch.ones(batch, seq, dtype=torch.int64)
        mask[1:, seq - max(1, seq // 3):] = 0
        with torch.no_grad():
            want = model(x, mask)
        got = engine.run({"x": x.numpy(), "mask": mask.numpy()})["y"]
        assert got.shape == (batch, seq, 16)
        keep = mask.numpy().astype(bool)
        np.testing.assert_allclose(got[keep], want.numpy()[keep], rtol=1e-4, atol=1e-4)
    with pytest.raises(infer.Error, match=r"outside the profile: axis 0 \('batch'\) must be in \[1, 4\]"):
        engine.run({"x": np.zeros((5, 4, 16), np.float32), "mask": np.ones((5, 4), np.int64)})
