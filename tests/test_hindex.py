"""H-InDex (seed 001): cameras on Newton, the ResNet encoder and its checkpoints (FrankMocap's included), stage 1's
rendered hand poses, stage 2's BatchNorm-affine adaptation, stage 3's EMA BatchNorm policy, and a 2-iteration visual
training run that play and evaluate load."""
from __future__ import annotations

import os

import numpy as np
import pytest
import torch

from dex_more.visual.checkpoints import EncoderCheckpointError, load_encoder, save_encoder
from dex_more.visual.ema_batchnorm import EMABatchNorm2d
from dex_more.visual.keypoint_adaptation import (BatchNormAffineAdapter, KeypointAdaptationCfg, bn_affine_fraction,
                                                 bn_affine_parameters, changed_fraction)
from dex_more.visual.resnet import ResNet

VISUAL = "Dex-Grasp-Base-Shadow-Visual-v0"


# ------------------------------------------------------------------------------------------------ encoder


def test_resnet50_has_torchvision_names_shapes_and_parameter_count():
    """torchvision.models.resnet50(): 25,557,032 parameters, 320 state-dict entries (161 of them BatchNorm's); where
    torchvision imports (a CUDA torch), every key and shape."""
    r = ResNet("resnet50", num_outputs=1000)
    sd = r.state_dict()
    assert sum(p.numel() for p in r.parameters()) == 25_557_032
    assert len(sd) == 320
    assert tuple(sd["layer4.2.conv3.weight"].shape) == (2048, 512, 1, 1)
    assert tuple(sd["layer3.0.downsample.0.weight"].shape) == (1024, 512, 1, 1)
    assert tuple(sd["fc.weight"].shape) == (1000, 2048)
    assert sum(p.numel() for p in ResNet("resnet18", num_outputs=1000).parameters()) == 11_689_512
    x = torch.zeros(2, 3, 84, 84)
    assert ResNet("resnet50").eval()(x).shape == (2, 2048)
    assert r.features(x, stages=3).shape == (2, 1024, 6, 6) and r.stage_channels(3) == 1024
    try:
        import torchvision
    except Exception:  # noqa: BLE001  (PyPI's wheel fails to import against the CPU torch: see resnet.py)
        return
    ref = torchvision.models.resnet50().state_dict()
    assert {k: tuple(v.shape) for k, v in ref.items()} == {k: tuple(v.shape) for k, v in sd.items()}


def _frankmocap_checkpoint(path: str, trunk: ResNet) -> None:
    """A file laid out like FrankMocap's pose_shape_best.pth: H3DWEncoder under DataParallel, its ResNet-50 trunk
    ``main_encoder`` with a 512-way fc, the regressor beside it."""
    sd = {f"module.main_encoder.{k}": v for k, v in trunk.state_dict().items() if not k.startswith("fc.")}
    sd["module.main_encoder.fc.weight"], sd["module.main_encoder.fc.bias"] = torch.zeros(512, 2048), torch.zeros(512)
    sd["module.feat_encoder.1.weight"], sd["module.regressor.0.weight"] = torch.zeros(1024, 1024), torch.zeros(61, 1085)
    torch.save(sd, path)


def test_a_frankmocap_hand_module_checkpoint_loads_its_trunk(tmp_path):
    torch.manual_seed(0)
    trunk = ResNet("resnet50")
    with torch.no_grad():
        for m in trunk.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-1, 1)
                m.running_var.uniform_(0.5, 2)
    path = str(tmp_path / "pose_shape_best.pth")
    _frankmocap_checkpoint(path, trunk)
    loaded = load_encoder(ResNet("resnet50"), path)
    for k, v in trunk.state_dict().items():
        assert torch.equal(loaded.state_dict()[k], v), k
    # the same trunk from dex_more's own file, and the errors naming the file and what is wrong
    own = save_encoder(str(tmp_path / "enc.pt"), trunk, "pretrain")
    assert torch.equal(load_encoder(ResNet("resnet50"), own).layer1[0].bn1.running_var, trunk.layer1[0].bn1.running_var)
    with pytest.raises(EncoderCheckpointError, match="enc.pt.*arch 'resnet50'.*'resnet18'"):
        load_encoder(ResNet("resnet18"), own)
    sd = torch.load(path)
    del sd["module.main_encoder.layer2.0.bn1.weight"]
    torch.save(sd, tmp_path / "missing.pth")
    with pytest.raises(EncoderCheckpointError, match=r"missing.pth.*1 of its 265.*layer2\.0\.bn1\.weight"):
        load_encoder(ResNet("resnet50"), str(tmp_path / "missing.pth"))
    (tmp_path / "corrupt.pth").write_bytes(open(path, "rb").read()[:1000])
    with pytest.raises(EncoderCheckpointError, match="corrupt.pth: not a readable torch checkpoint"):
        load_encoder(ResNet("resnet50"), str(tmp_path / "corrupt.pth"))
    sd = torch.load(path)
    sd["module.main_encoder.conv1.weight"] = torch.zeros(64, 3, 3, 3)
    torch.save(sd, tmp_path / "shape.pth")
    with pytest.raises(EncoderCheckpointError, match=r"shape.pth.*wrong shape.*conv1.weight \(64, 3, 3, 3\)"):
        load_encoder(ResNet("resnet50"), str(tmp_path / "shape.pth"))


# ------------------------------------------------------------------------------------------------ stage 3: EMA BN


def test_ema_batchnorm_statistics_and_output_match_a_hand_computation():
    """μ ← (1−m)μ + m·E[x], σ² ← (1−m)σ² + m·Var[x] (unbiased, per channel over batch and pixels) while collecting;
    the output always uses the running statistics; m = 0 and not collecting leave them as they were."""
    torch.manual_seed(0)
    bn = EMABatchNorm2d(3, ema_momentum=0.1)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
        bn.bias.copy_(torch.tensor([0.0, -1.0, 3.0]))
        bn.running_mean.copy_(torch.tensor([0.5, -0.5, 1.0]))
        bn.running_var.copy_(torch.tensor([1.0, 4.0, 0.25]))
    mu, var = bn.running_mean.double().numpy().copy(), bn.running_var.double().numpy().copy()
    bn.collecting = True
    for _ in range(2):
        x = torch.randn(4, 3, 5, 5) * 2 + 1
        y = bn(x)
        xs = x.double().numpy().transpose(1, 0, 2, 3).reshape(3, -1)
        mu = 0.9 * mu + 0.1 * xs.mean(1)
        var = 0.9 * var + 0.1 * xs.var(1, ddof=1)
        np.testing.assert_allclose(bn.running_mean.numpy(), mu, rtol=1e-5)
        np.testing.assert_allclose(bn.running_var.numpy(), var, rtol=1e-5)
        expect = ((x.double().numpy() - mu[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
                  * np.array([1.0, 2.0, 0.5])[None, :, None, None] + np.array([0.0, -1.0, 3.0])[None, :, None, None])
        np.testing.assert_allclose(y.detach().double().numpy(), expect, atol=1e-5)
    # an env's output does not depend on the rest of the batch (unlike BatchNorm in training mode)
    bn.collecting = False
    x = torch.randn(3, 3, 5, 5)
    assert torch.allclose(bn(x)[:1], bn(x[:1]))
    frozen = bn.running_mean.clone()
    bn(torch.randn(4, 3, 5, 5) + 10)
    assert torch.equal(bn.running_mean, frozen)
    still = EMABatchNorm2d.from_batchnorm(bn, 0.0)
    still.collecting = True
    still(torch.randn(4, 3, 5, 5) + 10)
    assert torch.equal(still.running_mean, frozen) and torch.equal(still.weight, bn.weight)
    with pytest.raises(ValueError, match="momentum 1.5"):
        EMABatchNorm2d(3, 1.5)


def _visual_obs(n: int, size: int = 32):
    from tensordict import TensorDict

    torch.manual_seed(1)
    return TensorDict({"policy": torch.randn(n, 7), "image": torch.rand(n, size, size, 3)}, batch_size=[n])


def test_the_visual_policy_moves_batchnorm_statistics_only_in_rollouts_and_trains_only_its_head():
    """rsl_rl collects under inference mode with the policy in training mode: the EMA moves there; not in PPO's
    update passes (gradients on), nor in evaluation; the ResNet gets no gradient, the MLP does."""
    from dex_more.rl.hand_informed_visual_policy import HandInformedVisualPolicy

    obs = _visual_obs(6)
    policy = HandInformedVisualPolicy(obs, {"actor": ["policy", "image"]}, "actor", 4, encoder_arch="resnet18",
                                      ema_momentum=0.1, hidden_dims=[32], obs_normalization=True,
                                      distribution_cfg={"class_name": "GaussianDistribution", "init_std": 1.0})
    bn = policy.encoder.resnet.layer1[0].bn1
    assert isinstance(bn, EMABatchNorm2d) and policy.obs_dim == 7
    start = bn.running_mean.clone()
    policy.train()
    with torch.inference_mode():
        policy(obs, stochastic_output=True)
    rolled = bn.running_mean.clone()
    assert not torch.equal(rolled, start)
    out = policy(obs)  # an update pass: gradients on
    assert torch.equal(bn.running_mean, rolled)
    out.sum().backward()
    assert all(p.grad is None for p in policy.encoder.parameters())
    assert all(p.grad is not None for p in policy.mlp.parameters())
    policy.eval()
    with torch.inference_mode():
        policy(obs)
    assert torch.equal(bn.running_mean, rolled)


# ------------------------------------------------------------------------------------------------ stage 2


def _moving_square_videos(videos: int = 4, frames: int = 8, size: int = 64) -> torch.Tensor:
    """A bright square moving across a dark, textured background: what changes between frames is where it is."""
    g = torch.Generator().manual_seed(0)
    v = (torch.rand(videos, 1, size, size, 3, generator=g) * 60).expand(-1, frames, -1, -1, -1).clone()
    for i in range(videos):
        for t in range(frames):
            x, y = 4 + (6 * t + 9 * i) % (size - 16), 8 + (4 * t + 13 * i) % (size - 16)
            v[i, t, y:y + 12, x:x + 12] = torch.tensor([250.0, 200.0, 40.0])
    return v.to(torch.uint8)


def test_stage2_adapts_only_the_batchnorm_affine_parameters_and_lowers_the_reconstruction_loss():
    torch.manual_seed(0)
    resnet = ResNet("resnet18")
    before = {k: v.clone() for k, v in resnet.state_dict().items()}
    videos = _moving_square_videos()
    adapter = BatchNormAffineAdapter(resnet, KeypointAdaptationCfg(num_keypoints=4, batch_size=8), seed=0)
    loss_before = adapter.evaluate(videos)
    for _ in range(30):
        adapter.step(videos)
    assert adapter.evaluate(videos) < 0.7 * loss_before
    affine = {id(p) for p in bn_affine_parameters(resnet)}
    names = {n for n, p in resnet.named_parameters() if id(p) in affine}
    after = resnet.state_dict()
    for k, v in before.items():  # conv weights, BatchNorm statistics and counters: bit-identical
        if k not in names:
            assert torch.equal(after[k], v), k
    assert any(not torch.equal(after[k], before[k]) for k in names)
    # stage 3 on layer 3 (stride 16): layer 4's γ, β got no gradient and stayed too
    assert all(torch.equal(after[k], before[k]) for k in names if k.startswith("layer4"))
    frac = changed_fraction(before, resnet)
    assert 0 < frac <= bn_affine_fraction(resnet) < 0.01
    # ResNet-50's BatchNorm affine parameters: 53,120 of 25.56 M (H-InDex counts 0.18 % of its whole model)
    assert bn_affine_fraction(ResNet("resnet50", num_outputs=1000)) == pytest.approx(53_120 / 25_557_032)


# ------------------------------------------------------------------------------------------------ cameras on Newton


@pytest.fixture
def visual_env():
    import gymnasium as gym

    import dex_more.tasks  # noqa: F401
    from isaaclab_tasks.utils import parse_env_cfg

    cfg = parse_env_cfg(VISUAL, device="cpu", num_envs=2)
    cfg.seed = 0
    # a flat egg and a long thin capsule, both low: the hand is placed the same over either (only the object differs)
    cfg.object_bank.names = ["ellipsoid_10", "capsule_01"]
    env = gym.make(VISUAL, cfg=cfg).unwrapped
    yield env
    env.close()


def _render(env, object_ids: list[int]) -> torch.Tensor:
    """Give the envs these objects, reset (the object dropped over the table's centre, the hand above it), one
    zero-action step: the image."""
    env.object_bank.assign(torch.arange(env.num_envs), torch.tensor(object_ids))
    env.reset(seed=0)
    obs, *_ = env.step(torch.zeros(env.num_envs, env.action_manager.total_action_dim))
    return obs["image"].clone()


def test_the_camera_image_is_rgb_of_each_envs_own_object_and_deterministic(visual_env):
    """(N, 84, 84, 3) in [0, 1]; the same state renders the same image; each env draws its own object (the object
    bank's visual twins): the same object in both envs gives the same picture, different objects differ."""
    env = visual_env
    same = _render(env, [0, 0])
    assert same.shape == (2, 84, 84, 3) and same.dtype == torch.float32
    assert 0.0 <= float(same.min()) and float(same.max()) <= 1.0 and float(same.std()) > 0.05
    assert torch.equal(_render(env, [0, 0]), same)
    assert torch.allclose(same[0], same[1], atol=1.0 / 255)
    diff = _render(env, [0, 1])
    assert (diff[0] - diff[1]).abs().amax(-1).gt(0.1).sum() > 30  # pixels that changed with the object
    obs = env.observation_manager.compute()
    assert set(obs) == {"policy", "image", "critic"}
    assert env.observation_manager.active_terms["policy"] == ["joint_pos", "joint_vel", "last_action"]  # no object state


# ------------------------------------------------------------------------------------------------ stage 1


def test_stage1_renders_hands_with_keypoints_in_the_camera_frame():
    """Keypoints relative to the wrist, in the camera's frame: the camera faces −x (turned by π about z), so a
    world offset (x, y, z) reads (−x, −y, z); Allegro maps 17 of the 21 MANO keypoints (no little finger)."""
    from dex_more.visual.hand_pose_data import HandPoseRenderer

    renderer = HandPoseRenderer("allegro_right", num_envs=4, image_size=48, seed=0)
    try:
        images, kp = renderer.render_batch()
        env = renderer.env
        world = (env.hands["right"].keypoints - env.hands["right"].keypoints[:, :1]).numpy()
        mask = renderer.mask
    finally:
        renderer.close()
    assert images.shape == (4, 48, 48, 3) and images.dtype == np.uint8 and kp.shape == (4, 21, 3)
    assert mask.sum() == 17
    np.testing.assert_allclose(kp[:, mask], world[:, mask] * np.array([-1.0, -1.0, 1.0]), atol=1e-5)
    assert np.all(kp[:, 0] == 0)
    assert len({images[i].tobytes() for i in range(4)}) == 4  # four different poses


# ------------------------------------------------------------------------------------------------ the three stages


def _script(name: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, os.path.join(os.path.dirname(__file__), "..", "scripts",
                                                                     f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_three_stages_chain_and_the_visual_policy_trains_plays_and_evaluates(tmp_path):
    """Stage 1 (rendered hands) -> stage 2 (the task's frames) -> 2 PPO iterations of the visual task on the adapted
    encoder: the run's encoder keeps the adapted convolution weights bit for bit and its BatchNorm statistics moved
    (EMA in rollouts); play/evaluate's loader rebuilds it without the encoder file."""
    import argparse
    import json

    from test_grasp_tasks import _evaluate_script, _play_one_step, train_in_process

    pretrained, adapted = str(tmp_path / "pre.pt"), str(tmp_path / "adapted.pt")
    assert _script("hindex_pretrain").main(["--hands", "shadow_right", "--images", "16", "--arch", "resnet18",
                                            "--epochs", "1", "--num_envs", "8", "--batch_size", "8",
                                            "--out", pretrained]) == 0
    assert _script("hindex_adapt").main(["--encoder", pretrained, "--num_envs", "2", "--frames", "4", "--iterations",
                                         "2", "--batch_size", "4", "--out", adapted]) == 0
    saved = torch.load(adapted)
    assert saved["stage"] == "adapt" and saved["arch"] == "resnet18"
    assert 0 < saved["meta"]["changed_fraction"] <= saved["meta"]["bn_affine_fraction"]
    with pytest.raises(SystemExit, match="adapted.pt exists"):  # nothing the user had is overwritten
        _script("hindex_adapt").main(["--encoder", pretrained, "--out", adapted])
    ckpt = train_in_process(VISUAL, str(tmp_path), ["agent.actor.encoder_arch=resnet18",
                                                     f"agent.actor.encoder_checkpoint={adapted}"], num_envs=2)
    actor = torch.load(ckpt)["actor_state_dict"]
    enc = saved["encoder"]
    assert torch.equal(actor["encoder.resnet.layer3.1.conv2.weight"], enc["layer3.1.conv2.weight"])
    assert torch.equal(actor["encoder.resnet.bn1.weight"], enc["bn1.weight"])
    assert not torch.equal(actor["encoder.resnet.bn1.running_mean"], enc["bn1.running_mean"])
    os.remove(adapted)  # the run holds its encoder
    runner = _play_one_step(VISUAL, ckpt)
    assert runner.alg.actor.encoder.resnet.arch == "resnet18"
    out = str(tmp_path / "eval")
    args = argparse.Namespace(task=VISUAL, checkpoint=ckpt, splits=["train"], objects_per_split=1, steps=4,
                              rollouts=1, seed=0, device="cpu", out=out)
    assert _evaluate_script().evaluate_grasping(args) == 0
    report = json.load(open(os.path.join(out, "evaluation.json")))
    assert [e["steps"] for e in report["episodes"]] == [4]


def test_the_visual_policy_can_learn_by_dagger_from_a_state_based_base_policy(tmp_path):
    """Dex-Grasp-Base-Shadow-Visual-Student-v0: the visual policy (student) imitates a base policy that reads the state
    (the teacher's group ``critic`` is the base policy's own view); the player rebuilds the student."""
    from test_grasp_tasks import BASE, _play_one_step, train_in_process

    base = train_in_process(BASE, str(tmp_path), ["--experiment_name", "base"])
    student = train_in_process("Dex-Grasp-Base-Shadow-Visual-Student-v0", str(tmp_path),
                               ["--checkpoint", base, "agent.student.encoder_arch=resnet18"], num_envs=2)
    state = torch.load(student)
    teacher = torch.load(base)["actor_state_dict"]
    assert all(torch.equal(state["teacher_state_dict"][k], v) for k, v in teacher.items())  # frozen
    assert "encoder.resnet.layer4.1.bn2.running_var" in state["student_state_dict"]
    runner = _play_one_step("Dex-Grasp-Base-Shadow-Visual-Student-v0", student)
    assert type(runner.alg.student).__name__ == "HandInformedVisualPolicy"
