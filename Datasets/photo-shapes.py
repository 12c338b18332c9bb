#!/usr/bin/env python3
"""A generated folder of colour "photos" for trying `cbam train` on photo-sized images
(issue 13): 3 classes (circle, square, triangle) of a random size and place, on a noisy
background of a random colour; each class leans to a hue (reddish, greenish, bluish
shapes) without owning it, so colour alone is not enough. JPEGs of 160–420 px, portrait,
landscape and square. Deterministic from --seed. Needs Pillow (Debian: python3-pil).

    Datasets/photo-shapes.py photos                 # 40 per class, 120 in all
    Datasets/photo-shapes.py photos-test --per-class 50 --seed 1
"""
import argparse
import os
import random

from PIL import Image, ImageDraw, ImageFilter

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("out")
parser.add_argument("--per-class", type=int, default=40)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
rng = random.Random(args.seed)


def colour():
    return tuple(rng.randrange(30, 226) for _ in range(3))


def leaning(channel):
    """A colour whose `channel` is usually, not always, the strongest."""
    c = list(colour())
    if rng.random() < 0.6:
        c[channel] = rng.randrange(170, 256)
    return tuple(c)


for channel, label in enumerate(["circle", "square", "triangle"]):
    folder = os.path.join(args.out, label)
    os.makedirs(folder, exist_ok=True)
    for i in range(args.per_class):
        width, height = rng.choice([(320, 240), (240, 320), (256, 256), (420, 280), (200, 300), (160, 200), (400, 300)])
        background = Image.effect_noise((width, height), 40).convert("RGB")
        image = Image.blend(Image.new("RGB", (width, height), colour()), background, 0.35)
        draw = ImageDraw.Draw(image)
        side = rng.uniform(0.3, 0.6) * min(width, height)
        x, y = rng.uniform(0, width - side), rng.uniform(0, height - side)
        fill = leaning(channel)
        if label == "circle":
            draw.ellipse([x, y, x + side, y + side], fill=fill)
        elif label == "square":
            draw.rectangle([x, y, x + side, y + side], fill=fill)
        else:
            draw.polygon([(x + side / 2, y), (x, y + side), (x + side, y + side)], fill=fill)
        image = image.filter(ImageFilter.GaussianBlur(1))
        image.save(os.path.join(folder, f"{i:03d}.jpg"), quality=90)
