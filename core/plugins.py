"""Finding, loading and describing plugins.

Built-in plugins (the folder ``plugins/``) and third-party ones are found the same way: through
the ``township.plugins`` entry-point group declared in each distribution's pyproject.toml. The
core itself never imports a plugin by name. A plugin that fails to load is recorded in
``PluginRegistry.failures`` (shown on the Modules screen and logged) and skipped.
"""

import importlib
import logging
import traceback
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask, current_app

from core import hookspecs
from core.conventions import ConventionalHooks

ENTRY_POINT_GROUP = "township.plugins"
log = logging.getLogger(__name__)

# The core's own plugins (as Datasette's default plugins): they answer hooks like any module,
# are not modules (no manifest, never switched off) and come before the modules' answers.
CORE_PLUGINS = ("core.cases.hooks",)


@dataclass(frozen=True)
class Manifest:
    """What a plugin declares about itself; ``name`` is its stable id (also the URL segment)."""

    name: str
    title: Any  # a lazy_gettext string
    version: str
    requires: tuple[str, ...] = ()
    description: Any = ""


@dataclass
class PluginRegistry:
    """The loaded plugins of one app, with their manifests and load failures."""

    pm: pluggy.PluginManager
    manifests: dict[str, Manifest] = field(default_factory=dict)
    modules: dict[str, ModuleType] = field(default_factory=dict)  # by plugin name
    failures: dict[str, str] = field(default_factory=dict)
    core: tuple[str, ...] = CORE_PLUGINS  # the core's own hook implementations, always on

    @property
    def hook(self):
        return self.pm.hook

    def names(self) -> list[str]:
        """Names of the plugins that loaded, in a stable order."""
        return sorted(self.manifests)

    def call_each(self, hook_name: str, **kwargs) -> list[tuple[str, Any]]:
        """Call one hook on each plugin separately, returning (plugin name, result) pairs.

        Unlike ``pm.hook.X()`` this keeps track of which plugin answered, so the core can
        attach enablement checks to what each plugin contributed. A plugin whose hook raises
        is logged and left out rather than taking the page or the app down.
        """
        return self._call(hook_name, None, kwargs)

    def call_for(self, hook_name: str, names, **kwargs) -> list[tuple[str, Any]]:
        """Like ``call_each`` but only for the plugins in ``names`` (the others are not called)."""
        return self._call(hook_name, set(names), kwargs)

    def _call(self, hook_name: str, names: set[str] | None, kwargs: dict) -> list[tuple[str, Any]]:
        results = []
        for impl in getattr(self.pm.hook, hook_name).get_hookimpls():
            if names is not None and impl.plugin_name not in names:
                continue
            wanted = {k: v for k, v in kwargs.items() if k in impl.argnames}
            try:
                value = impl.function(**wanted)
            except Exception:
                log.exception("plugin %s failed in hook %s", impl.plugin_name, hook_name)
                self.failures.setdefault(impl.plugin_name, traceback.format_exc(limit=3))
                continue
            if value is not None:
                results.append((impl.plugin_name, value))
        return results


def _manifest_of(module: ModuleType, fallback_name: str) -> Manifest:
    manifest = getattr(module, "manifest", None)
    if not isinstance(manifest, Manifest):
        raise TypeError(f"plugin {fallback_name!r} has no core.plugins.Manifest named 'manifest'")
    return manifest


def _candidates(app: Flask, extra) -> list[tuple[str, Any]]:
    """(name, loader) of every plugin to try: the allowed entry points, then ``extra``."""
    allow = app.config.get("TOWNSHIP_PLUGINS")
    allowed = {n.strip() for n in allow.split(",") if n.strip()} if allow else None
    candidates: list[tuple[str, Any]] = [
        (ep.name, ep.load)
        for ep in entry_points(group=ENTRY_POINT_GROUP)
        if allowed is None or ep.name in allowed
    ]
    for module in extra:
        if isinstance(module, str):
            candidates.append((module, lambda dotted=module: importlib.import_module(dotted)))
            continue
        candidates.append(
            (
                getattr(getattr(module, "manifest", None), "name", module.__name__),
                lambda m=module: m,
            )
        )
    return candidates


def load_plugins(app: Flask, extra: tuple[ModuleType | str, ...] = ()) -> PluginRegistry:
    """Build the plugin manager: entry points (built-ins and third party) plus ``extra``.

    ``extra`` holds plugin modules, or dotted module names imported here so that an import
    error is reported like any other load failure. ``TOWNSHIP_PLUGINS`` (comma-separated
    names) restricts which entry points load.
    """
    pm = pluggy.PluginManager("township")
    pm.add_hookspecs(hookspecs)
    registry = PluginRegistry(pm=pm)
    for dotted in CORE_PLUGINS:  # named, not imported: they import the core's packages
        pm.register(importlib.import_module(dotted), name=dotted)
    for name, loader in _candidates(app, extra):
        try:
            module = loader()
            manifest = _manifest_of(module, name)
            if manifest.name in registry.manifests:
                raise ValueError(f"two plugins are named {manifest.name!r}")
            pm.register(ConventionalHooks(module), name=manifest.name)
        except Exception as exc:  # a broken plugin is reported, never fatal
            log.error("plugin %s failed to load: %s", name, exc, exc_info=True)
            registry.failures[name] = f"{type(exc).__name__}: {exc}"
            continue
        registry.manifests[manifest.name] = manifest
        registry.modules[manifest.name] = module

    for name, manifest in list(registry.manifests.items()):
        missing = [r for r in manifest.requires if r not in registry.manifests]
        if missing:
            pm.unregister(name=name)
            del registry.manifests[name]
            del registry.modules[name]
            registry.failures[name] = f"requires missing plugin(s): {', '.join(missing)}"
    pm.check_pending()
    return registry


def get_registry(app: Flask | None = None) -> PluginRegistry:
    """The PluginRegistry of ``app`` (default: the current app)."""
    return (app or current_app).extensions["township_plugins"]
