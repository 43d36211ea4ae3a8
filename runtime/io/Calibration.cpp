//===- Calibration.cpp - Activation ranges for int8 quantization ----------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//

#include "runtime/io/Calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

namespace infer {

namespace {
/// Quantized levels on each side of zero (int8, symmetric).
constexpr int kLevels = 127;
/// The fewest bins a candidate keeps (entropy, mse): 128 quantized bins.
constexpr int kMinKept = 128;

/// The entropy calibrator's divergence of keeping the first `kept` bins.
double divergence(const std::vector<double> &bins, const std::vector<double> &tail,
                  int kept) {
  std::vector<double> p(bins.begin(), bins.begin() + kept);
  p[kept - 1] += tail[kept];
  // Q: the kept bins merged into 128 groups, each group's sum spread
  // evenly over its bins that were not empty.
  std::vector<double> q(kept, 0.0);
  for (int g = 0, j = 0; g < kMinKept; ++g) {
    int end = j;
    while (end < kept && static_cast<int64_t>(end) * kMinKept / kept == g)
      ++end;
    double sum = 0;
    int nonzero = 0;
    for (int k = j; k < end; ++k) {
      sum += bins[k];
      nonzero += bins[k] != 0;
    }
    for (int k = j; k < end; ++k)
      q[k] = bins[k] != 0 ? sum / nonzero : 0.0;
    j = end;
  }
  double ps = 0, qs = 0;
  for (int k = 0; k < kept; ++k) {
    ps += p[k];
    qs += q[k];
  }
  if (ps == 0 || qs == 0)
    return std::numeric_limits<double>::infinity();
  double kl = 0;
  for (int k = 0; k < kept; ++k) {
    if (p[k] == 0)
      continue;
    if (q[k] == 0)
      return std::numeric_limits<double>::infinity();
    kl += p[k] / ps * std::log((p[k] / ps) / (q[k] / qs));
  }
  return kl;
}
} // namespace

std::string Calibrator::name() const {
  switch (kind) {
  case Kind::MinMax:
    return "minmax";
  case Kind::Entropy:
    return "entropy";
  case Kind::Mse:
    return "mse";
  case Kind::Percentile: {
    char buf[32];
    std::snprintf(buf, sizeof buf, "percentile=%g", percentile);
    return buf;
  }
  }
  return "entropy";
}

std::optional<Calibrator> parseCalibrator(const std::string &text, std::string &error) {
  Calibrator c;
  if (text == "minmax") {
    c.kind = Calibrator::Kind::MinMax;
  } else if (text == "entropy") {
    c.kind = Calibrator::Kind::Entropy;
  } else if (text == "mse") {
    c.kind = Calibrator::Kind::Mse;
  } else if (text == "percentile" || text.rfind("percentile=", 0) == 0) {
    c.kind = Calibrator::Kind::Percentile;
    if (text != "percentile") {
      std::string value = text.substr(11);
      char *end = nullptr;
      c.percentile = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(c.percentile > 0 && c.percentile <= 100)) {
        error = "--calibrator percentile=" + value +
                ": the percentile must be a number in (0, 100]";
        return std::nullopt;
      }
    }
  } else {
    error = "--calibrator must be minmax, entropy, percentile[=P] or mse, not '" +
            text + "'";
    return std::nullopt;
  }
  return c;
}

void TensorStatistics::observeRange(const HostTensor &t) {
  for (int64_t i = 0, n = t.numElements(); i < n; ++i) {
    double v = std::fabs(t.get(i));
    if (std::isfinite(v))
      max = std::max(max, v);
  }
}

void TensorStatistics::observeValues(const HostTensor &t) {
  if (bins.empty())
    bins.assign(kBins, 0.0);
  if (max == 0)
    return;
  double perBin = kBins / max;
  for (int64_t i = 0, n = t.numElements(); i < n; ++i) {
    double v = std::fabs(t.get(i));
    if (!std::isfinite(v))
      continue;
    int b = static_cast<int>(v * perBin);
    bins[std::min(b, kBins - 1)] += 1;
  }
}

/// Sum over the histogram of count * (q(x) - x)^2, x each bin's centre and
/// q(x) its int8 value with range `a`; `energy` gets count * x^2.
static double squaredQuantError(const std::vector<double> &bins, double width, double a,
                                double *energy = nullptr) {
  double err = 0, e = 0;
  for (int j = 0; j < TensorStatistics::kBins; ++j) {
    if (bins[j] == 0)
      continue;
    double x = (j + 0.5) * width;
    double q = std::min<double>(std::nearbyint(x * kLevels / a), kLevels) * a / kLevels;
    err += bins[j] * (q - x) * (q - x);
    e += bins[j] * x * x;
  }
  if (energy)
    *energy = e;
  return err;
}

double TensorStatistics::amax(const Calibrator &c) const {
  if (max == 0 || c.kind == Calibrator::Kind::MinMax || bins.empty())
    return max;
  double width = max / kBins, total = 0;
  for (double b : bins)
    total += b;
  if (total == 0)
    return max;
  switch (c.kind) {
  case Calibrator::Kind::Percentile: {
    double want = c.percentile / 100 * total, seen = 0;
    for (int j = 0; j < kBins; ++j) {
      seen += bins[j];
      if (seen >= want)
        return (j + 1) * width;
    }
    return max;
  }
  case Calibrator::Kind::Entropy: {
    // ReLU outputs pile up in bin 0; that spike is not part of the shape.
    std::vector<double> h = bins;
    h[0] = h[1];
    std::vector<double> tail(kBins + 1, 0.0); // tail[i] = sum of h[i..]
    for (int j = kBins - 1; j >= 0; --j)
      tail[j] = tail[j + 1] + h[j];
    double best = std::numeric_limits<double>::infinity();
    int bestKept = kBins;
    for (int kept = kMinKept; kept <= kBins; ++kept) {
      double d = divergence(h, tail, kept);
      if (d <= best) {
        best = d;
        bestKept = kept;
      }
    }
    return bestKept * width;
  }
  case Calibrator::Kind::Mse: {
    double best = std::numeric_limits<double>::infinity(), bestAmax = max;
    for (int i = kMinKept; i < kBins; ++i) {
      double a = (i + 0.5) * width, err = squaredQuantError(bins, width, a);
      if (err < best) {
        best = err;
        bestAmax = a;
      }
    }
    return bestAmax;
  }
  case Calibrator::Kind::MinMax:
    break;
  }
  return max;
}

double TensorStatistics::quantizationError(double a) const {
  if (max == 0 || a <= 0 || bins.empty())
    return 0;
  double energy = 0;
  double err = squaredQuantError(bins, max / kBins, a, &energy);
  return energy > 0 ? std::sqrt(err / energy) : 0;
}

bool writeCalibrationCache(const std::string &path, const Calibrator &c,
                           const std::string &model, size_t samples,
                           const std::vector<CalibratedTensor> &tensors,
                           std::string &error) {
  for (const CalibratedTensor &t : tensors)
    if (t.name.find_first_of("\t\r\n") != std::string::npos) {
      error = "tensor name '" + t.name + "' holds a tab or a line break: the "
              "calibration cache cannot name it";
      return false;
    }
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) {
      error = "cannot write '" + tmp + "'";
      return false;
    }
    out << "infer-calibration 1 " << c.name() << "\n";
    out << "# model " << model << ", " << samples << " samples; name, amax, scale (amax / "
        << kLevels << "), relative L2 error in int8\n";
    char line[96];
    for (const CalibratedTensor &t : tensors) {
      std::snprintf(line, sizeof line, "\t%.9g\t%.9g\t%.4g\n", t.amax, t.amax / kLevels,
                    t.error);
      out << t.name << line;
    }
    out.flush();
    if (!out) {
      error = "cannot write '" + tmp + "'";
      std::remove(tmp.c_str());
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

} // namespace infer
