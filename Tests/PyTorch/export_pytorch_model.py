#!/usr/bin/env python3
"""Write a randomly initialised PyTorch model as a cbam model file, plus a probe.

    python3 Tests/PyTorch/export_pytorch_model.py OUT.safetensors --attention cbam \
        [--width 32] [--depth 1] [--reduction 8] [--channels 3] [--image-size 32] \
        [--classes 10] [--batch 4] [--seed 0] [--probe PROBE.safetensors] [--plain-init]

OUT gets the state_dict (float32; num_batches_tracked int64) and the model
metadata (class names c0..cN-1, mean 0 and std 1 per channel). The probe
(default: OUT with `.probe.safetensors`) holds `input` [batch,C,S,S] float32
(randn, the network input) and `logits` [batch,classes] from eval mode, so the
Swift side can load OUT, run `input` and compare with `logits`.

By default BN affine/running stats and biases are randomised (as in the
fixtures) so that the check exercises every tensor; --plain-init keeps
DESIGN.md's initialisation (BN 1/0, biases 0).
"""

import argparse
import os
import sys

import torch
from safetensors.torch import save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cbam_reference as ref  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--attention", choices=ref.ATTENTIONS, default="cbam")
    ap.add_argument("--width", type=int, default=32)
    ap.add_argument("--depth", type=int, default=1)
    ap.add_argument("--reduction", type=int, default=8)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--image-size", type=int, default=32)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--probe", default=None)
    ap.add_argument("--plain-init", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)

    model = ref.ResNet(in_channels=args.channels, num_classes=args.classes, width=args.width,
                            depth=args.depth, attention=args.attention, reduction=args.reduction)
    if not args.plain_init:
        ref.randomize_for_testing(model)
    model.eval()
    ref.save_model_file(args.out, model, args.image_size)

    x = torch.randn(args.batch, args.channels, args.image_size, args.image_size)
    with torch.inference_mode():
        logits = model(x)
    probe = args.probe
    if probe is None:
        base = args.out[:-len(".safetensors")] if args.out.endswith(".safetensors") else args.out
        probe = base + ".probe.safetensors"
    save_file({"input": x.contiguous(), "logits": logits.contiguous().clone()}, probe,
              metadata={"model": os.path.basename(args.out), "mode": "eval",
                        "torch_version": torch.__version__})
    nparams = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out} ({args.attention}, {nparams} parameters) and {probe} "
          f"(input {tuple(x.shape)}, logits {tuple(logits.shape)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
