#!/usr/bin/env python3
"""Writes a copy of HELP's raw NAS-Bench-201 files with one defect, for the import-help hostile-input cases.

usage: hostile-help-data.py RAW_NB201_DIR OUT_DIR CASE
CASE: ok | made-up (an arch string that is no NB201 architecture) | swapped (two archs trade indices)
      | dup-ref (a reference arch listed twice) | three-refs (3 references instead of 10)
Only plain pickles are rewritten (dict / list), so no PyTorch is needed."""
import os, pickle, shutil, sys, zipfile

raw, out, case = sys.argv[1:4]

def load(path):
    with zipfile.ZipFile(path) as z:
        name = next(n for n in z.namelist() if n.endswith('/data.pkl'))
        return pickle.loads(z.read(name))

def save(path, obj):
    with zipfile.ZipFile(path, 'w', zipfile.ZIP_STORED) as z:
        z.writestr('archive/data.pkl', pickle.dumps(obj, protocol=2))

os.makedirs(os.path.join(out, 'latency'), exist_ok=True)
shutil.copy(os.path.join(raw, 'latency', 'raspi4.pt'), os.path.join(out, 'latency', 'raspi4.pt'))
arch2idx = load(os.path.join(raw, 'str_arch2idx.pt'))
refs = list(load(os.path.join(raw, 'hardware_embedding_index.pt')))
if case == 'made-up':
    a = next(k for k, v in arch2idx.items() if v == 7)
    del arch2idx[a]
    arch2idx['|conv_9x9~0|+|none~0|none~1|+|none~0|none~1|none~2|'] = 7
elif case == 'swapped':
    a = next(k for k, v in arch2idx.items() if v == 1)
    b = next(k for k, v in arch2idx.items() if v == 2)
    arch2idx[a], arch2idx[b] = 2, 1
elif case == 'dup-ref':
    refs[3] = refs[2]
elif case == 'three-refs':
    refs = refs[:3]
elif case != 'ok':
    sys.exit('unknown case ' + case)
save(os.path.join(out, 'str_arch2idx.pt'), arch2idx)
save(os.path.join(out, 'hardware_embedding_index.pt'), refs)
print(out)
