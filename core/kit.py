"""The plugin kit: everything a plugin may use from the core, in one place.

A plugin imports from here and nowhere else in the core (``from core.kit import db, hookimpl,
publish``); the import contracts in ``pyproject.toml`` enforce it. What a plugin needs and the
kit lacks is added here, once, documented — never copied from a neighbouring plugin.

Names are loaded on first use, so importing the kit costs nothing at start-up. The groups:

- **contract**: ``hookimpl``, ``Manifest``, ``db`` — the hooks are documented in
  ``core/hookspecs.py``; ``count_rows`` and ``next_number`` (max + 1) for rows.
- **models**: the core's rows (``Office``, ``User``, ``Role``…) and column helpers:
  ``UTCDateTime`` (every stored moment: aware UTC on every database), ``TimestampMixin``,
  ``VersionedMixin`` (optimistic locking), ``LabelledEnum`` + ``enum_column``.
- **time** (``core.time``): Beijing time for people, UTC in the database.
- **errors and saving**: ``UserError`` (base of every plugin error), ``StaleError`` and the one
  ``STALE_MESSAGE``; desk views save with ``run`` / ``submit`` (``form_values`` hands a
  form's fields to a service by name) and render ``version_input``; a screen showing a
  private person's data in full logs it with ``log_personal_view``;
  ``lock_row`` serialises the transactions that count places under one row.
- **scope**: ``scoped_office_ids`` / ``scoped_offices`` / ``get_scoped_or_404`` — the offices
  a person works in for a module; ``permissions`` for the role rules.
- **staff screens**: ``OfficeScopedModelView`` (CRUD), ``RecordView`` (the same, read-only),
  ``ModuleView`` (desks), dashboard
  ``Widget`` and ``SupervisionSection``, ``enum_label`` / ``enum_choices``, date fields.
- **cases** (statutory time limits): open, note, extend, close a core case, restart its
  clock for a stage with its own limit; read residents' ratings (``Rating``, ``Grade``: 好差评,
  never written by a plugin); the categories a plugin declares and every category
  of the app (``all_categories``, ``get_category``, ``effective_limit``: the office's
  published limit, else the category's); the deadline maths of ``core.sla``.
- **publication**: the gate every resident-facing page, feed, PDF and API answer goes
  through (``declare``, ``publish``, ``render_public``, the API string types…).
- **residents' input**: phones, resident ID numbers, receipt codes; masking.
- **output**: ``render_markdown`` (one sanitiser policy), ``ical_feed``, ``export_response``,
  ``get_storage``, ``file_record`` (offer a record to the office's archive), ``speak`` (a
  published text read aloud in Mandarin, offline, numbers and dates the Chinese way; raises
  ``SpeechUnavailable`` without espeak-ng) with ``speech_text`` (what is read); ``pdf_font`` (the
  Chinese font every PDF embeds) and ``pdf_text``; notice-board posters: ``PosterItem`` rows
  a plugin offers from ``posters.poster_items(office_ids, month)``, with ``month_days`` /
  ``month_moments`` for the month's bounds.
- **open-government figures** (``core.openinfo``): ``PublishedCount`` / ``RequestCount``
  answer the ``open_information_*`` hooks; ``year_bounds`` is a Beijing year in UTC;
  ``published_counts`` / ``request_counts`` collect every module's answers.
- **background work**: ``enqueue``, ``Schedule``, ``notify``, ``offices_with``.
"""

from importlib import import_module

_SOURCES = {
    # contract
    "core.hookspecs": "hookimpl",
    "core.plugins": "Manifest",
    "core.extensions": "db",
    "core.rows": "count_rows next_number",
    # models
    "core.models": (
        "Office OfficeKind User Role TimestampMixin VersionedMixin UTCDateTime LabelledEnum "
        "enum_column utcnow"
    ),
    # time
    "core.time": (
        "LOCAL_ZONE utc_now as_utc to_local local_today local_day local_datetime from_local_input "
        "local_naive format_local format_day format_local_date format_local_datetime format_hours"
    ),
    # errors and saving
    "core.errors": "UserError StaleError STALE_MESSAGE",
    "core.concurrency": "check_version is_versioned lock_row",
    "core.admin.desk": "run submit first_error form_values version_input log_personal_view",
    # scope
    "core.scoping": "scoped_office_ids scoped_offices in_scope get_scoped_or_404",
    "core.modules": "is_enabled enabled_office_ids set_module",
    # staff screens
    "core.admin": (
        "ModuleView OfficeScopedModelView RecordView ScopedChoices Widget SupervisionSection "
        "enum_label enum_choices LocalDateField LocalDateTimeField"
    ),
    "core.audit": "record_event acting_as",
    # cases and time limits
    "core.cases": (
        "Case CaseStatus ACTIVE_STATUSES CategorySpec Channel CaseError open_case close_case Grade"
    ),
    # the resident's one rating (好差评) of a resolved case, read by modules that weigh it
    "core.cases.models": "Rating",
    "core.cases.services": (
        "set_deadline restart_clock explain_due request_extension approve_extension "
        "refuse_extension add_note add_attachment start_agency"
    ),
    "core.cases.display": "colour_label",
    "core.cases.categories": "all_categories get_category category_title effective_limit",
    "core.sla": (
        "Limit LimitUnit Colour colour compute_due calendar_status is_working_day next_working_day "
        "working_days_between as_local"
    ),
    # publication
    "core.publication": (
        "PUBLIC PUBLIC_PHONE PERSON TEXT MARKDOWN HTML WITHHELD person office_text declare "
        "PersonField Gated publish publish_many render_public public_url withdraw withdraw_url "
        "withdrawals_for withdrawn_clause withdrawn_ids can_withdraw WithdrawalError mask_text "
        "mask_numbers apply_class mentions_names_added_since record_decisions decisions_from "
        "highlighted suspects_in"
    ),
    "core.publication.fields": "FieldClass Kind",
    "core.publication.names": "clean_name official_names",
    "core.publication.review": "allowed_names_for",
    "core.publication.schema": (
        "Text PersonName PublicStr OfficeText MarkdownText HtmlText PublicPhone"
    ),
    "core.public": "HomeSection",
    # residents' input
    "core.contact": (
        "normalise_phone InvalidPhone phone_hash new_code format_code parse_code looks_like_code "
        "normalise_id_number valid_id_number"
    ),
    "core.masking": "mask_phone mask_name mask_id_number",
    # output
    "core.markdown": "render_markdown markdown_plain_text looks_scripted",
    "core.ical": "CalendarEvent ical_feed",
    "core.exports": "export_response audited_export",
    "core.storage": "get_storage",
    "core.posters": "PosterItem month_days month_moments pdf_font pdf_text EMBEDDED_FONT CID_FONT",
    "core.filing": "RecordToFile file_record",
    # the annual open-government-information report's figures
    "core.openinfo": (
        "OUTCOMES PublishedCount RequestCount year_bounds published_counts request_counts"
    ),
    "core.speech": "speak speech_text speech_available SpeechUnavailable Speech",
    # background work
    "core.jobs": "enqueue resolve Schedule notify offices_with",
}
# Whole modules a plugin may use as namespaces (``permissions.may_see_office(...)``).
_MODULES = {"permissions": "core.permissions", "contact": "core.contact"}

_WHERE = {name: module for module, names in _SOURCES.items() for name in names.split()}
__all__ = sorted([*_WHERE, *_MODULES])


def __getattr__(name: str):
    """Load ``name`` from the core module that defines it, on first use."""
    if name in _MODULES:
        value = import_module(_MODULES[name])
    elif name in _WHERE:
        value = getattr(import_module(_WHERE[name]), name)
    else:
        raise AttributeError(f"core.kit has no {name!r}: the plugin kit lists what plugins use")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
