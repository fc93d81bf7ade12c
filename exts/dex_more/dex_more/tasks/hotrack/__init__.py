"""HO tracking (ManipTrans / MoRE): imitator and residual tasks, single hand and bimanual.

The layouts and every term are in :mod:`.hotrack_env_cfg`; each hand's folder under ``config/`` registers its
gym IDs: ``Dex-HOTrack-{Imitator, Imitator-Left, Right, Left, Bimanual}-v0`` (Inspire hands),
``Dex-HOTrack-{Right, Left, Bimanual}-FromScratch-v0`` (residual ablations without an imitator), and
``Dex-HOTrack-<layout>-{Shadow, Allegro}-v0`` (Allegro: right hand only).
"""
