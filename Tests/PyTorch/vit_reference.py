"""PyTorch reference for cbam's "vit-tiny" (see DESIGN.md), with timm's names.

Run-by-hand helper, never used by CI. Imported by make_vit_fixtures.py,
check_swift_model.py and Benchmarks/pytorch_bench.py. Written out in plain
torch (timm is not needed) with the module tree of timm's VisionTransformer,
so the state_dict keys are timm's:

    patch_embed.proj.{weight,bias}   Conv2d(C, d, p, stride p)
    cls_token [1,1,d], pos_embed [1,1+(S/p)^2,d]
    blocks.K.norm1.{weight,bias}, blocks.K.attn.qkv.{weight,bias} (d -> 3d),
    blocks.K.attn.proj.{weight,bias}, blocks.K.norm2.{weight,bias},
    blocks.K.mlp.fc1.{weight,bias} (d -> r*d), blocks.K.mlp.fc2.{weight,bias}
    norm.{weight,bias}, head.{weight,bias}

Pre-LN blocks, exact-erf GELU, LayerNorm eps 1e-5 (PyTorch's default; timm
uses 1e-6), no dropout, the head on the class token after the final norm.
Init as the Swift side: Linear weights, pos_embed and cls_token trunc-normal
std 0.02, biases 0, LayerNorm 1/0, the patch conv PyTorch's default weights
with bias 0.
"""

import json

import torch
import torch.nn as nn
import torch.nn.functional as F

FORMAT = "cbam-model-1"
ARCHITECTURE = "vit-tiny"


class PatchEmbed(nn.Module):
    def __init__(self, in_channels, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, dim, kernel_size=patch, stride=patch, bias=True)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [N, T-1, d]


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim, bias=True)
        self.proj = nn.Linear(dim, dim)
        self.last_attention = None  # [N, H, T, T], kept for the rollout

    def forward(self, x):
        n, t, d = x.shape
        qkv = self.qkv(x).reshape(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        self.last_attention = attn.detach()
        x = (attn @ v).transpose(1, 2).reshape(n, t, d)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.mlp = Mlp(dim, mlp_ratio * dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class VisionTransformer(nn.Module):
    def __init__(self, in_channels=3, num_classes=10, image_size=32, dim=96, depth=4, heads=4,
                 patch=4, mlp_ratio=2):
        super().__init__()
        if image_size % patch or dim % heads:
            raise ValueError("image_size must be a multiple of patch, dim a multiple of heads")
        self.in_channels, self.num_classes, self.image_size = in_channels, num_classes, image_size
        self.dim, self.depth, self.heads, self.patch, self.mlp_ratio = dim, depth, heads, patch, mlp_ratio
        self.grid = image_size // patch
        self.patch_embed = PatchEmbed(in_channels, dim, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + self.grid ** 2, dim))
        self.blocks = nn.Sequential(*[Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-5)
        self.head = nn.Linear(dim, num_classes)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.zeros_(self.patch_embed.proj.bias)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.LayerNorm):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        tokens = self.patch_embed(x)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat((cls, tokens), dim=1) + self.pos_embed
        x = self.blocks(x)
        return self.head(self.norm(x)[:, 0])

    def attention_rollout(self):
        """Abnar & Zuidema's rollout of the last forward: [N, grid, grid]."""
        rollout = None
        for block in self.blocks:
            a = block.attn.last_attention.mean(dim=1)
            a = a + torch.eye(a.shape[-1])
            a = a / a.sum(dim=-1, keepdim=True)
            rollout = a if rollout is None else a @ rollout
        return rollout[:, 0, 1:].reshape(-1, self.grid, self.grid)


def randomize_for_testing(model, generator=None):
    """Make a check strong: LayerNorm weight U(0.5,1.5), all biases and the LayerNorm
    bias U(-0.1,0.1), so no term of the gradient vanishes at the initial values."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.rand(p.shape, generator=generator) * 0.2 - 0.1)
            elif p.dim() == 1:
                p.copy_(torch.rand(p.shape, generator=generator) + 0.5)
    return model


def make_metadata(model, classes=None, mean=None, std=None):
    """The cbam model-file metadata (str -> str) describing `model`."""
    c = model.in_channels
    classes = [f"c{i}" for i in range(model.num_classes)] if classes is None else list(classes)
    mean = [0.0] * c if mean is None else [float(v) for v in mean]
    std = [1.0] * c if std is None else [float(v) for v in std]
    return {
        "format": FORMAT, "architecture": ARCHITECTURE, "attention": "none",
        "width": str(model.dim), "depth": str(model.depth), "reduction": "8",
        "channels": str(c), "image_size": str(model.image_size),
        "classes": json.dumps(classes), "mean": json.dumps(mean), "std": json.dumps(std),
        "patch_size": str(model.patch), "heads": str(model.heads), "mlp_ratio": str(model.mlp_ratio),
    }


def model_from_metadata(meta):
    """An (uninitialised) VisionTransformer from a model file's metadata."""
    if meta.get("format") != FORMAT or meta.get("architecture") != ARCHITECTURE:
        raise ValueError(f"not a {ARCHITECTURE} model file: {meta.get('format')!r} {meta.get('architecture')!r}")
    classes = json.loads(meta["classes"])
    model = VisionTransformer(in_channels=int(meta["channels"]), num_classes=len(classes),
                              image_size=int(meta["image_size"]), dim=int(meta["width"]),
                              depth=int(meta["depth"]), heads=int(meta["heads"]),
                              patch=int(meta["patch_size"]), mlp_ratio=int(meta["mlp_ratio"]))
    return model, {"channels": model.in_channels, "image_size": model.image_size, "classes": classes}
