#!/usr/bin/env bash
# Compiles every kernels/*.cu with nvcc into OUT_DIR (called by Maven in generate-resources):
#   <name>.ptx          PTX for compute_80 (the driver JITs it on Ampere and later)
#   <name>.sm_90.cubin  SASS for Hopper (H100/H200): loaded as is, no JIT
#   kernels.properties  manifest: kernels built, nvcc version, targets
# Warnings are errors; a register spill, local memory or a stack frame fails the build.
# Without nvcc it writes a manifest saying built=false and exits 0, unless CI is set.
# Usage: build-kernels.sh OUT_DIR [REPORT_FILE]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build-kernels.sh OUT_DIR [REPORT_FILE]}"
report="${2:-$out/../../../../kernels-resource-usage.txt}"
ptx_arch="compute_80"
cubin_archs=(sm_90)
check_archs=(sm_80)   # ptxas-only check of the PTX target; not packaged
mkdir -p "$out"

nvcc="${NVCC:-}"
if [[ -z "$nvcc" ]]; then
    for c in "$(command -v nvcc || true)" "${CUDA_HOME:-/nonexistent}/bin/nvcc" /usr/local/cuda/bin/nvcc; do
        if [[ -n "$c" && -x "$c" ]]; then nvcc="$c"; break; fi
    done
fi
if [[ -z "$nvcc" ]]; then
    msg="nvcc not found: kernels not built (install the CUDA toolkit and rebuild)"
    if [[ -n "${CI:-}" ]]; then
        echo "ERROR: $msg; CI is set, so this is fatal" >&2
        exit 1
    fi
    echo "WARNING: $msg" >&2
    printf 'built=false\nreason=%s\n' "$msg" > "$out/kernels.properties"
    exit 0
fi

shopt -s nullglob
sources=("$here"/*.cu)
if (( ${#sources[@]} == 0 )); then
    echo "ERROR: no .cu files in $here" >&2
    exit 1
fi

# up to date when the manifest is newer than every input
manifest="$out/kernels.properties"
if [[ -f "$manifest" ]] && grep -q '^built=true' "$manifest"; then
    stale=$(find "$here"/*.cu "$here/include" "$0" -newer "$manifest" -print -quit 2>/dev/null || true)
    if [[ -z "$stale" ]]; then
        echo "kernels up to date in $out"
        exit 0
    fi
fi

version_line=$("$nvcc" --version | grep -o 'release [0-9.]*, V[0-9.]*' || true)
nvcc_version=$(sed -E 's/release ([0-9.]+),.*/\1/' <<<"$version_line")
nvcc_full=$(sed -E 's/.*V([0-9.]+)/\1/' <<<"$version_line")
[[ -n "$nvcc_version" ]] || { echo "ERROR: cannot read the nvcc version from '$nvcc --version'" >&2; exit 1; }

common=(-std=c++17 -O3 -I "$here/include" -Werror all-warnings
        -Xptxas -v,-warn-spills,-warn-lmem-usage,-Werror)
: > "$report.tmp"
# runs nvcc, appending its diagnostics (ptxas -v report included) to the report; prints them on failure
run_nvcc() {
    local log
    if ! log=$("$nvcc" "${common[@]}" "$@" 2>&1); then
        echo "$log" >&2
        echo "ERROR: nvcc failed: $nvcc ${common[*]} $*" >&2
        rm -f "$manifest"
        exit 1
    fi
    echo "$log" >> "$report.tmp"
}
names=()
for src in "${sources[@]}"; do
    name=$(basename "$src" .cu)
    names+=("$name")
    echo "nvcc: $name.cu -> $name.ptx (${ptx_arch}), ${cubin_archs[*]/%/.cubin}"
    run_nvcc -arch="$ptx_arch" --ptx -o "$out/$name.ptx" "$src"
    for arch in "${cubin_archs[@]}"; do
        run_nvcc -arch="$arch" -cubin -o "$out/$name.$arch.cubin" "$src"
    done
    for arch in "${check_archs[@]}"; do
        run_nvcc -arch="$arch" -cubin -o "$out/$name.check.tmp" "$src"
        rm -f "$out/$name.check.tmp"
    done
done
mv "$report.tmp" "$report"

# ptxas -v reports "N bytes stack frame, N bytes spill stores, N bytes spill loads" per function
bad=$(grep -E '(^|[^0-9])[1-9][0-9]* bytes (stack frame|spill stores|spill loads)' "$report" || true)
if [[ -n "$bad" ]]; then
    echo "ERROR: a kernel uses a stack frame or spills registers (see $report):" >&2
    echo "$bad" >&2
    rm -f "$manifest"
    exit 1
fi

ptx_isa=$(grep -m1 -oE '^\.version [0-9.]+' "$out/${names[0]}.ptx" | cut -d' ' -f2)
{
    echo "built=true"
    echo "nvcc.version=$nvcc_version"
    echo "nvcc.full_version=$nvcc_full"
    echo "ptx.arch=$ptx_arch"
    echo "ptx.isa=$ptx_isa"
    echo "cubin.archs=$(IFS=,; echo "${cubin_archs[*]}")"
    echo "kernels=$(IFS=,; echo "${names[*]}")"
} > "$manifest"
echo "kernels built with nvcc $nvcc_full: ${names[*]} (resource usage: $report)"
