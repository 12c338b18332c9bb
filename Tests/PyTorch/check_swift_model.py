#!/usr/bin/env python3
"""Check a model file written by the Swift code against PyTorch.

    python3 Tests/PyTorch/check_swift_model.py MODEL.safetensors PROBE.safetensors

MODEL: a cbam model file (state_dict keys as in cbam_reference.py or vit_reference.py, __metadata__
with format/architecture/attention/width/depth/reduction/channels/image_size/
classes/mean/std). PROBE: a safetensors file with `input` [N,C,S,S] float32
(already normalised: the network's input) and `logits` [N,classes] computed by
Swift in eval mode. Builds the PyTorch module from the metadata, loads the
weights with strict=True, runs eval mode on `input` and compares. Exit status
1 if max|diff| / max|logit| > 1e-4 (or on any load error).
"""

import argparse
import os
import sys

import torch
from safetensors import safe_open

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cbam_reference as ref  # noqa: E402
import vit_reference  # noqa: E402

TOLERANCE = 1e-4


def load_model_file(path):
    """The PyTorch module of a cbam model file (resnet-small or vit-tiny), strictly loaded."""
    with safe_open(path, framework="pt") as f:
        meta = f.metadata() or {}
        if meta.get("architecture") != vit_reference.ARCHITECTURE:
            return ref.load_model_file(path, strict=True)
        state = {k: f.get_tensor(k) for k in f.keys()}
    model, m = vit_reference.model_from_metadata(meta)
    model.load_state_dict(state, strict=True)
    return model, m, []


def describe(model):
    if isinstance(model, vit_reference.VisionTransformer):
        return (f"vit-tiny dim={model.dim} depth={model.depth} heads={model.heads} patch={model.patch} "
                f"mlp_ratio={model.mlp_ratio} channels={model.in_channels} image_size={model.image_size}")
    return (f"resnet-small attention={model.attention} width={model.width} depth={model.depth} "
            f"reduction={model.reduction} channels={model.in_channels}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("probe")
    ap.add_argument("--tolerance", type=float, default=TOLERANCE,
                    help="max relative diff (relative to max |logit|), default 1e-4")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    try:
        model, meta, notes = load_model_file(args.model)
    except Exception as e:  # noqa: BLE001
        print(f"FAIL: cannot load {args.model} into the PyTorch module: {e}")
        return 1
    for n in notes:
        print(f"note: {n}")
    print(f"model: {describe(model)} classes={len(meta['classes'])}")

    with safe_open(args.probe, framework="pt") as f:
        keys = set(f.keys())
        if "input" not in keys or "logits" not in keys:
            print(f"FAIL: probe needs `input` and `logits`, has {sorted(keys)}")
            return 1
        x = f.get_tensor("input").to(torch.float32)
        want = f.get_tensor("logits").to(torch.float32)
    c, s = meta["channels"], meta["image_size"]
    if x.dim() == 3:
        x = x.unsqueeze(0)
    if x.dim() != 4 or x.shape[1] != c:
        print(f"FAIL: probe input shape {tuple(x.shape)} does not match channels={c}")
        return 1
    if x.shape[2] != s or x.shape[3] != s:
        print(f"note: probe input is {x.shape[2]}x{x.shape[3]}, metadata image_size is {s}")

    model.eval()
    with torch.inference_mode():
        got = model(x)
    if want.numel() != got.numel():
        print(f"FAIL: logits shape {tuple(want.shape)} vs PyTorch {tuple(got.shape)}")
        return 1
    want = want.reshape(got.shape)
    diff = (got - want).abs().max().item()
    scale = max(got.abs().max().item(), 1e-12)
    rel = diff / scale
    agree = (got.argmax(1) == want.argmax(1)).float().mean().item()
    print(f"batch {x.shape[0]}: max abs diff {diff:.3e}, max |logit| {scale:.4g}, "
          f"max relative diff {rel:.3e} (tolerance {args.tolerance:g}), top-1 agreement {agree * 100:.0f}%")
    if rel > args.tolerance:
        print("FAIL")
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
