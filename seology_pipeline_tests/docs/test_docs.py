"""The docs cannot drift from the code: every executable block is run by a test, every
``seology`` command and option they name exists."""

from __future__ import annotations

import re

import click

from seology_pipeline.cli.main import cli
from seology_pipeline.settings import PROJECT_ROOT
from seology_pipeline_tests.docs.blocks import EXECUTABLE, all_blocks, doc_files

TESTS = PROJECT_ROOT / "seology_pipeline_tests"
USED = re.compile(r"doc_block\(\s*\"([\w-]+)\"")
COMMAND = re.compile(r"(?:^|[`\s/])seology((?: [a-z][a-z-]*(?=[ `]|$))+)([^`\n|#]*)", re.MULTILINE)


def _ids_run_by_tests() -> set[str]:
    return {
        block_id for path in TESTS.rglob("test_*.py") for block_id in USED.findall(path.read_text())
    }


def test_every_code_block_is_run_quoted_or_exercised_by_a_test() -> None:
    blocks = [block for block in all_blocks() if block.lang in EXECUTABLE]
    assert blocks, "no code block found: the parser is broken"
    unmarked = [b.where for b in blocks if not (b.id or b.quote or b.exercised_by)]
    assert not unmarked, f"code blocks without a `<!-- doc: ... -->` line: {unmarked}"
    ids = [block.id for block in blocks if block.id]
    assert len(ids) == len(set(ids)), f"duplicate block ids: {ids}"
    missing = sorted(set(ids) - _ids_run_by_tests())
    assert not missing, f"blocks no test runs (call doc_block(id) in a test): {missing}"
    for block in blocks:
        if block.quote:
            source = (PROJECT_ROOT / block.quote).read_text()
            assert block.text in source, f"{block.where} no longer quotes {block.quote} verbatim"
        if block.exercised_by:
            assert (PROJECT_ROOT / block.exercised_by).is_file(), block.where


def _resolve(words: list[str]) -> click.Command | None:
    """The deepest command the words name, or None when the first word is no command."""
    command: click.Command = cli
    ctx = click.Context(cli)
    for word in words:
        if not isinstance(command, click.Group):
            break
        sub = command.get_command(ctx, word)
        if sub is None:
            return None if command is cli else command
        command = sub
    return command


def test_every_seology_command_and_option_in_the_docs_exists() -> None:
    checked = 0
    for path in doc_files():
        for match in COMMAND.finditer(path.read_text()):
            words = match[1].split()
            command = _resolve(words)
            where = f"{path.name}: `seology{match[1]}{match[2]}`"
            assert command is not None, f"no such command: {where}"
            options = set(re.findall(r"(--[a-z][\w-]*)", match[2] + match[1]))
            known = {opt for param in command.params for opt in param.opts + param.secondary_opts}
            assert options <= known | {"--help"}, f"unknown options {options - known}: {where}"
            checked += 1
    assert checked >= 10, f"only {checked} seology commands found in the docs"
