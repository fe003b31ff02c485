#!/usr/bin/env bash
# Makes .devicepack/ for one check on a lent GPU, which has the NVIDIA driver but no Java: the bundle
# (bench/bundle.sh: a Java runtime, the jar, the launcher) unpacked, its runtime without java.desktop
# (11 MiB that only `report`'s charts use, which do not run there), device-check.sh as check.sh, and
# peers.py; within the device tool's 64 MiB with the working tree. Then it runs `devices` there, to
# show that it starts.
#   bench/device-pack.sh            (builds the jar first when there is none)
# Next: device run, command "bash .devicepack/check.sh", carry [".devicepack"].
set -euo pipefail
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
target=$root/bench/target
limit_mib=64
[[ -f $target/tokencost.jar && -f $target/jvm.flags ]] || (cd "$root" && mvn -B -q package -DskipTests)
version=$(cd "$root" && mvn -B -q help:evaluate -Dexpression=project.version -DforceStdout 2>/dev/null || echo dev)

bash "$root/bench/bundle.sh" "$target/tokencost.jar" "$target/jvm.flags" "$version" "$target/devicepack" java.desktop
pack=$root/.devicepack
rm -rf "$pack"; mkdir -p "$pack"
tar -xzf "$target/devicepack/tokencost-$version-linux-x86_64.tar.gz" -C "$pack" --strip-components=1
cp "$root/bench/device-check.sh" "$pack/check.sh"
cp "$root/bench/peers.py" "$root/bench/kernel-images-check.sh" "$pack/"
grep -qx '/.devicepack/' "$root/.git/info/exclude" 2>/dev/null || echo '/.devicepack/' >> "$root/.git/info/exclude"
"$pack/bin/tokencost" devices

# bytes, as the files' sizes: what travels is the pack and every file git does not ignore
pack_bytes=$(du -sb "$pack" | cut -f1)
tree_bytes=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | du -cb --files0-from=- | tail -1 | cut -f1)
mib=$((1024 * 1024))
total_mib=$(( (pack_bytes + tree_bytes + mib - 1) / mib ))
echo "device-pack: .devicepack $(( pack_bytes / mib )) MiB + working tree $(( tree_bytes / mib )) MiB = about ${total_mib} MiB (limit $limit_mib)"
(( total_mib < limit_mib )) || { echo "device-pack: over the device tool's $limit_mib MiB" >&2; exit 1; }
echo 'next: device run  command="bash .devicepack/check.sh"  carry=[".devicepack"]  timeout_s=540'
echo '  or the kernel images A/B: command="bash .devicepack/kernel-images-check.sh"'
