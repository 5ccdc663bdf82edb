"""Keys that other builds and other runners rely on: a theme's digest and the shard of a brief.

Both are contracts beyond one process. A theme's digest is part of every job's key, so a
template edited in place must change it even when the per-file hashes of what a render read
would also catch the edit (the digest is what the preview and `--force`-less builds compare
first). The shard of a brief is agreed by runners that never talk to each other, and by the
shard manifests of an earlier build that `assemble` checks: changing the hash silently moves
briefs between shards, so the assignment is pinned here, by name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefgen.keys import in_shard
from briefgen.theme import Theme

#: The shard (K of N, for N = 2, 3, 4) of each brief id: sha256 of the UTF-8 id, its first 16
#: hex digits as a number, modulo N, plus one. Computed once and pinned.
PINNED = {
    "g20-2025": (2, 2, 4),
    "summit-four-leaders": (1, 2, 3),
    "uk-minister-brief": (2, 2, 4),
    "uk-secret-draft": (2, 2, 2),
    "uk-submission": (2, 2, 2),
    "us-action-memo": (1, 2, 1),
    "us-cui-call": (1, 2, 3),
    "us-info-memo": (1, 3, 3),
    "us-secret-rel": (1, 1, 3),
    "a": (1, 2, 3),
    "brief-ü": (1, 3, 3),
}


def _shard_of(name: str, count: int) -> int:
    found = [number for number in range(1, count + 1) if in_shard(name, (number, count))]
    assert len(found) == 1, f"{name} is in shards {found} of {count}: every brief is in exactly one"
    return found[0]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_a_brief_stays_in_its_shard(name: str) -> None:
    assert tuple(_shard_of(name, count) for count in (2, 3, 4)) == PINNED[name]


def test_the_pinned_shards_are_the_documented_hash() -> None:
    # The rule `keys.in_shard` states (a stable hash of the name alone), computed independently.
    for name, shards in PINNED.items():
        number = int(hashlib.sha256(name.encode("utf-8")).hexdigest()[:16], 16)
        assert tuple(number % count + 1 for count in (2, 3, 4)) == shards, name


def test_no_shard_means_every_brief() -> None:
    assert all(in_shard(name, None) for name in PINNED)


def _theme(tmp_path: Path) -> tuple[Theme, Path, Path]:
    templates = tmp_path / "templates"
    styles = tmp_path / "styles"
    (templates / "partials").mkdir(parents=True)
    styles.mkdir()
    template = templates / "partials" / "_summary.html"
    template.write_text("<p>{{ view.title }}</p>\n", encoding="utf-8")
    style = styles / "house.css"
    style.write_text("body { color: #111; }\n", encoding="utf-8")
    return Theme.of(templates, styles, boundary=tmp_path), template, style


def test_editing_a_template_in_place_changes_the_theme_digest(tmp_path: Path) -> None:
    theme, template, _ = _theme(tmp_path)
    before = theme.digest()
    assert theme.digest() == before, "the digest of an unchanged theme is stable"
    # Same name, same length, one byte different: only the bytes tell them apart.
    template.write_text("<p>{{ view.titlE }}</p>\n", encoding="utf-8")
    assert theme.digest() != before


def test_editing_a_style_sheet_in_place_changes_the_theme_digest(tmp_path: Path) -> None:
    theme, _, style = _theme(tmp_path)
    before = theme.digest()
    style.write_text("body { color: #112; }\n", encoding="utf-8")
    assert theme.digest() != before


def test_adding_or_removing_a_template_changes_the_theme_digest(tmp_path: Path) -> None:
    theme, template, _ = _theme(tmp_path)
    before = theme.digest()
    extra = template.with_name("_extra.html")
    extra.write_text("", encoding="utf-8")
    added = theme.digest()
    assert added != before
    extra.unlink()
    assert theme.digest() == before
