"""RSL-RL extensions: Mixture of Residual Experts and MoE-PPO (pure torch; the env runs are in test_hotrack)."""
from __future__ import annotations

import math

import pytest
import torch
from tensordict import TensorDict

from dex_more.rl.mixture_of_residual_experts import MixtureOfResidualExperts, load_balance_loss, routing_entropy

OBS, ACT = 20, 6


def make(num_experts=4, top_k=1, seed=0, **kw):
    torch.manual_seed(seed)
    obs = TensorDict({"policy": torch.randn(8, OBS), "base_action": torch.randn(8, ACT)}, batch_size=[8])
    model = MixtureOfResidualExperts(obs, {"actor": ["policy", "base_action"]}, "actor", ACT, num_experts=num_experts,
                                     top_k=top_k, encoder_dims=[32, 16], expert_dims=[16], router_dims=[16], **kw)
    return model, obs


def normalised(model, x):
    """The encoder's input: the model's observation groups, concatenated and normalised."""
    return model.obs_normalizer(torch.cat([x[g] for g in model.obs_groups], dim=-1))


def batch(n, seed=1):
    g = torch.Generator().manual_seed(seed)
    return TensorDict({"policy": torch.randn(n, OBS, generator=g), "base_action": torch.randn(n, ACT, generator=g)},
                      batch_size=[n])


def test_shapes_and_base_action_group_is_required():
    model, obs = make()
    assert model(obs).shape == (8, ACT)
    assert model.obs_dim == OBS  # the base action goes to the experts, not the encoder
    with pytest.raises(ValueError, match="base action"):
        MixtureOfResidualExperts(TensorDict({"policy": torch.randn(2, OBS)}, batch_size=[2]), {"actor": ["policy"]},
                                 "actor", ACT)


def _grad_norms(module):
    return [0.0 if p.grad is None else float(p.grad.abs().sum()) for p in module.parameters()]


def test_top1_gradients_reach_only_the_selected_expert_and_the_shared_one():
    model, _ = make()
    x = batch(32)
    for i in range(6):
        model.zero_grad()
        sample = x[i:i + 1]
        model(sample).sum().backward()
        chosen = int(model.last_top_idx[0, 0])
        for k, expert in enumerate(model.experts):
            touched = sum(_grad_norms(expert)) > 0
            assert touched == (k == chosen), f"sample {i}: expert {k} got gradient {touched}, chosen {chosen}"
        assert sum(_grad_norms(model.shared_experts)) > 0
        assert sum(_grad_norms(model.router)) > 0  # through the kept weight w'_chosen


def test_sparse_experts_see_only_their_samples():
    model, _ = make()
    seen = {k: 0 for k in range(4)}
    for k, e in enumerate(model.experts):
        e.register_forward_hook(lambda m, inp, out, k=k: seen.__setitem__(k, seen[k] + inp[0].shape[0]))
    x = batch(64)
    model(x)
    counts = torch.bincount(model.last_top_idx[:, 0], minlength=4).tolist()
    assert [seen[k] for k in range(4)] == counts and sum(counts) == 64


def test_top_k_equal_to_num_experts_is_the_dense_mixture():
    model, _ = make(top_k=4)
    x = batch(16)
    with torch.no_grad():
        f = model.encoder(normalised(model, x))
        p = torch.softmax(model.router(f), -1)
        z = torch.cat([f, x["base_action"]], -1)
        y = sum(p[:, k:k + 1] * e(z) for k, e in enumerate(model.experts)) + model.shared_experts[0](z)
        assert torch.allclose(model(x), model.mlp(y), atol=1e-6)


def test_load_balance_loss_matches_a_hand_computation():
    probs = torch.tensor([[0.7, 0.1, 0.1, 0.1], [0.6, 0.2, 0.1, 0.1], [0.1, 0.8, 0.05, 0.05], [0.25, 0.25, 0.25, 0.25]])
    top1 = probs.argmax(-1)  # 0, 0, 1, 0
    f = [3 / 4, 1 / 4, 0, 0]
    P = [(0.7 + 0.6 + 0.1 + 0.25) / 4, (0.1 + 0.2 + 0.8 + 0.25) / 4, (0.1 + 0.1 + 0.05 + 0.25) / 4, (0.1 + 0.1 + 0.05 + 0.25) / 4]
    assert float(load_balance_loss(probs, top1)) == pytest.approx(4 * sum(a * b for a, b in zip(f, P)))
    # perfectly balanced -> 1; collapsed onto one expert -> N
    assert float(load_balance_loss(torch.full((4, 4), 0.25), torch.arange(4))) == pytest.approx(1.0)
    assert float(load_balance_loss(torch.tensor([[1.0, 0, 0, 0]] * 4), torch.zeros(4, dtype=torch.long))) == pytest.approx(4.0)


def test_routing_entropy_value_and_sign():
    assert float(routing_entropy(torch.full((3, 4), 0.25))) == pytest.approx(math.log(4))
    assert float(routing_entropy(torch.tensor([[1.0, 0.0, 0.0, 0.0]]))) == pytest.approx(0.0, abs=1e-9)
    # penalising entropy (positive coefficient) pushes the router toward confident choices:
    # one gradient step on the penalty lowers the entropy
    model, _ = make()
    x = batch(64)
    opt = torch.optim.SGD(model.router.parameters(), lr=0.5)
    with torch.no_grad():
        before = float(routing_entropy(torch.softmax(model.router(model.encoder(normalised(model, x))), -1)))
    model.enable_routing_losses(0.0, 1.0)
    opt.zero_grad()
    (0.0 * model(x).sum()).backward()  # only the injected routing loss has a gradient
    opt.step()
    model.disable_routing_losses()
    with torch.no_grad():
        after = float(routing_entropy(torch.softmax(model.router(model.encoder(normalised(model, x))), -1)))
    assert after < before


def test_routing_losses_add_exactly_their_gradient():
    model, _ = make()
    x = batch(32)
    c_lb, c_ent = 0.3, 0.7
    model.zero_grad()
    model(x).sum().backward()
    base = [p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in model.parameters()]
    model.zero_grad()
    f = model.encoder(normalised(model, x))
    probs = torch.softmax(model.router(f), -1)
    (c_lb * load_balance_loss(probs, probs.argmax(-1)) + c_ent * routing_entropy(probs)).backward()
    aux = [p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in model.parameters()]
    model.zero_grad()
    model.enable_routing_losses(c_lb, c_ent)
    model(x).sum().backward()
    stats = model.disable_routing_losses()
    for g, a, p in zip(base, aux, model.parameters()):
        got = p.grad if p.grad is not None else torch.zeros_like(p)
        assert torch.allclose(got, g + a, atol=1e-6)
    assert set(stats) >= {"moe_load_balance", "moe_router_entropy", "moe_top1_weight", "moe_load_expert_0"}
    assert sum(stats[f"moe_load_expert_{k}"] for k in range(4)) == pytest.approx(1.0)


def test_checkpoint_round_trip_gives_identical_outputs(tmp_path):
    model, obs = make(obs_normalization=True, distribution_cfg={"class_name": "GaussianDistribution", "init_std": 0.3})
    model.update_normalization(batch(100, seed=5))
    path = tmp_path / "more.pt"
    torch.save(model.state_dict(), path)
    other, _ = make(seed=9, obs_normalization=True, distribution_cfg={"class_name": "GaussianDistribution", "init_std": 0.3})
    x = batch(16)
    assert not torch.allclose(other(x), model(x))
    other.load_state_dict(torch.load(path))
    assert torch.equal(other(x), model(x))


def test_exported_policy_matches_the_eager_model(tmp_path):
    model, _ = make(obs_normalization=True, distribution_cfg={"class_name": "GaussianDistribution", "init_std": 0.3})
    model.update_normalization(batch(100, seed=5))
    x = batch(64)
    scripted = torch.jit.script(model.as_jit())
    path = tmp_path / "policy.pt"
    scripted.save(str(path))
    loaded = torch.jit.load(str(path))
    assert torch.allclose(loaded(x["policy"], x["base_action"]), model(x), atol=1e-5)
    onnx_module = model.as_onnx(verbose=False)
    torch.onnx.export(onnx_module, onnx_module.get_dummy_inputs(), str(tmp_path / "policy.onnx"),
                      input_names=onnx_module.input_names, output_names=onnx_module.output_names, dynamo=False)
    import onnxruntime as ort

    session = ort.InferenceSession(str(tmp_path / "policy.onnx"))
    for i in range(4):  # the exporter fixes the batch at 1: sample by sample
        (out,) = session.run(None, {"obs": x["policy"][i:i + 1].numpy(), "base_action": x["base_action"][i:i + 1].numpy()})
        assert torch.allclose(torch.from_numpy(out), model(x[i:i + 1]), atol=1e-5)


# ------------------------------------------------------------------------------------------------ hyper-policy


def _fake_run(tmp_path, name, seed, obs_dim, act_dim):
    """An RSL-RL run folder (checkpoint + params/agent.yaml + run.json) of a random MLP actor."""
    import json

    import yaml
    from rsl_rl.models import MLPModel

    torch.manual_seed(seed)
    run = tmp_path / name
    (run / "params").mkdir(parents=True)
    cfg = {"class_name": "MLPModel", "hidden_dims": [16], "activation": "elu", "obs_normalization": False,
           "distribution_cfg": {"class_name": "GaussianDistribution", "init_std": 0.5}}
    (run / "params" / "agent.yaml").write_text(yaml.safe_dump({"actor": cfg}))
    (run / "run.json").write_text(json.dumps({"task": "base-task"}))
    td = TensorDict({"policy": torch.zeros(1, obs_dim)}, batch_size=[1])
    kw = {k: v for k, v in cfg.items() if k != "class_name"}
    actor = MLPModel(td, {"actor": ["policy"]}, "actor", act_dim, **kw)
    torch.save({"actor_state_dict": actor.state_dict()}, run / "model_0.pt")
    return str(run / "model_0.pt"), actor


def _hyper(tmp_path, weight_mode="softmax"):
    from dex_more.rl.hyper_policy import HyperPolicy

    paths, actors = zip(*[_fake_run(tmp_path, f"base{i}", i, 10, ACT) for i in range(3)])
    obs = TensorDict({"policy": torch.randn(4, 30), "base": torch.randn(4, 10)}, batch_size=[4])
    model = HyperPolicy(obs, {"actor": ["policy", "base"]}, "actor", ACT, base_checkpoints=list(paths),
                        base_obs_group="base", hidden_dims=[32], weight_mode=weight_mode)
    return model, obs, actors


@pytest.mark.parametrize("mode", ["softmax", "abs_normalized"])
def test_hyper_policy_one_hot_weights_and_zero_residual_give_that_base(tmp_path, mode):
    model, obs, actors = _hyper(tmp_path, mode)
    with torch.no_grad():
        for layer in (model.mlp[-1], model.weight_head):  # zero residual; λ one-hot on base 0
            layer.weight.zero_()
            layer.bias.zero_()
        model.weight_head.bias[:] = torch.tensor([50.0, -50.0, -50.0]) if mode == "softmax" else torch.tensor([1.0, 0.0, 0.0])
    out = model(obs)
    expect = actors[0](TensorDict({"policy": obs["base"]}, batch_size=[4]))
    assert torch.allclose(out, expect, atol=1e-6)
    assert torch.allclose(model.last_weights, torch.tensor([1.0, 0.0, 0.0]).expand(4, 3), atol=1e-6)


def test_hyper_policy_mixes_by_normalised_weights_and_never_trains_the_bases(tmp_path):
    model, obs, actors = _hyper(tmp_path)
    out = model(obs)
    lam = model.last_weights
    bases = torch.stack([a(TensorDict({"policy": obs["base"]}, batch_size=[4])) for a in actors], 1)
    residual = model.mlp(model.get_latent(obs))
    assert torch.allclose(out, residual + (lam[..., None] * bases).sum(1), atol=1e-6)
    out.sum().backward()
    assert all(p.grad is None for p in model.bases.parameters())
    assert all(not p.requires_grad for p in model.bases.parameters())
    assert model.mlp[0].weight.grad is not None


# ------------------------------------------------------------------------------------------------ point-cloud student


def test_point_cloud_student_is_order_invariant_and_uses_the_points():
    from dex_more.rl.point_cloud_student import PointCloudStudent

    torch.manual_seed(0)
    obs = TensorDict({"student": torch.randn(5, 12), "point_cloud": torch.randn(5, 64 * 3)}, batch_size=[5])
    model = PointCloudStudent(obs, {"student": ["student", "point_cloud"]}, "student", ACT,
                              point_dims=[16, 32], hidden_dims=[32])
    out = model(obs)
    assert out.shape == (5, ACT)
    perm = torch.randperm(64)
    shuffled = obs.clone()
    shuffled["point_cloud"] = obs["point_cloud"].view(5, 64, 3)[:, perm].reshape(5, -1)
    assert torch.allclose(model(shuffled), out, atol=1e-6)
    moved = obs.clone()
    moved["point_cloud"] = obs["point_cloud"] + 0.1
    assert not torch.allclose(model(moved), out)
    with pytest.raises(ValueError, match="N·3"):
        PointCloudStudent(TensorDict({"student": torch.randn(2, 3), "point_cloud": torch.randn(2, 10)}, batch_size=[2]),
                          {"student": ["student", "point_cloud"]}, "student", ACT)


def test_hyper_policy_export_matches_eager(tmp_path):
    import onnxruntime as ort

    model, obs, _ = _hyper(tmp_path)
    flat = torch.cat([obs[g] for g in model.obs_groups], dim=-1)
    scripted = torch.jit.script(model.as_jit())
    assert torch.allclose(scripted(flat, obs["base"]), model(obs), atol=1e-5)
    onnx_module = model.as_onnx(verbose=False)
    torch.onnx.export(onnx_module, onnx_module.get_dummy_inputs(), str(tmp_path / "hyper.onnx"),
                      input_names=onnx_module.input_names, output_names=onnx_module.output_names, dynamo=False)
    (out,) = ort.InferenceSession(str(tmp_path / "hyper.onnx")).run(
        None, {"obs": flat[:1].numpy(), "base_obs": obs["base"][:1].numpy()})
    assert torch.allclose(torch.from_numpy(out), model(obs[:1]), atol=1e-5)


def test_models_build_on_the_rsl_rl_base_initialiser():
    """MoRE and the student are MLPModels whose hooks give the latent: rsl_rl's own forward runs them, and the
    parts the base initialiser builds (normaliser, distribution, output MLP) are rsl_rl's."""
    from rsl_rl.models import MLPModel
    from rsl_rl.modules import MLP

    from dex_more.rl.point_cloud_student import PointCloudStudent

    model, _ = make(distribution_cfg={"class_name": "GaussianDistribution", "init_std": 0.3})
    assert type(model).forward is MLPModel.forward and isinstance(model.mlp, MLP)
    assert model.distribution is not None and model.get_latent(batch(4)).shape == (4, 16)
    assert PointCloudStudent.forward is MLPModel.forward


def test_point_cloud_student_export_matches_eager(tmp_path):
    import onnxruntime as ort

    from dex_more.rl.point_cloud_student import PointCloudStudent

    torch.manual_seed(0)
    obs = TensorDict({"student": torch.randn(6, 12), "point_cloud": torch.randn(6, 32 * 3)}, batch_size=[6])
    model = PointCloudStudent(obs, {"student": ["student", "point_cloud"]}, "student", ACT, point_dims=[16, 32],
                              hidden_dims=[32], obs_normalization=True,
                              distribution_cfg={"class_name": "GaussianDistribution", "init_std": 0.3})
    model.update_normalization(obs)
    scripted = torch.jit.script(model.as_jit())
    assert torch.allclose(scripted(obs["student"], obs["point_cloud"]), model(obs), atol=1e-5)
    onnx_module = model.as_onnx(verbose=False)
    torch.onnx.export(onnx_module, onnx_module.get_dummy_inputs(), str(tmp_path / "student.onnx"),
                      input_names=onnx_module.input_names, output_names=onnx_module.output_names, dynamo=False)
    (out,) = ort.InferenceSession(str(tmp_path / "student.onnx")).run(
        None, {"obs": obs["student"][:1].numpy(), "points": obs["point_cloud"][:1].numpy()})
    assert torch.allclose(torch.from_numpy(out), model(obs[:1]), atol=1e-5)
