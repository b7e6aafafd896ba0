"""Field classes for the public API's pydantic models.

Every string field of an API response model is annotated with one of these types; the core
refuses to register an endpoint whose model has a string field without one. Each type masks
on validation anything that did not already come out of the gate (``Gated``), so a plugin
that hands a raw model value to the API still publishes it masked by its class.
"""

import types
import typing
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, BeforeValidator

from core.publication import fields as fc
from core.publication.published import Gated, apply_class


def _gate(cls: fc.FieldClass):
    def validate(value: Any):
        if isinstance(value, Gated):
            return str(value)
        if isinstance(value, str):
            return str(apply_class(value, cls))
        return value

    return BeforeValidator(validate)


PublicStr = Annotated[str, fc.PUBLIC, _gate(fc.PUBLIC)]
PublicPhone = Annotated[str, fc.PUBLIC_PHONE, _gate(fc.PUBLIC_PHONE)]
PersonName = Annotated[str, fc.PERSON, _gate(fc.PERSON)]
Text = Annotated[str, fc.TEXT, _gate(fc.TEXT)]
OfficeText = Annotated[str, fc.office_text(), _gate(fc.office_text())]
MarkdownText = Annotated[str, fc.MARKDOWN, _gate(fc.MARKDOWN)]
HtmlText = Annotated[str, fc.HTML, _gate(fc.HTML)]


def unclassified_fields(response, path: str = "") -> list[str]:
    """Dotted paths of string fields in a response type that carry no field class."""
    problems: list[str] = []
    _walk(response, path or getattr(response, "__name__", "response"), problems, set())
    return problems


def _walk(tp, path, problems, seen):  # noqa: C901
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        if _is_str(base) and not any(isinstance(m, fc.FieldClass) for m in meta):
            problems.append(path)
        elif not _is_str(base):
            _walk(base, path, problems, seen)
        return
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return
        seen.add(tp)
        for name, info in tp.model_fields.items():
            ann = info.annotation
            if info.metadata:
                ann = Annotated[(ann, *info.metadata)]
            _walk(ann, f"{path}.{name}", problems, seen)
        return
    if origin in (typing.Union, types.UnionType):
        for arg in get_args(tp):
            if arg is not type(None):
                _walk(arg, path, problems, seen)
        return
    if origin in (list, tuple, set, frozenset):
        for arg in get_args(tp):
            if arg is not Ellipsis:
                _walk(arg, path + "[]", problems, seen)
        return
    if origin is dict:
        _key, value = get_args(tp)
        _walk(value, path + "{}", problems, seen)
        return
    if _is_str(tp):
        problems.append(path)


def _is_str(tp) -> bool:
    return tp is str
