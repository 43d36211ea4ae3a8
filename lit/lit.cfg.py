# lit configuration of infer's regression tests (lit + FileCheck).
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "infer"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".onnxtxt"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.infer_obj_root, "lit")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
config.substitutions.append(("%python", config.python_executable))

tool_dirs = [config.infer_tools_dir, config.llvm_tools_dir]
tools = ["infer-opt", "infer-translate", "infer-compile", "infer-run", "infer-conformance", "infer-tune"]
llvm_config.add_tool_substitutions(
    [t for t in tools if os.path.exists(os.path.join(config.infer_tools_dir, t))],
    tool_dirs)

config.substitutions.append(("%flatc", config.flatc_executable))
config.substitutions.append(("%artifact_schema", config.artifact_schema))

# CPU features of this machine, for tests of artifacts built for others.
try:
    with open("/proc/cpuinfo") as f:
        flags = next((l.split(":", 1)[1].split() for l in f if l.startswith("flags")), [])
except OSError:
    flags = []
if "avx512_fp16" not in flags:
    config.available_features.add("cpu-lacks-avx512fp16")
# AMD Bulldozer's FMA4 (no CPU since 2017 has it) and Intel's APX.
if "fma4" not in flags:
    config.available_features.add("cpu-lacks-fma4")
if "apx" not in flags and "apx_f" not in flags:
    config.available_features.add("cpu-lacks-apx")
# x86-64-v3 (AVX2, FMA, BMI2): artifacts compiled for it run here.
if all(f in flags for f in ("avx2", "fma", "bmi2", "movbe")):
    config.available_features.add("x86-64-v3")
# The int8 templates (vpdpbusd on 512-bit vectors).
if "avx512_vnni" in flags and "avx512bw" in flags:
    config.available_features.add("avx512vnni")

if config.ptxas_executable:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas_executable))
if config.spirv_val_executable:
    config.available_features.add("spirv-val")

# Whether a CUDA driver can be loaded (tests of the no-device error need none).
try:
    import ctypes
    ctypes.CDLL("libcuda.so.1")
except OSError:
    config.available_features.add("no-cuda-driver")

# A Vulkan loader and a driver (Mesa's lavapipe in CI) for the Vulkan runs.
try:
    import ctypes
    import glob
    ctypes.CDLL("libvulkan.so.1")
    if any(glob.glob(os.path.join(d, "*.json"))
           for d in ("/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d")):
        config.available_features.add("vulkan")
except OSError:
    pass
