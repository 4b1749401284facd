"""Specific exceptions. The library raises these; only the CLI turns them into messages."""


class GeneratorError(Exception):
    """Base class for every error the generator raises on purpose."""


class ConfigError(GeneratorError):
    """site_config.yml is missing, unreadable or has a wrong value."""


class InputError(GeneratorError):
    """One input file (or one line of it) cannot be read; the batch goes on."""

    def __init__(self, source_file: str, reason: str, line: int | None = None):
        self.source_file, self.reason, self.line = source_file, reason, line
        where = f"{source_file}:{line}" if line else source_file
        super().__init__(f"{where}: {reason}")


class MissingInputError(GeneratorError):
    """Input paths that do not exist: the build stops before it changes anything."""

    def __init__(self, paths: list[str]):
        self.paths = paths
        super().__init__("no such input file or directory: " + ", ".join(paths) + " (nothing was changed)")


class ContentError(GeneratorError):
    """A YAML file under content/ is invalid."""


class LockedError(GeneratorError):
    """Another build holds the content lock."""
