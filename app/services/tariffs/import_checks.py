"""The checks an import makes before writing anything, in time linear in the file.

Each tariff is checked on its own (the wizard's rules), against its stored self (same
utility and rate type, no pending draft, no shadowed version or gap in its chain), and the
whole file at once against the stored tariffs for overlapping validity: one sort and sweep
per utility and rate type instead of every tariff against every other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import (
    TariffVersion,
    validate_slab_rows,
    validate_tariff,
)
from app.domain.tariffs.versions import chain_errors
from app.services.tariffs.records import DRAFT, TariffState, version_of
from app.services.tariffs.rows import ParsedTariff, RowProblem

Progress = Callable[[str, int, int], None]


def file_problems(parsed: list[ParsedTariff], existing: dict[str, TariffState], publish: bool,
                  progress: Progress) -> tuple[list[RowProblem], set[str]]:
    """Every problem in the file, by line; and the (folded) names of unchanged tariffs."""
    problems = [problem for tariff in parsed for problem in tariff.problems]
    built = [tariff for tariff in parsed if tariff.version is not None]
    unchanged: set[str] = set()
    for done, tariff in enumerate(built, start=1):
        key = tariff.name.casefold()
        state = existing.get(key)
        version: TariffVersion = tariff.version  # type: ignore[assignment]
        if state is not None and is_unchanged(state, version, tariff.categories):
            unchanged.add(key)
        else:
            problems += _tariff_problems(tariff, version, state, publish)
        if done % 100 == 0 or done == len(built):
            progress("Checking", done, len(built))
    problems += _overlap_problems(built, existing, unchanged)
    return _unique(problems), unchanged


def is_unchanged(state: TariffState, version: TariffVersion, categories: tuple[str, ...]) -> bool:
    """Whether a file's tariff says what the stored latest version says: the app's own export
    read back is unchanged, whatever order numbers its charges had or how its numbers were
    written (0.12 or 0.1200)."""
    return (sorted(set(categories)) == sorted(set(state.categories))
            and _canonical(version) == _canonical(state.latest_version()))


def _canonical(version: TariffVersion) -> TariffVersion:
    charges = tuple(replace(charge, order=index)
                    for index, charge in enumerate(version.ordered_charges()))
    return replace(version, name=version.name.strip(), version=1, charges=charges)


def _tariff_problems(tariff: ParsedTariff, version: TariffVersion, state: TariffState | None,
                     publish: bool) -> list[RowProblem]:
    errors = validate_tariff(version)
    if tariff.slab_rows:
        errors += validate_slab_rows(tariff.slab_rows)
    if state is not None:
        current = state.latest_version()
        if (current.utility, current.rate_type) != (version.utility, version.rate_type):
            errors.append(ValidationError("rate_type", f"'{state.row.name}' is a {current.utility.label} "
                                                       f"{current.rate_type.label} tariff: a new version keeps both"))
        if state.latest.state == DRAFT:
            errors.append(ValidationError("tariff", f"Version {state.latest.version_no} of "
                                                    f"'{state.row.name}' is a draft: publish it first"))
        elif publish:
            published = [version_of(record) for record in state.published]
            errors += chain_errors(published, replace(version, version=state.latest.version_no + 1))
    return [tariff.problem_for(error) for error in errors]


@dataclass(frozen=True)
class _Span:
    start: date
    end: date
    name: str
    tariff: ParsedTariff | None  # None: a stored tariff that the file does not touch


def _overlap_problems(built: list[ParsedTariff], existing: dict[str, TariffState],
                      unchanged: set[str]) -> list[RowProblem]:
    """Tariffs of one utility and rate type must not share a day of validity."""
    in_file = {tariff.name.casefold() for tariff in built} - unchanged
    by_kind: dict[tuple[Any, Any], list[_Span]] = defaultdict(list)
    for key, state in existing.items():
        if key not in in_file:
            ref = state.ref()
            by_kind[(ref.utility, ref.rate_type)].append(
                _Span(ref.valid_from, ref.valid_to or date.max, ref.name, None))
    for tariff in built:
        version = tariff.version
        if tariff.name.casefold() in unchanged or version is None:
            continue
        by_kind[(version.utility, version.rate_type)].append(
            _Span(version.valid_from, version.valid_to or date.max, version.name, tariff))
    problems = []
    for spans in by_kind.values():
        spans.sort(key=lambda span: (span.start, span.end))
        reach: _Span | None = None  # the span reaching furthest so far
        for span in spans:
            if reach is not None and span.start <= reach.end:
                problems += _overlap(span, reach)
            if reach is None or span.end > reach.end:
                reach = span
    return problems


def _overlap(span: _Span, reach: _Span) -> list[RowProblem]:
    for mine, other in ((span, reach), (reach, span)):
        if mine.tariff is not None:
            error = ValidationError("validity", f"Validity overlaps with tariff '{other.name}'")
            return [mine.tariff.problem_for(error)]
    return []  # two stored tariffs: not this file's doing


def _unique(problems: list[RowProblem]) -> list[RowProblem]:
    seen: set[tuple[int, str, str]] = set()
    unique = []
    for problem in sorted(problems, key=lambda p: (p.line, p.column)):
        if (problem.line, problem.column, problem.rule) not in seen:
            seen.add((problem.line, problem.column, problem.rule))
            unique.append(problem)
    return unique
