"""infer's Python API: compile an ONNX model, load an artifact, run it.

    import infer
    engine = infer.compile("model.onnx", target="cpu", input_shapes={"x": (8, 3, 224, 224)})
    outputs = engine.run({"x": array})          # NumPy in, NumPy out
    engine = infer.load("model.infer")            # an artifact compiled before
    outputs = engine.run({"x": torch_cuda_tensor})  # PyTorch in, PyTorch out (DLPack)
    print(engine.bench())

Inputs are NumPy arrays or DLPack tensors (PyTorch, CuPy, ...); CUDA
tensors go device to device into a CUDA engine and its outputs come back as
CUDA tensors of the same framework, without host copies. Errors are
`infer.Error` (a RuntimeError) with the runtime's message, and
`infer.CompileError` with infer-compile's.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import warnings
from pathlib import Path
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from . import _infer

__all__ = ["Engine", "Error", "CompileError", "compile", "load"]

Error = _infer.Error


class CompileError(Error):
    """infer-compile refused the model; the message is its error."""


def _compiler(explicit: Optional[str]) -> str:
    """infer-compile: `explicit`, $INFER_COMPILE, the build tree this
    package sits in (build/python/infer -> build/bin), or PATH."""
    candidates = [explicit, os.environ.get("INFER_COMPILE")]
    here = Path(__file__).resolve().parent
    candidates.append(str(here.parent.parent / "bin" / "infer-compile"))
    candidates.append(shutil.which("infer-compile"))
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise CompileError("infer-compile not found: build infer (make build), put it on PATH "
                       "or set INFER_COMPILE")


def _shape_arg(name: str, shape: Union[str, Sequence[int]]) -> str:
    dims = shape if isinstance(shape, str) else "x".join(str(int(d)) for d in shape)
    return f"--input-shape={name}={dims}"


def _profile_arg(name: str, profile: Any) -> str:
    if isinstance(profile, str):
        return f"--profile={name}:{profile}"
    if isinstance(profile, Mapping):
        shapes = [profile["min"], profile["opt"], profile["max"]]
    else:
        shapes = list(profile)
        if len(shapes) != 3:
            raise Error(f"the profile of {name!r} is not (min, opt, max)")
    dims = ["x".join(str(int(d)) for d in s) if not isinstance(s, str) else s for s in shapes]
    return f"--profile={name}:min={dims[0]},opt={dims[1]},max={dims[2]}"


def compile(model: Union[str, os.PathLike], target: str = "cpu", precision: str = "fp32",
            input_shapes: Optional[Mapping[str, Union[str, Sequence[int]]]] = None,
            profiles: Optional[Mapping[str, Any]] = None,
            output: Optional[Union[str, os.PathLike]] = None, threads: int = 0,
            options: Iterable[str] = (), compiler: Optional[str] = None) -> "Engine":
    """Compiles an ONNX model with infer-compile and loads the artifact.

    target: "cpu", "cuda", "cuda:sm_90a", ... (infer-compile's --target);
    precision: fp32, fp32-strict, fp16, bf16, int8; input_shapes pins
    dynamic dimensions; profiles gives dynamic inputs' ranges instead, as
    name -> (min, opt, max) shapes (or {"min": .., "opt": .., "max": ..}),
    and the engine runs any shape in them; output keeps the artifact there
    (else a temporary file, deleted once loaded); options are more
    infer-compile flags."""
    exe = _compiler(compiler)
    tmp = None
    if output is None:
        tmp = tempfile.NamedTemporaryFile(suffix=".infer", delete=False)
        tmp.close()
        out = tmp.name
    else:
        out = os.fspath(output)
    args = [exe, os.fspath(model), "-o", out, f"--target={target}", f"--precision={precision}"]
    args += [_shape_arg(n, s) for n, s in (input_shapes or {}).items()]
    args += [_profile_arg(n, p) for n, p in (profiles or {}).items()]
    args += list(options)
    try:
        proc = subprocess.run(args, capture_output=True, text=True)
        if proc.returncode != 0:
            lines = [l for l in proc.stderr.splitlines() if l.strip()]
            errors = [l.split("error: ", 1)[1] for l in lines if "error: " in l]
            raise CompileError("; ".join(errors) or (lines[-1] if lines else
                                                       f"infer-compile exited with {proc.returncode}"))
        # infer-compile's notes and warnings (a dynamic dimension compiled
        # as 1, a declared shape that differs) as Python warnings.
        for line in proc.stderr.splitlines():
            if "warning: " in line or "note: " in line:
                warnings.warn(line.split(": ", 1)[-1], stacklevel=2)
        return Engine(out, threads=threads)
    finally:
        if tmp is not None and os.path.exists(tmp.name):
            os.unlink(tmp.name)


def load(path: Union[str, os.PathLike], threads: int = 0, cuda_graph: bool = True) -> "Engine":
    """Loads an artifact (infer-compile's output); runs on `threads` CPU
    threads (0: all cores), CUDA artifacts as one CUDA graph unless
    cuda_graph is False."""
    return Engine(path, threads=threads, cuda_graph=cuda_graph)


def _capsule(x: Any):
    """x's DLPack capsule; a CUDA tensor's producer first makes the legacy
    default stream (DLPack stream 1) wait for its pending work, and infer
    copies on that stream."""
    if _device_of(x)[0] == 2:
        return x.__dlpack__(stream=1)
    return x.__dlpack__()


def _is_dlpack(x: Any) -> bool:
    return hasattr(x, "__dlpack__") and not isinstance(x, np.ndarray)


def _device_of(x: Any):
    return x.__dlpack_device__() if hasattr(x, "__dlpack_device__") else (1, 0)


class Engine:
    """A loaded artifact with one execution context."""

    def __init__(self, path: Union[str, os.PathLike], threads: int = 0, cuda_graph: bool = True):
        self._impl = _infer.Engine(os.fspath(path), threads, cuda_graph)
        self.path = os.fspath(path)
        self.inputs = self._impl.inputs
        self.outputs = self._impl.outputs
        self._input_index = {t["name"]: i for i, t in enumerate(self.inputs)}

    target = property(lambda self: self._impl.target, doc='"cpu", "cuda:sm_90a", ...')
    device = property(lambda self: self._impl.device, doc="where it runs")
    source = property(lambda self: self._impl.source, doc="the model it was compiled from")
    threads = property(lambda self: self._impl.threads)
    launches = property(lambda self: self._impl.launches, doc="kernel launches per run")
    dims = property(lambda self: self._impl.dims,
                    doc="dynamic dimensions: name, min, opt, max (empty when static)")

    def __repr__(self) -> str:
        ins = ", ".join(f"{t['name']}: {t['dtype']}{t['shape']}" for t in self.inputs)
        return f"<infer.Engine {self.path!r} on {self.device}: {ins}>"

    def _feed(self, feeds: Union[Mapping[str, Any], Sequence[Any]]) -> Optional[Any]:
        """Sets every input; returns a CUDA DLPack tensor given, if any."""
        if isinstance(feeds, Mapping):
            unknown = [n for n in feeds if n not in self._input_index]
            if unknown:
                raise Error(f"no input named {unknown[0]!r}; the model's inputs are "
                            f"{[t['name'] for t in self.inputs]}")
            missing = [t["name"] for t in self.inputs if t["name"] not in feeds]
            if missing:
                raise Error(f"input {missing[0]!r} is not given")
            ordered = [feeds[t["name"]] for t in self.inputs]
        else:
            ordered = list(feeds)
            if len(ordered) != len(self.inputs):
                raise Error(f"the model has {len(self.inputs)} inputs; {len(ordered)} given")
        cuda_example = None
        dynamic = bool(self._impl.dims)
        for i, x in enumerate(ordered):
            if dynamic:
                shape = tuple(x.shape) if hasattr(x, "shape") else np.shape(x)
                self._impl.set_input_shape(i, [int(d) for d in shape])
            if _is_dlpack(x):
                self._impl.set_input_dlpack(i, _capsule(x))
                if _device_of(x)[0] == 2 and cuda_example is None:  # kDLCUDA
                    cuda_example = x
            else:
                self._impl.set_input(i, np.asarray(x))
        self._torch_like = next((x for x in ordered if _is_dlpack(x)), None)
        return cuda_example

    def _outputs(self, cuda_example: Optional[Any]) -> Dict[str, Any]:
        like = self._torch_like
        torch = None
        if like is not None and type(like).__module__.startswith("torch"):
            import torch  # noqa: F811 (only when PyTorch tensors came in)
        result: Dict[str, Any] = {}
        for i, t in enumerate(self.outputs):
            if cuda_example is not None and torch is not None:
                out = torch.empty(self._impl.shape(False, i), dtype=_torch_dtype(torch, t["dtype"]),
                                  device=cuda_example.device)
                self._impl.output_into(i, _capsule(out))
            elif torch is not None:
                out = torch.from_numpy(self._impl.output(i))
            else:
                out = self._impl.output(i)
            result[t["name"]] = out
        return result

    def run(self, feeds: Union[Mapping[str, Any], Sequence[Any]]) -> Dict[str, Any]:
        """Runs on `feeds` (name -> tensor, or tensors in input order) and
        returns name -> output: NumPy arrays for NumPy inputs, PyTorch
        tensors for PyTorch inputs (on the inputs' GPU for CUDA tensors);
        other DLPack producers' CUDA inputs give NumPy outputs. Host and
        CUDA inputs may be mixed."""
        cuda_example = self._feed(feeds)
        # CUDA tensors were copied in on the device: run without host copies.
        self._impl.run(cuda_example is not None)
        return self._outputs(cuda_example)

    def bench(self, feeds: Optional[Union[Mapping[str, Any], Sequence[Any]]] = None,
              iterations: int = 100, warmup: int = 10) -> Dict[str, float]:
        """Times `iterations` runs after `warmup` on `feeds` (seeded random
        inputs when None); with CUDA tensors the runs are device-resident.
        Returns median, mean, min, max and p90 milliseconds."""
        if feeds is None:
            rng = np.random.default_rng(0)
            feeds = {t["name"]: _random(rng, dict(t, shape=self._impl.shape(True, i)))
                     for i, t in enumerate(self.inputs)}
        cuda_example = self._feed(feeds)
        if cuda_example is not None:
            self._impl.run(True)
        ms = sorted(self._impl.bench(iterations, warmup, cuda_example is not None))
        return {"median_ms": statistics.median(ms), "mean_ms": statistics.fmean(ms),
                "min_ms": ms[0], "max_ms": ms[-1], "p90_ms": ms[int(0.9 * (len(ms) - 1))],
                "iterations": len(ms)}


def _random(rng: np.random.Generator, t: Mapping[str, Any]) -> np.ndarray:
    dtype = np.dtype(t["numpy_dtype"])
    if dtype.kind == "f":
        return rng.uniform(-1, 1, t["shape"]).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, t["shape"]).astype(dtype)
    return rng.integers(0, 10, t["shape"]).astype(dtype)


def _torch_dtype(torch, name: str):
    table = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16,
             "float64": torch.float64, "int8": torch.int8, "int16": torch.int16,
             "int32": torch.int32, "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool}
    if name not in table:
        raise Error(f"outputs of type {name} have no PyTorch tensor type")
    return table[name]
