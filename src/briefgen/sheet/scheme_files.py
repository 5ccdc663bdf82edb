"""The packaged scheme files (schemes/*.toml): found, hashed, and read into checked Schemes."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from typing import Any

from briefgen.sheet.scheme import Authority, Caveat, Grammar, Scheme

#: Where the scheme files are, inside the package.
SCHEME_FOLDER = "schemes"
#: The kinds of caveat a scheme file may declare, and what each means for who may read.
CAVEAT_KINDS = frozenset({"noforn", "rel-to", "eyes-only", "handling", "handling-instruction", "descriptor"})
LEVEL_KINDS = frozenset({"classified", "controlled", "unclassified"})


class SchemeFileError(ValueError):
    """A scheme file that briefgen cannot use (a packaging mistake, never a user's)."""


def scheme_files() -> list[tuple[str, bytes]]:
    """The packaged scheme files, (file name, bytes), in name order."""
    folder = resources.files("briefgen").joinpath(SCHEME_FOLDER)
    return sorted((entry.name, entry.read_bytes()) for entry in folder.iterdir() if entry.name.endswith(".toml"))


def schemes_digest() -> str:
    """A hash of every scheme file: marks and banners depend on them, so job keys do too."""
    digest = hashlib.sha256()
    for name, data in scheme_files():
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def load_schemes() -> dict[str, Scheme]:
    """Every packaged scheme, by name, in file-name order (uk, then us). Raises SchemeFileError."""
    found: dict[str, Scheme] = {}
    for file_name, data in scheme_files():
        try:
            table = tomllib.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise SchemeFileError(f"{SCHEME_FOLDER}/{file_name}: {exc}") from None
        scheme = read_scheme(table, f"{SCHEME_FOLDER}/{file_name}")
        found[scheme.name] = scheme
    if not found:
        raise SchemeFileError(f"no scheme files in {SCHEME_FOLDER}/")
    shared = {code: members for scheme in found.values() for code, members in scheme.tetragraphs.items()}
    return {name: replace(scheme, shared_tetragraphs=shared) for name, scheme in found.items()}


def read_scheme(table: Mapping[str, Any], where: str = "scheme") -> Scheme:
    """One scheme from the data of its file, checked. Raises SchemeFileError naming the key."""
    reader = _Reader(table, where)
    levels = reader.tables("levels")
    if not levels:
        raise SchemeFileError(f"{where}: a scheme needs [[levels]]")
    names = tuple(_Reader(level, f"{where} levels").text("name") for level in levels)
    kinds = tuple(_Reader(level, f"{where} level {name}").choice("kind", LEVEL_KINDS, "classified")
                  for level, name in zip(levels, names, strict=True))
    banner = _Reader(reader.table("banner"), f"{where} [banner]")
    portions = _Reader(reader.table("portions"), f"{where} [portions]")
    countries = _Reader(reader.table("countries"), f"{where} [countries]")
    eyes = _Reader(reader.table("eyes"), f"{where} [eyes]")
    release = _Reader(reader.table("release"), f"{where} [release]")
    blocks = tuple(banner.texts("blocks"))
    grammar = Grammar(
        separator=banner.text("separator"), joiner=banner.text("joiner"), blocks=blocks,
        statement=banner.text("statement", "Classification"),
        statement_controlled=banner.text("statement_controlled", banner.text("statement", "Classification")),
        portion_controls=portions.flag("controls", False), portion_separator=portions.text("separator", "//"),
        portion_joiner=portions.text("joiner", "/"), portions_required_from=portions.optional("required_from"),
        country_joiner=countries.text("joiner", ", "), eyes_joiner=eyes.text("joiner", "/"))
    tetragraphs = {code: frozenset(_Reader(reader.table("tetragraphs"), where).texts(code))
                   for code in reader.table("tetragraphs")}
    caveats = tuple(_caveat(item, f"{where} caveat", names, blocks) for item in reader.tables("caveats"))
    authority_table = reader.table("authority")
    authority = None
    if authority_table:
        auth = _Reader(authority_table, f"{where} [authority]")
        authority = Authority(required_from=auth.level("required_from", names), reasons=dict(auth.table("reasons")),
                              exemptions=tuple(auth.texts("exemptions")), max_years=int(auth.number("max_years")),
                              date_format=auth.text("date_format", "%Y-%m-%d"))
    cui = _Reader(reader.table("cui"), f"{where} [cui]")
    scheme = Scheme(
        name=reader.text("name"), levels=names,
        marks=tuple(_Reader(level, f"{where} level").text("portion") for level in levels),
        tones=tuple(_Reader(level, f"{where} level").text("tone") for level in levels),
        nationality=reader.text("nationality"), kinds=kinds, title=reader.text("title", ""),
        nationals_name=reader.text("nationals", ""), caveats=caveats, grammar=grammar,
        eyes_names=dict(eyes.table("names")), tetragraphs=tetragraphs, authority=authority,
        cui_level=cui.optional("level"), cui_specified_prefix=cui.text("specified_prefix", "SP-"),
        release_statement=release.text("statement", "Releasable at {level} to {who}"),
        public_statement=release.text("public", "For public release"),
        handling_line=_Reader(reader.table("documents"), f"{where} [documents]").flag("handling_line", False),
        tetragraph_names=dict(reader.table("tetragraph_names")),
        banner_translations=_banner_translations(banner.table("translations"), f"{where} [banner.translations]",
                                                 names))
    for level in (grammar.portions_required_from, scheme.cui_level):
        if level is not None and level not in names:
            raise SchemeFileError(f"{where}: '{level}' is not one of its levels")
    return scheme


def _banner_translations(table: Mapping[str, Any], where: str, levels: tuple[str, ...]
                         ) -> dict[str, dict[str, str]]:
    """`ja = { SECRET = "秘" }`: per language (a lower-case primary subtag), a line for some of the levels."""
    found: dict[str, dict[str, str]] = {}
    for language, lines in table.items():
        if not (isinstance(language, str) and language.isalpha() and language.islower() and 2 <= len(language) <= 3):
            raise SchemeFileError(f"{where}: '{language}' is not a language (a lower-case tag such as ja)")
        if not isinstance(lines, Mapping):
            raise SchemeFileError(f"{where}: `{language}` must be a table of level = \"text\"")
        for level, text in lines.items():
            if level not in levels:
                raise SchemeFileError(f"{where}: `{language}.{level}`: '{level}' is not one of its levels")
            if not isinstance(text, str) or not text.strip() or "\n" in text:
                raise SchemeFileError(f"{where}: `{language}.{level}` must be one line of text")
        found[language] = dict(lines)
    return found


def _caveat(item: Mapping[str, Any], where: str, levels: tuple[str, ...], blocks: tuple[str, ...]) -> Caveat:
    reader = _Reader(item, where)
    name = reader.text("name")
    where = f"{where} {name}"
    reader = _Reader(item, where)
    block = reader.text("block")
    if block not in blocks:
        raise SchemeFileError(f"{where}: block '{block}' is not one of the banner's blocks {list(blocks)}")
    pattern = reader.optional("pattern")
    allowed = frozenset(reader.texts("levels"))
    for level in (*allowed, *(x for x in [reader.optional("advised_from")] if x)):
        if level not in levels:
            raise SchemeFileError(f"{where}: '{level}' is not one of its levels")
    return Caveat(name=name, kind=reader.choice("kind", CAVEAT_KINDS), block=block,
                  portion=reader.text("portion", ""), aliases=tuple(a.upper() for a in reader.texts("aliases")),
                  levels=allowed, advised_from=reader.optional("advised_from"),
                  pattern=re.compile(pattern) if pattern else None, example=reader.text("example", ""),
                  source=reader.text("source", ""))


class _Reader:
    """Typed access to a table of a scheme file; every mistake names the file and key."""

    def __init__(self, table: object, where: str) -> None:
        if not isinstance(table, Mapping):
            raise SchemeFileError(f"{where}: expected a table")
        self.table_ = table
        self.where = where

    def _get(self, key: str, default: object, kind: type | tuple[type, ...]) -> Any:
        value = self.table_.get(key, default)
        if value is _REQUIRED:
            raise SchemeFileError(f"{self.where}: `{key}` is required")
        if value is not None and not isinstance(value, kind):
            raise SchemeFileError(f"{self.where}: `{key}` must be {getattr(kind, '__name__', kind)}")
        return value

    def text(self, key: str, default: object = None) -> str:
        return str(self._get(key, _REQUIRED if default is None else default, str))

    def optional(self, key: str) -> str | None:
        value = self._get(key, None, str)
        return str(value) if value is not None else None

    def flag(self, key: str, default: bool) -> bool:
        return bool(self._get(key, default, bool))

    def number(self, key: str) -> int:
        return int(self._get(key, _REQUIRED, int))

    def texts(self, key: str) -> list[str]:
        values = self._get(key, [], list)
        if not all(isinstance(v, str) for v in values):
            raise SchemeFileError(f"{self.where}: `{key}` must be a list of text")
        return list(values)

    def table(self, key: str) -> Mapping[str, Any]:
        return self._get(key, {}, dict)  # type: ignore[no-any-return]

    def tables(self, key: str) -> list[Mapping[str, Any]]:
        values = self._get(key, [], list)
        if not all(isinstance(v, dict) for v in values):
            raise SchemeFileError(f"{self.where}: `{key}` must be an array of tables")
        return list(values)

    def choice(self, key: str, allowed: frozenset[str], default: str | None = None) -> str:
        value = self.text(key, default)
        if value not in allowed:
            raise SchemeFileError(f"{self.where}: `{key}` must be one of {sorted(allowed)}, not '{value}'")
        return value

    def level(self, key: str, levels: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in levels:
            raise SchemeFileError(f"{self.where}: '{value}' is not one of its levels")
        return value


_REQUIRED = object()
