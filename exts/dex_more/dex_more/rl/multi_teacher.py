"""Several frozen teachers as one DAgger teacher: HOT distils per-object or per-skill teachers into one student.

``MultiTeacher`` holds the teacher map (``teachers``: key -> PPO checkpoint, a key being an object name or a skill,
``route_by``) as frozen actors (:func:`dex_more.rl.checkpoints.load_frozen_actor`). ``MultiTeacherDistillation``
is rsl_rl's DAgger (resumable) whose supervision of each env comes from the teacher of that env's current clip:
it reads the clip per env from the task's reference-motion command, so every env is routed again at each reset.

    agent.teacher = MultiTeacherCfg(teachers={"bottle_01": ".../model_999.pt", "box_07": ...}, route_by="object")
    agent.algorithm = MultiTeacherDistillationCfg(...)

(``scripts/train.py --teacher KEY=PATH`` fills the map.) A clip whose key has no teacher stops the run when it
starts, naming the clip and the map's keys.
"""
from __future__ import annotations

import torch
import torch.nn as nn
from tensordict import TensorDict

from .checkpoints import load_frozen_actor
from .resumable import ResumableDistillation

ROUTE_KEYS = ("object", "skill")


def clip_route_key(clip, route_by: str) -> str:
    """The teacher-map key of a reference clip: its (first) object's name or its skill."""
    if route_by == "object":
        return clip.objects[0].name if clip.objects else ""
    return clip.skill


class MultiTeacher(nn.Module):
    """Frozen teachers by key; ``forward(obs, route)`` gives env b the action of teacher ``keys[route[b]]``."""

    is_recurrent = False

    def __init__(self, obs: TensorDict, obs_groups: dict[str, list[str]], obs_set: str, output_dim: int,
                 teachers: dict[str, str] | None = None, route_by: str = "object", command_name: str = "motion",
                 distribution_cfg: dict | None = None) -> None:
        super().__init__()
        if not teachers:
            raise ValueError("MultiTeacher needs a teacher map {object or skill: checkpoint} (scripts/train.py "
                             "--teacher KEY=PATH, or agent.teacher.teachers={...})")
        if distribution_cfg is not None:
            raise ValueError("the teachers act deterministically (their actions' means): distribution_cfg must be None")
        if route_by not in ROUTE_KEYS:
            raise ValueError(f"route_by must be one of {ROUTE_KEYS}, not '{route_by}'")
        groups = obs_groups[obs_set]
        if len(groups) != 1:
            raise ValueError(f"a teacher reads one observation group (the one its PPO actor was trained on), not {groups}")
        self.group, self.route_by, self.command_name = groups[0], route_by, command_name
        self.keys = sorted(teachers)
        device = obs[self.group].device
        self.teachers = nn.ModuleList(load_frozen_actor(teachers[k], obs[self.group], output_dim, device) for k in self.keys)
        self.output_dim = output_dim

    def forward(self, obs: TensorDict, route: torch.Tensor | None = None, **kwargs) -> torch.Tensor:
        """(B, A) deterministic actions: env b from teacher ``route[b]`` (an index into :attr:`keys`)."""
        if route is None:
            raise RuntimeError("MultiTeacher needs each env's route: use it with MultiTeacherDistillation")
        x = obs[self.group]
        out = torch.zeros(x.shape[0], self.output_dim, device=x.device, dtype=x.dtype)
        td = TensorDict({"policy": x}, batch_size=[x.shape[0]])
        for k, teacher in enumerate(self.teachers):
            rows = (route == k).nonzero(as_tuple=True)[0]
            if len(rows):
                out[rows] = teacher(td[rows])
        return out

    # the recurrent-state interface rsl_rl's Distillation calls on every teacher (these are MLPs: nothing to keep)
    def reset(self, dones: torch.Tensor | None = None, hidden_state=None) -> None:
        pass

    def get_hidden_state(self):
        return None

    def detach_hidden_state(self, dones: torch.Tensor | None = None) -> None:
        pass


class MultiTeacherDistillation(ResumableDistillation):
    """DAgger where each env's supervision is its own clip's teacher (:class:`MultiTeacher`)."""

    route_of_clip: torch.Tensor
    """(num_clips,) the teacher index of every clip of the command."""

    @classmethod
    def construct_algorithm(cls, obs, env, cfg: dict, device: str):
        alg = super().construct_algorithm(obs, env, cfg, device)
        teacher = alg._raw_teacher
        if not isinstance(teacher, MultiTeacher):
            raise ValueError(f"MultiTeacherDistillation distils a MultiTeacher, not {type(teacher).__name__}")
        alg.command = env.unwrapped.command_manager.get_term(teacher.command_name)
        keys = [clip_route_key(c, teacher.route_by) for c in alg.command.clips]
        missing = sorted({f"{c.name} ({k})" for c, k in zip(alg.command.clips, keys) if k not in teacher.keys})
        if missing:
            raise ValueError(f"no teacher for the {teacher.route_by} of the clips {missing}; the teacher map has "
                             f"{teacher.keys}")
        alg.route_of_clip = torch.tensor([teacher.keys.index(k) for k in keys], dtype=torch.long, device=device)
        alg.teacher_loaded = True  # the teachers were read from their checkpoints when the map was built
        return alg

    def route(self) -> torch.Tensor:
        """(num_envs,) each env's teacher index now (its clip changes at every reset)."""
        return self.route_of_clip[self.command.clip.to(self.route_of_clip.device)]

    def act(self, obs: TensorDict) -> torch.Tensor:
        self.transition.actions = self.student(obs, stochastic_output=True).detach()
        with torch.no_grad():
            self.transition.privileged_actions = self.teacher(obs, self.route()).detach()
        self.transition.observations = obs
        return self.transition.actions

    def load(self, loaded_dict: dict, load_cfg: dict | None, strict: bool) -> bool:
        if "student_state_dict" not in loaded_dict:
            raise ValueError("a multi-teacher student takes its teachers from the teacher map (--teacher KEY=PATH); "
                             "--checkpoint resumes a student run, not a PPO teacher's")
        return super().load(loaded_dict, load_cfg, strict)
