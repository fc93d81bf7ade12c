"""Encoder weights on disk: what stage 1 (hand-pose pre-training) and stage 2 (BatchNorm-affine adaptation) write,
and what a user brings: a torchvision ResNet state dict or FrankMocap's hand-module checkpoint.

dex_more's encoder file (:func:`save_encoder`) is a ``torch.save`` of ``{"format": "dex_more.encoder/1", "arch":
<ResNet name>, "encoder": <the ResNet's state dict>, "stage": "pretrain" | "adapt", "meta": {...}}``.

FrankMocap's hand module (``pose_shape_best.pth``) saves its ``H3DWEncoder``, whose ResNet-50 trunk is the
``main_encoder`` sub-module (keys ``main_encoder.conv1.weight`` …, possibly under DataParallel's ``module.``, and
beside the regressor's ``feat_encoder.*`` / ``regressor.*``). :func:`load_encoder` takes the trunk from any of these:
every convolution and BatchNorm tensor of the ResNet must be there with its shape; the ``fc`` head is never taken
(FrankMocap's has 512 outputs, stage 1's regresses keypoints).
"""
from __future__ import annotations

import os

import torch

from .resnet import ResNet

FORMAT = "dex_more.encoder/1"
PREFIXES = ("module.", "encoder.", "main_encoder.")
"""Prefixes stripped (repeatedly, in any order) before the ResNet's own names: DataParallel, FrankMocap's
``H3DWModel.encoder`` and its ``main_encoder``."""


class EncoderCheckpointError(ValueError):
    """A checkpoint that holds no usable ResNet trunk; the message names the file and what was wrong."""


def save_encoder(path: str, resnet: ResNet, stage: str, meta: dict | None = None) -> str:
    """Write ``resnet``'s weights atomically (a half-written file never replaces a good one); returns ``path``."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    payload = {"format": FORMAT, "arch": resnet.arch, "stage": stage, "meta": dict(meta or {}),
               "encoder": {k: v.detach().cpu() for k, v in resnet.state_dict().items()}}
    tmp = f"{path}.{os.getpid()}.tmp"
    torch.save(payload, tmp)
    os.replace(tmp, path)
    return path


def read_checkpoint(path: str) -> dict:
    """The file's top-level object (a dict), or an :class:`EncoderCheckpointError` naming the file."""
    if not os.path.isfile(path):
        raise EncoderCheckpointError(f"{path}: no such encoder checkpoint")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch raises several types for truncated or foreign files
        raise EncoderCheckpointError(f"{path}: not a readable torch checkpoint ({type(e).__name__}: {e})") from None
    if not isinstance(data, dict):
        raise EncoderCheckpointError(f"{path}: holds a {type(data).__name__}; expected a dict of tensors")
    return data


def _strip(key: str) -> str:
    changed = True
    while changed:
        changed = False
        for p in PREFIXES:
            if key.startswith(p):
                key, changed = key[len(p):], True
    return key


def trunk_state_dict(data: dict, resnet: ResNet, path: str) -> dict[str, torch.Tensor]:
    """The ResNet trunk's tensors (no ``fc``) from a checkpoint's dict, checked against ``resnet``'s names and
    shapes."""
    if data.get("format") == FORMAT:
        if data.get("arch") != resnet.arch:
            raise EncoderCheckpointError(f"{path}: an encoder of arch '{data.get('arch')}'; this model is "
                                         f"'{resnet.arch}'")
        data = data["encoder"]
    for key in ("state_dict", "model"):  # the usual wrappers of a training checkpoint
        if isinstance(data.get(key), dict):
            data = data[key]
    tensors = {_strip(k): v for k, v in data.items() if torch.is_tensor(v)}
    # BatchNorm's batch counters are bookkeeping (and absent from checkpoints older than PyTorch 0.4.1)
    wanted = {k: v for k, v in resnet.state_dict().items()
              if not k.startswith("fc.") and not k.endswith("num_batches_tracked")}
    missing = sorted(k for k in wanted if k not in tensors)
    if missing:
        raise EncoderCheckpointError(
            f"{path}: no {resnet.arch} trunk: {len(missing)} of its {len(wanted)} tensors are missing (first: "
            f"{missing[:3]}); expected torchvision names, optionally under {list(PREFIXES)}")
    wrong = [f"{k} {tuple(tensors[k].shape)} (expected {tuple(v.shape)})" for k, v in wanted.items()
             if tensors[k].shape != v.shape]
    if wrong:
        raise EncoderCheckpointError(f"{path}: tensors of the wrong shape for {resnet.arch}: {wrong[:3]}")
    return {k: tensors[k] for k in wanted}


def load_encoder(resnet: ResNet, path: str, data: dict | None = None) -> ResNet:
    """Load the trunk of the checkpoint at ``path`` (any format of the module docstring) into ``resnet``; ``data``:
    the file's contents where the caller has already read them (:func:`read_checkpoint`)."""
    data = read_checkpoint(path) if data is None else data
    resnet.load_state_dict(trunk_state_dict(data, resnet, path), strict=False)
    return resnet
