#!/usr/bin/env python3
"""Generate the PyTorch reference fixture of the ViT read by ViTReferenceTests.

Run by hand (never by CI):  python3 Tests/PyTorch/make_vit_fixtures.py
Writes Tests/CBAMKitTests/Fixtures/vit.safetensors:

  <state_dict key>           initial weights (vit_reference.py, randomised biases and norms)
  input [3,3,8,8], labels [3] int64
  train.logits [3,5], train.loss [1], train.input_grad [3,3,8,8]
  grad.<param>               d train.loss / d param
  eval.rollout [3,2,2]       attention rollout of the forward
Sizes: d 16, 2 blocks, 2 heads, patch 4, image 8 (4 patches + class token),
MLP ratio 2, 5 classes, batch 3. Loss: cross_entropy, label_smoothing 0.1, mean.
"""

import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vit_reference as ref  # noqa: E402
from make_fixtures import OUT, ROOT, f32, save_file  # noqa: E402

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)

DIM, DEPTH, HEADS, PATCH, IMAGE, MLP_RATIO, CLASSES, BATCH, CHANNELS = 16, 2, 2, 4, 8, 2, 5, 3, 3
LABEL_SMOOTHING = 0.1


def main():
    torch.manual_seed(2024)
    model = ref.VisionTransformer(in_channels=CHANNELS, num_classes=CLASSES, image_size=IMAGE, dim=DIM,
                                  depth=DEPTH, heads=HEADS, patch=PATCH, mlp_ratio=MLP_RATIO)
    ref.randomize_for_testing(model)
    x = torch.randn(BATCH, CHANNELS, IMAGE, IMAGE)
    labels = torch.randint(0, CLASSES, (BATCH,), dtype=torch.int64)

    out = {k: f32(v) for k, v in model.state_dict().items()}
    out["input"] = f32(x)
    out["labels"] = labels.clone()
    xr = x.clone().requires_grad_(True)
    logits = model(xr)
    loss = F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING)
    loss.backward()
    out["train.logits"] = f32(logits)
    out["train.loss"] = f32(loss.reshape(1))
    out["train.input_grad"] = f32(xr.grad)
    for name, p in model.named_parameters():
        out[f"grad.{name}"] = f32(p.grad)
    out["eval.rollout"] = f32(model.attention_rollout())

    meta = ref.make_metadata(model)
    meta.update({"batch": str(BATCH), "label_smoothing": str(LABEL_SMOOTHING),
                 "torch_version": torch.__version__, "generator": "Tests/PyTorch/make_vit_fixtures.py"})
    path = os.path.join(OUT, "vit.safetensors")
    save_file(out, path, metadata=meta)
    print(f"{os.path.relpath(path, ROOT)}  {os.path.getsize(path) / 1024:.1f} KiB  (torch {torch.__version__})")


if __name__ == "__main__":
    main()
