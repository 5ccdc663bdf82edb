"""The parts of an invalid fact sheet that are valid on their own, field by field, for the rules.

A sheet with model errors is still checked by the cross-field rules, so that every
mistake in a file is reported at once. Each part is validated alone; a part that fails
is built again from those of its fields that are valid (down to nested mappings and list
items), and the fields that are not are *rejected*: a rule that needs a rejected field
skips it, and only it (`SheetParts.rejected_at`).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Collection
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from briefgen.sheet.marks import DataPath
from briefgen.sheet.model import FactSheet
from briefgen.sheet.parts import SheetParts


def valid_parts(data: Any, lost: Collection[str] = ()) -> SheetParts | None:
    """The parts of an invalid sheet that are valid on their own; `rejected` names every field that is not.

    `lost` holds the top-level keys whose text could not be read at all (a YAML syntax
    error in their block): those parts are unknown, not empty.
    """
    if not isinstance(data, dict):
        return None
    rejected: set[DataPath] = {(key,) for key in lost}
    parts: dict[str, Any] = {}
    for name in (field.name for field in dataclasses.fields(SheetParts) if field.name not in ("sheet", "rejected")):
        if name in lost:
            parts[name] = None
            continue
        if name not in data:
            continue  # required parts stay None; optional lists keep their default, ()
        info = FactSheet.model_fields[name]
        if typing.get_origin(info.annotation) is list:
            items = data[name]
            if isinstance(items, list):
                item_type = typing.get_args(info.annotation)[0]
                parts[name] = tuple(_lenient(item_type, (), item, (name, index), rejected)
                                    for index, item in enumerate(items))
            else:
                rejected.add((name,))
                parts[name] = None
        else:
            parts[name] = _lenient(info.annotation, tuple(info.metadata), data[name], (name,), rejected)
    return SheetParts(**parts, rejected=frozenset(rejected))


def _lenient(annotation: Any, metadata: tuple[Any, ...], value: Any, loc: DataPath, rejected: set[DataPath]) -> Any:
    """`value` validated as `annotation`; when it fails, the model it is rebuilt from its valid fields, else None."""
    try:
        return _adapter(annotation, metadata).validate_python(value, strict=True)
    except ValidationError:
        pass
    model = _model_for(annotation, value)
    if model is None or not isinstance(value, dict):
        rejected.add(loc)
        return None
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name not in value:
            if info.is_required():
                rejected.add(loc + (name,))
                fields[name] = None
            continue  # model_construct fills in the default
        fields[name] = _field(info, value[name], loc + (name,), rejected)
    return model.model_construct(**fields)


def _field(info: FieldInfo, value: Any, loc: DataPath, rejected: set[DataPath]) -> Any:
    annotation: Any = info.annotation
    if typing.get_origin(annotation) is list and isinstance(value, list):
        try:
            return _adapter(annotation, tuple(info.metadata)).validate_python(value, strict=True)
        except ValidationError:
            pass
        item_type = typing.get_args(annotation)[0]
        items = [_lenient(item_type, (), item, loc + (index,), rejected) for index, item in enumerate(value)]
        return items
    return _lenient(annotation, tuple(info.metadata), value, loc, rejected)


def _model_for(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The model a mapping is meant to be under `annotation`: `Venue | None` → Venue, a portion → PortionText."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _model_for(typing.get_args(annotation)[0], value)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _model_for(arg, value)
            if found is not None:
                return found
    return None


@functools.lru_cache(maxsize=256)
def _adapter(annotation: Any, metadata: tuple[Any, ...]) -> TypeAdapter[Any]:
    # The field's metadata holds validators (a portion's text becomes a PortionText).
    return TypeAdapter(Annotated[(annotation, *metadata)] if metadata else annotation)
