//===- module.cpp - infer's Python bindings (_infer) ------------------------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// The runtime's C API (runtime/include/infer_runtime.h) as a Python
// extension: an engine with one execution context, inputs from NumPy arrays
// or DLPack tensors (PyTorch, CuPy, ...), outputs to NumPy arrays or into
// DLPack tensors. A DLPack tensor on the GPU moves device to device
// (infer_context_set_input_device); nothing of it passes through the host.
// python/infer/__init__.py builds the user-facing API on this.
//
//===----------------------------------------------------------------------===//

#include "runtime/include/infer_runtime.h"

#include <dlpack/dlpack.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {
/// An error of the runtime, raised as infer.Error with its message.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void check(infer_status s, const std::string &what) {
  if (s != INFER_OK)
    throw Error(what + ": " + infer_last_error());
}

/// NumPy's name of an infer element type; the 8-bit float types and 4-bit
/// integers travel as one byte per element, bfloat16 as its 16 bits.
const char *numpyName(infer_dtype t) {
  switch (t) {
  case INFER_F32: return "float32";
  case INFER_F16: return "float16";
  case INFER_BF16: return "uint16";
  case INFER_F64: return "float64";
  case INFER_I8: return "int8";
  case INFER_I16: return "int16";
  case INFER_I32: return "int32";
  case INFER_I64: return "int64";
  case INFER_U8: return "uint8";
  case INFER_U16: return "uint16";
  case INFER_U32: return "uint32";
  case INFER_U64: return "uint64";
  case INFER_BOOL: return "bool";
  case INFER_I4: return "int8";
  default: return "uint8";
  }
}

/// The dtype's name as users read it ("float32", "bfloat16", "float8_e4m3fn").
const char *dtypeName(infer_dtype t) {
  switch (t) {
  case INFER_BF16: return "bfloat16";
  case INFER_F8E4M3FN: return "float8_e4m3fn";
  case INFER_F8E4M3FNUZ: return "float8_e4m3fnuz";
  case INFER_F8E5M2: return "float8_e5m2";
  case INFER_F8E5M2FNUZ: return "float8_e5m2fnuz";
  case INFER_F4E2M1: return "float4_e2m1";
  case INFER_I4: return "int4";
  case INFER_U4: return "uint4";
  default: return numpyName(t);
  }
}

/// Whether a DLPack element type carries `t`.
bool dlpackMatches(DLDataType d, infer_dtype t) {
  if (d.lanes != 1)
    return false;
  auto is = [&](int code, int bits) { return d.code == code && d.bits == bits; };
  switch (t) {
  case INFER_F32: return is(kDLFloat, 32);
  case INFER_F16: return is(kDLFloat, 16);
  case INFER_BF16: return is(kDLBfloat, 16);
  case INFER_F64: return is(kDLFloat, 64);
  case INFER_I8: return is(kDLInt, 8);
  case INFER_I16: return is(kDLInt, 16);
  case INFER_I32: return is(kDLInt, 32);
  case INFER_I64: return is(kDLInt, 64);
  case INFER_U8: return is(kDLUInt, 8);
  case INFER_U16: return is(kDLUInt, 16);
  case INFER_U32: return is(kDLUInt, 32);
  case INFER_U64: return is(kDLUInt, 64);
  // DLPack 0.8 names booleans kDLBool (6); older producers say uint8.
  case INFER_BOOL: return is(6, 8) || is(kDLUInt, 8);
  default: return is(kDLUInt, 8) || is(kDLInt, 8);
  }
}

struct TensorInfo {
  std::string name;
  infer_dtype dtype;
  std::vector<int64_t> shape;
  size_t size;
};

TensorInfo toInfo(const infer_tensor_info &i) {
  return {i.name, i.dtype, std::vector<int64_t>(i.shape, i.shape + i.rank), i.size};
}

/// A DLPack tensor taken from its capsule for the duration of one copy; the
/// capsule is marked used and the producer's deleter runs at the end.
class DLTensorView {
public:
  explicit DLTensorView(py::capsule capsule) : capsule(std::move(capsule)) {
    if (std::string(this->capsule.name() ? this->capsule.name() : "") != "dltensor")
      throw Error("expects an unused DLPack capsule ('dltensor')");
    managed = this->capsule.get_pointer<DLManagedTensor>();
    PyCapsule_SetName(this->capsule.ptr(), "used_dltensor");
  }
  ~DLTensorView() {
    if (managed && managed->deleter)
      managed->deleter(managed);
  }
  DLTensorView(const DLTensorView &) = delete;
  DLTensorView &operator=(const DLTensorView &) = delete;

  const DLTensor &tensor() const { return managed->dl_tensor; }
  void *data() const {
    return static_cast<char *>(managed->dl_tensor.data) + managed->dl_tensor.byte_offset;
  }
  /// Checks element type, shape and a dense row-major layout against
  /// `info`; `role` ("input 'x'") names it in errors.
  void expect(const TensorInfo &info, const std::string &role) const {
    const DLTensor &t = tensor();
    if (!dlpackMatches(t.dtype, info.dtype))
      throw Error(role + " is " + dtypeName(info.dtype) + "; the tensor given has DLPack type code " +
                  std::to_string(t.dtype.code) + " of " + std::to_string(t.dtype.bits) + " bits");
    std::vector<int64_t> shape(t.shape, t.shape + t.ndim);
    if (shape != info.shape)
      throw Error(role + " has shape " + formatShape(info.shape) + "; the tensor given has " +
                  formatShape(shape));
    if (t.strides) {
      int64_t expected = 1;
      for (int d = t.ndim - 1; d >= 0; --d) {
        if (t.shape[d] != 1 && t.strides[d] != expected)
          throw Error(role + ": the tensor given is not contiguous (call .contiguous())");
        expected *= t.shape[d];
      }
    }
  }
  static std::string formatShape(const std::vector<int64_t> &s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i)
      out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
  }

private:
  py::capsule capsule;
  DLManagedTensor *managed = nullptr;
};

class Engine {
public:
  Engine(const std::string &path, int threads, bool cudaGraph) {
    check(infer_engine_load_file(path.c_str(), &engine), "cannot load '" + path + "'");
    infer_status s = infer_context_create(engine, threads, &context);
    if (s != INFER_OK) {
      std::string message = infer_last_error();
      infer_engine_destroy(engine);
      throw Error("cannot create a context for '" + path + "': " + message);
    }
    infer_context_set_cuda_graph(context, cudaGraph ? 1 : 0);
    for (int32_t i = 0; i < infer_engine_num_inputs(engine); ++i) {
      infer_tensor_info info;
      infer_engine_input_info(engine, i, &info);
      inputs.push_back(toInfo(info));
    }
    for (int32_t i = 0; i < infer_engine_num_outputs(engine); ++i) {
      infer_tensor_info info;
      infer_engine_output_info(engine, i, &info);
      outputs.push_back(toInfo(info));
    }
  }
  ~Engine() {
    infer_context_destroy(context);
    infer_engine_destroy(engine);
  }
  Engine(const Engine &) = delete;
  Engine &operator=(const Engine &) = delete;

  py::list infos(bool in) const {
    py::list list;
    for (const TensorInfo &t : in ? inputs : outputs) {
      py::dict d;
      d["name"] = t.name;
      d["dtype"] = dtypeName(t.dtype);
      d["numpy_dtype"] = numpyName(t.dtype);
      d["shape"] = t.shape;
      d["bytes"] = t.size;
      list.append(d);
    }
    return list;
  }

  /// The dynamic dimensions (empty for a static engine).
  py::list dims() const {
    py::list list;
    for (int32_t k = 0; k < infer_engine_num_dims(engine); ++k) {
      const char *name = "";
      int64_t mn = 0, opt = 0, mx = 0;
      infer_engine_dim_info(engine, k, &name, &mn, &opt, &mx);
      py::dict d;
      d["name"] = name;
      d["min"] = mn;
      d["opt"] = opt;
      d["max"] = mx;
      list.append(d);
    }
    return list;
  }

  /// Input or output `i` as the context runs it now (its shape set).
  TensorInfo current(bool in, int i) const {
    at(in ? inputs : outputs, i, in ? "input" : "output");
    infer_tensor_info info;
    check(in ? infer_context_input_info(context, i, &info)
             : infer_context_output_info(context, i, &info),
          "cannot describe a tensor");
    return toInfo(info);
  }

  std::vector<int64_t> shape(bool in, int i) const { return current(in, i).shape; }

  /// The shape input `i` runs at from now on (dynamic engines).
  void setInputShape(int i, const std::vector<int64_t> &shape) {
    at(inputs, i, "input");
    check(infer_context_set_input_shape(context, i, static_cast<int32_t>(shape.size()),
                                        shape.data()),
          "cannot set the shape of input '" + inputs[i].name + "'");
  }

  /// Input `i` from a NumPy array of its dtype and shape (copied).
  void setInput(int i, py::array array) {
    const TensorInfo info = current(true, i);
    std::string role = "input '" + info.name + "'";
    py::dtype want = py::dtype(numpyName(info.dtype));
    if (!array.dtype().equal(want))
      throw Error(role + " is " + dtypeName(info.dtype) + "; the array given is " +
                  std::string(py::str(array.dtype())));
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    if (shape != info.shape)
      throw Error(role + " has shape " + DLTensorView::formatShape(info.shape) +
                  "; the array given has " + DLTensorView::formatShape(shape));
    py::array dense = py::array::ensure(array, py::array::c_style);
    check(infer_context_set_input(context, i, dense.data(), info.size), "cannot set " + role);
  }

  /// Input `i` from a DLPack capsule: host memory is copied, GPU memory
  /// goes device to device.
  void setInputDLPack(int i, py::capsule capsule) { copyDLPack(true, i, std::move(capsule)); }

  void run(bool resident) {
    py::gil_scoped_release release;
    check(resident ? infer_context_run_resident(context) : infer_context_run(context),
          "the run failed");
  }

  py::array output(int i) const {
    const TensorInfo info = current(false, i);
    py::array array(py::dtype(numpyName(info.dtype)), info.shape);
    check(infer_context_get_output(context, i, array.mutable_data(), info.size),
          "cannot read output '" + info.name + "'");
    return array;
  }

  /// Output `i` written into a DLPack tensor of its dtype and shape (a
  /// CUDA tensor: device to device).
  void outputInto(int i, py::capsule capsule) { copyDLPack(false, i, std::move(capsule)); }

  /// Times `iterations` runs after `warmup` (milliseconds each).
  std::vector<double> bench(int iterations, int warmup, bool resident) {
    if (iterations < 1 || warmup < 0)
      throw Error("bench needs at least one iteration and no negative warmup");
    std::vector<double> ms;
    py::gil_scoped_release release;
    auto once = [&] {
      check(resident ? infer_context_run_resident(context) : infer_context_run(context),
            "the run failed");
    };
    for (int k = 0; k < warmup; ++k)
      once();
    for (int k = 0; k < iterations; ++k) {
      auto t0 = std::chrono::steady_clock::now();
      once();
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                       .count());
    }
    return ms;
  }

  std::string target() const { return infer_engine_target(engine); }
  std::string device() const { return infer_engine_device(engine); }
  std::string source() const { return infer_engine_source(engine); }
  size_t arenaSize() const { return infer_engine_arena_size(engine); }
  size_t weightsSize() const { return infer_engine_weights_size(engine); }
  int numLaunches() const { return infer_engine_num_launches(engine); }
  int threads() const { return infer_context_num_threads(context); }

private:
  /// Input `i` from, or output `i` into, a DLPack tensor: host memory
  /// through the host copies, CUDA memory device to device.
  void copyDLPack(bool input, int i, py::capsule capsule) {
    const TensorInfo info = current(input, i);
    std::string role = (input ? "input '" : "output '") + info.name + "'";
    std::string what = (input ? "cannot set " : "cannot read ") + role;
    DLTensorView view(std::move(capsule));
    view.expect(info, role);
    DLDeviceType dev = view.tensor().device.device_type;
    if (dev == kDLCPU || dev == kDLCUDAHost)
      check(input ? infer_context_set_input(context, i, view.data(), info.size)
                  : infer_context_get_output(context, i, view.data(), info.size),
            what);
    else if (dev == kDLCUDA)
      check(input ? infer_context_set_input_device(context, i, view.data(), info.size)
                  : infer_context_get_output_device(context, i, view.data(), info.size),
            what);
    else
      throw Error(role + ": DLPack device type " + std::to_string(dev) +
                  " is neither the host nor a CUDA GPU");
  }

  static const TensorInfo &at(const std::vector<TensorInfo> &list, int i, const char *what) {
    if (i < 0 || i >= static_cast<int>(list.size()))
      throw Error(std::string(what) + " index " + std::to_string(i) + " is out of range (the model has " +
                  std::to_string(list.size()) + ")");
    return list[i];
  }

  infer_engine *engine = nullptr;
  infer_context *context = nullptr;
  std::vector<TensorInfo> inputs, outputs;
};
} // namespace

PYBIND11_MODULE(_infer, m) {
  m.doc() = "infer's runtime (use the `infer` package)";
  py::register_exception<Error>(m, "Error", PyExc_RuntimeError);
  py::class_<Engine>(m, "Engine")
      .def(py::init<const std::string &, int, bool>(), py::arg("path"), py::arg("threads") = 0,
           py::arg("cuda_graph") = true)
      .def_property_readonly("inputs", [](const Engine &e) { return e.infos(true); })
      .def_property_readonly("outputs", [](const Engine &e) { return e.infos(false); })
      .def_property_readonly("target", &Engine::target)
      .def_property_readonly("device", &Engine::device)
      .def_property_readonly("source", &Engine::source)
      .def_property_readonly("arena_bytes", &Engine::arenaSize)
      .def_property_readonly("weights_bytes", &Engine::weightsSize)
      .def_property_readonly("launches", &Engine::numLaunches)
      .def_property_readonly("threads", &Engine::threads)
      .def_property_readonly("dims", &Engine::dims)
      .def("shape", &Engine::shape, py::arg("input"), py::arg("index"))
      .def("set_input_shape", &Engine::setInputShape)
      .def("set_input", &Engine::setInput)
      .def("set_input_dlpack", &Engine::setInputDLPack)
      .def("run", &Engine::run, py::arg("resident") = false)
      .def("output", &Engine::output)
      .def("output_into", &Engine::outputInto)
      .def("bench", &Engine::bench, py::arg("iterations"), py::arg("warmup"),
           py::arg("resident") = false);
}
