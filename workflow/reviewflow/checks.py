"""What is checked before any job runs: the config, and the search batches and
sheets it declares. Search batches must be exactly what lies on disk.

An update is a new folder under <resources>/searches/ declared in the config;
a folder nobody declared, or a declared file nobody exported, would silently
change the counts of the flow diagram, so both stop the run before any job.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ReviewflowError
from .layout import SHEETS
from .places import resources_folder
from .schemas import validate_config

IGNORED = {"README.md", "README.txt", ".gitkeep"}


def check_searches(config: dict, config_file: str) -> None:
    root = Path(resources_folder(config)) / "searches"
    declared = {}
    previous_date = ""
    for index, search in enumerate(config["searches"]):
        where = f"searches[{index}]"
        batch = search["batch"]
        if batch in declared:
            raise ReviewflowError(f"key '{where}.batch' '{batch}' is declared twice", file=config_file)
        folder = root / batch
        if not folder.is_dir():
            raise ReviewflowError(
                f"key '{where}.batch': folder {folder} does not exist; add the batch's exports there or "
                f"remove the entry",
                file=config_file,
            )
        if search["date_searched"] < previous_date:
            raise ReviewflowError(
                f"key '{where}.date_searched' {search['date_searched']} is earlier than the batch before it; "
                f"list batches oldest first",
                file=config_file,
            )
        previous_date = search["date_searched"]
        expected = set()
        for number, export in enumerate(search["exports"]):
            for key in ("file", "strategy"):
                name = export.get(key)
                if name is None:
                    continue
                if not (folder / name).is_file():
                    raise ReviewflowError(
                        f"key '{where}.exports[{number}].{key}': {folder / name} does not exist", file=config_file
                    )
                expected.add(name)
        unexpected = sorted(
            p.name for p in folder.iterdir() if p.name not in expected | IGNORED and not p.name.startswith(".")
        )
        if unexpected:
            raise ReviewflowError(
                f"{folder / unexpected[0]} is not declared in the config; add it to the exports of batch "
                f"'{batch}' (or as a strategy file) or remove it",
                file=config_file,
            )
        declared[batch] = search
    if root.is_dir():
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if folder.name not in declared:
                raise ReviewflowError(
                    f"folder {folder} is not declared in the config; add a 'searches' entry with batch "
                    f"'{folder.name}' or remove the folder",
                    file=config_file,
                )


def check_sheets(config: dict, config_file: str) -> None:
    """Every sheet the config names exists, so a typo stops the run with one line, not a
    workflow error about missing inputs."""
    for section, key in SHEETS:
        name = config.get(section, {}).get(key)
        if name and not (Path(resources_folder(config)) / name).is_file():
            raise ReviewflowError(
                f"key '{section}.{key}': {Path(resources_folder(config)) / name} does not exist; create it or "
                f"remove the key",
                file=config_file,
            )


def check_review(config: dict, config_file: str) -> dict:
    """Everything checked before any job runs: the config against its schema, the
    search batches against the disk, that every named sheet exists, and that no
    worksheet holds typed rows a run would overwrite (reviewflow.pending)."""
    from .pending import check_pending

    validate_config(config, file=config_file)
    check_searches(config, config_file=config_file)
    check_sheets(config, config_file=config_file)
    check_pending(config, config_file)
    return config
