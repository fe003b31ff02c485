#!/usr/bin/env bash
# Makes .devicepack/ for one check on a lent GPU and keeps it, with the working tree,
# within the device tool's 64 MiB: the shared pack (runtime, jar, check scripts), then its Java
# runtime linked again without java.desktop and with native debug symbols stripped. java.desktop is
# 11 MiB of the 51 and only `tokencost report` needs it (its charts), which does not run there;
# jdeps lists it for JFreeChart, and for JNA's and Jackson's optional AWT and java.beans support.
# Then the pack runs `devices` on that runtime, to show it starts.
#   bench/device-pack.sh            (builds the jar first when there is none)
# Next: device run, command "bash .devicepack/check.sh", carry [".devicepack"].
set -euo pipefail
root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
jar=$root/bench/target/tokencost.jar
shared_pack=$root/../shared/device/pack
limit_mib=64
[[ -x $shared_pack ]] || { echo "device-pack: no shared pack at $shared_pack" >&2; exit 2; }
[[ -f $jar ]] || (cd "$root" && mvn -B -q package -DskipTests)

# the shared pack refuses a pack over its size check, after it has written it: relinked below
(cd "$root" && "$shared_pack" "$jar") || true
pack=$root/.devicepack
[[ -f $pack/check.sh && -f $pack/tokencost.jar ]] || { echo "device-pack: the shared pack made no $pack" >&2; exit 1; }
cp "$root/bench/kernel-images-check.sh" "$pack/"   # the fatbin / compatibility PTX A/B

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
mods=$("$java_home/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$jar")
mods=$(tr , '\n' <<< "$mods" | grep -vx 'java.desktop' | paste -sd, -)
base=java.base,java.management,jdk.management,java.logging,jdk.unsupported,java.xml,jdk.incubator.vector
rm -rf "$pack/jre"
"$java_home/bin/jlink" --add-modules "$mods,$base" --strip-debug --strip-native-debug-symbols=exclude-debuginfo-files \
  --no-header-files --no-man-pages --compress=2 --output "$pack/jre" 2>&1 | grep -v 'incubator modules' || true
"$pack/jre/bin/java" --add-modules jdk.incubator.vector -jar "$pack/tokencost.jar" devices

# bytes, as the files' sizes: what travels is the pack and every file git does not ignore
pack_bytes=$(du -sb "$pack" | cut -f1)
tree_bytes=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | du -cb --files0-from=- | tail -1 | cut -f1)
mib=$((1024 * 1024))
total_mib=$(( (pack_bytes + tree_bytes + mib - 1) / mib ))
echo "device-pack: .devicepack $(( pack_bytes / mib )) MiB + working tree $(( tree_bytes / mib )) MiB = about ${total_mib} MiB (limit $limit_mib)"
(( total_mib < limit_mib )) || { echo "device-pack: over the device tool's $limit_mib MiB" >&2; exit 1; }
echo 'next: device run  command="bash .devicepack/check.sh"  carry=[".devicepack"]  timeout_s=540'
echo '  or the kernel images A/B: command="bash .devicepack/kernel-images-check.sh"'
