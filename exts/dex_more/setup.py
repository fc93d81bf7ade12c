"""Installation script for the dex_more extension; metadata comes from the repository's extension.toml."""
import os
import tomllib

from setuptools import find_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "..", "..", "extension.toml"), "rb") as f:
    EXTENSION = tomllib.load(f)

setup(
    name="dex_more",
    version=EXTENSION["package"]["version"],
    description=EXTENSION["package"]["description"],
    author=EXTENSION["package"]["author"],
    license=EXTENSION["package"]["license"],
    keywords=EXTENSION["package"]["keywords"],
    python_requires=">=3.11",
    packages=find_packages(include=["dex_more", "dex_more.*"]),
    include_package_data=True,
    zip_safe=False,
)
