#!/usr/bin/env bash
# Compiles every kernels/*.cu with nvcc into OUT_DIR (called by Maven in generate-resources), two
# images per file (what each needs of the driver: kernels/README.md, "Which GPUs and drivers"):
#   <name>.fatbin  SASS for sm_80 sm_86 sm_89 sm_90 sm_100 sm_120 and PTX for compute_120 (a newer
#                  GPU JIT-compiles it), as much of that as this nvcc supports; compressed. Its cubins
#                  need a driver of nvcc's major release (13.x: R580+).
#   <name>.ptx     compatibility PTX for compute_80, its .version lowered to the lowest ISA the file
#                  needs and checked at that version by ptxas for sm_80 and sm_90; at most ISA 8.0
#                  (CUDA 12.0), so drivers from R525 JIT-compile it.
#   kernels.properties  the manifest: per image its targets, PTX ISA, minimum driver; nvcc's version.
# Warnings are errors. A register spill, local memory or a stack frame fails the build on sm_80 and
# sm_90 (the register budgets are set for them); on the other archs it is recorded in the manifest.
# Without nvcc it writes a manifest saying built=false and exits 0, unless CI is set.
# Usage: build-kernels.sh OUT_DIR [REPORT_FILE]
# Environment: NVCC (the compiler), TC_KERNEL_SOURCES (a folder of .cu files instead of this one:
# tests), TC_COMPAT_PTX_MAX_ISA (the compatibility PTX's ceiling, default 8.0: tests).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build-kernels.sh OUT_DIR [REPORT_FILE]}"
report="${2:-$out/../../../../kernels-resource-usage.txt}"
sources_dir="${TC_KERNEL_SOURCES:-$here}"
fatbin_sass=(sm_80 sm_86 sm_89 sm_90 sm_100 sm_120)
fatbin_ptx=compute_120
strict_archs=" sm_80 sm_90 "   # spills fail the build here; elsewhere they are listed in the manifest
compat_arch=compute_80
compat_check_archs=(sm_80 sm_90)
compat_floor=7.0                                   # the first ISA for .target sm_80 (cp.async, mma bf16)
compat_ceiling="${TC_COMPAT_PTX_MAX_ISA:-8.0}"     # CUDA 12.0: drivers R525 and newer
# The CUDA release that first reads each PTX ISA (PTX ISA manual, "PTX release history"): a driver
# JIT-compiles PTX up to the ISA of the CUDA version cuDriverGetVersion reports.
declare -A isa_cuda=([7.0]=11.0 [7.1]=11.1 [7.2]=11.2 [7.3]=11.3 [7.4]=11.4 [7.5]=11.5 [7.6]=11.6 [7.7]=11.7
                     [7.8]=11.8 [8.0]=12.0 [8.1]=12.1 [8.2]=12.2 [8.3]=12.3 [8.4]=12.4 [8.5]=12.5 [8.6]=12.7
                     [8.7]=12.8 [8.8]=12.9 [9.0]=13.0 [9.1]=13.1)
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
ptxas="$(dirname "$(readlink -f "$(command -v "$nvcc")")")/ptxas"
[[ -x "$ptxas" ]] || ptxas="$(command -v ptxas || true)"
[[ -n "$ptxas" && -x "$ptxas" ]] || { echo "ERROR: no ptxas beside $nvcc: the compatibility PTX cannot be checked" >&2; exit 1; }

shopt -s nullglob
sources=("$sources_dir"/*.cu)
if (( ${#sources[@]} == 0 )); then
    echo "ERROR: no .cu files in $sources_dir" >&2
    exit 1
fi

version_line=$("$nvcc" --version | grep -o 'release [0-9.]*, V[0-9.]*' || true)
nvcc_version=$(sed -E 's/release ([0-9.]+),.*/\1/' <<<"$version_line")
nvcc_full=$(sed -E 's/.*V([0-9.]+)/\1/' <<<"$version_line")
[[ -n "$nvcc_version" ]] || { echo "ERROR: cannot read the nvcc version from '$nvcc --version'" >&2; exit 1; }

# up to date when the manifest is newer than every input and was built from the same compiler,
# ceiling and list of sources
manifest="$out/kernels.properties"
inputs=$(printf '%s\n' "$nvcc" "$nvcc_full" "$compat_ceiling" "${sources[@]}" | sha1sum | cut -c1-16)
if [[ -f "$manifest" ]] && grep -q '^built=true' "$manifest" && grep -qx "build.inputs=$inputs" "$manifest"; then
    stale=$(find "${sources[@]}" "$here/include" "$0" -newer "$manifest" -print -quit 2>/dev/null || true)
    if [[ -z "$stale" ]]; then
        echo "kernels up to date in $out"
        exit 0
    fi
fi
rm -f "$manifest"

# what this nvcc can target: an older one (12.x before 12.8) lacks sm_100 and sm_120
codes=" $("$nvcc" --list-gpu-code 2>/dev/null | tr '\n' ' ' || true) "
[[ "$codes" == *" sm_80 "* ]] || { echo "ERROR: nvcc $nvcc_version lists no sm_80 target (nvcc --list-gpu-code): the kernels need CUDA 11.8 or newer" >&2; exit 1; }
sass=(); missing=()
for a in "${fatbin_sass[@]}"; do
    if [[ "$codes" == *" $a "* ]]; then sass+=("$a"); else missing+=("$a"); fi
done
ptx_in_fatbin=$fatbin_ptx
if [[ "$codes" != *" ${fatbin_ptx/compute/sm} "* ]]; then
    # the newest of the SASS targets as PTX, so a later GPU still JIT-compiles something
    ptx_in_fatbin=${sass[-1]/sm/compute}
    missing+=("$fatbin_ptx")
fi
gencode=()
for a in "${sass[@]}"; do gencode+=("-gencode=arch=${a/sm/compute},code=$a"); done
gencode+=("-gencode=arch=$ptx_in_fatbin,code=$ptx_in_fatbin")
# nvcc 12.x's "size" compression needs a newer driver than its cubins do (R550): keep 12.x's default
compression=default
help=$("$nvcc" --help || true)
if [[ "$help" == *--compress-mode* ]] && (( ${nvcc_version%%.*} >= 13 )); then
    compression=size
    gencode+=(--compress-mode=size)
fi

common=(-std=c++17 -O3 -I "$here/include" -Werror all-warnings)
: > "$report.tmp"
# runs nvcc, appending its diagnostics (ptxas -v report included) to the report; prints them on failure
run_nvcc() {
    local log
    if ! log=$("$nvcc" "${common[@]}" "$@" 2>&1); then
        echo "$log" >&2
        echo "ERROR: nvcc failed: $nvcc ${common[*]} $*" >&2
        exit 1
    fi
    echo "$log" >> "$report.tmp"
}

# Lowers a PTX file's .version to the lowest ISA ptxas accepts for every check arch: from the floor,
# raised to what ptxas says a feature "requires", and never past the ceiling. Prints the ISA.
lower_ptx() {
    local ptx="$1" src="$2" isa="$compat_floor" log need feature
    while :; do
        sed -i -E "0,/^\.version [0-9.]+/s//.version $isa/" "$ptx"
        log=""
        for a in "${compat_check_archs[@]}"; do
            log+=$("$ptxas" -arch="$a" -o /dev/null "$ptx" 2>&1 | sed "s/^/$a: /") || true
        done
        if ! grep -qE '(error|fatal) *:' <<<"$log"; then
            echo "$isa"
            return 0
        fi
        need=$(grep -oE 'requires PTX ISA \.version [0-9]+\.[0-9]+' <<<"$log" | awk '{print $NF}' | sort -V | tail -1 || true)
        feature=$(grep -m1 -E "requires PTX ISA \.version $need" <<<"$log" | sed -E 's/.*(error|fatal) *: *//' || true)
        if [[ -z "$need" ]]; then
            echo "ERROR: $src: ptxas rejects its compatibility PTX ($compat_arch) at ISA $isa:" >&2
            echo "$log" >&2
            return 1
        fi
        if [[ "$(printf '%s\n%s\n' "$need" "$compat_ceiling" | sort -V | tail -1)" != "$compat_ceiling" ]]; then
            echo "ERROR: $src: $feature; the compatibility PTX ($compat_arch) must stay at ISA $compat_ceiling or lower" \
                 "(drivers from CUDA ${isa_cuda[$compat_ceiling]:-?}): rewrite the feature or guard it" >&2
            return 1
        fi
        if [[ "$(printf '%s\n%s\n' "$need" "$isa" | sort -V | tail -1)" == "$isa" ]]; then
            echo "ERROR: $src: ptxas still rejects the compatibility PTX at ISA $isa:" >&2
            echo "$log" >&2
            return 1
        fi
        isa=$need
    done
}

names=()
compat_isa=$compat_floor
declare -A file_isa=()
for src in "${sources[@]}"; do
    name=$(basename "$src" .cu)
    names+=("$name")
    echo "nvcc: $name.cu -> $name.fatbin (${sass[*]} + $ptx_in_fatbin), $name.ptx ($compat_arch)"
    run_nvcc "${gencode[@]}" -Xptxas -v -t 2 -fatbin -o "$out/$name.fatbin" "$src"
    run_nvcc -arch="$compat_arch" --ptx -o "$out/$name.ptx" "$src"
    isa=$(lower_ptx "$out/$name.ptx" "${src#"$(dirname "$here")/"}") || { rm -f "$out/$name.ptx"; exit 1; }
    file_isa[$name]=$isa
    compat_isa=$(printf '%s\n%s\n' "$compat_isa" "$isa" | sort -V | tail -1)
    rm -f "$out/$name".sm_*.cubin   # the images of earlier builds
done
mv "$report.tmp" "$report"

# ptxas -v reports, per arch and function, "N bytes stack frame, N bytes spill stores, N bytes spill loads"
spills=$(awk '
    /Compiling entry function/ { match($0, /function .[A-Za-z0-9_]+/); fn = substr($0, RSTART + 10, RLENGTH - 10);
                                 match($0, /for .sm_[0-9a-z]+/); arch = substr($0, RSTART + 5, RLENGTH - 5) }
    /bytes stack frame/ { if ($1 + $5 > 0) print arch, fn, $1 "B stack, " $5 "B spilled" }' "$report" | sort -u)
strict=$(awk -v s="$strict_archs" 'index(s, " " $1 " ") > 0' <<<"$spills")
if [[ -n "$strict" ]]; then
    echo "ERROR: a kernel uses a stack frame or spills registers (see $report):" >&2
    echo "$strict" >&2
    exit 1
fi
if [[ -n "$spills" ]]; then
    echo "WARNING: kernels that spill registers on archs other than${strict_archs% } (listed in the manifest):" >&2
    echo "$spills" | sed 's/^/  /' >&2
fi

# the ISA of the fatbin's PTX: nvcc's own, read off the smallest source compiled for that arch
smallest=$(ls -S "${sources[@]}" | tail -1)
fatbin_isa=$("$nvcc" "${common[@]}" -arch="$ptx_in_fatbin" --ptx -o - "$smallest" | sed -nE 's/^\.version ([0-9.]+).*/\1/p' | head -1 || true)
[[ -n "$fatbin_isa" ]] || { echo "ERROR: cannot read the PTX ISA nvcc $nvcc_version writes for $ptx_in_fatbin" >&2; exit 1; }
major=${nvcc_version%%.*}
csv() { local IFS=,; echo "$*"; }
{
    echo "built=true"
    echo "nvcc.version=$nvcc_version"
    echo "nvcc.full_version=$nvcc_full"
    echo "build.inputs=$inputs"
    echo "kernels=$(csv "${names[@]}")"
    echo "# <name>.fatbin: SASS per arch, PTX for newer GPUs; cubins of nvcc $major.x need a driver for CUDA $major.0 or newer"
    echo "fatbin.sass=$(csv "${sass[@]}")"
    echo "fatbin.ptx=$ptx_in_fatbin"
    echo "fatbin.ptx_isa=$fatbin_isa"
    echo "fatbin.min_driver_cuda=$major.0"
    echo "fatbin.ptx_min_driver_cuda=${isa_cuda[$fatbin_isa]:-$nvcc_version}"
    echo "fatbin.compression=$compression"
    echo "fatbin.not_built=$(csv "${missing[@]}")${missing:+ (nvcc $nvcc_version does not target them)}"
    echo "fatbin.spills=$(awk 'NF { printf "%s%s@%s:%s", (NR > 1 ? "," : ""), $2, $1, $5 }' <<<"$spills")"
    echo "# <name>.ptx: compatibility PTX, .version lowered and checked by ptxas for $(csv "${compat_check_archs[@]}")"
    echo "ptx.arch=$compat_arch"
    echo "ptx.isa=$compat_isa"
    for n in "${names[@]}"; do echo "ptx.isa.$n=${file_isa[$n]}"; done
    echo "ptx.min_driver_cuda=${isa_cuda[$compat_isa]}"
} > "$manifest.tmp"
mv "$manifest.tmp" "$manifest"
echo "kernels built with nvcc $nvcc_full: ${names[*]}: fatbin ${sass[*]} + $ptx_in_fatbin (ISA $fatbin_isa)," \
     "compatibility PTX $compat_arch at ISA $compat_isa (resource usage: $report)"
