// stream-read (or ALU loop) a buffer for N seconds; every 500 ms print GB/s and /proc/stat steal+sys ticks
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <stdint.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static void stat2(long*steal,long*sys){FILE*f=fopen("/proc/stat","r");long u,n,s,i,w,q,sq,st;fscanf(f,"cpu %ld %ld %ld %ld %ld %ld %ld %ld",&u,&n,&s,&i,&w,&q,&sq,&st);fclose(f);*steal=st;*sys=s;}
int main(int c,char**v){size_t mb=atol(v[1]);double secs=atof(v[2]);int alu=c>3&&!strcmp(v[3],"alu");
 size_t n=mb<<17; uint64_t*b=malloc(n*8); double t0=now(); for(size_t i=0;i<n;i++)b[i]=i*2654435761u; double tt=now()-t0;
 printf("touch %zu MB: %.3f s\n",mb,tt); fflush(stdout);
 long st0,sy0;stat2(&st0,&sy0); double start=now(),last=start; uint64_t acc=0; double bytes=0; int passes=0;
 while(1){ if(alu){ for(long i=0;i<20000000;i++) acc=acc*6364136223846793005ull+i; bytes+=20e6; } else { for(size_t i=0;i<n;i+=4) acc+=b[i]^b[i+1]^b[i+2]^b[i+3]; bytes+=n*8.0;} passes++;
  double t=now(); if(t-last>=0.5){long st,sy;stat2(&st,&sy); printf("%6.1f s %7.2f %s  steal %3ld sys %3ld\n",t-start,bytes/(t-last)/1e9,alu?"G it/s":"GB/s",st-st0,sy-sy0); fflush(stdout); st0=st;sy0=sy;bytes=0;last=t; if(t-start>secs)break;}}
 return (int)(acc&1);}
