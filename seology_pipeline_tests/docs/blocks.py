"""The fenced code blocks of README.md and docs/*.md, and how each is kept true.

A code block (``bash``, ``python``, ``sql``, ``yaml``, ``prisma``) is preceded by a comment that
says how a test keeps it true:

- ``<!-- doc: quickstart -->``: a test runs it, through :func:`doc_block` ("quickstart");
- ``<!-- doc: quote seology_pipeline/defs/reaper.py -->``: it is an excerpt of that file, verbatim;
- ``<!-- doc: exercised-by seology_pipeline_tests/deploy/test_celery.py -->``: it needs machines
  or tools a test cannot have (other hosts, Kubernetes); that test performs the same steps.

Blocks without a language (diagrams, layouts) or in ``text`` (sample output) are prose.
``test_docs.py`` fails for a code block without such a comment, so the docs cannot drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from seology_pipeline.settings import PROJECT_ROOT

EXECUTABLE = frozenset({"bash", "python", "sql", "yaml", "prisma"})
FENCE = re.compile(r"^```(?P<lang>[\w-]*)\s*$")
MARKER = re.compile(
    r"^<!-- doc: (?:(?P<kind>quote|exercised-by) (?P<path>\S+)|(?P<id>[\w-]+)) -->\s*$"
)


@dataclass(frozen=True)
class Block:
    path: Path
    line: int
    lang: str
    id: str | None
    text: str
    quote: str | None = None
    exercised_by: str | None = None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(PROJECT_ROOT)}:{self.line}"


def doc_files() -> list[Path]:
    return [PROJECT_ROOT / "README.md", *sorted((PROJECT_ROOT / "docs").glob("*.md"))]


def blocks_of(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        marker = MARKER.match(lines[index - 1]) if index else None
        end = next(i for i in range(index + 1, len(lines)) if lines[i].startswith("```"))
        found.append(
            Block(
                path=path,
                line=index + 1,
                lang=opening["lang"],
                id=marker["id"] if marker else None,
                text="\n".join(lines[index + 1 : end]) + "\n",
                quote=marker["path"] if marker and marker["kind"] == "quote" else None,
                exercised_by=marker["path"]
                if marker and marker["kind"] == "exercised-by"
                else None,
            )
        )
        index = end + 1
    return found


def all_blocks() -> list[Block]:
    return [block for path in doc_files() for block in blocks_of(path)]


def doc_block(block_id: str) -> Block:
    """The executable block named ``block_id``; a test that runs it keeps the docs honest."""
    [block] = [block for block in all_blocks() if block.id == block_id]
    return block


def commands(block: Block) -> list[str]:
    """The shell commands of a bash block: comments dropped, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", block.text)
    result = []
    for line in joined.splitlines():
        command = re.sub(r"\s+#.*$", "", line).strip()
        if command and not command.startswith("#"):
            result.append(command)
    return result
