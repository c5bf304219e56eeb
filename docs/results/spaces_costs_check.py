# Independent check of halo's FBNet and OFA cost formulas: build each architecture with the original PyTorch model
# code and count trainable parameters and conv/linear multiply-accumulates (forward hooks; once-for-all's own
# `profile` counter is printed too, it accumulates in float32 and can be off by a few units).
#
# Setup (the reference code is not part of halo): in one folder put
#   fbnet_model_infer.py  = hw_nas_bench_api/fbnet_models/model_infer.py of GATECH-EIC/HW-NAS-Bench
#   ofa/                  = the once-for-all package as vendored in HayeonLee/HELP (ofa/), with its top-level
#                           __init__.py emptied and `from .my_dataloader import *` removed from ofa/utils/__init__.py
#                           (both only pull in modules that need torchvision / the search code)
#   this script,
# then run it with a Python that has torch (used: Debian bookworm python3-torch 1.13, CPU):
#   /usr/bin/python3 spaces_costs_check.py
# The expected output is pinned in halo-core/src/test/java/dev/halo/space/ReferenceCostsTest.java.
import json, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import torch, torch.nn as nn
except Exception as e:
    print(json.dumps({"error": "no torch: %r" % e})); sys.exit(0)
print(json.dumps({"torch": torch.__version__}))

def hook_macs(model, shape, linear_bias):
    total = [0]
    def conv(m, i, o):
        kh, kw = m.kernel_size
        total[0] += kh * kw * (m.in_channels // m.groups) * m.out_channels * o.shape[2] * o.shape[3]
    def lin(m, i, o):
        total[0] += m.in_features * m.out_features + (m.out_features if (linear_bias and m.bias is not None) else 0)
    hs = []
    for mod in model.modules():
        if isinstance(mod, nn.Conv2d): hs.append(mod.register_forward_hook(conv))
        if isinstance(mod, nn.Linear): hs.append(mod.register_forward_hook(lin))
    model.eval()
    with torch.no_grad(): model(torch.zeros(*shape))
    for h in hs: h.remove()
    return total[0]

def nparams(m):
    return sum(p.numel() for p in m.parameters() if p.requires_grad)

from fbnet_model_infer import FBNet_Infer
FBNET = ['7818488874147327324245', '5355047552024513726040', '8215184662525125282350', '8888888888888888888888', '7777777777777777777777', '1515151515151515151515']
OFA = ['r204_d22223_ks75557757573753735353_e64466343363336346436', 'r136_d23434_ks73533737373737735573_e46344446366446643664', 'r132_d44224_ks35573353335535335773_e63334334444466446436', 'r128_d22222_ks33333333333333333333_e33333333333333333333', 'r224_d44444_ks77777777777777777777_e66666666666666666666', 'r172_d34243_ks35735735735735735735_e46346346346346346346']

for line in FBNET:
    s = line.strip()
    if not s: continue
    net = FBNet_Infer({"op_idx_list": [int(c) for c in s], "num_classes": 100, "dataset": "cifar100"})
    print(json.dumps({"space": "fbnet", "arch": s, "params": nparams(net), "macs_with_linear_bias": hook_macs(net, (1, 3, 32, 32), True)}))

from ofa.imagenet_classification.elastic_nn.networks.ofa_mbv3 import OFAMobileNetV3
from ofa.utils.flops_counter import profile
sup = OFAMobileNetV3(n_classes=1000, dropout_rate=0, width_mult=1.2, ks_list=[3, 5, 7], expand_ratio_list=[3, 4, 6], depth_list=[2, 3, 4])
for line in OFA:
    s = line.strip()
    if not s: continue
    r, d, ks, e = s.split("_")
    r = int(r[1:]); d = [int(c) for c in d[1:]]; ks = [int(c) for c in ks[2:]]; e = [int(c) for c in e[1:]]
    sup.set_active_subnet(ks=ks, e=e, d=d)
    sub = sup.get_active_subnet(preserve_weight=True)
    ops, params = profile(sub, (1, 3, r, r))
    print(json.dumps({"space": "ofa", "arch": s, "params": nparams(sub), "ofa_profile_ops": float(ops), "ofa_profile_params": float(params),
                      "macs_hooks_no_bias": hook_macs(sub, (1, 3, r, r), False)}))
