#!/usr/bin/env python3
"""GPU benchmark, run on the GPU machine by bench/gpu/run.sh.

Loads the artifacts compiled by bench/gpu/prepare.sh through the runtime's C
API (ctypes), checks each output against PyTorch fp32 (computed by the
exporter, or by torch.matmul here for GEMMs), then times infer, PyTorch
eager and torch.compile (models) or cuBLAS through torch.matmul (GEMMs) in
the same process, interleaved, and prints medians. Times are medians of
synchronized runs. infer "end to end" is one infer_context_run: input copy
to the device, the plan (one CUDA graph), output copy back; infer "device"
is infer_context_run_resident: the plan alone on data already on the
device, which is what PyTorch's forward on a device tensor and torch.matmul
measure. check_* models are small GEMMs with partial tiles and fused
epilogues, checked against a float64 reference.

  bench.py --runtime libinfer_runtime.so --models DIR [--rounds 5] [--json F]
"""
import argparse
import ctypes
import glob
import json
import os
import statistics
import time

import numpy as np
import torch


class Runtime:
    def __init__(self, path):
        lib = ctypes.CDLL(path)
        p = ctypes.c_void_p
        lib.infer_engine_load_file.argtypes = [ctypes.c_char_p, ctypes.POINTER(p)]
        lib.infer_last_error.restype = ctypes.c_char_p
        lib.infer_engine_device.restype = ctypes.c_char_p
        lib.infer_engine_device.argtypes = [p]
        lib.infer_context_create.argtypes = [p, ctypes.c_int32, ctypes.POINTER(p)]
        lib.infer_context_set_input.argtypes = [p, ctypes.c_int32, p, ctypes.c_size_t]
        lib.infer_context_get_output.argtypes = [p, ctypes.c_int32, p, ctypes.c_size_t]
        lib.infer_context_run.argtypes = [p]
        lib.infer_context_run_resident.argtypes = [p]
        lib.infer_context_set_cuda_graph.argtypes = [p, ctypes.c_int32]
        self.lib = lib

    def check(self, status):
        if status != 0:
            raise RuntimeError(self.lib.infer_last_error().decode())

    def load(self, artifact):
        engine = ctypes.c_void_p()
        self.check(self.lib.infer_engine_load_file(artifact.encode(), ctypes.byref(engine)))
        context = ctypes.c_void_p()
        self.check(self.lib.infer_context_create(engine, 0, ctypes.byref(context)))
        return engine, context

    def set_input(self, context, index, array):
        array = np.ascontiguousarray(array)
        self.check(self.lib.infer_context_set_input(
            context, index, array.ctypes.data_as(ctypes.c_void_p), array.nbytes))

    def run(self, context):
        self.check(self.lib.infer_context_run(context))

    def run_resident(self, context):
        self.check(self.lib.infer_context_run_resident(context))

    def output(self, context, index, shape, dtype=np.float32):
        out = np.empty(shape, dtype=dtype)
        self.check(self.lib.infer_context_get_output(
            context, index, out.ctypes.data_as(ctypes.c_void_p), out.nbytes))
        return out


def rel_l2(a, b):
    a = np.asarray(a, np.float64).ravel()
    b = np.asarray(b, np.float64).ravel()
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-30))


def timed(fn, warmup, iterations):
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(iterations):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return out


def cuda_timed(fn, warmup, iterations):
    def run():
        fn()
        torch.cuda.synchronize()
    return timed(run, warmup, iterations)


def bench_gemm(rt, path, args, rows):
    """gemm_*: A and B inputs; gemmw_*[.ARCH]: B a constant of the model
    (export_gemm.weight), the .sm_90 variant built with mma.sync."""
    name = os.path.basename(path)[:-len(".infer")]
    base = name.split(".")[0]
    m, n, k = {"gemm_4096": (4096, 4096, 4096), "gemm_8192": (8192, 8192, 8192),
               "gemm_16384x4096x4096": (16384, 4096, 4096),
               "gemmw_8192x4096x4096": (8192, 4096, 4096),
               "gemms_4096": (4096, 4096, 4096), "gemms_8192": (8192, 8192, 8192),
               "gemms_16384x4096x4096": (16384, 4096, 4096)}[base]
    engine, ctx = rt.load(path)
    device = rt.lib.infer_engine_device(engine).decode()
    torch.manual_seed(0)
    ha = torch.randn(m, k, device="cuda").half()
    rt.set_input(ctx, 0, ha.cpu().numpy())
    if base.startswith("gemmw") or base.startswith("gemms"):
        import sys
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from export_gemm import weight, weight24
        w = weight24(k, n) if base.startswith("gemms") else weight(k, n)
        hb = torch.from_numpy(w).cuda()
    else:
        hb = torch.randn(k, n, device="cuda").half()
        rt.set_input(ctx, 1, hb.cpu().numpy())
    rt.run(ctx)
    y = rt.output(ctx, 0, (m, n), np.float16)
    torch.backends.cuda.matmul.allow_tf32 = False
    ref = (ha.float() @ hb.float()).cpu().numpy()
    err = rel_l2(y, ref)
    err_cublas = rel_l2((ha @ hb).cpu().numpy(), ref)
    flop = 2.0 * m * n * k
    t_infer, t_f16 = [], []
    for _ in range(args.rounds):
        t_infer += timed(lambda: rt.run_resident(ctx), 2, args.iterations)
        t_f16 += cuda_timed(lambda: ha @ hb, 2, args.iterations)
    med = {"infer_fp16": statistics.median(t_infer),
           "cublas_fp16": statistics.median(t_f16)}
    if base.startswith("gemms"):
        # cuSPARSELt (PyTorch's semi-structured sparsity): the 2:4 weight is
        # the sparse operand, Y^T = W^T A^T, as infer computes it.
        try:
            from torch.sparse import to_sparse_semi_structured
            ws = to_sparse_semi_structured(hb.t().contiguous())
            at = ha.t().contiguous()
            yt = torch.mm(ws, at)
            row_err = rel_l2(yt.t().float().cpu().numpy(), ref)
            t_sp = []
            for _ in range(args.rounds):
                t_sp += cuda_timed(lambda: torch.mm(ws, at), 2, args.iterations)
            med["cusparselt_fp16"] = statistics.median(t_sp)
            print(f"{name}: cuSPARSELt rel L2 {row_err:.2e}", flush=True)
        except Exception as e:  # no cuSPARSELt in this PyTorch build
            print(f"{name}: cuSPARSELt unavailable: {e}", flush=True)
    row = {"name": name, "device": device, "rel_l2": err, "rel_l2_cublas": err_cublas,
           "ms": med, "tflops": {key: flop / (v * 1e-3) / 1e12 for key, v in med.items()}}
    rows.append(row)
    tf = row["tflops"]
    print(f"{name}: rel L2 vs fp32 {err:.2e} (cuBLAS fp16 {err_cublas:.2e}); infer fp16 "
          f"{med['infer_fp16']:.3f} ms ({tf['infer_fp16']:.1f} TFLOP/s, "
          f"{tf['infer_fp16'] / 989 * 100:.1f}% of 989), cuBLAS fp16 "
          f"{med['cublas_fp16']:.3f} ms ({tf['cublas_fp16']:.1f}); infer = "
          f"{tf['infer_fp16'] / tf['cublas_fp16'] * 100:.1f}% of cuBLAS"
          + (f"; cuSPARSELt {med['cusparselt_fp16']:.3f} ms "
             f"({tf['cusparselt_fp16']:.1f})" if "cusparselt_fp16" in med else ""),
          flush=True)


def bench_gemm_int8(rt, path, args, rows):
    """gemmq_*: int8 A times a constant int8 weight, requantized to int8
    (export_gemm.weight8): checked against the same sum in float64, timed
    against torch._int_mm (int32 result) on the same int8 operands."""
    import sys
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from export_gemm import QSCALE_A, QSCALE_W, QUANT, qscale_y, quantize, weight8
    name = os.path.basename(path)[:-len(".infer")]
    m, n, k = QUANT[name.split(".")[0]]
    engine, ctx = rt.load(path)
    device = rt.lib.infer_engine_device(engine).decode()
    torch.manual_seed(0)
    a = torch.randint(-127, 128, (m, k), dtype=torch.int8, device="cuda")
    w = torch.from_numpy(weight8(k, n)).cuda()
    rt.set_input(ctx, 0, a.cpu().numpy())
    rt.run(ctx)
    y = rt.output(ctx, 0, (m, n), np.int8)
    acc = torch._int_mm(a, w)  # exact int32 sums
    ref = quantize(acc.double().cpu().numpy() * QSCALE_A * QSCALE_W, qscale_y(k))
    diff = np.abs(y.astype(np.int32) - ref.astype(np.int32))
    wt = w.t().contiguous().t()  # K-major B, cuBLASLt's fastest layout
    t_infer, t_mm, t_mmt = [], [], []
    for _ in range(args.rounds):
        t_infer += timed(lambda: rt.run_resident(ctx), 2, args.iterations)
        t_mm += cuda_timed(lambda: torch._int_mm(a, w), 2, args.iterations)
        t_mmt += cuda_timed(lambda: torch._int_mm(a, wt), 2, args.iterations)
    med = {"infer_int8": statistics.median(t_infer), "int_mm": statistics.median(t_mm),
           "int_mm_kmajor": statistics.median(t_mmt)}
    ops = 2.0 * m * n * k
    tops = {key: ops / (v * 1e-3) / 1e12 for key, v in med.items()}
    best = max(tops["int_mm"], tops["int_mm_kmajor"])
    rows.append({"name": name, "device": device, "max_diff": int(diff.max()),
                 "off_by_one": float((diff == 1).mean()), "ms": med, "tops": tops})
    print(f"{name}: int8 result vs float64 requantized: max difference {diff.max()} "
          f"({(diff > 0).mean() * 100:.3f}% of elements differ) "
          f"({'ok' if diff.max() <= 1 else 'MISMATCH'}); infer int8 {med['infer_int8']:.3f} ms "
          f"({tops['infer_int8']:.1f} TOP/s, {tops['infer_int8'] / 1979 * 100:.1f}% of 1979), "
          f"torch._int_mm {med['int_mm']:.3f} ms ({tops['int_mm']:.1f}), K-major B "
          f"{med['int_mm_kmajor']:.3f} ms ({tops['int_mm_kmajor']:.1f}); infer = "
          f"{tops['infer_int8'] / best * 100:.1f}% of torch._int_mm's best", flush=True)


def check_model(rt, path, args, rows):
    name = os.path.basename(path)[:-len(".infer")]
    # check_X.VARIANT (another target or flag) reads check_X's data.
    data = os.path.join(os.path.dirname(path), name.split(".")[0])
    expected = np.load(os.path.join(data, "output.npy"))
    engine, ctx = rt.load(path)
    i = 0
    while os.path.exists(os.path.join(data, f"input_{i}.npy")):
        rt.set_input(ctx, i, np.load(os.path.join(data, f"input_{i}.npy")))
        i += 1
    rt.run(ctx)
    # check_X_f32 models keep fp32 inputs and outputs (compiled to bf16).
    base = name.split(".")[0]
    out_type = (np.float32 if base.endswith("_f32") else
                np.int8 if base.endswith("_i8") else np.float16)
    y = rt.output(ctx, 0, expected.shape, out_type)
    err = rel_l2(y, expected)
    worst = float(np.max(np.abs(y.astype(np.float64) - expected)))
    rows.append({"name": name, "rel_l2": err, "max_abs": worst})
    print(f"{name}: rel L2 vs float64 {err:.2e}, max abs error {worst:.3g} "
          f"({'ok' if err < 1e-2 else 'MISMATCH'})", flush=True)


def torch_model(name, batch):
    """The PyTorch module of DATA name (MODEL or MODEL_bN): a torchvision
    model by name, or the encoder of test/models/export_models.py."""
    base = name.split(".")[0]
    # DATA_bN for batch N > 1 (efficientnet_b0 is a model's own name).
    if batch > 1 and base.endswith(f"_b{batch}"):
        base = base[:-len(f"_b{batch}")]
    # Pruned variants (bench/prune_resnet50.py): PyTorch runs zeros as it
    # runs any weight, so the dense model is its peer.
    for suffix in ("_channels_inner", "_channels", "_sparse24"):
        if base.endswith(suffix):
            base = base[:-len(suffix)]
    if base == "encoder":
        layer = torch.nn.TransformerEncoderLayer(d_model=256, nhead=8,
                                                 dim_feedforward=1024, dropout=0.1,
                                                 activation="gelu", batch_first=True)
        return torch.nn.TransformerEncoder(layer, num_layers=4).eval()
    import torchvision
    return getattr(torchvision.models, base)().eval()


def bench_model(rt, path, args, rows):
    """DATA.infer (fp32: TF32 products), DATA.fp32-strict.infer,
    DATA.fp16.infer, DATA.bf16[.ARCH].infer: checked
    against PyTorch fp32
    (computed by the exporter), timed against PyTorch in the artifact's
    precision (eager, eager channels-last for CNNs, torch.compile)."""
    name = os.path.basename(path)[:-len(".infer")]
    parts = name.split(".")  # DATA[.PRECISION][.ARCH]
    data_name = parts[0]
    precision = parts[1] if len(parts) > 1 else "fp32"
    data = os.path.join(os.path.dirname(path), data_name)
    x = np.load(os.path.join(data, "input.npy"))
    expected = np.load(os.path.join(data, "output.npy"))
    engine, ctx = rt.load(path)
    device = rt.lib.infer_engine_device(engine).decode()
    rt.set_input(ctx, 0, x)
    rt.run(ctx)
    y = rt.output(ctx, 0, expected.shape)
    err = rel_l2(y, expected)
    # fp32 artifacts run their products as TF32 (as TensorRT's default);
    # fp32-strict ones keep fp32 throughout.
    tolerance = 1e-4 if precision == "fp32-strict" else 1e-2
    # int8 and fp8 (variants int8, int8qdq, ...): the logits' cosine
    # similarity to fp32's (at least 0.99).
    quantized = precision.startswith(("int8", "fp8"))
    cosine = float(np.dot(y.ravel().astype(np.float64), expected.ravel()) /
                   max(np.linalg.norm(y) * np.linalg.norm(expected), 1e-30))
    ok = cosine >= 0.99 if quantized else err <= tolerance
    # PyTorch on the same shapes (its own random weights: time only), with
    # TF32 allowed exactly where infer uses it.
    tf32 = precision == "fp32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    # int8 and fp8 artifacts: PyTorch's peers in fp16 (our fp16 artifact is
    # the ratio that counts).
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16,
             "int8": torch.float16}.get(
                 "int8" if quantized else precision, torch.float32)
    model = torch_model(name, x.shape[0]).cuda().to(dtype)
    tx = torch.from_numpy(x).cuda().to(dtype)
    peers = {"eager": model}
    if x.ndim == 4 and "channels_last" in args.peers:
        cl = torch_model(name, x.shape[0]).cuda().to(dtype).to(
            memory_format=torch.channels_last)
        txcl = tx.contiguous(memory_format=torch.channels_last)
        peers["eager_channels_last"] = (cl, txcl)
    with torch.no_grad():
        if "compile" in args.peers:
            compiled = torch.compile(model)
            compiled(tx)
            peers["compile"] = compiled
        # CUDA graphs: the same launch model as infer's (the peer to beat).
        if "cudagraphs" in args.peers:
            graphed = torch.compile(torch_model(name, x.shape[0]).cuda().to(dtype),
                                    mode="reduce-overhead")
            for _ in range(3):
                graphed(tx)
            peers["compile_cudagraphs"] = graphed
        times = {"infer": [], "infer_device": []}
        times.update({k: [] for k in peers})
        for _ in range(args.rounds):
            times["infer"] += timed(lambda: rt.run(ctx), 3, args.iterations)
            times["infer_device"] += timed(lambda: rt.run_resident(ctx), 3,
                                           args.iterations)
            for key, peer in peers.items():
                f, inp = peer if isinstance(peer, tuple) else (peer, tx)
                times[key] += cuda_timed(lambda: f(inp), 3, args.iterations)
    med = {k: statistics.median(v) for k, v in times.items()}
    batch = int(x.shape[0])
    rows.append({"name": name, "device": device, "batch": batch,
                 "precision": precision, "rel_l2": err, "ms": med})
    peer_text = ", ".join(f"{k} {v:.3f} ms" for k, v in med.items()
                          if k not in ("infer", "infer_device"))
    rows[-1]["cosine"] = cosine
    print(f"{name} (batch {batch}, {precision}): rel L2 vs PyTorch fp32 {err:.2e}, "
          f"cosine {cosine:.5f} ({'ok' if ok else 'MISMATCH'} at "
          f"{'cosine 0.99' if quantized else tolerance}); infer "
          f"{med['infer_device']:.3f} ms on the device ({med['infer']:.3f} ms with host "
          f"copies, {batch / med['infer_device'] * 1e3:.0f} inferences/s); {peer_text}; "
          f"eager/infer {med['eager'] / med['infer_device']:.2f}x"
          + (f", cudagraphs/infer {med['compile_cudagraphs'] / med['infer_device']:.2f}x"
             if "compile_cudagraphs" in med else ""),
          flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runtime", required=True)
    ap.add_argument("--models", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--only", default="", help="comma-separated names")
    ap.add_argument("--json")
    ap.add_argument("--peers", default="eager,channels_last,compile,cudagraphs",
                    help="PyTorch peers to time besides eager (a quick check: "
                         "--peers eager)")
    args = ap.parse_args()
    rt = Runtime(args.runtime)
    print("torch", torch.__version__, "on", torch.cuda.get_device_name(), flush=True)
    rows = []
    only = set(filter(None, args.only.split(",")))
    for path in sorted(glob.glob(os.path.join(args.models, "*.infer"))):
        name = os.path.basename(path)[:-len(".infer")]
        if only and name not in only:
            continue
        try:
            run = (bench_gemm_int8 if name.startswith("gemmq") else
                   bench_gemm if name.startswith("gemm") else
                   check_model if name.startswith("check") else bench_model)
            run(rt, path, args, rows)
        except Exception as e:  # report and go on with the next model
            print(f"{name}: FAILED: {e}", flush=True)
            rows.append({"name": name, "error": str(e)})
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
