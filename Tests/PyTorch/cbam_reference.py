"""PyTorch reference for cbam's "resnet-small" networks (see DESIGN.md).

Run-by-hand helper, never used by CI. Imported by make_fixtures.py,
check_swift_model.py, export_pytorch_model.py and Benchmarks/pytorch_bench.py.

State-dict keys follow the official CBAM code (Jongchan/attention-module,
MODELS/cbam.py and MODELS/model_resnet.py):

    conv1.weight, bn1.{weight,bias,running_mean,running_var,num_batches_tracked}
    layerK.B.conv1.weight, layerK.B.bn1.*, layerK.B.conv2.weight, layerK.B.bn2.*
    layerK.0.downsample.0.weight, layerK.0.downsample.1.*        (K = 2, 3)
    layerK.B.se.fc.0.{weight,bias}, layerK.B.se.fc.2.{weight,bias}
    layerK.B.cbam.ChannelGate.mlp.1.{weight,bias}, ...mlp.3.{weight,bias}
    layerK.B.cbam.SpatialGate.spatial.conv.weight, ...spatial.bn.*
    fc.weight, fc.bias

The CBAM module is the official one (MODELS/cbam.py, imported, never copied):
its spatial gate's BasicConv has BN momentum 0.01, as cbam's. Its hidden width is
C // r, cbam's max(C // r, 1): the same at every size the fixtures use.
Initialisation here is not the official one (reset_parameters; fixtures randomise
BatchNorm anyway so that every gradient is exercised); Tests/PyTorch/make_init_fixture.py
measures the official init from the authors' ResidualNet itself.
"""

import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

# CBAM itself is the authors' module (Jongchan/attention-module, MODELS/cbam.py), imported
# from the copy beside the repository, so "same as the official CBAM" is what the fixtures test.
REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
                         "shared", "reference", "attention-module")
sys.path.insert(0, REFERENCE)
from MODELS.cbam import CBAM  # noqa: E402  ChannelGate (mlp.1, mlp.3) and SpatialGate (spatial.conv, spatial.bn)

FORMAT = "cbam-model-1"
ARCHITECTURE = "resnet-small"
ATTENTIONS = ("none", "se", "cbam")


def hidden_width(channels, reduction):
    return max(channels // reduction, 1)


# ----------------------------------------------------------------------------
# attention modules


class SELayer(nn.Module):
    """Squeeze-and-excitation: out = F * sigmoid(W2 relu(W1 avgpool(F)))."""

    def __init__(self, channels, reduction=8):
        super().__init__()
        h = hidden_width(channels, reduction)
        self.fc = nn.Sequential(
            nn.Linear(channels, h, bias=True),
            nn.ReLU(inplace=False),
            nn.Linear(h, channels, bias=True),
            nn.Sigmoid(),
        )

    def forward(self, x):
        n, c = x.shape[:2]
        s = self.fc(x.mean(dim=(2, 3)))
        return x * s.view(n, c, 1, 1)


def spatial_mask(gate, x):
    """The spatial attention map Ms [N,1,H,W] of an official SpatialGate (for attention-map tests)."""
    return torch.sigmoid(gate.spatial(gate.compress(x)))


# ----------------------------------------------------------------------------
# network


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1, attention="none", reduction=8):
        super().__init__()
        self.conv1 = conv3x3(cin, cout, stride)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=False)
        self.conv2 = conv3x3(cout, cout)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(
                nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(cout),
            )
        else:
            self.downsample = None
        self.attention = attention
        if attention == "se":
            self.se = SELayer(cout, reduction)
        elif attention == "cbam":
            self.cbam = CBAM(cout, reduction)
        elif attention != "none":
            raise ValueError(f"unknown attention {attention!r}")

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.attention == "se":
            out = self.se(out)
        elif self.attention == "cbam":
            out = self.cbam(out)
        shortcut = x if self.downsample is None else self.downsample(x)
        return self.relu(out + shortcut)


class ResNet(nn.Module):
    def __init__(self, in_channels=3, num_classes=10, width=32, depth=1,
                 attention="none", reduction=8):
        super().__init__()
        if attention not in ATTENTIONS:
            raise ValueError(f"attention must be one of {ATTENTIONS}, got {attention!r}")
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.width = width
        self.depth = depth
        self.attention = attention
        self.reduction = reduction

        w = width
        self.conv1 = conv3x3(in_channels, w)
        self.bn1 = nn.BatchNorm2d(w)
        self.relu = nn.ReLU(inplace=False)
        self.layer1 = self._make_layer(w, w, depth, 1)
        self.layer2 = self._make_layer(w, 2 * w, depth, 2)
        self.layer3 = self._make_layer(2 * w, 4 * w, depth, 2)
        self.fc = nn.Linear(4 * w, num_classes)
        self.reset_parameters()

    def _make_layer(self, cin, cout, depth, stride):
        blocks = [BasicBlock(cin, cout, stride, self.attention, self.reduction)]
        for _ in range(1, depth):
            blocks.append(BasicBlock(cout, cout, 1, self.attention, self.reduction))
        return nn.Sequential(*blocks)

    def reset_parameters(self):
        """DESIGN.md init: conv kaiming_normal(fan_out, relu), Linear default with
        bias 0, BN gamma 1 beta 0 (running stats 0/1)."""
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
                m.reset_running_stats()
            elif isinstance(m, nn.Linear):
                m.reset_parameters()
                nn.init.zeros_(m.bias)

    def features(self, x):
        x = self.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return x.mean(dim=(2, 3))

    def forward(self, x):
        return self.fc(self.features(x))


def randomize_for_testing(model, generator=None):
    """Make a check strong: random BN affine/running stats, small random biases.

    BN weight U(0.5,1.5), bias U(-0.2,0.2), running_mean U(-0.1,0.1),
    running_var U(0.5,1.5); Linear/conv biases U(-0.1,0.1).
    """
    g = generator

    def u(t, lo, hi):
        with torch.no_grad():
            t.copy_(torch.rand(t.shape, generator=g, dtype=t.dtype) * (hi - lo) + lo)

    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            u(m.weight, 0.5, 1.5)
            u(m.bias, -0.2, 0.2)
            u(m.running_mean, -0.1, 0.1)
            u(m.running_var, 0.5, 1.5)
        elif isinstance(m, (nn.Linear, nn.Conv2d)) and m.bias is not None:
            u(m.bias, -0.1, 0.1)
    return model


# ----------------------------------------------------------------------------
# model-file metadata (safetensors __metadata__, all values are strings)


def make_metadata(model, image_size, classes=None, mean=None, std=None):
    """Metadata dict (str -> str) describing `model` in the cbam model-file format."""
    c = model.in_channels
    if classes is None:
        classes = [f"c{i}" for i in range(model.num_classes)]
    if len(classes) != model.num_classes:
        raise ValueError("len(classes) != num_classes")
    mean = [0.0] * c if mean is None else [float(v) for v in mean]
    std = [1.0] * c if std is None else [float(v) for v in std]
    if len(mean) != c or len(std) != c:
        raise ValueError("mean/std need one value per channel")
    return {
        "format": FORMAT,
        "architecture": ARCHITECTURE,
        "attention": model.attention,
        "width": str(model.width),
        "depth": str(model.depth),
        "reduction": str(model.reduction),
        "channels": str(c),
        "image_size": str(int(image_size)),
        "classes": json.dumps(list(classes)),
        "mean": json.dumps(mean),
        "std": json.dumps(std),
    }


def parse_metadata(meta):
    """Validate and decode a model file's __metadata__ into Python values."""
    if meta is None:
        raise ValueError("model file has no __metadata__")
    if meta.get("format") != FORMAT:
        raise ValueError(f"format is {meta.get('format')!r}, expected {FORMAT!r}")
    if meta.get("architecture") != ARCHITECTURE:
        raise ValueError(f"architecture is {meta.get('architecture')!r}, expected {ARCHITECTURE!r}")
    out = {
        "attention": meta["attention"],
        "width": int(meta["width"]),
        "depth": int(meta["depth"]),
        "reduction": int(meta["reduction"]),
        "channels": int(meta["channels"]),
        "image_size": int(meta["image_size"]),
        "classes": json.loads(meta["classes"]),
        "mean": [float(v) for v in json.loads(meta["mean"])],
        "std": [float(v) for v in json.loads(meta["std"])],
    }
    if out["attention"] not in ATTENTIONS:
        raise ValueError(f"unknown attention {out['attention']!r}")
    return out


def model_from_metadata(meta):
    """Build an (uninitialised-weights) ResNet from a model file's metadata."""
    m = parse_metadata(meta)
    model = ResNet(in_channels=m["channels"], num_classes=len(m["classes"]),
                        width=m["width"], depth=m["depth"], attention=m["attention"],
                        reduction=m["reduction"])
    return model, m


def save_model_file(path, model, image_size, classes=None, mean=None, std=None):
    """Write `model` as a cbam model file (state_dict + metadata)."""
    from safetensors.torch import save_file
    sd = {k: v.detach().contiguous().clone() for k, v in model.state_dict().items()}
    save_file(sd, path, metadata=make_metadata(model, image_size, classes, mean, std))


def load_model_file(path, strict=True):
    """Load a cbam model file into a ResNet. Returns (model, parsed metadata, notes).

    A file without `num_batches_tracked` entries (they do not affect inference)
    gets them filled with 0 so that the strict load still checks every other key.
    """
    from safetensors import safe_open
    with safe_open(path, framework="pt") as f:
        meta = f.metadata()
        sd = {k: f.get_tensor(k) for k in f.keys()}
    model, m = model_from_metadata(meta)
    notes = []
    missing = 0
    converted = set()
    for k, v in model.state_dict().items():
        if k.endswith("num_batches_tracked"):
            if k not in sd:
                sd[k] = torch.zeros_like(v)
                missing += 1
            elif sd[k].dtype != v.dtype or sd[k].shape != v.shape:
                # accept [1] instead of [] and float/int32 instead of int64
                how = f"{sd[k].dtype}{list(sd[k].shape)}"
                sd[k] = sd[k].to(v.dtype).reshape(v.shape)
                converted.add(how)
    if converted:
        notes.append(f"num_batches_tracked stored as {sorted(converted)}, converted to int64[]")
    if missing:
        notes.append(f"{missing} num_batches_tracked entries missing, filled with 0 (unused in eval)")
    model.load_state_dict(sd, strict=strict)
    return model, m, notes
