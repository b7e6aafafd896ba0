"""Functions named by ``"package.module:function"``: how a job (and the worker's application
factory) is written down, so that what runs a job never has to import it by hand."""

import importlib


class JobArgumentError(TypeError):
    """A job argument that is not a plain JSON value, or a function path that does not exist."""


def resolve(func_path: str):
    """The function named by ``"package.module:function"``."""
    module_name, sep, attr = func_path.partition(":")
    if not sep or not module_name or not attr:
        raise JobArgumentError(
            f"Job function {func_path!r} must be written 'package.module:function'."
        )
    try:
        func = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise JobArgumentError(f"Job function {func_path!r} cannot be imported: {exc}") from exc
    if not callable(func):
        raise JobArgumentError(f"Job function {func_path!r} is not callable.")
    return func
