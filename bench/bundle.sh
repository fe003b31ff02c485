#!/usr/bin/env bash
# Makes the self-contained bundle: a node with only the NVIDIA driver (no JDK, no Maven) unpacks it
# and runs bin/tokencost. Called by the build (bench/pom.xml, before the integration tests).
#   bench/bundle.sh JAR JVM_FLAGS VERSION OUT_DIR [LEAVE_OUT]  ->  OUT_DIR/tokencost-VERSION-linux-x86_64.tar.gz
# LEAVE_OUT: Java modules to leave out of the runtime (the device pack leaves out java.desktop: 11 MiB
# that only `report`'s charts use).
# Layout: bin/tokencost (the repository's launcher, which finds itself in a bundle), lib/tokencost.jar,
# lib/jvm.flags, lib/build.env (the git sha it was built from), runtime/ (jlink: the modules jdeps
# finds in the jar, and those the JVM flags and forks use).
set -euo pipefail
jar=${1:?jar}; flags=${2:?jvm flags}; version=${3:?version}; out=${4:?out dir}; leave_out=${5:-}
root=$(cd "$(dirname "$0")/.." && pwd)
name=tokencost-$version-linux-x86_64
stage=$out/bundle/$name
rm -rf "$out/bundle"; mkdir -p "$stage/bin" "$stage/lib"

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
mods=$("$java_home/bin/jdeps" --ignore-missing-deps --multi-release 17 --print-module-deps "$jar")
if [[ -n $leave_out ]]; then mods=$(tr , '\n' <<< "$mods" | grep -vxF -f <(tr , '\n' <<< "$leave_out") | paste -sd, -); fi
# JMH's forks and the flags need these beyond what jdeps sees: management beans, the Vector API, Unsafe
base=java.base,java.management,jdk.management,java.logging,jdk.unsupported,java.xml,jdk.incubator.vector
"$java_home/bin/jlink" --add-modules "$mods,$base" --strip-debug --strip-native-debug-symbols=exclude-debuginfo-files \
  --no-header-files --no-man-pages --compress=2 --output "$stage/runtime" 2>&1 | grep -v 'incubator modules' || true

cp "$jar" "$stage/lib/tokencost.jar"
cp "$flags" "$stage/lib/jvm.flags"
cp "$root/tokencost" "$stage/bin/tokencost"
chmod 755 "$stage/bin/tokencost"
sha=${TOKENCOST_GIT_SHA:-}
if [[ -z $sha ]] && git -C "$root" rev-parse HEAD >/dev/null 2>&1; then
  sha=$(git -C "$root" rev-parse --short=12 HEAD)
  [[ -z $(git -C "$root" status --porcelain --untracked-files=no) ]] || sha+=-dirty
fi
echo "TOKENCOST_GIT_SHA=${sha:-unknown}" > "$stage/lib/build.env"

tar -C "$out/bundle" -czf "$out/$name.tar.gz" "$name"
echo "bundle: $out/$name.tar.gz, $(( $(stat -c %s "$out/$name.tar.gz") / 1048576 )) MiB packed, $(du -sm "$stage" | cut -f1) MiB unpacked"
