#!/usr/bin/python3
"""Exports a few torchvision models (random weights: MACs and parameters do not depend on them) to ONNX for
`halo model describe` cross-checks. Writes into .cache/describe/ (git-ignored; never commit .onnx files).

Usage: /usr/bin/python3 bench/export-torchvision.py [--count-only] [OUT_DIR] [name ...]
Needs torch, torchvision and onnx (Debian: apt-get install python3-torch python3-torchvision python3-onnx).
Prints name, file, the parameter count PyTorch reports (sum of p.numel() over model.parameters()) and the channels
of all BatchNorm layers (the export folds a BatchNorm that follows a convolution into it: its 2C parameters become
C bias elements).

It also counts MACs independently of ONNX, with forward hooks: Conv2d (output elements x in/groups x kernel),
Linear (output elements x in_features) and MultiheadAttention (its input and output projections plus the two
S x S x E attention products, which PyTorch computes functionally where hooks cannot see them). --count-only skips
the export.

Every parameter and BatchNorm statistic gets random noise first: PyTorch's export stores identical tensors (say the
zero biases that folding all-default BatchNorms gives) only once, which would make a parameter count of the file
smaller than the module's.
"""
import os
import sys

import torch
import torchvision.models as tvm

MODELS = ["resnet18", "resnet50", "mobilenet_v2", "mobilenet_v3_large", "efficientnet_b0", "shufflenet_v2_x1_0",
          "regnet_y_400mf", "densenet121", "vit_b_16"]


def hook_macs(model, x):
    total = [0]

    def conv(m, inp, out):
        total[0] += out.numel() * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1]

    def linear(m, inp, out):
        total[0] += out.numel() * m.in_features

    def mha(m, inp, out):
        s, e = out[0].shape[-2], m.embed_dim  # batch_first, batch 1 (ViT passes its inputs as keywords)
        total[0] += 3 * s * e * e + s * e * e + 2 * s * s * e

    handles = []
    for m in model.modules():
        if isinstance(m, torch.nn.MultiheadAttention):
            handles.append(m.register_forward_hook(mha))
        elif isinstance(m, torch.nn.Conv2d):
            handles.append(m.register_forward_hook(conv))
        elif isinstance(m, torch.nn.Linear) and not isinstance(m, torch.nn.modules.linear.NonDynamicallyQuantizableLinear):
            handles.append(m.register_forward_hook(linear))
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total[0]


def main():
    args = sys.argv[1:]
    count_only = "--count-only" in args
    args = [a for a in args if a != "--count-only"]
    sys.argv = [sys.argv[0]] + args
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".cache", "describe")
    names = sys.argv[2:] or MODELS
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    for name in names:
        model = getattr(tvm, name)(weights=None).eval()
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.01 * torch.randn_like(p))
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    m.running_mean.normal_(0, 0.1)
                    m.running_var.uniform_(0.5, 1.5)
        params = sum(p.numel() for p in model.parameters())
        bn_channels = sum(m.num_features for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))
        path = os.path.join(out, name + ".onnx")
        x = torch.randn(1, 3, 224, 224)
        macs = hook_macs(model, x)
        if count_only:
            print(f"{name}\ttorch_params={params}\tbn_channels={bn_channels}\thook_macs={macs}", flush=True)
            continue
        # not under no_grad: nn.MultiheadAttention's fast path (ViT) has no ONNX export in torch 1.13
        torch.onnx.export(model, x, path, input_names=["input"], output_names=["logits"], opset_version=17,
                          do_constant_folding=True)
        print(f"{name}\t{path}\ttorch_params={params}\tbn_channels={bn_channels}\thook_macs={macs}", flush=True)


if __name__ == "__main__":
    main()
