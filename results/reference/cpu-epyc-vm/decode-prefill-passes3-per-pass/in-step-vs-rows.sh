#!/bin/bash
# alternate: a Llama prefill timed launch by launch (breakdown), then the four batch-128 product rows as the run forks them
cd /work/main
J="--add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -XX:ObjectAlignmentInBytes=64 -XX:Tier3DelayOn=100000 -XX:+UseTransparentHugePages"
for round in 1 2 3; do
  echo "== round $round $(date +%T)"
  JAVA_TOOL_OPTIONS=-Xmx12g ./tokencost breakdown --backend cpu --steps 2 --prompt 128 --model Llama-3.1-8B 2>/dev/null | grep -E "^step:|qgemv.gemv int4_g128 .* 128 |ops\.|attention_prefill" 
  for spec in "6144 4096 21 1601" "4096 4096 32 1552" "28672 4096 5 1601" "4096 14336 9 1601"; do
    set -- $spec
    echo -n "row n=$1 k=$2: "
    java -jar bench/target/tokencost.jar jmh QGemvBench -p format=int4_g128 -p n=$1 -p k=$2 -p batch=128 -p copies=$3 -f 1 -wi 3 -w 300ms -i 7 -r 285ms \
      -jvmArgsAppend "$J -Xmx$4m" 2>&1 | grep -E "^Iteration" | awk '{printf "%.1f ", $3/1000}'; echo
  done
done
