"""The Python API on a CUDA engine (bench/gpu/python_api.sh): PyTorch CUDA
tensors in, PyTorch CUDA tensors out (DLPack, device to device), checked
against PyTorch, and timed against PyTorch eager in the same process."""
import statistics
import sys
import time

import numpy as np
import torch
import torchvision

import infer

models = sys.argv[1]
dev = torch.device("cuda")
print(f"torch {torch.__version__} on {torch.cuda.get_device_name()}")

# Fashion-MNIST, fp32 (TF32 on the tensor cores), batch 512.
mnist = infer.load(f"{models}/mnist.infer")
print(mnist)
images = torch.from_numpy(np.load(f"{models}/images.npy")).to(dev)
labels = np.load(f"{models}/labels.npy")
out = mnist.run({"image": images})
logits = out["logits"]
assert isinstance(logits, torch.Tensor) and logits.is_cuda, type(logits)
acc = float((logits.argmax(1).cpu().numpy() == labels).mean())
host = mnist.run({"image": images.cpu().numpy()})["logits"]
diff = float(np.abs(host - logits.cpu().numpy()).max())
print(f"mnist: CUDA tensors in and out on {logits.device}; top-1 {acc:.4f} on 512 images; "
      f"max |CUDA-tensor run - NumPy run| = {diff:.3g}")
assert acc > 0.85 and diff == 0.0

# ResNet-18, fp16, batch 8, against PyTorch fp32 (computed where it was
# exported) and PyTorch's own fp16 eager model here.
r18 = infer.load(f"{models}/resnet18.fp16.infer")
x = torch.from_numpy(np.load(f"{models}/resnet18_x.npy")).to(dev)
expected = torch.from_numpy(np.load(f"{models}/resnet18_y.npy")).to(dev)
y = r18.run({"x": x})["y"]
assert isinstance(y, torch.Tensor) and y.is_cuda
rel = float(torch.linalg.norm(y.float() - expected) / torch.linalg.norm(expected))
print(f"resnet18 fp16 b8: rel L2 {rel:.3g} vs PyTorch fp32; output {tuple(y.shape)} {y.dtype} "
      f"on {y.device}")
assert rel < 1e-2

def time_ms(fn, n=200, warm=20):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        ms.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(ms)

api = time_ms(lambda: r18.run({"x": x}))
resident = r18.bench({"x": x}, iterations=200, warmup=20)["median_ms"]
# PyTorch's eager fp16 model on the same GPU (random weights: timing only).
model = torchvision.models.resnet18().eval().half().to(dev)
xh = x.half()
with torch.no_grad():
    eager = time_ms(lambda: model(xh))
print(f"resnet18 fp16 b8 medians: engine.run with CUDA tensors {api:.3f} ms "
      f"(copies in and out on the device, Python overhead included), engine.bench "
      f"{resident:.3f} ms (device-resident), PyTorch eager fp16 {eager:.3f} ms")
# Host and CUDA inputs mixed in one run; the CUDA input produced by a
# PyTorch kernel just queued (the copy must wait for it); a CuPy input.
mixed = infer.load(f"{models}/mixed.infer")
w = torch.from_numpy(np.load(f"{models}/mixed_w.npy")).to(dev).double()
worst = 0.0
for k in range(20):
    a = torch.randn(1024, 2048, device=dev)
    b = torch.randn(2048, 512, device=dev)
    x = torch.tanh(a @ b / 45.0)          # queued on PyTorch's stream, not finished
    y = np.random.default_rng(k).standard_normal((1024, 256)).astype(np.float32)
    z = mixed.run({"x": x, "y": y})["z"]
    ref = x.double() @ w + torch.from_numpy(y).to(dev).double()
    worst = max(worst, float(torch.linalg.norm(z.double() - ref) / torch.linalg.norm(ref)))
print(f"mixed host + CUDA inputs, CUDA input fresh from a queued kernel: worst rel L2 {worst:.3g} "
      f"over 20 runs")
assert worst < 1e-5
import cupy
xc = cupy.asarray(x.cpu().numpy())
zc = mixed.run({"x": xc, "y": y})["z"]
assert isinstance(zc, np.ndarray)
refc = x.cpu().double().numpy() @ w.cpu().numpy() + y
relc = float(np.linalg.norm(zc - refc) / np.linalg.norm(refc))
print(f"CuPy CUDA input: NumPy output, rel L2 {relc:.3g}")
assert relc < 1e-5
print("python_api: all checks passed")
