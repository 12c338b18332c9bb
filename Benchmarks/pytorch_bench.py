#!/usr/bin/env python3
"""PyTorch peer benchmark for cbam's networks (run by hand, not CI).

    python3 Benchmarks/pytorch_bench.py --model plain|se|cbam|vit [--channels 3]
        [--image-size 32] [--classes 10] [--threads 2] [--json]

The network is Tests/PyTorch/cbam_reference.py's ResNet at DESIGN.md's
defaults (width 32, depth 1, reduction 8), eager mode, default NCHW float32,
the way a PyTorch user would run it; `vit` is Tests/PyTorch/vit_reference.py's
VisionTransformer at DESIGN.md's defaults (d 96, depth 4, 4 heads, patch 4, MLP
ratio 2), trained with AdamW (lr 1e-3, weight decay 0.05) as cbam trains it.
Measures, on random data:

  train_images_per_s  forward + backward + SGD step (lr 0.1, momentum 0.9,
                      nesterov, weight decay 5e-4), cross-entropy, batch 128,
                      train mode; median over timed runs of several steps
  infer_images_per_s  eval mode under torch.inference_mode(), batch 256; median
  latency_ms          batch 1, eval mode, inference_mode; median of single calls
Inference and latency are measured after training in the same process, after
a warm-up (steady state; see the comment in main()).
  mflops_per_image    forward conv + linear MACs x 2 (counted with hooks on one
                      forward; CBAM's shared MLP counts twice, once per pooling;
                      the ViT's Q.K^T and P.V products are added analytically;
                      BN/ReLU/pooling/gates' elementwise work is not counted)

--precision bf16 runs training and inference under torch.autocast("cpu",
dtype=torch.bfloat16): PyTorch's mixed precision, the peer of cbam's bf16.

--json prints exactly: framework, version, model, precision, channels, image_size, threads,
parameters, mflops_per_image, train_images_per_s, infer_images_per_s, latency_ms.
"""

import argparse
import json
import os
import resource
import statistics
import sys
import time

MODELS = {"plain": "none", "se": "se", "cbam": "cbam", "vit": None}
OFFICIAL = {"resnet18": 18, "resnet34": 34, "resnet50": 50, "resnet101": 101}
OFFICIAL_ATTENTION = {"plain": None, "se": "SE", "cbam": "CBAM"}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=sorted(MODELS), default="cbam")
    ap.add_argument("--arch", choices=("resnet-small",) + tuple(OFFICIAL), default="resnet-small",
                    help="resnet18 … resnet101: the official CBAM code's ResidualNet('ImageNet', depth, classes, att)")
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--image-size", type=int, default=32)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--width", type=int, default=None, help="default 32 (vit: 96, its dimension d)")
    ap.add_argument("--depth", type=int, default=None, help="default 1 (vit: 4 encoder blocks)")
    ap.add_argument("--reduction", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--train-batch", "--batch-size", type=int, default=128)
    ap.add_argument("--infer-batch", "--inference-batch", type=int, default=256)
    ap.add_argument("--runs", "--rounds", type=int, default=7, help="timed runs per measurement (median reported)")
    ap.add_argument("--train-steps", type=int, default=5, help="training steps per timed run")
    ap.add_argument("--infer-iters", type=int, default=2, help="batch-256 forwards per timed run")
    ap.add_argument("--latency-iters", type=int, default=50, help="batch-1 calls timed one by one")
    ap.add_argument("--malloc", choices=("default", "tuned"), default="default",
                    help="tuned: re-run with MALLOC_MMAP_THRESHOLD_/MALLOC_TRIM_THRESHOLD_ raised so "
                         "glibc keeps large activation buffers instead of mmap/munmap-ing them "
                         "on every call (no page-fault storm); default: as a PyTorch user runs it")
    ap.add_argument("--precision", choices=("fp32", "bf16"), default="fp32",
                    help="bf16: training and inference under torch.autocast('cpu', dtype=torch.bfloat16), "
                         "PyTorch's own mixed precision (the peer of cbam --precision bf16)")
    ap.add_argument("--json", action="store_true")
    return ap.parse_args()


args = parse_args()
TUNED_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": "4294967296", "MALLOC_TRIM_THRESHOLD_": "4294967296"}
if args.malloc == "tuned" and any(os.environ.get(k) != v for k, v in TUNED_MALLOC_ENV.items()):
    # glibc reads these only at process start: re-exec ourselves with them set.
    os.environ.update(TUNED_MALLOC_ENV)
    os.execv(sys.executable, [sys.executable] + sys.argv)
# Thread count must be fixed before torch (and its OpenMP runtime) is loaded.
os.environ["OMP_NUM_THREADS"] = str(args.threads)
os.environ["MKL_NUM_THREADS"] = str(args.threads)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "Tests", "PyTorch"))
import cbam_reference as ref  # noqa: E402  (also puts the official CBAM code on sys.path)
from MODELS.model_resnet import ResidualNet  # noqa: E402
import vit_reference  # noqa: E402

torch.set_num_threads(args.threads)


def count_mflops(model, x):
    """Forward MFLOPs per image: 2 x MACs of every Conv2d/Linear call."""
    macs = [0]

    def conv_hook(m, inp, out):
        k = m.kernel_size[0] * m.kernel_size[1] * (m.in_channels // m.groups)
        macs[0] += out.numel() // out.shape[0] * k

    def linear_hook(m, inp, out):
        macs[0] += out.numel() // out.shape[0] * m.in_features

    hooks = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    model.eval()
    with torch.inference_mode():
        model(x[:1])
    for h in hooks:
        h.remove()
    if isinstance(model, vit_reference.VisionTransformer):  # Q.K^T and P.V in every block
        tokens = model.grid ** 2 + 1
        macs[0] += model.depth * 2 * tokens * tokens * model.dim
    return 2.0 * macs[0] / 1e6


def timed(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return time.perf_counter() - t0


def main():
    torch.manual_seed(0)
    c, s = args.channels, args.image_size
    if args.model == "vit":
        model = vit_reference.VisionTransformer(in_channels=c, num_classes=args.classes, image_size=s,
                                                dim=args.width or 96, depth=args.depth or 4)
    elif args.arch in OFFICIAL:
        model = ResidualNet("ImageNet", OFFICIAL[args.arch], args.classes, OFFICIAL_ATTENTION[args.model])
    else:
        model = ref.ResNet(in_channels=c, num_classes=args.classes, width=args.width or 32,
                                depth=args.depth or 1, attention=MODELS[args.model], reduction=args.reduction)
    params = sum(p.numel() for p in model.parameters())
    mflops = count_mflops(model, torch.randn(1, c, s, s))

    # --- training
    xt = torch.randn(args.train_batch, c, s, s)
    yt = torch.randint(0, args.classes, (args.train_batch,))
    if args.model == "vit":
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4)
    model.train()

    def autocast():
        return torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16")

    def train_step():
        opt.zero_grad(set_to_none=True)
        with autocast():
            loss = F.cross_entropy(model(xt), yt)
        loss.backward()
        opt.step()

    base_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the model and the batch, before any step
    # warm-up: >= 3 steps and >= 2 s (the first steps of a process are much slower)
    t0, n = time.perf_counter(), 0
    while n < 3 or time.perf_counter() - t0 < 2.0:
        train_step()
        n += 1
    train_rates = [args.train_batch * args.train_steps / timed(train_step, args.train_steps)
                   for _ in range(args.runs)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # after training, as cbam's VmHWM

    # --- inference, batch 256
    model.eval()
    xi = torch.randn(args.infer_batch, c, s, s)
    with torch.inference_mode(), autocast():
        def infer():
            model(xi)
        # Measured after training, in the same process: the first batch-256
        # forwards run ~40% slower until glibc malloc has settled (fresh
        # processes doing only inference were seen to stay on the slow path).
        # Warm up for >= 6 calls and >= 1.5 s so the steady state is measured.
        t0, n = time.perf_counter(), 0
        while n < 6 or time.perf_counter() - t0 < 1.5:
            infer()
            n += 1
        infer_rates = [args.infer_batch * args.infer_iters / timed(infer, args.infer_iters)
                       for _ in range(args.runs)]

        # --- batch-1 latency
        x1 = torch.randn(1, c, s, s)

        def one():
            model(x1)
        timed(one, 10)
        lat = [1e3 * timed(one, 1) for _ in range(args.latency_iters)]

    result = {
        "framework": "pytorch",
        "version": torch.__version__,
        "model": args.model if args.arch == "resnet-small" else f"{args.model} {args.arch}",
        "precision": args.precision,
        "channels": c,
        "image_size": s,
        "threads": args.threads,
        "parameters": params,
        "mflops_per_image": round(mflops, 3),
        "train_images_per_s": round(statistics.median(train_rates), 1),
        "infer_images_per_s": round(statistics.median(infer_rates), 1),
        "latency_ms": round(statistics.median(lat), 3),
        "peak_memory_mb": round(peak_mb, 1),
        "base_memory_mb": round(base_mb, 1),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"pytorch {torch.__version__}  model {args.model}  {c}x{s}x{s}  threads {args.threads}  "
              f"malloc {args.malloc}  {args.precision}")
        print(f"  parameters          {params}")
        print(f"  memory              {peak_mb:.0f} MB peak, {base_mb:.0f} MB before the first step")
        print(f"  forward MFLOPs/img  {mflops:.2f}")
        print(f"  train  (batch {args.train_batch:3d})  {result['train_images_per_s']:9.1f} images/s  "
              f"(runs: {min(train_rates):.0f}..{max(train_rates):.0f})")
        print(f"  infer  (batch {args.infer_batch:3d})  {result['infer_images_per_s']:9.1f} images/s  "
              f"(runs: {min(infer_rates):.0f}..{max(infer_rates):.0f})")
        print(f"  latency (batch 1)   {result['latency_ms']:9.3f} ms  "
              f"(min {min(lat):.3f}, max {max(lat):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
