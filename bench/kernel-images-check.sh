#!/usr/bin/env bash
# On a lent GPU, after bench/device-pack.sh: the A/B of the two kernel images (kernels/README.md,
# Build). Verifies every family with each image forced, measures the quick memory, qgemv and gemm
# rows with each, and compares the two runs (compare names each run's image). On a driver below
# R580 the fatbin steps say why they cannot load it (exit 3) and the PTX steps still run.
#   device run: command "bash .devicepack/kernel-images-check.sh", carry [".devicepack"], timeout_s=540
# Leaves under $OUT (8 files at most come back): log.txt, compare.md, run-fatbin/ and run-ptx/.
# Overrides: BACKEND (emu or cpu for a dry run here), SUITES, RUN_ARGS (e.g. --working-set 64MiB).
set -u
pack=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$pack/out}; mkdir -p "$out"
tc=("$pack/bin/tokencost")
backend=${BACKEND:-cuda}
log=$out/log.txt; : > "$log"
step() { local name=$1 limit=$2; shift 2; echo "=== $name (limit ${limit}s)" | tee -a "$log"
  timeout -k 5 "$limit" "$@" >> "$log" 2>&1; echo "=== $name rc=$?" | tee -a "$log"; }

nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv >> "$log" 2>&1
step devices 60 "${tc[@]}" devices
for image in fatbin ptx; do
  step "verify $image" 120 "${tc[@]}" verify --backend "$backend" --kernel-image "$image"
done
for image in fatbin ptx; do
  # shellcheck disable=SC2086
  step "run $image" 150 "${tc[@]}" run --backend "$backend" --quick --suite "${SUITES:-memory,qgemv,gemm}" ${RUN_ARGS:-} \
    --kernel-image "$image" --out "$out/run-$image"
done
step compare 30 "${tc[@]}" compare "$out/run-fatbin" "$out/run-ptx" --markdown "$out/compare.md"
grep -E 'kernel_image|nvidia_driver|FAIL|kernels:|different images' "$log"
