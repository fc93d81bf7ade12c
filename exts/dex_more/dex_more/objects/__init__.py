"""Objects for universal grasping: the bundled object set (``object_set``, built by ``build`` from ``families``),
their geometry (convex parts, signed distances), grasp synthesis (``grasps``), shape codes and clusters
(``shape_code``) and the DexGraspNet-style loader (``dexgraspnet``)."""
