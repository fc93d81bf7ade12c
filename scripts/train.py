#!/usr/bin/env python3
"""Train a dex_more task with RSL-RL (Isaac Lab's unified RSL-RL training entrypoint).

Examples:
    python scripts/train.py --task Dex-HOTrack-Bimanual-v0 --num_envs 16 --device cpu
    python scripts/train.py --task Dex-HOTrack-Right-v0 --max_iterations 500 env.scene.num_envs=64
    isaaclab.sh -p scripts/train.py --task Dex-HOTrack-Bimanual-v0 presets=physx   # Isaac Sim + PhysX

Residual tasks take the frozen imitator with ``--imitator PATH`` (bimanual: ``--imitator right=PATH
--imitator left=PATH``; ``--imitator auto`` = the newest imitator checkpoint under logs/). A grasping hyper-policy
takes its frozen bases with ``--base PATH`` (once per base); its stage 2 (``presets=stage2 --checkpoint <stage 1>``)
and the point-cloud student (``--checkpoint <hyper model_*.pt>``) take them from that run. The whole ResDex recipe:
scripts/train_grasp.py. A HOT student (``Dex-HOT-<hand>-Student-v0``) distils several teachers at once: ``--teacher
KEY=PATH`` once per teacher, KEY the object (or the skill, with ``agent.teacher.route_by=skill``).
All Isaac Lab options apply (``--help``): ``--num_envs``, ``--device``, ``--seed``, ``--max_iterations``,
``--checkpoint PATH`` to resume, ``--experiment_name``, hydra overrides ``env.<field>=...`` /
``agent.<field>=...`` and ``presets=<name>``. Logs, the config dump and checkpoints go to
``logs/rsl_rl/<task>/<time>/``; watch them with ``tensorboard --logdir logs``.
"""
from __future__ import annotations

import sys

from dex_more.runtime import configure_process  # noqa: E402  (before torch and Warp load)

configure_process()

import dex_more.tasks  # noqa: E402, F401  (registers the Dex-* gym IDs)
from dex_more.cli import dex_train_argv  # noqa: E402
from isaaclab_rl.entrypoints.backends import train_rsl_rl  # noqa: E402

if __name__ == "__main__":
    train_rsl_rl.run(dex_train_argv(sys.argv[1:]))
