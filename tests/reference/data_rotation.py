"""Reference values for Overfit.Data.Transforms.RandomRotation (bilinear, zero fill).

    /usr/bin/python3 tests/reference/data_rotation.py    # Debian python3-torch 1.13

torchvision is not packaged here, so this reproduces what torchvision.transforms.functional.rotate does for
a tensor image with interpolation=BILINEAR and no fill: the inverse affine matrix for angle a
([[cos a, -sin a, 0], [sin a, cos a, 0]] about the image centre), an affine grid over pixel centres
(linspace(-w/2 + 0.5, w/2 - 0.5, w)) rescaled by (w/2, h/2), and grid_sample(bilinear, zeros, align_corners=False).
Printed values are pasted into tests/Overfit.Tests/Data/TransformTests.cs.
"""
import math
import torch
import torch.nn.functional as F


def rotate(img, angle):
    _, h, w = img.shape
    a = math.radians(angle)
    theta = torch.tensor([[[math.cos(a), -math.sin(a), 0.0], [math.sin(a), math.cos(a), 0.0]]], dtype=torch.float64)
    base = torch.empty(1, h, w, 3, dtype=torch.float64)
    base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 - 0.5, steps=w, dtype=torch.float64))
    base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 - 0.5, steps=h, dtype=torch.float64).unsqueeze_(-1))
    base[..., 2].fill_(1)
    rescaled = theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h], dtype=torch.float64)
    grid = base.view(1, h * w, 3).bmm(rescaled).view(1, h, w, 2)
    return F.grid_sample(img.unsqueeze(0), grid, mode="bilinear", padding_mode="zeros", align_corners=False)[0]


img = torch.tensor([[float((3 * i + 5 * j) % 11) for j in range(5)] for i in range(4)], dtype=torch.float64).unsqueeze(0)
for angle in (30.0, -17.0):
    out = rotate(img, angle)
    print(f"angle {angle}:", ", ".join(repr(round(float(v), 12)) for v in out.flatten()))
