"""site_config.yml: the generator's settings.

The file has one mapping per stage (`read`, `clean`, `group`, ...). Each stage owns a
small dataclass for its section and reads it with `section(config, name, Class)`, so
adding a setting touches one module only.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import yaml

from generator.errors import ConfigError

DEFAULT_PATH = "site_config.yml"

T = TypeVar("T")


@dataclass
class Config:
    path: Path | None = None                 # the file it came from, None for defaults
    root: Path = field(default_factory=Path.cwd)  # project root: relative paths start here
    inputs: list[str] = field(default_factory=lambda: ["content/inbox"])
    content: str = "content"
    cache: str = ".cache/generator"
    sections: dict[str, dict] = field(default_factory=dict)

    def resolve(self, p: str | Path) -> Path:
        p = Path(p)
        return p if p.is_absolute() else self.root / p


TOP_LEVEL = {"inputs", "content", "cache"}


def load_config(path: str | Path | None = None) -> Config:
    """Read site_config.yml; a missing default file gives the defaults."""
    p = Path(path or DEFAULT_PATH)
    if not p.exists():
        if path is None:
            return Config()
        raise ConfigError(f"{p}: no such file")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: expected a mapping at the top level")
    cfg = Config(path=p.resolve(), root=p.resolve().parent)
    for key in TOP_LEVEL:
        if key in data:
            setattr(cfg, key, data[key])
    if isinstance(cfg.inputs, str):
        cfg.inputs = [cfg.inputs]
    cfg.sections = {k: v for k, v in data.items() if k not in TOP_LEVEL and isinstance(v, dict)}
    return cfg


def section(config: Config | None, name: str, cls: type[T]) -> T:
    """Build a stage's settings dataclass from its section; unknown keys are an error."""
    raw: dict[str, Any] = (config.sections.get(name) if config else None) or {}
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = set(raw) - known
    if unknown:
        where = config.path if config and config.path else DEFAULT_PATH
        raise ConfigError(f"{where}: unknown setting(s) in '{name}': {', '.join(sorted(unknown))}")
    return cls(**raw)
