#!/usr/bin/env python3
"""Forward+backward time of MoRE (4 sparse experts top-1 + 1 shared) against the dense evaluation of the
same model (every expert on every sample, top-1 mask applied afterwards), at several batch sizes.

    ./dex python benchmarks/bench_more.py --batch 4096 65536

Both compute the same output (checked); the ratio is dense time / sparse time, measured in one run.
"""
from __future__ import annotations

import argparse
import time

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import torch  # noqa: E402
from tensordict import TensorDict  # noqa: E402

from dex_more.rl.mixture_of_residual_experts import MixtureOfResidualExperts  # noqa: E402

OBS, ACT = 512, 24  # about a bimanual residual observation; the imitator action of two hands


class DenseMoRE(MixtureOfResidualExperts):
    """The same parameters, every expert evaluated on every sample."""

    def mixture(self, latent, base_action):
        f = self.encoder(latent)
        probs = torch.softmax(self.router(f), dim=-1)
        top_w, top_idx = probs.topk(self.top_k, dim=-1)
        w = torch.zeros_like(probs).scatter(-1, top_idx, top_w)
        x = torch.cat([f, base_action], dim=-1)
        y = sum(e(x) for e in self.shared_experts)
        return y + sum(w[:, k:k + 1] * e(x) for k, e in enumerate(self.experts))


def timed(model, obs, reps):
    for _ in range(2):
        model(obs).sum().backward()
    t0 = time.perf_counter()
    for _ in range(reps):
        model.zero_grad(set_to_none=True)
        model(obs).sum().backward()
    return (time.perf_counter() - t0) / reps


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", nargs="+", type=int, default=[4096, 65536])
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    for n in a.batch:
        torch.manual_seed(0)
        obs = TensorDict({"policy": torch.randn(n, OBS), "base_action": torch.randn(n, ACT)}, batch_size=[n]).to(a.device)
        kw = dict(encoder_dims=[512, 256], expert_dims=[256, 128], router_dims=[128])
        sparse = MixtureOfResidualExperts(obs, {"actor": ["policy", "base_action"]}, "actor", ACT, **kw).to(a.device)
        dense = DenseMoRE(obs, {"actor": ["policy", "base_action"]}, "actor", ACT, **kw).to(a.device)
        dense.load_state_dict(sparse.state_dict())
        assert torch.allclose(sparse(obs), dense(obs), atol=1e-5)
        ts, td = timed(sparse, obs, a.reps), timed(dense, obs, a.reps)
        print(f"[bench_more] batch {n:6d}: sparse {ts * 1e3:8.1f} ms  dense {td * 1e3:8.1f} ms  "
              f"dense/sparse = {td / ts:.2f}x  (forward+backward, {a.device})")


if __name__ == "__main__":
    main()
