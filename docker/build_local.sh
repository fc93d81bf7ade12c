#!/usr/bin/env bash
# Build (and check) the CPU image from the unchanged docker/Dockerfile on a machine without a Docker engine or
# registry access, with buildah (daemonless: vfs storage, chroot isolation). Run as root from anywhere:
#
#   docker/build_local.sh            build dex_more:cpu (and, first time, the base-image stand-in)
#   docker/build_local.sh --check    build, then run inside the image: a representative test subset, and
#                                    ./dex train for 2 iterations writing into the host's logs/ (mounted volume)
#
# The Dockerfile's base, python:3.11.7-slim-bookworm, cannot be pulled here, so a stand-in is made from Debian's
# packages (debootstrap bookworm + python3.11, venv, pip: the same Python minor version on the same Debian
# release, not the same build) and tagged docker.io/library/python:3.11.7-slim-bookworm in buildah's local
# storage, where `FROM` resolves with --pull=never. With a Docker engine none of this is needed: `docker build
# -f docker/Dockerfile --target cpu -t dex_more:cpu .` (README, Docker).
#
# The image's RUN steps install from the registries this machine is configured with: the host's pip
# configuration, CA bundle and local package folders are mounted read-only during the build (they are not in
# the image). Environment: DEX_BUILD_DIR (default /var/tmp/dex_more_build: the debootstrap tarball and
# buildah's storage), DEBIAN_MIRROR.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE_TAG="docker.io/library/python:3.11.7-slim-bookworm"
IMAGE="localhost/dex_more:cpu"
WORK="${DEX_BUILD_DIR:-/var/tmp/dex_more_build}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
STORE=(--storage-driver vfs --root "$WORK/storage" --runroot "$WORK/run")

log() { printf '[build_local] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (expected nothing or --check; see --help)" ;;
esac
[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap and buildah's chroot isolation need it)"
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y buildah debootstrap"
done
mkdir -p "$WORK"

# read-only mounts of the host's package configuration, for the RUN steps only
mounts=()
for path in /etc/pip.conf /root/.config/pip/pip.conf /etc/ssl/certs/ca-certificates.crt /opt/wheels /opt/pypi /opt/pypi-more; do
  [[ -e "$path" ]] && mounts+=(--volume "$path:$path:ro")
done

if ! buildah "${STORE[@]}" inspect --type image "$BASE_TAG" >/dev/null 2>&1; then
  t0=$SECONDS
  tarball="$WORK/bookworm-python3.11.tar"
  if [[ ! -f "$tarball" ]]; then
    rootfs="$WORK/rootfs"
    rm -rf "$rootfs"
    log "base-image stand-in: debootstrap bookworm + python3.11 into $rootfs (a few minutes)"
    debootstrap --variant=minbase --include=python3.11,python3.11-venv,python3-pip,ca-certificates \
      bookworm "$rootfs" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || die "debootstrap failed: $WORK/debootstrap.log"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$tarball.part" . && mv "$tarball.part" "$tarball"
    rm -rf "$rootfs"
  fi
  ctr=$(buildah "${STORE[@]}" from scratch)
  buildah "${STORE[@]}" add "$ctr" "$tarball" / >/dev/null
  buildah "${STORE[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env LANG=C.UTF-8 --cmd python3.11 \
    --label org.opencontainers.image.description="stand-in for $BASE_TAG: Debian bookworm + python3.11 (debootstrap)" \
    "$ctr"
  buildah "${STORE[@]}" commit --rm "$ctr" "$BASE_TAG" >/dev/null
  log "base-image stand-in $BASE_TAG ready in $((SECONDS - t0)) s"
fi

t0=$SECONDS
log "building $IMAGE from docker/Dockerfile (target cpu)"
buildah "${STORE[@]}" bud --isolation chroot --pull=never --layers=false --target cpu \
  "${mounts[@]}" -f "$ROOT/docker/Dockerfile" -t "$IMAGE" "$ROOT"
build_s=$((SECONDS - t0))
size=$(buildah "${STORE[@]}" images --format '{{.Size}}' "$IMAGE" | head -1)
log "built $IMAGE in ${build_s} s; image size ${size}"

if [[ $check -eq 1 ]]; then
  mkdir -p "$ROOT/logs"
  ctr=$(buildah "${STORE[@]}" from --pull=never "$IMAGE")
  trap 'buildah "${STORE[@]}" rm "$ctr" >/dev/null' EXIT
  run=(buildah "${STORE[@]}" run --isolation chroot --volume "$ROOT/logs:/workspace/dex_more/logs" \
       --workingdir /workspace/dex_more "$ctr" --)
  t0=$SECONDS
  log "in the image: ./dex test (a representative subset)"
  "${run[@]}" ./dex test -q -k "test_layout or test_motion or test_object_set or test_rl or test_dexgraspnet"
  log "in the image: ./dex train, 2 iterations, into the host's logs/"
  since="$WORK/check_started"
  touch "$since"
  "${run[@]}" ./dex train --task Dex-HOTrack-Imitator-v0 --num_envs 4 --max_iterations 2
  written=$(find "$ROOT/logs" -name 'model_*.pt' -newer "$since")
  [[ -n "$written" ]] || die "the in-image training wrote no checkpoint into $ROOT/logs"
  log "check passed in $((SECONDS - t0)) s: tests pass in the image, and these checkpoints appeared on the host:"
  sed 's/^/  /' <<<"$written"
fi
