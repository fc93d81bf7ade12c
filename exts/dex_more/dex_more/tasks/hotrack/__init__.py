"""HO tracking (ManipTrans / MoRE): imitator and residual tasks, single hand and bimanual.

Gym IDs: ``Dex-HOTrack-{Imitator, Imitator-Left, Right, Left, Bimanual}-v0`` (Inspire hands),
``Dex-HOTrack-{Right, Left, Bimanual}-FromScratch-v0`` (residual ablations without an imitator), and
hand variants ``Dex-HOTrack-<variant>-{Shadow, Allegro}-v0`` (Allegro: right hand only).
"""

import gymnasium as gym

from . import agents
from .config import tasks

_VARIANTS = ("Imitator", "Imitator-Left", "Right", "Left", "Bimanual",
             "Right-FromScratch", "Left-FromScratch", "Bimanual-FromScratch")
TASK_IDS: list[str] = []

for _family in tasks.HAND_FAMILIES:
    for _variant in _VARIANTS:
        if _family != "Inspire" and "FromScratch" in _variant:
            continue
        if _family == "Allegro" and ("Left" in _variant or "Bimanual" in _variant):
            continue  # the bundled Allegro is a right hand only
        _cls = tasks.make_cfg_class(_family, _variant)
        setattr(tasks, _cls.__name__, _cls)
        _suffix = "" if _family == "Inspire" else f"-{_family}"
        _id = f"Dex-HOTrack-{_variant}{_suffix}-v0"
        _agent = "HOTrackImitatorPPORunnerCfg" if _variant.startswith("Imitator") else "HOTrackResidualPPORunnerCfg"
        gym.register(
            id=_id,
            entry_point="dex_more.tasks.hotrack.hotrack_env:HOTrackEnv",
            disable_env_checker=True,
            kwargs={
                "env_cfg_entry_point": f"{tasks.__name__}:{_cls.__name__}",
                "rsl_rl_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:{_agent}",
                **({} if _variant.startswith("Imitator") else {
                    "rsl_rl_mlp_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:HOTrackResidualMLPPPORunnerCfg",
                    "rsl_rl_distillation_cfg_entry_point": f"{agents.__name__}.rsl_rl_ppo_cfg:HOTrackDistillationRunnerCfg",
                }),
            },
        )
        TASK_IDS.append(_id)
