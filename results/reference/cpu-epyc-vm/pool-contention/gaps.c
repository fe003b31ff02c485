#include <stdio.h>
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
double T0; double DUR;
typedef struct {int id; int n; double at[100000], len[100000];} R;
void* run(void*a){R*r=a;double last=now();double end=T0+DUR;while(1){double t=now();if(t-last>0.0005&&r->n<100000){r->at[r->n]=last-T0;r->len[r->n]=t-last;r->n++;}last=t;if(t>end)break;}return 0;}
int main(int c,char**v){int nt=atoi(v[1]);DUR=atof(v[2]);T0=now();pthread_t th[8];R*rs[8];
for(int i=0;i<nt;i++){rs[i]=calloc(1,sizeof(R));rs[i]->id=i;pthread_create(&th[i],0,run,rs[i]);}
for(int i=0;i<nt;i++)pthread_join(th[i],0);
for(int i=0;i<nt;i++){double tot=0;for(int j=0;j<rs[i]->n;j++)tot+=rs[i]->len[j];printf("thread %d: %d gaps >0.5ms, total %.3f s of %.1f s\n",i,rs[i]->n,tot,DUR);
 for(int j=0;j<rs[i]->n&&j<40;j++)printf("  %.3f +%.1fms\n",rs[i]->at[j],rs[i]->len[j]*1e3);}
}
