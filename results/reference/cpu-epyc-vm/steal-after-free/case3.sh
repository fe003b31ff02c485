#!/bin/bash
# free 8 GiB, sleep $1 s, then the case; prints warmup+iterations (ms)
cd /work/main
python3 -c "b=bytearray(8<<30); b[::4096]=b'\x01'*len(b[::4096])"; sleep $1
java -jar bench/target/tokencost.jar jmh QGemvBench -p format=int4_g128 -p n=4096 -p k=4096 -p batch=128 -p copies=32 -f 1 -wi 3 -w 300ms -i 4 -r 400ms -jvmArgsAppend "--add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -XX:ObjectAlignmentInBytes=64 -XX:Tier3DelayOn=100000 -Xmx1552m -XX:+UseTransparentHugePages" 2>&1 | grep -E "Iteration" | awk '{printf "%.0f ", $(NF-1)/1000}'; echo " | sleep $1"
