"""Read the Dockerfile and the .dockerignore the way Docker does, as far as the tests need: the
instructions of each stage, and which paths of the repository are in the build context."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from core.config import PROJECT_ROOT


@dataclass
class Instruction:
    keyword: str
    args: str

    def exec_form(self) -> list[str] | None:
        """["a", "b"] of CMD/ENTRYPOINT written as JSON, else None (shell form)."""
        try:
            value = json.loads(self.args)
        except ValueError:
            return None
        return value if isinstance(value, list) else None


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(path: Path = PROJECT_ROOT / "Dockerfile") -> list[Stage]:
    lines: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        if not pending and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if raw.lstrip().startswith("#"):
            continue  # a comment inside a continued instruction
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        lines.append(pending + raw)
        pending = ""
    stages: list[Stage] = []
    for line in lines:
        keyword, _, args = line.strip().partition(" ")
        keyword, args = keyword.upper(), " ".join(args.split())
        if keyword == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(parts[0], name))
        elif stages:
            stages[-1].instructions.append(Instruction(keyword, args))
    return stages


def _pattern(rule: str) -> re.Pattern[str]:
    out = ""
    i = 0
    while i < len(rule):
        if rule.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif rule.startswith("**", i):
            out, i = out + ".*", i + 2
        elif rule[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif rule[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(rule[i]), i + 1
    return re.compile(out)


def ignore_rules(path: Path = PROJECT_ROOT / ".dockerignore") -> list[tuple[bool, re.Pattern[str]]]:
    """(excludes?, pattern) in order; later rules win, as in Docker."""
    rules = []
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        rules.append((not negated, _pattern(line.lstrip("!").strip("/"))))
    return rules


def in_context(relative: str, rules: list[tuple[bool, re.Pattern[str]]]) -> bool:
    """Whether `relative` (a path in the repository, with /) is sent to the build. A rule that
    matches a parent directory matches everything under it (moby's MatchesOrParentMatches)."""
    parts = relative.strip("/").split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    excluded = False
    for excludes, pattern in rules:
        if any(pattern.fullmatch(c) for c in candidates):
            excluded = excludes
    return not excluded


def context_files(root: Path = PROJECT_ROOT) -> list[str]:
    """Every file of the working tree the build context holds (ignoring .git and .venv, which
    the tests check separately, to keep the walk short)."""
    rules = ignore_rules(root / ".dockerignore")
    found = []
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in (".git", ".venv") or not path.is_file():
            continue
        if in_context(relative, rules):
            found.append(relative)
    return sorted(found)
