#!/bin/bash
cd /work/main
if [ "$1" = alloc ]; then python3 -c "b=bytearray(8<<30); b[::4096]=b'\x01'*len(b[::4096])"; else sleep 25; fi
( while true; do read -r _ u n s i w q sq st _ < /proc/stat; echo "$(date +%s.%N | cut -c7-14) STAT st=$st sys=$s usr=$u"; sleep 0.25; done ) > /tmp/probe/poll.txt &
P=$!
java -jar bench/target/tokencost.jar jmh QGemvBench -p format=int4_g128 -p n=4096 -p k=4096 -p batch=128 -p copies=32 -f 1 -wi 3 -w 300ms -i 4 -r 400ms -jvmArgsAppend "--add-modules jdk.incubator.vector -XX:MaxInlineLevel=30 -XX:ObjectAlignmentInBytes=64 -XX:Tier3DelayOn=100000 -Xmx1552m -XX:+UseTransparentHugePages" 2>&1 | while IFS= read -r l; do echo "$(date +%s.%N | cut -c7-14) $l"; done | grep -E "Iteration|# Fork|Warmup Iteration" > /tmp/probe/jmh.txt
kill $P
sort -n /tmp/probe/poll.txt /tmp/probe/jmh.txt | awk '/STAT/{split($3,a,"=");split($4,b,"=");split($5,c,"="); if(ps!="") printf "%s dst=%d dsys=%d dusr=%d\n",$1,a[2]-ps,b[2]-py,c[2]-pu; ps=a[2];py=b[2];pu=c[2]; next} {print}'
