"""What a change does to a release: the briefs one output folder adds to or withholds from another.

Both folders are what `briefgen build` wrote (a release: `--public`, `--audience`,
`--release`); their manifests list the briefs each publishes. Comparing the manifests,
not the sheets, answers the question reviewers ask — what would the site show after the
merge — with the same rules (audiences, clearances, caveats, invalid sheets) the build
applied, including those of each version's own briefgen.toml.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import UsageProblem
from briefgen.publish.manifest import BriefEntry, Manifest


class NotARelease(UsageProblem):
    """A folder given to `diff --releases` holds no manifest briefgen wrote (exit 2)."""


@dataclass(frozen=True)
class ReleasedBrief:
    """One brief of a release as reviewers name it: its id, title and the banner it was published under."""

    id: str
    title: str
    banner: str

    @classmethod
    def of(cls, entry: BriefEntry) -> ReleasedBrief:
        return cls(entry.id, entry.record.title, entry.record.banner)

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "banner": self.banner}


@dataclass(frozen=True)
class ReleaseDiff:
    """The briefs NEW publishes that OLD did not (added), those OLD published that NEW does not
    (withheld), and those both publish under another banner (relabelled); each sorted by id."""

    old: str
    new: str
    added: tuple[ReleasedBrief, ...]
    withheld: tuple[ReleasedBrief, ...]
    relabelled: tuple[tuple[ReleasedBrief, ReleasedBrief], ...]
    kept: int

    def to_json(self) -> dict[str, object]:
        return {"old": self.old, "new": self.new, "added": [b.to_json() for b in self.added],
                "withheld": [b.to_json() for b in self.withheld],
                "relabelled": [{"old": a.to_json(), "new": b.to_json()} for a, b in self.relabelled],
                "kept": self.kept}


def _briefs(folder: Path) -> Mapping[str, BriefEntry]:
    if not folder.is_dir():
        raise NotARelease(f"{folder} is not a folder: give two output folders of `briefgen build`")
    manifest = Manifest.read(folder)  # NotOurs / DamagedManifest for a file briefgen did not write
    if manifest is None:
        raise NotARelease(f"{folder} holds no manifest.json: it is not an output folder of `briefgen build` "
                          "(build it first, e.g. `briefgen build --public -o FOLDER`)")
    return manifest.briefs


def compare_releases(old: Path, new: Path) -> ReleaseDiff:
    """Compare two output folders by their manifests; raises NotARelease or NotOurs."""
    before, after = _briefs(old), _briefs(new)
    shared = sorted(before.keys() & after.keys())
    relabelled = tuple((ReleasedBrief.of(before[i]), ReleasedBrief.of(after[i])) for i in shared
                       if before[i].record.banner != after[i].record.banner)
    return ReleaseDiff(str(old), str(new),
                       tuple(ReleasedBrief.of(after[i]) for i in sorted(after.keys() - before.keys())),
                       tuple(ReleasedBrief.of(before[i]) for i in sorted(before.keys() - after.keys())),
                       relabelled, len(shared) - len(relabelled))


def _count_line(diff: ReleaseDiff) -> str:
    parts = [f"{len(diff.added)} added", f"{len(diff.withheld)} withheld"]
    if diff.relabelled:
        parts.append(f"{len(diff.relabelled)} under another banner")
    return f"{', '.join(parts)}, {diff.kept} unchanged in the release"


def format_text(diff: ReleaseDiff) -> str:
    """For people: one line per brief added, withheld or relabelled, then the counts."""
    out = [f"withheld {b.id}: {b.title} (was published as {b.banner})" for b in diff.withheld]
    out += [f"added {b.id}: {b.title} ({b.banner})" for b in diff.added]
    out += [f"relabelled {a.id}: {a.banner} → {b.banner}" for a, b in diff.relabelled]
    return "\n".join([*out, _count_line(diff)])


def format_markdown(diff: ReleaseDiff) -> str:
    """For $GITHUB_STEP_SUMMARY: a line naming every brief withheld and every brief added; all escaped."""
    from briefgen.report.ci import markdown_code, markdown_text

    def named(briefs: tuple[ReleasedBrief, ...]) -> str:
        return ", ".join(f"{markdown_code(b.id)} ({markdown_text(b.title)})" for b in briefs)

    out = ["### Release changes", ""]
    if diff.withheld:
        out += [f"**⚠ Withheld from the release** by this change: {named(diff.withheld)}.", ""]
    if diff.added:
        out += [f"**Added to the release** by this change: {named(diff.added)}.", ""]
    if diff.relabelled:
        out += ["**Published under another banner**: " + ", ".join(
            f"{markdown_code(a.id)} ({markdown_text(a.banner)} → {markdown_text(b.banner)})"
            for a, b in diff.relabelled) + ".", ""]
    if not (diff.withheld or diff.added or diff.relabelled):
        out += ["No brief is added to or withheld from the release.", ""]
    out += [markdown_text(_count_line(diff)), ""]
    return "\n".join(out)


def format_json(diff: ReleaseDiff) -> str:
    return json.dumps(diff.to_json(), indent=2, ensure_ascii=False)


FORMATTERS: dict[str, Callable[[ReleaseDiff], str]] = {
    "text": format_text, "markdown": format_markdown, "json": format_json}
