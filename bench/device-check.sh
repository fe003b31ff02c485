#!/usr/bin/env bash
# Runs on a lent GPU machine, from the checkout root: bash .devicepack/check.sh (bench/device-pack.sh
# made .devicepack/: the bundle, this script, peers.py). Prints the device, verifies every kernel
# family on cuda, measures a quick sweep, and runs the PyTorch peers on the same shapes; logs and CSVs
# go to $OUT (what comes back: at most 8 files). Each step has its own time limit, so that a hang in
# one does not take the whole lease. TOKENCOST_SUITES picks the sweep's suites; TOKENCOST_BACKEND=emu tries
# the script on a CPU first (a typo costs no GPU time).
set -u
pack=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$pack/out}; mkdir -p "$out"
tc=("$pack/bin/tokencost")
log=$out/log.txt; : > "$log"
step() {
  local name=$1 limit=$2; shift 2
  echo "=== $name (limit ${limit}s)" | tee -a "$log"
  timeout -k 5 "$limit" "$@" > "$out/.step" 2>&1; local rc=$?
  cat "$out/.step" >> "$log"; tail -n 25 "$out/.step"; rm -f "$out/.step"
  echo "=== $name rc=$rc" | tee -a "$log"
}

nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu,power.draw,ecc.mode.current \
  --format=csv > "$out/gpu.csv" 2>&1
cat "$out/gpu.csv"
step devices 60 "${tc[@]}" devices
step verify 150 "${tc[@]}" verify --backend "${TOKENCOST_BACKEND:-cuda}"
mkdir -p "$out/run"
step run 240 "${tc[@]}" run --backend "${TOKENCOST_BACKEND:-cuda}" --quick --suite "${TOKENCOST_SUITES:-memory,qgemv,gemm,attention}" --case-timeout 60 --out "$out/run"
if python3 -c 'import torch' 2>/dev/null; then
  step peers 150 python3 "$pack/peers.py" --out "$out/peers.csv" --quick
else
  echo "=== peers: no python3 with torch here" | tee -a "$log"
fi
nvidia-smi --query-gpu=clocks.sm,temperature.gpu,power.draw,clocks_throttle_reasons.active --format=csv >> "$out/gpu.csv" 2>&1
rm -f "$out/run/jmh.log.partial"
echo "=== files"; ls -laR "$out"
