//===- PlanOps.cpp - Verifiers of dispatches, launches and buffers --------===//
//
// Part of infer, an open inference compiler built on MLIR.
//
//===----------------------------------------------------------------------===//
//
// A plan in the IR can be edited by hand or by a tool between stages
// (infer-opt), so everything the artifact writer and the runtime would
// trust is checked here: launch geometry, argument indices, buffer
// attributes on the values they describe.
//
//===----------------------------------------------------------------------===//

#include "ir/InferOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::infer;

LogicalResult LaunchAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 StringRef kernel, StringRef kind,
                                 ArrayRef<int32_t> args, int64_t grid,
                                 int64_t grain, int64_t threads, int64_t shared,
                                 ArrayRef<TensorMapAttr> maps) {
  if (kernel.empty())
    return emitError() << "expects a kernel symbol";
  if (grid < 1 || grain < 1)
    return emitError() << "expects a grid and a grain of at least 1, got "
                       << grid << " and " << grain;
  if (threads < 0 || threads > 1024)
    return emitError() << "expects 0 (CPU) to 1024 threads per block, got "
                       << threads;
  if (shared < 0)
    return emitError() << "expects a non-negative shared memory size";
  for (int32_t a : args)
    if (a < 0)
      return emitError() << "expects argument indices of at least 0, got " << a;
  for (TensorMapAttr m : maps)
    if (m.getArg() >= args.size())
      return emitError() << "has a tensor map over argument " << m.getArg()
                         << " of a launch with " << args.size() << " arguments";
  return success();
}

Attribute LaunchAttr::parse(AsmParser &parser, Type) {
  std::string kernel, kind;
  SmallVector<int32_t> args;
  int64_t grid = 0, grain = 0, threads = 0, shared = 0;
  SmallVector<TensorMapAttr> maps;
  auto parseInt = [&](int64_t &v) {
    return failure(parser.parseEqual() || parser.parseInteger(v));
  };
  if (parser.parseLess() || parser.parseString(&kernel) || parser.parseComma() ||
      parser.parseString(&kind) || parser.parseComma() ||
      parser.parseKeyword("args") || parser.parseEqual() ||
      parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, [&] {
        return parser.parseInteger(args.emplace_back());
      }))
    return {};
  llvm::SmallSet<std::string, 4> seen;
  while (succeeded(parser.parseOptionalComma())) {
    std::string key;
    llvm::SMLoc at = parser.getCurrentLocation();
    if (parser.parseKeywordOrString(&key))
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(at) << "'" << key << "' is given twice";
      return {};
    }
    LogicalResult ok = failure();
    if (key == "grid")
      ok = parseInt(grid);
    else if (key == "grain")
      ok = parseInt(grain);
    else if (key == "threads")
      ok = parseInt(threads);
    else if (key == "shared")
      ok = parseInt(shared);
    else if (key == "maps")
      ok = failure(parser.parseEqual() ||
                   parser.parseCommaSeparatedList(
                       AsmParser::Delimiter::Square, [&] {
                         return parser.parseAttribute(maps.emplace_back());
                       }));
    else
      parser.emitError(at) << "expects grid, grain, threads, shared or maps, "
                              "got '"
                           << key << "'";
    if (failed(ok))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return parser.getChecked<LaunchAttr>(
      parser.getContext(), StringRef(kernel), StringRef(kind),
      ArrayRef<int32_t>(args), grid, grain, threads, shared,
      ArrayRef<TensorMapAttr>(maps));
}

void LaunchAttr::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printString(getKernel());
  printer << ", ";
  printer.printString(getKind());
  printer << ", args = [";
  llvm::interleaveComma(getArgs(), printer);
  printer << "], grid = " << getGrid() << ", grain = " << getGrain();
  if (getThreads())
    printer << ", threads = " << getThreads();
  if (getShared())
    printer << ", shared = " << getShared();
  if (!getMaps().empty()) {
    printer << ", maps = [";
    llvm::interleaveComma(getMaps(), printer);
    printer << "]";
  }
  printer << ">";
}

LogicalResult DispatchOp::verify() {
  size_t buffers = getNumBuffers();
  for (Attribute a : getLaunches()) {
    auto launch = llvm::cast<LaunchAttr>(a);
    for (int32_t arg : launch.getArgs())
      if (static_cast<size_t>(arg) >= buffers)
        return emitOpError() << "launches " << launch.getKernel()
                             << " over buffer " << arg << " of " << buffers
                             << " (inputs, scratch, outputs)";
  }
  for (int64_t bytes : getScratch())
    if (bytes < 0)
      return emitOpError() << "expects scratch sizes of at least 0 bytes";
  bool allEmpty = llvm::all_of(getOutputs().getTypes(), [](Type t) {
    return llvm::cast<RankedTensorType>(t).getNumElements() == 0;
  });
  if (getLaunches().empty() && !allEmpty)
    return emitOpError() << "has no launches but computes a non-empty result";
  if (getCheck()) {
    if (getOutputs().size() != 1 ||
        !llvm::cast<RankedTensorType>(getOutputs()[0].getType())
             .getElementType()
             .isInteger(1))
      return emitOpError() << "with a check expects one boolean output (the "
                              "failure flag)";
  }
  return success();
}

namespace {
/// `attr` is an array of one #infer.buffer per value in `values`.
LogicalResult verifyBufferList(Operation *op, NamedAttribute attr,
                               size_t count, StringRef what) {
  auto list = llvm::dyn_cast<ArrayAttr>(attr.getValue());
  if (!list || list.size() != count ||
      !llvm::all_of(list, [](Attribute a) { return llvm::isa<BufferAttr>(a); }))
    return op->emitOpError() << "expects '" << attr.getName().getValue()
                             << "' to hold "
                             << count << " #infer.buffer (one per " << what
                             << ")";
  return success();
}
} // namespace

LogicalResult mlir::infer::verifyPlanAttribute(Operation *op,
                                               NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == DispatchOp::getBuffersAttrName())
    return verifyBufferList(op, attr, op->getNumResults(), "result");
  if (name == DispatchOp::getScratchBuffersAttrName()) {
    auto dispatch = llvm::dyn_cast<DispatchOp>(op);
    if (!dispatch)
      return op->emitOpError() << "only a dispatch has scratch buffers";
    return verifyBufferList(op, attr, dispatch.getScratch().size(),
                            "scratch size");
  }
  return success();
}

LogicalResult InferDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned region,
                                                     unsigned arg,
                                                     NamedAttribute attr) {
  if (attr.getName() == DispatchOp::getArgBufferAttrName() &&
      !llvm::isa<BufferAttr>(attr.getValue()))
    return op->emitOpError() << "expects '" << attr.getName().getValue()
                             << "' of argument " << arg
                             << " to be a #infer.buffer";
  return success();
}
