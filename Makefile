# infer: the developer's front end. `make run` and `make test` do everything
# on a fresh Debian 12 machine, installing what is missing first.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
LIT := /usr/lib/llvm-22/bin/lit

.PHONY: all deps configure build test run docs clean conformance conformance-update fuzz-import fuzz-artifact fuzz-graph

FUZZ_SECONDS ?= 600

# ONNX backend node tests: Debian's set (onnx 1.12), and onnx 1.19.1's
# (scripts/fetch-onnx-node-tests.sh, run by `make deps`), each with its own
# report and pass lists.
CONFORMANCE_DIRS ?= /usr/share/libonnx-testdata/data/node
NEWER_NODE_TESTS = .cache/onnx-node-tests/1.19.1/node
CONFORMANCE_BACKENDS ?= reference,cpu

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DLLVM_EXTERNAL_LIT=$(LIT) $(CMAKE_FLAGS)

configure: deps $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	@scripts/run-tests.sh $(BUILD)

run: build
	@scripts/run-example.sh $(BUILD)

docs: configure
	cmake --build $(BUILD) --target docs

conformance: build
	$(BUILD)/bin/infer-conformance $(CONFORMANCE_DIRS) \
	  --backend=$(CONFORMANCE_BACKENDS) --report=docs/conformance.md
	@scripts/fetch-onnx-node-tests.sh >/dev/null
	@if [ -d $(NEWER_NODE_TESTS) ]; then $(BUILD)/bin/infer-conformance $(NEWER_NODE_TESTS) \
	  --backend=$(CONFORMANCE_BACKENDS) --report=docs/conformance-onnx-1.19.md; fi

# Rewrites the pass lists that `make test` holds.
conformance-update: build
	$(BUILD)/bin/infer-conformance /usr/share/libonnx-testdata/data/node \
	  --backend=$(CONFORMANCE_BACKENDS) --expected=test/conformance --update-expected
	@scripts/fetch-onnx-node-tests.sh >/dev/null
	@if [ -d $(NEWER_NODE_TESTS) ]; then mkdir -p test/conformance/onnx-1.19.1 && \
	  $(BUILD)/bin/infer-conformance $(NEWER_NODE_TESTS) --backend=$(CONFORMANCE_BACKENDS) \
	  --expected=test/conformance/onnx-1.19.1 --update-expected; fi

# The importer's libFuzzer target under ASan and UBSan, for FUZZ_SECONDS.
fuzz-import: deps
	scripts/fuzz-import.sh $(FUZZ_SECONDS)

# The whole compiler (import, reference, CPU codegen, runtime) on
# structurally mutated ONNX models, for FUZZ_SECONDS.
fuzz-graph: deps
	scripts/fuzz-graph.sh $(FUZZ_SECONDS)

# The artifact loader's libFuzzer target, seeded with compiled artifacts.
fuzz-artifact: build
	scripts/fuzz-artifact.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
