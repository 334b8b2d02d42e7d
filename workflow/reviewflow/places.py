"""Where a review's folders are: relative to the project folder, the one that holds
config/, resources/ and results/.

Snakemake runs in the project folder, so there the paths stay as the config spells them
(resources/<review>, results/<review>): the bytes of every output depend on that. A command or a
test may name a config elsewhere (/data/project/config/<review>.yaml): `load_config` then
records the project folder on the config it returns, as an attribute, never a key (so it
is never written into an output), and every path below is taken inside that folder, with
no change of the working directory."""

from __future__ import annotations

from pathlib import Path


class Config(dict):
    """A review's config as read from its file, and the project folder it belongs to
    (None: the working directory, as under Snakemake)."""

    root: Path | None = None

    def placed(self, root: Path | None) -> Config:
        self.root = root
        return self


def project_of(config_file: str | Path) -> Path | None:
    """The project folder of a config file kept in its config/ folder, unless that is the
    working directory (then paths stay relative, as the config spells them)."""
    path = Path(config_file).resolve()
    if path.parent.name != "config" or path.parent.parent == Path.cwd().resolve():
        return None
    return path.parent.parent


def root_of(config: dict) -> Path | None:
    return getattr(config, "root", None)


def in_project(config: dict, path: str | Path) -> str:
    """A path the config gives (or one under results/), inside the config's project."""
    root = root_of(config)
    return str(path) if root is None or Path(path).is_absolute() else str(root / path)


def resources_folder(config: dict) -> str:
    """The review's resources folder (its exports and sheets)."""
    return in_project(config, config["resources"])


def with_config(config: dict, **changes) -> dict:
    """The config with some keys changed, still placed in its project."""
    changed = Config({**config, **changes})
    return changed.placed(root_of(config))


__all__ = ["Config", "in_project", "project_of", "resources_folder", "root_of", "with_config"]
