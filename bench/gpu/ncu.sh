#!/usr/bin/env bash
# Runs on the GPU machine after `run.sh --build-only`: Nsight Compute's
# counters for every launch of one run of each artifact (plain launches,
# no CUDA graph; caches flushed before each kernel, ncu's default), next
# to infer-run's own per-launch profile (kinds and ONNX nodes), in OUTDIR.
# bench/gpu/ncu_table.py joins the two into one table per artifact.
# With NCU_KERNELS=REGEX (kernel names are infer_kernel_<launch>), only
# those launches, with ncu's full set, every metric in NAME.full.csv
# (one row per launch: stall reasons, instruction mix, memory tables).
#   bench/gpu/ncu.sh OUTDIR ARTIFACT...
set -euo pipefail
out=$1
shift
mkdir -p "$out"
metrics=gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum
metrics+=,dram__throughput.avg.pct_of_peak_sustained_elapsed
metrics+=,sm__throughput.avg.pct_of_peak_sustained_elapsed
metrics+=,sm__pipe_tensor_cycles_active.avg.pct_of_peak_sustained_elapsed
metrics+=,sm__inst_executed_pipe_tensor_op_hmma.avg.pct_of_peak_sustained_elapsed
metrics+=,sm__warps_active.avg.pct_of_peak_sustained_active
metrics+=,launch__grid_size,launch__block_size,launch__registers_per_thread
metrics+=,launch__shared_mem_per_block_dynamic,lts__t_bytes.sum
for a in "$@"; do
  name=$(basename "$a" .infer)
  if [ -n "${NCU_KERNELS:-}" ]; then
    ncu --clock-control none --csv --page raw --set full -k "regex:^(${NCU_KERNELS})\$" \
      build-gpu/bin/infer-run "$a" --cuda-graph 0 >"$out/$name.full.csv" 2>"$out/$name.full.err" ||
      echo "ncu failed on $a (see $out/$name.full.err)"
    continue
  fi
  build-gpu/bin/infer-run "$a" --bench --duration 1 --profile \
    --json "$out/$name.json" >"$out/$name.profile.txt"
  ncu --clock-control none --csv --metrics "$metrics" --section WarpStateStats \
    build-gpu/bin/infer-run "$a" --cuda-graph 0 >"$out/$name.ncu.csv" 2>"$out/$name.ncu.err" ||
    echo "ncu failed on $a (see $out/$name.ncu.err)"
done
