#!/usr/bin/env python3
"""PyTorch fixtures for the official CBAM ResNets (DESIGN.md, "The official CBAM ResNets").

Run by hand (never by CI):  python3 Tests/PyTorch/make_resnet_fixtures.py
Writes Tests/CBAMKitTests/Fixtures/official_{resnet18_cbam,resnet18_se,resnet34_none,
resnet50_cbam}.safetensors, read by Tests/CBAMKitTests/PyTorchReferenceTests.swift.

The networks are the authors' own code (Jongchan/attention-module, MODELS/model_resnet.py,
imported from ../shared/reference/attention-module, never copied): its BasicBlock and
Bottleneck classes, its ResNet._make_layer (downsample rule included: a bottleneck
network's first block downsamples 64 -> 256) and its ResNet.forward. Three changes,
each the smallest that makes the fixtures usable:

  * Width. ResNet-18 has 11 M parameters (45 MB in float32, twice that with the
    gradients), too large to commit. `ScaledResNet.__init__` repeats the official
    ResNet.__init__ for network_type "ImageNet" with the base width 64 replaced by
    WIDTH (stem C -> w, stages w, 2w, 4w, 8w, fc from 8w * expansion); everything else
    is inherited. `check_scaled_matches_official` builds both at width 64 and asserts
    that every state_dict key and shape agree with ResidualNet("ImageNet", depth, ...),
    so the scaling changes nothing but the width.
  * Pooling. The official fixed AvgPool2d(7) is replaced by global average pooling
    (AdaptiveAvgPool2d(1)), as cbam does, so any S >= 32 works.
  * Reduction. The official blocks call CBAM(planes, 16); at width 4, 4 // 16 = 0
    hidden units, so while building, the CBAM the blocks see is the official class
    with r = REDUCTION (patch_cbam_reduction).

SE: the official ResNet has none. It is added in the place CBAM sits (after the
block's last BN, before the residual add): each block gets an `se` child (the
SELayer of cbam_reference.py, keys se.fc.0 / se.fc.2) applied by a forward hook on
its last BatchNorm (bn2 or bn3), whose output the hook replaces. The official
forward runs unchanged. (The CBAM of these networks is the official module.)

Weights: PyTorch's default init, then cbam_reference.randomize_for_testing (random BN
affine and running statistics, small random biases), so every gradient is exercised.

Expected values are computed in float64 (the exact result, rounded to float32), and
the same step in float32 gives `float32_error` (metadata): PyTorch's own float32 error
against them, the largest over the results of max |delta| / max |exact|. These tiny
networks are deep for their width: in training mode the last stage's BatchNorms see 8
values per channel, which makes ResNet-50 ill-conditioned (PyTorch's own float32 error
0.5-3 % for the plain one at this size, so that one is not a fixture; ResNet-34 plain
is). The Swift test allows max(1e-4, 2 * float32_error): cbam agrees with the exact
result at least half as well as PyTorch's float32 does.

Each file (batch 2, 3x64x64 input, 5 classes, width 4, r = 4):
  <state_dict key>              initial weights and buffers
  input, labels
  train.logits, train.loss, train.input_grad, grad.<param>, train.running.<bn>.*
  eval.logits, eval.input_grad, eval.spatial_mask.<layerK.B> (CBAM files)
Metadata: the cbam model-file fields (format, architecture, attention, width, depth,
reduction, channels, image_size, classes, mean, std).
"""

import contextlib
import copy
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
from safetensors import safe_open

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cbam_reference as ref  # noqa: E402  (puts the official code on sys.path)
from make_fixtures import OUT, ROOT, f32, loss_fn, save_file  # noqa: E402

import MODELS.cbam as official_cbam  # noqa: E402
import MODELS.model_resnet as official  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

WIDTH, REDUCTION, IMAGE, CLASSES, BATCH = 4, 4, 64, 5, 2
LAYOUTS = {18: (official.BasicBlock, [2, 2, 2, 2]), 34: (official.BasicBlock, [3, 4, 6, 3]),
           50: (official.Bottleneck, [3, 4, 6, 3]), 101: (official.Bottleneck, [3, 4, 23, 3])}


class ScaledResNet(official.ResNet):
    """The official ResNet ("ImageNet" layout) at base width `width`, global average pooling."""

    def __init__(self, depth, num_classes, att_type, width):
        nn.Module.__init__(self)
        block, layers = LAYOUTS[depth]
        self.inplanes = width
        self.network_type = "ImageNet"
        self.conv1 = nn.Conv2d(3, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.bam1, self.bam2, self.bam3 = None, None, None
        self.layer1 = self._make_layer(block, width, layers[0], att_type=att_type)
        self.layer2 = self._make_layer(block, 2 * width, layers[1], stride=2, att_type=att_type)
        self.layer3 = self._make_layer(block, 4 * width, layers[2], stride=2, att_type=att_type)
        self.layer4 = self._make_layer(block, 8 * width, layers[3], stride=2, att_type=att_type)
        self.fc = nn.Linear(8 * width * block.expansion, num_classes)


@contextlib.contextmanager
def patch_cbam_reduction(reduction):
    """While building, the blocks' CBAM(planes, 16) becomes the official CBAM(planes, reduction)."""
    original = official.CBAM
    official.CBAM = lambda channels, _: official_cbam.CBAM(channels, reduction)
    try:
        yield
    finally:
        official.CBAM = original


def blocks(model):
    for k in range(1, 5):
        for b, block in enumerate(getattr(model, f"layer{k}")):
            yield f"layer{k}.{b}", block


def last_norm(block):
    return block.bn3 if hasattr(block, "bn3") else block.bn2


def add_se(model, reduction):
    """SE where CBAM sits: a child `se` of each block (see `apply_se`)."""
    for _, block in blocks(model):
        block.se = ref.SELayer(last_norm(block).num_features, reduction)


def apply_se(model):
    """Each block's `se` applied to its last BatchNorm's output by a forward hook. Called
    on each copy that runs (a deep copy would keep hooks pointing at the original's SE)."""
    for _, block in blocks(model):
        if hasattr(block, "se"):
            last_norm(block).register_forward_hook(lambda _m, _i, out, se=block.se: se(out))
    return model


def build(depth, attention):
    with warnings.catch_warnings(), patch_cbam_reduction(REDUCTION):
        warnings.simplefilter("ignore")
        model = ScaledResNet(depth, CLASSES, "CBAM" if attention == "cbam" else None, WIDTH)
    if attention == "se":
        add_se(model, REDUCTION)
    return model


def check_scaled_matches_official(depth):
    """At width 64 (r = 16, as the official blocks build it), the same keys and shapes as ResidualNet."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # the official init uses the deprecated kaiming_normal
        reference = official.ResidualNet("ImageNet", depth, 10, "CBAM").state_dict()
        scaled = ScaledResNet(depth, 10, "CBAM", 64).state_dict()
    assert [(k, tuple(v.shape)) for k, v in scaled.items()] == [(k, tuple(v.shape)) for k, v in reference.items()], depth


def results(model, x, labels, attention, dtype):
    """One training step's and one evaluation's results, computed in `dtype`."""
    out = {}
    trained = apply_se(copy.deepcopy(model)).to(dtype).train()
    xt = x.to(dtype).clone().requires_grad_(True)
    logits = trained(xt)
    loss = loss_fn(logits, labels)
    loss.backward()
    out["train.logits"], out["train.loss"], out["train.input_grad"] = logits, loss.reshape(1), xt.grad
    for name, p in trained.named_parameters():
        out[f"grad.{name}"] = p.grad
    for k, v in trained.state_dict().items():
        if k.endswith("running_mean") or k.endswith("running_var"):
            out[f"train.running.{k}"] = v

    evaluated = apply_se(copy.deepcopy(model)).to(dtype).eval()
    if attention == "cbam":
        for key, block in blocks(evaluated):
            block.cbam.SpatialGate.register_forward_hook(
                lambda mod, inp, _o, key=key: out.__setitem__(f"eval.spatial_mask.{key}", ref.spatial_mask(mod, inp[0])))
    xe = x.to(dtype).clone().requires_grad_(True)
    elogits = evaluated(xe)
    loss_fn(elogits, labels).backward()
    out["eval.logits"], out["eval.input_grad"] = elogits, xe.grad
    return {k: v.detach() for k, v in out.items()}


def float32_error(exact, single):
    """PyTorch's own float32 error: the largest over the results of max |Δ| / max |exact|."""
    return max(float((single[k].double() - v).abs().max() / v.abs().max().clamp_min(1e-12)) for k, v in exact.items())


def fixture(depth, attention, seed):
    torch.manual_seed(seed)
    model = ref.randomize_for_testing(build(depth, attention))
    x = torch.randn(BATCH, 3, IMAGE, IMAGE)
    labels = torch.randint(0, CLASSES, (BATCH,), dtype=torch.int64)
    out = {k: (v.clone() if v.dtype == torch.int64 else f32(v)) for k, v in model.state_dict().items()}
    out["input"], out["labels"] = f32(x), labels.clone()
    exact = results(model, x, labels, attention, torch.float64)
    error = float32_error(exact, results(model, x, labels, attention, torch.float32))
    out.update({k: f32(v) for k, v in exact.items()})

    metadata = {
        "format": ref.FORMAT, "architecture": f"resnet{depth}", "attention": attention, "width": str(WIDTH),
        "depth": str(depth), "reduction": str(REDUCTION), "channels": "3", "image_size": str(IMAGE),
        "classes": json.dumps([f"c{i}" for i in range(CLASSES)]), "mean": json.dumps([0.0] * 3), "std": json.dumps([1.0] * 3),
        "batch": str(BATCH), "seed": str(seed), "float32_error": f"{error:.3g}", "torch_version": torch.__version__,
        "generator": "Tests/PyTorch/make_resnet_fixtures.py",
    }
    path = os.path.join(OUT, f"official_resnet{depth}_{attention}.safetensors")
    save_file(out, path, metadata=metadata)
    return path


def main():
    for depth in (18, 34, 50):
        check_scaled_matches_official(depth)
    paths = [fixture(18, "cbam", 2001), fixture(18, "se", 2002), fixture(34, "none", 2005), fixture(50, "cbam", 2003)]
    total = 0
    for p in paths:
        total += os.path.getsize(p)
        with safe_open(p, "pt") as f:
            error = f.metadata()["float32_error"]
        print(f"{os.path.relpath(p, ROOT):55s} {os.path.getsize(p) / 1024:8.1f} KiB   float32 error {error}")
    print(f"{'total':55s} {total / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
