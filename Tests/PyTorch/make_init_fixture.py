#!/usr/bin/env python3
"""The official CBAM initialisation, measured: writes Tests/CBAMKitTests/Fixtures/official_init.json.

Run by hand (never by CI):  python3 Tests/PyTorch/make_init_fixture.py

Builds the authors' own network, ResidualNet('CIFAR10', 18, 10, 'CBAM') from
Jongchan/attention-module (MODELS/model_resnet.py, imported from the copy in
../shared/reference/attention-module, never copied here), and records, for each kind
of tensor its init loop (model_resnet.py lines 129-140) and PyTorch's defaults
treat alike, what a test can compare with cbam's networks whatever their widths:

  scaled_rms   sqrt(mean((w * sqrt(fan))^2)) over every value of the kind: sqrt(2)
               for Kaiming-normal, 1/sqrt(3) for PyTorch's default Kaiming-uniform(a=sqrt(5))
  fan          which fan scales it ("in": C_in*k*k, "out": C_out*k*k)
  values       the constant every value of the kind has (BatchNorm weights, biases)
  momentum     BatchNorm momentum (the spatial gate's BasicConv uses 0.01)
"""

import json
import math
import os
import sys
import warnings

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REFERENCE = os.path.join(os.path.dirname(ROOT), "shared", "reference", "attention-module")
OUT = os.path.join(ROOT, "Tests", "CBAMKitTests", "Fixtures", "official_init.json")

sys.path.insert(0, REFERENCE)
from MODELS.model_resnet import ResidualNet  # noqa: E402


def kind(key):
    """The official init loop's categories, in its own order of tests."""
    last = key.split(".")[-1]
    if key == "fc.weight":
        return "fc.weight"                      # kaiming_normal (fan_in) before the loop
    if last == "weight" and "conv" in key:
        return "conv.weight"                    # kaiming_normal, mode fan_out
    if last == "weight" and "bn" in key:
        return "spatial_bn.weight" if "SpatialGate" in key else "bn.weight"
    if last == "bias":
        return "bias"
    if "downsample.0" in key:
        return "downsample.weight"              # no "conv" in its key: PyTorch's default
    if "mlp" in key:
        return "mlp.weight"                     # PyTorch's default (Linear)
    return None                                 # BatchNorm buffers


def fan(tensor, mode):
    receptive = tensor[0][0].numel() if tensor.dim() > 2 else 1
    return (tensor.shape[1] if mode == "in" else tensor.shape[0]) * receptive


def main():
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # its init uses the deprecated kaiming_normal
        model = ResidualNet("CIFAR10", 18, 10, "CBAM")
    fans = {"fc.weight": "in", "conv.weight": "out", "downsample.weight": "in", "mlp.weight": "in"}
    sums, counts, constants, keys = {}, {}, {}, {}
    for key, tensor in model.state_dict().items():
        k = kind(key)
        if k is None:
            continue
        keys.setdefault(k, []).append(key)
        t = tensor.detach().double()
        if k in fans:
            scaled = t * math.sqrt(fan(t, fans[k]))
            sums[k] = sums.get(k, 0.0) + float((scaled ** 2).sum())
            counts[k] = counts.get(k, 0) + t.numel()
        else:
            values = sorted(set(t.flatten().tolist()))
            constants.setdefault(k, set()).update(values)

    rules = {}
    for k in fans:
        rules[k] = {"fan": fans[k], "scaled_rms": math.sqrt(sums[k] / counts[k]), "values_measured": counts[k],
                    "example_keys": keys[k][:3]}
    for k, values in constants.items():
        rules[k] = {"values": sorted(values), "example_keys": keys[k][:3]}
    gate = model.layer1[0].cbam.SpatialGate.spatial.bn
    rules["spatial_bn.weight"]["momentum"] = gate.momentum
    rules["bn.weight"]["momentum"] = model.bn1.momentum

    fixture = {
        "generator": "Tests/PyTorch/make_init_fixture.py",
        "source": "Jongchan/attention-module MODELS/model_resnet.py: ResidualNet('CIFAR10', 18, 10, 'CBAM'), torch seed 0",
        "torch": torch.__version__,
        "rules": rules,
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {OUT}")
    for k, rule in sorted(rules.items()):
        print(f"  {k:20} {json.dumps({x: y for x, y in rule.items() if x != 'example_keys'})}")


if __name__ == "__main__":
    main()
