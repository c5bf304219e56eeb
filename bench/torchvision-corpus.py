#!/usr/bin/python3
"""Real models no one here wrote: torchvision's own definitions exported to ONNX into an ignored cache folder.

Needs Debian's packages (no pip, no network at run time; weights are NOT downloaded, the models keep torchvision's
random initialisation, which is all a latency measurement needs):
    apt-get install -y python3-torch python3-torchvision python3-onnx
Usage:
    /usr/bin/python3 bench/torchvision-corpus.py [--out .cache/models] [--res 224,160,288] [--models a,b,...]
Writes OUT/<model>-r<res>.onnx (opset 17, batch 1, float32, input "input" [1,3,R,R], output "output" [1,1000]) and
OUT/index.csv: file,model,family,halo_family,resolution,params,sha256,torch,torchvision,opset. Existing files are kept
(the run resumes). `family` groups models for leave-one-family-out evaluation; `halo_family` names the halo zoo
family that generates the same design (empty for families halo does not generate: those are the truly unseen ones).
Nothing here is committed (.cache/ is in .gitignore) and no unit test needs it.
"""
import argparse
import csv
import hashlib
import os
import sys

# model -> (family, halo zoo family or "")
MODELS = {
    "resnet18": ("resnet", "resnet"), "resnet34": ("resnet", "resnet"), "resnet50": ("resnet", "resnet"),
    "resnet101": ("resnet", "resnet"),
    "mobilenet_v2": ("mobilenetv2", "mobilenetv2"),
    "mobilenet_v3_small": ("mobilenetv3", "mobilenetv3"), "mobilenet_v3_large": ("mobilenetv3", "mobilenetv3"),
    "efficientnet_b0": ("efficientnet", "efficientnet"), "efficientnet_b1": ("efficientnet", "efficientnet"),
    "efficientnet_b2": ("efficientnet", "efficientnet"), "efficientnet_b3": ("efficientnet", "efficientnet"),
    "shufflenet_v2_x0_5": ("shufflenetv2", "shufflenetv2"), "shufflenet_v2_x1_0": ("shufflenetv2", "shufflenetv2"),
    "regnet_x_400mf": ("regnet", "regnet"), "regnet_x_800mf": ("regnet", "regnet"),
    "regnet_y_400mf": ("regnet", "regnet"), "regnet_y_800mf": ("regnet", "regnet"),
    "densenet121": ("densenet", "densenet"), "densenet169": ("densenet", "densenet"),
    "vit_b_16": ("vit", "vit"), "vit_b_32": ("vit", "vit"), "swin_t": ("swin", "swin"),
    # families halo does not generate
    "resnext50_32x4d": ("resnext", ""), "wide_resnet50_2": ("wide_resnet", ""),
    "mnasnet0_5": ("mnasnet", ""), "mnasnet1_0": ("mnasnet", ""),
    "squeezenet1_1": ("squeezenet", ""), "googlenet": ("googlenet", ""), "vgg11_bn": ("vgg", ""),
    "convnext_tiny": ("convnext", ""), "efficientnet_v2_s": ("efficientnet_v2", ""),
}
OPSET = 17


def build(torchvision, name, res):
    ctor = getattr(torchvision.models, name)
    kwargs = {"weights": None}
    if name.startswith("vit_"):
        kwargs["image_size"] = res  # position embedding sized for the resolution, as torchvision allows
    if name == "googlenet":
        kwargs.update(aux_logits=False, init_weights=True)
    return ctor(**kwargs).eval()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=".cache/models")
    ap.add_argument("--res", default="224,160,288", help="comma-separated input resolutions")
    ap.add_argument("--models", default=",".join(MODELS), help="comma-separated torchvision model names")
    args = ap.parse_args()
    try:
        import torch
        import torchvision
    except ImportError as e:
        sys.exit(f"torchvision-corpus: {e}; install Debian's python3-torch python3-torchvision python3-onnx and run with /usr/bin/python3")
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    rows = []
    failures = 0
    for name in args.models.split(","):
        if name not in MODELS:
            sys.exit(f"torchvision-corpus: unknown model {name} (known: {', '.join(MODELS)})")
        if not hasattr(torchvision.models, name):
            print(f"skip {name}: not in torchvision {torchvision.__version__}", file=sys.stderr)
            continue
        family, halo_family = MODELS[name]
        for res in (int(r) for r in args.res.split(",")):
            if name.startswith("vit_") and res % int(name[-2:]) != 0:
                print(f"skip {name} at {res}: not a multiple of the patch", file=sys.stderr)
                continue
            path = os.path.join(args.out, f"{name}-r{res}.onnx")
            model = build(torchvision, name, res)
            params = sum(p.numel() for p in model.parameters())
            if not os.path.exists(path):
                tmp = path + ".tmp"
                try:
                    # no torch.no_grad(): with gradients off, torch 1.13's MultiheadAttention takes its fused
                    # fast path (aten::_native_multi_head_attention), which has no ONNX export
                    torch.onnx.export(model, torch.randn(1, 3, res, res), tmp, opset_version=OPSET,
                                      input_names=["input"], output_names=["output"], do_constant_folding=True)
                except Exception as e:  # one model that does not export must not stop the corpus
                    print(f"FAILED {name} at {res}: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
                    failures += 1
                    continue
                os.replace(tmp, path)
                print(f"wrote {path} ({params:,} params)", file=sys.stderr)
            with open(path, "rb") as f:
                sha = hashlib.sha256(f.read()).hexdigest()
            rows.append([os.path.basename(path), name, family, halo_family, res, params, sha,
                         torch.__version__, torchvision.__version__, OPSET])
    index = os.path.join(args.out, "index.csv")
    old = {}
    if os.path.exists(index):
        with open(index, newline="") as f:
            old = {r[0]: r for r in list(csv.reader(f))[1:]}
    for r in rows:
        old[r[0]] = r
    with open(index + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "model", "family", "halo_family", "resolution", "params", "sha256", "torch", "torchvision", "opset"])
        w.writerows(sorted(old.values()))
    os.replace(index + ".tmp", index)
    print(f"{len(rows)} models in {index}, {failures} failed to export", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
