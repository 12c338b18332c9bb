#!/usr/bin/env python3
"""Generate the PyTorch reference fixtures read by the Swift tests (CBAMKitTests).

Run by hand (never by CI):  python3 Tests/PyTorch/make_fixtures.py
Writes Tests/CBAMKitTests/Fixtures/{resnet_none,resnet_se,resnet_cbam,
resnet_cbam_grey,layers}.safetensors.

Network files (width 8, depth 1, reduction 8, 16x16 images, 5 classes, batch 4):
  <state_dict key>                 initial weights/buffers (num_batches_tracked int64)
  input [4,C,16,16], labels [4] int64
  train.logits [4,5], train.loss [1], train.input_grad [4,C,16,16]
  grad.<param>                     d train.loss / d param (train mode)
  train.running.<bn>.running_mean / .running_var   after the one train forward
  eval.logits [4,5], eval.loss [1], eval.input_grad   (eval mode, initial weights)
  eval.spatial_mask.<layerK.B> [4,1,H,W]              (cbam files only: Ms of each block)
  sgd.step1.<param>, sgd.step2.<param>
  adamw.step1.<param>, adamw.step2.<param>
Loss: cross_entropy(logits, labels, label_smoothing=0.1), mean over the batch.

layers.safetensors (BatchNorm2d, cross-entropy, SELayer and CBAM alone) is read by
Tests/CBAMKitTests/{Layers/BatchNorm2dTests, Layers/SoftmaxCrossEntropyTests,
Modules/SqueezeExcitationTests, Modules/CBAMTests, Modules/ChannelGateTests,
Modules/SpatialGateTests}.swift.
"""

import copy
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import save

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cbam_reference as ref  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "CBAMKitTests", "Fixtures")

WIDTH, DEPTH, REDUCTION, IMAGE, CLASSES, BATCH = 8, 1, 8, 16, 5, 4
LABEL_SMOOTHING = 0.1
SGD = dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4, dampening=0.0)
ADAMW = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05, amsgrad=False)


def save_file(tensors, path, metadata):
    """safetensors.torch.save_file, but with a byte-reproducible header.

    The Rust writer emits __metadata__ in hash order; re-serialise the header
    with sorted keys (offsets are relative to the data section, so they stay
    valid) so that re-running this script does not churn the committed files.
    """
    blob = save(tensors, metadata=metadata)
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + n])
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text + blob[8 + n:])


def f32(t):
    return t.detach().to(torch.float32).contiguous().clone()


def loss_fn(logits, labels):
    return F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING)


def optimiser_steps(named_params, grads, make_opt, prefix, out):
    """Two steps with the same grads, starting from the initial parameters."""
    params = [nn.Parameter(p.detach().clone()) for _, p in named_params]
    opt = make_opt(params)
    for step in (1, 2):
        for p, (name, _) in zip(params, named_params):
            p.grad = grads[name].clone()
        opt.step()
        for p, (name, _) in zip(params, named_params):
            out[f"{prefix}.step{step}.{name}"] = f32(p)


def network_fixture(attention, channels, seed, filename):
    torch.manual_seed(seed)
    model = ref.ResNet(in_channels=channels, num_classes=CLASSES, width=WIDTH,
                            depth=DEPTH, attention=attention, reduction=REDUCTION)
    ref.randomize_for_testing(model)
    x = torch.randn(BATCH, channels, IMAGE, IMAGE)
    labels = torch.randint(0, CLASSES, (BATCH,), dtype=torch.int64)

    out = {}
    for k, v in model.state_dict().items():
        out[k] = v.detach().contiguous().clone() if v.dtype == torch.int64 else f32(v)
    out["input"] = f32(x)
    out["labels"] = labels.clone()

    # --- train mode: one forward/backward
    mt = copy.deepcopy(model).train()
    xt = x.clone().requires_grad_(True)
    logits = mt(xt)
    loss = loss_fn(logits, labels)
    loss.backward()
    out["train.logits"] = f32(logits)
    out["train.loss"] = f32(loss.reshape(1))
    out["train.input_grad"] = f32(xt.grad)
    grads = {}
    for name, p in mt.named_parameters():
        grads[name] = f32(p.grad)
        out[f"grad.{name}"] = grads[name]
    for k, v in mt.state_dict().items():
        if k.endswith("running_mean") or k.endswith("running_var"):
            out[f"train.running.{k}"] = f32(v)

    # --- eval mode on the initial weights
    me = copy.deepcopy(model).eval()
    masks = {}
    if attention == "cbam":
        for lname in ("layer1", "layer2", "layer3"):
            for b, block in enumerate(getattr(me, lname)):
                key = f"{lname}.{b}"
                block.cbam.SpatialGate.register_forward_hook(
                    lambda mod, inp, o, key=key: masks.__setitem__(key, ref.spatial_mask(mod, inp[0])))
    xe = x.clone().requires_grad_(True)
    elogits = me(xe)
    eloss = loss_fn(elogits, labels)
    eloss.backward()
    out["eval.logits"] = f32(elogits)
    out["eval.loss"] = f32(eloss.reshape(1))
    out["eval.input_grad"] = f32(xe.grad)
    for key, m in masks.items():
        out[f"eval.spatial_mask.{key}"] = f32(m)

    # --- optimisers, independent of the network
    named = [(n, p) for n, p in model.named_parameters()]
    optimiser_steps(named, grads, lambda ps: torch.optim.SGD(ps, **SGD), "sgd", out)
    optimiser_steps(named, grads, lambda ps: torch.optim.AdamW(ps, **ADAMW), "adamw", out)

    meta = ref.make_metadata(model, IMAGE)
    meta.update({
        "batch": str(BATCH),
        "seed": str(seed),
        "label_smoothing": json.dumps(LABEL_SMOOTHING),
        "loss": "cross_entropy mean over batch, label_smoothing 0.1",
        "sgd": json.dumps({**SGD, "weight_decay_applies_to": "all parameters (incl. BN and biases)",
                           "steps": 2, "grads": "grad.* both steps"}),
        "adamw": json.dumps({**ADAMW, "weight_decay_applies_to": "all parameters (incl. BN and biases)",
                             "steps": 2, "grads": "grad.* both steps"}),
        "torch_version": torch.__version__,
        "generator": "Tests/PyTorch/make_fixtures.py",
    })
    for k, v in out.items():
        assert v.is_contiguous() and v.dtype in (torch.float32, torch.int64), k
    path = os.path.join(OUT, filename)
    save_file(out, path, metadata=meta)
    return path


def layers_fixture(seed, filename):
    torch.manual_seed(seed)
    out = {}

    # (a) BatchNorm2d, train-mode forward/backward
    bn = nn.BatchNorm2d(5)
    with torch.no_grad():
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.2, 0.2)
        bn.running_mean.uniform_(-0.1, 0.1)
        bn.running_var.uniform_(0.5, 1.5)
    x = torch.randn(3, 5, 4, 4) * 2.0 + 0.5
    up = torch.randn(3, 5, 4, 4)
    out["bn.input"] = f32(x)
    out["bn.weight"] = f32(bn.weight)
    out["bn.bias"] = f32(bn.bias)
    out["bn.running_mean"] = f32(bn.running_mean)
    out["bn.running_var"] = f32(bn.running_var)
    out["bn.upstream"] = f32(up)
    bne = copy.deepcopy(bn).eval()
    out["bn.eval_output"] = f32(bne(x))
    xr = x.clone().requires_grad_(True)
    y = bn.train()(xr)
    y.backward(up)
    out["bn.output"] = f32(y)
    out["bn.input_grad"] = f32(xr.grad)
    out["bn.weight_grad"] = f32(bn.weight.grad)
    out["bn.bias_grad"] = f32(bn.bias.grad)
    out["bn.new_running_mean"] = f32(bn.running_mean)
    out["bn.new_running_var"] = f32(bn.running_var)

    # (b) softmax cross-entropy with label smoothing 0.1 (mean over the batch)
    logits = torch.randn(6, 7) * 3.0
    labels = torch.randint(0, 7, (6,), dtype=torch.int64)
    lr = logits.clone().requires_grad_(True)
    loss = F.cross_entropy(lr, labels, label_smoothing=LABEL_SMOOTHING)
    loss.backward()
    out["ce.logits"] = f32(logits)
    out["ce.labels"] = labels
    out["ce.loss"] = f32(loss.reshape(1))
    out["ce.grad"] = f32(lr.grad)
    out["ce.loss_no_smoothing"] = f32(F.cross_entropy(logits, labels).reshape(1))

    # (c) attention modules alone, train mode, input [2,16,5,5], r = 8 (hidden 2)
    for name, mod in (("se", ref.SELayer(16, 8)), ("cbam", ref.CBAM(16, 8))):
        with torch.no_grad():
            for pn, p in mod.named_parameters():
                if pn.endswith("bn.weight"):
                    p.uniform_(0.5, 1.5)
                elif p.dim() == 1:
                    p.uniform_(-0.2, 0.2)
                else:
                    p.normal_(0.0, 0.5)
        x = torch.randn(2, 16, 5, 5)
        up = torch.randn(2, 16, 5, 5)
        out[f"{name}.input"] = f32(x)
        out[f"{name}.upstream"] = f32(up)
        for k, v in mod.state_dict().items():
            out[f"{name}.{k}"] = v.clone() if v.dtype == torch.int64 else f32(v)
        xr = x.clone().requires_grad_(True)
        y = mod.train()(xr)
        y.backward(up)
        out[f"{name}.output"] = f32(y)
        out[f"{name}.input_grad"] = f32(xr.grad)
        for pn, p in mod.named_parameters():
            out[f"{name}.grad.{pn}"] = f32(p.grad)
        if name == "cbam":
            with torch.no_grad():
                fc = mod.ChannelGate(x)
                out["cbam.channel_out"] = f32(fc)
                # Ms is computed from F' with the spatial BN in train mode
                m2 = copy.deepcopy(mod.SpatialGate).train()
                out["cbam.spatial_mask"] = f32(ref.spatial_mask(m2, fc))
            for k, v in mod.state_dict().items():
                if k.endswith("running_mean") or k.endswith("running_var"):
                    out[f"cbam.train.running.{k}"] = f32(v)

    meta = {
        "bn": "BatchNorm2d(5) eps 1e-5 momentum 0.1, train forward; output = bn(input), "
              "grads for upstream; new_running_* after that forward (unbiased var); "
              "eval_output uses the initial running stats",
        "ce": "cross_entropy(logits, labels, label_smoothing=0.1) mean; grad = d loss / d logits",
        "se": "SELayer(16, r=8) train mode; output = module(input); grads for upstream",
        "cbam": "CBAM(16, r=8) train mode (spatial BN uses batch stats); channel_out = F' "
                "(before the spatial forward that updated running stats); spatial_mask = Ms[2,1,5,5]",
        "torch_version": torch.__version__,
        "seed": str(seed),
        "generator": "Tests/PyTorch/make_fixtures.py",
    }
    path = os.path.join(OUT, filename)
    save_file(out, path, metadata=meta)
    return path


def main():
    os.makedirs(OUT, exist_ok=True)
    paths = [
        network_fixture("none", 3, 1001, "resnet_none.safetensors"),
        network_fixture("se", 3, 1002, "resnet_se.safetensors"),
        network_fixture("cbam", 3, 1003, "resnet_cbam.safetensors"),
        network_fixture("cbam", 1, 1004, "resnet_cbam_grey.safetensors"),
        layers_fixture(1005, "layers.safetensors"),
    ]
    total = 0
    for p in paths:
        s = os.path.getsize(p)
        total += s
        print(f"{os.path.relpath(p, ROOT):55s} {s / 1024:8.1f} KiB")
    print(f"{'total':55s} {total / 1024:8.1f} KiB")
    print("torch", torch.__version__)


if __name__ == "__main__":
    main()
