"""ResNet encoders with torchvision's architecture and parameter names (He et al. 2016; torchvision.models.resnet),
so that torchvision's and FrankMocap's state dicts load into them unchanged.

Why not torchvision itself: PyPI's torchvision wheels for Linux x86-64 link against the CUDA build of torch
(``libtorch_cuda.so``); with the CPU torch this project installs, ``import torchvision`` fails, and no CPU build can be
fetched from the package registries here. The blocks below are torchvision's ``BasicBlock`` / ``Bottleneck`` (stride
on the 3×3 convolution, "ResNet v1.5") with the same module names, so ``resnet50().state_dict()`` has the keys and
shapes of ``torchvision.models.resnet50().state_dict()`` (the test checks the count, 25,557,032 parameters, and the
names; where torchvision imports it compares key by key).
"""
from __future__ import annotations

import torch
import torch.nn as nn

DEPTHS = {"resnet18": ("basic", [2, 2, 2, 2]), "resnet34": ("basic", [3, 4, 6, 3]),
          "resnet50": ("bottleneck", [3, 4, 6, 3]), "resnet101": ("bottleneck", [3, 4, 23, 3])}
"""The architectures by torchvision's name: block type and blocks per stage."""
STAGE_WIDTHS = (64, 128, 256, 512)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
"""How every stage feeds images to the encoder (torchvision's and FrankMocap's normalisation)."""


class ImageNormalisation(nn.Module):
    """(B, H, W, 3) RGB in [0, 1] -> (B, 3, H, W) normalised by ImageNet's mean and standard deviation (a module
    with buffers, so that it follows the model's device and exports to TorchScript)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1), persistent=False)
        self.register_buffer("std", torch.tensor(IMAGENET_STD).view(1, 3, 1, 1), persistent=False)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return (images.permute(0, 3, 1, 2).float() - self.mean) / self.std


def _conv3x3(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)


def _conv1x1(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin: int, width: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1, self.bn1 = _conv3x3(cin, width, stride), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = _conv3x3(width, width), nn.BatchNorm2d(width)
        self.relu, self.downsample = nn.ReLU(inplace=True), downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin: int, width: int, stride: int = 1, downsample: nn.Module | None = None):
        super().__init__()
        self.conv1, self.bn1 = _conv1x1(cin, width), nn.BatchNorm2d(width)
        self.conv2, self.bn2 = _conv3x3(width, width, stride), nn.BatchNorm2d(width)
        self.conv3, self.bn3 = _conv1x1(width, width * 4), nn.BatchNorm2d(width * 4)
        self.relu, self.downsample = nn.ReLU(inplace=True), downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


def stage_channels(arch: str, stages: int = 4) -> int:
    """Channels of ``arch``'s map after ``stages`` residual stages (4: its pooled feature's size)."""
    if arch not in DEPTHS:
        raise ValueError(f"unknown ResNet '{arch}': expected one of {sorted(DEPTHS)}")
    return STAGE_WIDTHS[stages - 1] * (Bottleneck if DEPTHS[arch][0] == "bottleneck" else BasicBlock).expansion


class ResNet(nn.Module):
    """torchvision's ResNet. :meth:`features` gives the last stage's map (B, C, H/32, W/32); ``forward`` the pooled
    feature (B, :attr:`feature_dim`) and, with ``num_outputs``, the ``fc`` head's output (B, num_outputs)."""

    def __init__(self, arch: str = "resnet50", num_outputs: int | None = None):
        super().__init__()
        self.feature_dim = stage_channels(arch)  # also rejects an unknown arch
        block_type, layers = DEPTHS[arch]
        block = Bottleneck if block_type == "bottleneck" else BasicBlock
        self.arch = arch
        self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1, self.relu = nn.BatchNorm2d(64), nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        cin = 64
        for i, (width, n) in enumerate(zip(STAGE_WIDTHS, layers)):
            stride = 1 if i == 0 else 2
            downsample = None
            if stride != 1 or cin != width * block.expansion:
                downsample = nn.Sequential(_conv1x1(cin, width * block.expansion, stride),
                                           nn.BatchNorm2d(width * block.expansion))
            blocks = [block(cin, width, stride, downsample)]
            cin = width * block.expansion
            blocks += [block(cin, width) for _ in range(n - 1)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, num_outputs) if num_outputs else None
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def features(self, x: torch.Tensor, stages: int = 4) -> torch.Tensor:
        """The map after ``stages`` residual stages (B, C, H/2^(stages+1), W/2^(stages+1)); 4: the last."""
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        # spelt out, not a loop over getattr: TorchScript (the policy's export) takes only literal attribute names
        if stages >= 1:
            x = self.layer1(x)
        if stages >= 2:
            x = self.layer2(x)
        if stages >= 3:
            x = self.layer3(x)
        if stages >= 4:
            x = self.layer4(x)
        return x

    def stage_channels(self, stages: int) -> int:
        """Channels of :meth:`features` after ``stages`` stages."""
        return stage_channels(self.arch, stages)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = self.avgpool(self.features(x)).flatten(1)
        return f if self.fc is None else self.fc(f)
