//===- Profiles.cpp - --profile: dynamic dimensions and their ranges ------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "tools/infer-compile/Profiles.h"

#include "llvm/ADT/StringExtras.h"

#include <set>

using namespace mlir;
using namespace mlir::infer;

LogicalResult mlir::infer::parseProfile(StringRef spec, ProfileSpec &out, std::string &error) {
  auto bad = [&](const std::string &why) {
    error = "--profile '" + spec.str() + "': " + why +
            " (expected NAME:min=DIMS,opt=DIMS,max=DIMS, e.g. "
            "input:min=1x3x224x224,opt=8x3x224x224,max=32x3x224x224)";
    return failure();
  };
  size_t colon = spec.rfind(':');
  if (colon == StringRef::npos || colon == 0)
    return bad("no input name");
  out.input = spec.take_front(colon).str();
  SmallVector<StringRef> parts;
  spec.drop_front(colon + 1).split(parts, ',');
  std::set<std::string> seen;
  for (StringRef part : parts) {
    auto [key, value] = part.split('=');
    key = key.trim();
    std::vector<int64_t> *dst = key == "min"   ? &out.min
                                : key == "opt" ? &out.opt
                                : key == "max" ? &out.max
                                               : nullptr;
    if (!dst)
      return bad("'" + key.str() + "' is not min, opt or max");
    if (!seen.insert(key.str()).second)
      return bad(key.str() + " is given twice");
    SmallVector<StringRef> dims;
    value.split(dims, 'x');
    for (StringRef d : dims) {
      int64_t v = 0;
      if (d.trim().getAsInteger(10, v) || v < 1)
        return bad(key.str() + "='" + value.str() + "' is not a shape of positive sizes");
      dst->push_back(v);
    }
  }
  if (out.min.empty() || out.opt.empty() || out.max.empty())
    return bad("min, opt and max are all needed");
  if (out.min.size() != out.opt.size() || out.opt.size() != out.max.size())
    return bad("min, opt and max have different ranks");
  for (size_t i = 0; i < out.min.size(); ++i)
    if (!(out.min[i] <= out.opt[i] && out.opt[i] <= out.max[i]))
      return bad("axis " + std::to_string(i) + " does not have min <= opt <= max");
  return success();
}

FailureOr<DynamicDims> mlir::infer::resolveProfiles(const std::vector<ProfileSpec> &specs,
                                                    const OnnxSignature &signature,
                                                    std::string &error) {
  DynamicDims out;
  std::map<std::string, int> byName;
  for (const ProfileSpec &p : specs) {
    auto it = signature.inputDims.find(p.input);
    if (it == signature.inputDims.end()) {
      std::string names;
      for (const auto &[name, dims] : signature.inputDims)
        names += (names.empty() ? "" : ", ") + name;
      error = "--profile names '" + p.input + "', which is not a tensor input of the model (" +
              names + ")";
      return failure();
    }
    if (out.axes.count(p.input)) {
      error = "--profile gives input '" + p.input + "' twice";
      return failure();
    }
    const auto &declared = it->second;
    if (declared.size() != p.min.size()) {
      error = "--profile " + p.input + ": the input has rank " +
              std::to_string(declared.size()) + ", the profile " + std::to_string(p.min.size());
      return failure();
    }
    std::vector<int32_t> axes(declared.size(), -1);
    for (size_t i = 0; i < declared.size(); ++i) {
      int64_t fixed = declared[i].first;
      if (fixed >= 0 && (p.min[i] != fixed || p.max[i] != fixed)) {
        error = "--profile " + p.input + ": axis " + std::to_string(i) + " is " +
                std::to_string(fixed) + " in the model; the profile gives " +
                std::to_string(p.min[i]) + ".." + std::to_string(p.max[i]);
        return failure();
      }
      if (p.min[i] == p.max[i])
        continue;
      // Axes the model names alike are one dimension.
      std::string name = declared[i].second.empty()
                             ? p.input + "[" + std::to_string(i) + "]"
                             : declared[i].second;
      auto [slot, fresh] = byName.emplace(name, static_cast<int>(out.dims.size()));
      if (fresh) {
        ArtifactDim d;
        d.name = name;
        d.min = p.min[i];
        d.opt = p.opt[i];
        d.max = p.max[i];
        out.dims.push_back(d);
      } else {
        const ArtifactDim &d = out.dims[slot->second];
        if (d.min != p.min[i] || d.opt != p.opt[i] || d.max != p.max[i]) {
          error = "--profile " + p.input + ": axis " + std::to_string(i) + " is dimension '" +
                  name + "', whose range another profile gives as " + std::to_string(d.min) +
                  ".." + std::to_string(d.max) + " (opt " + std::to_string(d.opt) +
                  "); the model says they are equal";
          return failure();
        }
      }
      axes[i] = slot->second;
    }
    out.axes[p.input] = axes;
    out.optShapes[p.input] = p.opt;
  }
  if (out.dims.empty()) {
    error = "--profile: every axis has min == max; pin static shapes with --input-shape";
    return failure();
  }
  return out;
}

std::map<std::string, std::vector<int64_t>>
DynamicDims::shapesAt(const std::vector<int64_t> &values) const {
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto &[name, opt] : optShapes) {
    std::vector<int64_t> s = opt;
    const std::vector<int32_t> &a = axes.at(name);
    for (size_t i = 0; i < s.size(); ++i)
      if (a[i] >= 0)
        s[i] = values[a[i]];
    shapes[name] = s;
  }
  return shapes;
}

std::vector<int64_t> DynamicDims::optValues() const {
  std::vector<int64_t> v;
  for (const ArtifactDim &d : dims)
    v.push_back(d.opt);
  return v;
}

FailureOr<std::vector<std::vector<int64_t>>>
mlir::infer::specializations(const DynamicDims &dd, const std::vector<std::string> &why,
                             size_t limit, std::string &error) {
  // Exact specializations for a dimension that cannot be padded: at most
  // this many values.
  constexpr int64_t kMaxExactValues = 16;
  std::vector<std::vector<int64_t>> perDim;
  for (size_t k = 0; k < dd.dims.size(); ++k) {
    const ArtifactDim &d = dd.dims[k];
    std::set<int64_t> values{d.min, d.opt, d.max};
    if (why[k].empty()) {
      for (int64_t p = 1; p < d.max; p *= 2)
        if (p > d.min)
          values.insert(p);
    } else {
      if (d.max - d.min + 1 > kMaxExactValues) {
        error = "dimension '" + d.name + "' (" + std::to_string(d.min) + ".." +
                std::to_string(d.max) + ") cannot run padded: " + why[k] +
                "; such a dimension is compiled for every value, at most " +
                std::to_string(kMaxExactValues) + " of them: narrow its profile";
        return failure();
      }
      for (int64_t v = d.min; v <= d.max; ++v)
        values.insert(v);
    }
    perDim.emplace_back(values.begin(), values.end());
  }
  size_t count = 1;
  for (const auto &v : perDim)
    count *= v.size();
  if (count > limit) {
    std::string sizes;
    for (size_t k = 0; k < perDim.size(); ++k)
      sizes += (k ? " x " : "") + std::to_string(perDim[k].size()) + " ('" + dd.dims[k].name +
               "')";
    error = "the profiles need " + std::to_string(count) + " specializations (" + sizes +
            "), more than --max-specializations=" + std::to_string(limit) +
            ": narrow the ranges or raise the limit";
    return failure();
  }
  std::vector<std::vector<int64_t>> out{dd.optValues()};
  std::vector<size_t> idx(perDim.size(), 0);
  while (true) {
    std::vector<int64_t> v;
    for (size_t k = 0; k < perDim.size(); ++k)
      v.push_back(perDim[k][idx[k]]);
    if (v != out[0])
      out.push_back(v);
    size_t k = 0;
    while (k < idx.size() && ++idx[k] == perDim[k].size())
      idx[k++] = 0;
    if (k == idx.size())
      break;
  }
  return out;
}
