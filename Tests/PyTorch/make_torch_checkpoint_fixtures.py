#!/usr/bin/env python3
"""torch.save checkpoints of the official CBAM ResNets, for `cbam import-torch` (issue 12).

Run by hand (never by CI), after `swift build -c release` (the images are prepared by
`cbam convert`, exactly as `cbam classify` prepares them):

    python3 Tests/PyTorch/make_torch_checkpoint_fixtures.py
        writes Tests/CBAMKitTests/Fixtures/torch/ (committed, small):
          resnet{18,50}_cbam.pth          torch.save(model.state_dict())
          resnet{18,50}_cbam_wrapped.pth  torch.save({'state_dict': <'module.' + key>, 'epoch': 3, ...}),
                                          the layout of the authors' published checkpoints
          resnet18_cbam_legacy.pth        the wrapped ResNet-18 in the legacy (pre-1.6, non-zip) format the
                                          authors' files use (see legacy() below)
          expected.safetensors            per network: the inputs and PyTorch's logits
    python3 Tests/PyTorch/make_torch_checkpoint_fixtures.py --full /tmp/resnet18_cbam.pth
        writes the full-size official ResidualNet('ImageNet', 18, 1000, 'CBAM') (45 MB,
        wrapped like the published checkpoints) and /tmp/resnet18_cbam.pth.expected.safetensors;
        then `CBAM_TORCH_RESNET18=/tmp/resnet18_cbam.pth swift test -c release --filter TorchCheckpointTests`
        checks it too.

The small networks are make_resnet_fixtures.py's: the official code (ResidualNet's blocks,
_make_layer and forward) at base width 4 with r = 4 and global average pooling, 5 classes,
64x64 input. Weights: PyTorch's init, then random BN affine and statistics and small random
biases (cbam_reference.randomize_for_testing). The full-size one is ResidualNet itself
(at 224x224 its AvgPool2d(7) is the global pool cbam uses).

The plain checkpoints store two tensors as views, so the reader's strides and offsets are
checked: 'fc.weight' transposed (strides (1, rows)) and 'conv1.weight' at offset 7 of a
larger storage. The logits are PyTorch's in float64 (the exact result, rounded to float32).

Images: three Fashion-MNIST samples (grey PNGs, converted to RGB) and Datasets/sample/sneaker.jpg,
each passed through `cbam convert --size S --channels 3` (cbam's decode and resize) and then
normalised with ImageNet's mean and std, as the imported model file does.
"""

import argparse
import collections
import json
import os
import struct
import subprocess
import sys
import tempfile
import warnings
import zlib

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cbam_reference as ref  # noqa: E402  (puts the official code on sys.path)
import make_resnet_fixtures as resnets  # noqa: E402
from make_fixtures import OUT, ROOT, f32, save_file  # noqa: E402

import MODELS.model_resnet as official  # noqa: E402

torch.set_num_threads(1)
FIXTURES = os.path.join(OUT, "torch")
CBAM = os.path.join(ROOT, ".build", "release", "cbam")
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
IMAGES = ["Datasets/sample/fashion-mnist/test/Sneaker/00009.png", "Datasets/sample/fashion-mnist/test/Bag/00018.png",
          "Datasets/sample/fashion-mnist/test/Coat/" + sorted(os.listdir(os.path.join(ROOT, "Datasets/sample/fashion-mnist/test/Coat")))[0],
          "Datasets/sample/sneaker.jpg"]


def read_png(path):
    """An 8-bit, non-interlaced PNG (what `cbam convert` writes) as a [C, H, W] uint8 tensor."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0 and colour in (0, 2), (depth, colour, interlace)
            channels = 3 if colour == 2 else 1
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1: line[i] = (line[i] + a) & 255
            elif kind == 2: line[i] = (line[i] + b) & 255
            elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return torch.frombuffer(bytearray(b"".join(rows)), dtype=torch.uint8).reshape(height, width, channels).permute(2, 0, 1)


def inputs(size):
    """The images as `cbam classify` prepares them: [N, 3, S, S], normalised."""
    batch = []
    with tempfile.TemporaryDirectory() as folder:
        for i, image in enumerate(IMAGES):
            png = os.path.join(folder, f"{i}.png")
            subprocess.run([CBAM, "convert", os.path.join(ROOT, image), png, "--size", str(size), "--channels", "3"], check=True)
            batch.append(read_png(png).to(torch.float64) / 255)
    x = torch.stack(batch)
    return (x - torch.tensor(MEAN, dtype=torch.float64).view(1, 3, 1, 1)) / torch.tensor(STD, dtype=torch.float64).view(1, 3, 1, 1)


def logits(model, x):
    with torch.no_grad():
        return f32(resnets.apply_se(model).double().eval()(x))


def with_views(state_dict):
    """The same values, two of them stored as views: fc.weight transposed, conv1.weight at offset 7."""
    fc = state_dict["fc.weight"]
    state_dict["fc.weight"] = fc.t().contiguous().t()
    assert state_dict["fc.weight"].stride() == (1, fc.shape[0])
    conv = state_dict["conv1.weight"]
    storage = torch.zeros(conv.numel() + 7)
    storage[7:] = conv.flatten()
    state_dict["conv1.weight"] = storage[7:].view(conv.shape)
    return state_dict


def wrapped(state_dict, arch):
    """As the authors' checkpoints (DataParallel, their train loop's dict)."""
    optimizer = {"state": {}, "param_groups": [{"lr": 0.1, "momentum": 0.9, "weight_decay": 1e-4, "nesterov": False,
                                                "maximize": False, "foreach": None, "params": list(range(len(state_dict)))}]}
    inner = collections.OrderedDict((f"module.{k}", v) for k, v in state_dict.items())
    return {"epoch": 3, "arch": arch, "state_dict": inner, "best_prec1": 71.25, "optimizer": optimizer}


def legacy(model, path):
    """The authors' checkpoints (PyTorch 0.4, 2018) as the legacy torch.save stream writes them:
    magic number, protocol 1001, sys_info, the pickle (persistent ids ('storage', type, key,
    location, numel, None)), the sorted storage keys, then each storage as an 8-byte element
    count and its bytes. Like theirs: GPU locations ('cuda:0'), best_prec1 a 0-dim tensor, and an
    SGD optimizer whose state is keyed by id(p) with momentum buffers, whose storages cbam must
    skip. (Momentum buffers only for the first 16 parameters, to keep the fixture small.)"""
    params = [p for _, p in model.named_parameters()]
    torch.manual_seed(77)
    ids = [140234567890000 + 64 * i for i in range(len(params))]  # id(p): LONG1 keys, as in 2018
    state = {ids[i]: {"momentum_buffer": torch.randn_like(p) * 0.01} for i, p in enumerate(params[:16])}
    optimizer = {"state": state, "param_groups": [{"lr": 0.1, "momentum": 0.9, "dampening": 0, "weight_decay": 1e-4,
                                                   "nesterov": False, "params": ids}]}
    checkpoint = wrapped(model.state_dict(), "resnet18")
    checkpoint.update(best_prec1=torch.tensor(71.25), optimizer=optimizer)
    tag = torch.serialization.location_tag
    torch.serialization.location_tag = lambda storage: "cuda:0"
    try:
        torch.save(checkpoint, path, _use_new_zipfile_serialization=False)
    finally:
        torch.serialization.location_tag = tag
    with open(path, "rb") as f:
        assert f.read(2) == b"\x80\x02", "not the legacy stream"
    back = torch.load(path, map_location="cpu", weights_only=False)
    for key, value in model.state_dict().items():
        assert torch.equal(back["state_dict"]["module." + key], value), key


def small(depth, seed, x, expected):
    torch.manual_seed(seed)
    model = ref.randomize_for_testing(resnets.build(depth, "cbam"))
    name = f"resnet{depth}_cbam"
    torch.save(with_views(model.state_dict()), os.path.join(FIXTURES, f"{name}.pth"))
    torch.save(wrapped(model.state_dict(), f"resnet{depth}"), os.path.join(FIXTURES, f"{name}_wrapped.pth"))
    if depth == 18:
        legacy(model, os.path.join(FIXTURES, f"{name}_legacy.pth"))
    expected[f"{name}.logits"] = logits(model, x)


def full(path):
    torch.manual_seed(12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ref.randomize_for_testing(official.ResidualNet("ImageNet", 18, 1000, "CBAM"))
    torch.save(wrapped(model.state_dict(), "resnet18"), path)
    x = inputs(224)
    metadata = {"arch": "resnet18", "image_size": "224", "images": json.dumps(IMAGES), "torch_version": torch.__version__}
    save_file({"input": f32(x), "logits": logits(model, x)}, path + ".expected.safetensors", metadata=metadata)
    print(f"{path}: {os.path.getsize(path) / 2**20:.1f} MiB, {path}.expected.safetensors")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", help="write the full-size ResidualNet('ImageNet', 18, 1000, 'CBAM') checkpoint here instead")
    args = parser.parse_args()
    if args.full:
        return full(args.full)
    os.makedirs(FIXTURES, exist_ok=True)
    x = inputs(resnets.IMAGE)
    expected = {"input": f32(x)}
    small(18, 3101, x, expected)
    small(50, 3102, x, expected)
    metadata = {"width": str(resnets.WIDTH), "reduction": str(resnets.REDUCTION), "classes": str(resnets.CLASSES),
                "image_size": str(resnets.IMAGE), "images": json.dumps(IMAGES), "torch_version": torch.__version__,
                "generator": "Tests/PyTorch/make_torch_checkpoint_fixtures.py"}
    save_file(expected, os.path.join(FIXTURES, "expected.safetensors"), metadata=metadata)
    for name in sorted(os.listdir(FIXTURES)):
        print(f"{os.path.relpath(os.path.join(FIXTURES, name), ROOT):60s} {os.path.getsize(os.path.join(FIXTURES, name)) / 1024:8.1f} KiB")


if __name__ == "__main__":
    main()
