"""Offline check: would an affine map a*p+b, fitted (relative least squares) on the 20 archs an onboarding
measured for the adaptation (references + samples), have improved its validation? Reads the output folders
of halo onboard / halo demo.  Usage: python3 bench/onboard_affine_check.py onboard-NAME [...]"""
import json,csv,sys
def fit(p,m):
    sw=swp=swm=swpp=swpm=0
    for pi,mi in zip(p,m):
        w=1/mi**2; sw+=w; swp+=w*pi; swm+=w*mi; swpp+=w*pi*pi; swpm+=w*pi*mi
    a=(sw*swpm-swp*swm)/(sw*swpp-swp*swp); return a,(swm-a*swp)/sw
for d in sys.argv[1:]:
    j=json.load(open(d+'/onboard.json'))
    pred={r['arch']:float(r['predicted_ms']) for r in csv.DictReader(open(d+'/predictions.csv'))}
    tr=j['reference_ms']+j['sample_ms']
    a,b=fit([pred[x['arch']] for x in tr],[x['ms'] for x in tr])
    v=j['validation']['archs']
    m=[x['measured_ms'] for x in v]; p0=[x['predicted_ms'] for x in v]; p1=[a*x+b for x in p0]
    mape=lambda p:100*sum(abs(pi-mi)/mi for pi,mi in zip(p,m))/len(m)
    w10=lambda p:sum(abs(pi-mi)<=0.1*mi for pi,mi in zip(p,m))/len(m)
    print(f"{d}: a={a:.3f} b={b:.3f}  MAPE {mape(p0):.1f} -> {mape(p1):.1f}  within10 {w10(p0):.2f} -> {w10(p1):.2f}")
