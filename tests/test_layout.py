"""The package's shape: no import cycles (function-local imports included), a shared MDP layer that imports no
task, every tensorboard term name written in the source, one constant in one place, no device in the configs."""
from __future__ import annotations

import ast
import os
import re


PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "exts", "dex_more", "dex_more")


def _modules() -> dict[str, str]:
    """Module name -> file of every module of the dex_more package."""
    out = {}
    root = os.path.dirname(PACKAGE)
    for folder, _, files in os.walk(PACKAGE):
        for f in files:
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(folder, f), root)[:-3].replace(os.sep, ".")
                out[rel.removesuffix(".__init__")] = os.path.join(folder, f)
    return out


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` but those under ``if TYPE_CHECKING:`` (type-only imports never run)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
                continue
            todo.append(child)


def _imports(name: str, path: str, modules: dict[str, str]) -> set[str]:
    """dex_more modules that ``name`` imports when it runs: at module level or inside functions (a cycle hidden in
    a function-local import is still a cycle), not under ``if TYPE_CHECKING:``."""
    is_pkg = path.endswith("__init__.py")
    package = name if is_pkg else name.rpartition(".")[0]
    found = set()
    for node in _runtime_nodes(ast.parse(open(path).read(), path)):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            # "from pkg import mod" imports the module pkg.mod when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        for t in targets:
            while t and t not in modules:  # "import dex_more.tasks.hotrack.mdp.rewards as r" -> that module
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph = {m: _imports(m, p, modules) for m, p in modules.items()}
    # importing a submodule runs its parents' __init__ first: the edge m -> a.b.c implies m -> a.b and m -> a
    for m, deps in graph.items():
        for d in list(deps):
            parent = d.rpartition(".")[0]
            while parent and parent != "dex_more" and not m.startswith(parent + ".") and parent != m:
                deps.add(parent)
                parent = parent.rpartition(".")[0]
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state, stack = {}, []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        state[m] = 2
        stack.pop()
        return None

    for m in sorted(graph):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle(tmp_path):
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    # a function-local import counts, a type-only one does not
    src = tmp_path / "m.py"
    src.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
                   "def f():\n    from .c import g\n    return g\n")
    modules = {"p.m": str(src), "p.b": "", "p.c": ""}
    assert _imports("p.m", str(src), modules) == {"p.c"}


def test_the_shared_mdp_layer_imports_no_task():
    graph = _graph()
    shared = [m for m in graph if m.startswith(("dex_more.mdp", "dex_more.envs"))]
    assert shared
    for start in shared:
        seen, todo = set(), [start]
        while todo:
            m = todo.pop()
            if m in seen:
                continue
            seen.add(m)
            assert not m.startswith("dex_more.tasks"), f"{start} reaches {m}"
            todo.extend(graph.get(m, ()))


def _dex_tasks():
    import gymnasium as gym

    import dex_more.tasks  # noqa: F401

    return sorted(t for t in gym.registry if t.startswith("Dex-"))


def _source() -> str:
    return "\n".join(open(p).read() for p in _modules().values())


def test_every_term_name_that_reaches_tensorboard_is_written_in_the_source():
    """Episode_Reward/<name>, Episode_Termination/<name>, Curriculum/<name>: each <name> is a configclass
    attribute written out in the package (``right_thumb_tip = RewTerm(...)``), not generated at run time."""
    from isaaclab_tasks.utils import load_cfg_from_registry
    from isaaclab_tasks.utils.hydra import resolve_presets

    source = _source()
    names = set()
    for task in _dex_tasks():
        for presets in ((), ("stage2",)):  # every stage's reward terms
            cfg = resolve_presets(load_cfg_from_registry(task, "env_cfg_entry_point"), presets)
            for manager in (cfg.rewards, cfg.terminations, cfg.curriculum):
                names |= {n for n, term in getattr(manager, "__dict__", {}).items() if term is not None}
    assert {"right_thumb_tip", "left_wrist_power", "object_1_pos", "right_contact_lost", "friction", "proposal",
            "success"} <= names
    missing = sorted(n for n in names if not re.search(rf"^\s+{n} = \w", source, re.MULTILINE))
    assert not missing, f"term names not written as configclass attributes: {missing}"


def test_residual_tasks_name_imitators_of_the_same_hands():
    """Which imitator task serves which hand is registry metadata; the imitator must drive that very hand."""
    import gymnasium as gym

    from dex_more.cli import imitator_tasks
    from isaaclab_tasks.utils import load_cfg_from_registry

    checked = 0
    for task in _dex_tasks():
        hands = load_cfg_from_registry(task, "env_cfg_entry_point").hands
        for side, imitator in imitator_tasks(task).items():
            assert imitator in gym.registry, f"{task}: imitator task {imitator} is not registered"
            assert not imitator_tasks(imitator), f"{imitator} is itself a residual task"
            assert load_cfg_from_registry(imitator, "env_cfg_entry_point").hands == {side: hands[side]}, (task, side)
            checked += 1
    assert checked == 9  # Inspire R, L, 2×bimanual; Shadow R, L, 2×bimanual; Allegro R


def test_no_config_names_a_device():
    """The device comes from the command line (``--device``; ``./dex`` defaults to the CPU), as in Isaac Lab's tasks."""
    pattern = re.compile(r"""^\s*(self\.)?(sim\.)?device\s*=\s*["']""", re.MULTILINE)
    offenders = [p for p in _modules().values() if ("tasks" in p or p.endswith("_cfg.py")) and pattern.search(open(p).read())]
    assert not offenders, offenders


def test_one_constant_in_one_place():
    """The MANO fingertip ids and the process preamble are written once."""
    tips = re.compile(r"4,\s*8,\s*12,\s*16,\s*20")
    files = [p for p in _modules().values() if tips.search(open(p).read())]
    assert [os.path.basename(p) for p in files] == ["mano.py"], files
    root = os.path.dirname(os.path.dirname(PACKAGE))
    preamble = [p for d in ("scripts", "benchmarks", "tests") for p in _py_files(os.path.join(os.path.dirname(root), d))
                if "OMP_NUM_THREADS" in open(p).read() and not p.endswith("test_layout.py")]
    assert not preamble, preamble


def _py_files(folder: str) -> list[str]:
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".py")]


def test_quat_angle_is_isaac_labs_quat_error_magnitude():
    import torch

    import isaaclab.utils.math as math_utils

    from dex_more.kinematics import quat_angle

    g = torch.Generator().manual_seed(0)
    q1 = torch.nn.functional.normalize(torch.randn(256, 4, generator=g), dim=-1)
    q2 = torch.nn.functional.normalize(torch.randn(256, 4, generator=g), dim=-1)
    torch.testing.assert_close(quat_angle(q1, q2), math_utils.quat_error_magnitude(q1, q2), atol=1e-4, rtol=0)
    assert float(quat_angle(q1, -q1).max()) < 1e-3  # q and -q are the same rotation
