//===- Calibration.h - Activation ranges for int8 quantization --*- C++ -*-===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// Post-training calibration: the range [-amax, amax] each activation
// tensor is quantized to (symmetric int8, scale = amax / 127), chosen from
// the values it takes on calibration samples. A first pass records each
// tensor's largest |x|; a second pass fills a histogram of |x| in 2048
// bins on [0, that maximum]; a calibrator then picks amax:
//   minmax      the largest |x|;
//   percentile  the upper edge of the bin where the cumulative share of
//               |x| reaches p (default 99.99%);
//   entropy     TensorRT's KL-divergence method (IInt8EntropyCalibrator2,
//               as pytorch-quantization implements it): for each
//               candidate of i >= 128 bins, the distribution of the kept
//               bins (the clipped tail added to the last) against the same
//               quantized to 128 levels; the candidate of least divergence
//               (the last of equals) gives amax = i bin widths;
//   mse         the bin centre that, as amax, quantizes the histogram's
//               bin centres with the least mean squared error.
// The cache is plain text: a header line, then one line per tensor,
// `name<TAB>amax<TAB>scale<TAB>error` (error: the tensor's relative L2
// error in int8, which infer-quantize's max-error compares).
//
//===----------------------------------------------------------------------===//

#ifndef INFER_RUNTIME_IO_CALIBRATION_H
#define INFER_RUNTIME_IO_CALIBRATION_H

#include "runtime/io/HostTensor.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace infer {

/// How a tensor's amax is chosen from its histogram.
struct Calibrator {
  enum class Kind { MinMax, Entropy, Percentile, Mse };
  Kind kind = Kind::Entropy;
  /// The share of |x| kept, in percent (percentile only).
  double percentile = 99.99;
  /// "minmax", "entropy", "percentile=99.99" or "mse".
  std::string name() const;
};

/// Parses a calibrator name: minmax, entropy, percentile (99.99),
/// percentile=P with 0 < P <= 100, or mse.
std::optional<Calibrator> parseCalibrator(const std::string &text, std::string &error);

/// The values one float tensor took over the calibration samples.
class TensorStatistics {
public:
  static constexpr int kBins = 2048;
  /// Pass 1: widens the range to the largest |x| of `t` (NaN and
  /// infinities are ignored).
  void observeRange(const HostTensor &t);
  /// Pass 2, after every range: counts |x| of `t` into the histogram.
  void observeValues(const HostTensor &t);
  double maxAbs() const { return max; }
  const std::vector<double> &histogram() const { return bins; }
  /// The calibrator's amax (0 for a tensor that was always 0).
  double amax(const Calibrator &c) const;
  /// The relative L2 error of the tensor quantized to int8 with `amax`
  /// (rounding and clipping), from the histogram's bin centres: what int8
  /// costs this tensor alone, before any layer compounds it.
  double quantizationError(double amax) const;

private:
  double max = 0;
  std::vector<double> bins;
};

/// Writes the cache to `path` (through a temporary file renamed into
/// place): the header names the calibrator, the model and the number of
/// samples; then each (tensor name, amax). Names may not hold tabs or
/// line breaks. False with `error` on failure.
/// One tensor's range and what int8 costs it.
struct CalibratedTensor {
  std::string name;
  double amax = 0, error = 0;
};

bool writeCalibrationCache(const std::string &path, const Calibrator &c,
                           const std::string &model, size_t samples,
                           const std::vector<CalibratedTensor> &tensors,
                           std::string &error);

} // namespace infer

#endif // INFER_RUNTIME_IO_CALIBRATION_H
