"""Specific exceptions, and the one Problem type. The library raises the exceptions and
returns Problems; only the CLI turns them into messages."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Control characters (ESC, BEL, CR, a line break, ...) from file names or content are
# shown escaped: a message is one line and never drives the terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` as one line for a terminal or log: control characters shown as `\\xNN`.
    Every message the CLI prints and the site plugin logs goes through it."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


@dataclass
class Problem:
    """Something wrong with one file or record that is reported, never fatal: an input
    that cannot be read, a story that could not be built, a content record that fails
    its schema, a card the site skips.

    `source` is the file (or record id) it is about; `line` and `column` are 1-based and
    given only when known. str() gives `source:line:column: message`, or
    `source:line: message` without a column, or `source: message` without a line.
    """

    source: str
    message: str
    line: int | None = None
    column: int | None = None
    # True when the record was still used, changed as the message says (an input's id
    # that another article holds is published with a suffix): reported, not skipped.
    kept: bool = False

    def __str__(self) -> str:
        where = self.source
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}"


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
    """A YAML file under content/ is invalid, or the content directory cannot be
    written: the build stops before it changes anything. `problems` holds one
    Problem per offending file when there are several."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


class LockedError(GeneratorError):
    """Another build holds the content lock."""
