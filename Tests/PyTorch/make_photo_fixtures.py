"""Photo-transform fixtures: torchvision's evaluation transform on a few images.

Writes Tests/CBAMKitTests/Fixtures/photos/: photo-like source images of different
sizes and shapes (landscape, portrait, square, grey; some smaller than the resize,
so they are enlarged) as PNG, and for each image size S the result of

    transforms.Compose([transforms.Resize(round(S / 0.875)), transforms.CenterCrop(S)])

(bilinear with Pillow's antialiasing, torchvision's rounding) as
`<name>_S<size>.png`. PhotoTransformTests compares ImageTransform.photo with them
within ±1 per sample. Run by hand:  python3 Tests/PyTorch/make_photo_fixtures.py
"""
import os

import numpy as np
import torch
from PIL import Image

try:
    import torchvision
except RuntimeError:
    # torchvision's compiled ops (nms, …) did not load: a torchvision wheel built for
    # another torch. The transforms used here are Python over Pillow and need none of
    # them, so import it with the ops' registrations skipped.
    torch.library.register_fake = lambda *args, **kwargs: (lambda function: function)
    for name in [m for m in list(__import__("sys").modules) if m.startswith("torchvision")]:
        del __import__("sys").modules[name]
    import torchvision
from torchvision import transforms

OUT = os.path.join(os.path.dirname(__file__), "..", "CBAMKitTests", "Fixtures", "photos")
SOURCES = [  # name, width, height, mode
    ("landscape", 157, 103, "RGB"),
    ("portrait", 61, 95, "RGB"),
    ("square", 120, 120, "RGB"),
    ("grey", 211, 77, "L"),
]
SIZES = [56, 64]


def photo_like(width, height, mode, rng):
    """Smooth colour gradients, a few discs and sharp edges, and noise: every frequency a photo has."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    channels = []
    for c in range(3):
        a, b = rng.uniform(-1, 1, 2)
        channels.append(128 + 90 * np.sin(a * x / 13 + b * y / 9 + c))
    image = np.stack(channels, axis=-1)
    for _ in range(5):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(4, min(width, height) / 3)
        inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        image[inside] = rng.uniform(0, 255, 3)
    image += rng.normal(0, 12, image.shape)
    image = np.clip(np.rint(image), 0, 255).astype(np.uint8)
    picture = Image.fromarray(image, "RGB")
    return picture.convert("L") if mode == "L" else picture


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(12)
    for name, width, height, mode in SOURCES:
        picture = photo_like(width, height, mode, rng)
        picture.save(os.path.join(OUT, f"{name}.png"))
        for size in SIZES:
            evaluation = transforms.Compose([transforms.Resize(round(size / 0.875)), transforms.CenterCrop(size)])
            result = evaluation(picture)
            assert result.size == (size, size)
            result.save(os.path.join(OUT, f"{name}_S{size}.png"))
    print(f"torchvision {torchvision.__version__}: wrote {len(SOURCES)} sources and {len(SOURCES) * len(SIZES)} expected crops to {OUT}")


if __name__ == "__main__":
    main()
