"""Every extension point a plugin may implement.

A plugin is a package with a ``manifest`` (``core.kit.Manifest``). The core answers most hooks
on its behalf from the modules of the plugin shape (``core.conventions``); for any other hook,
or to answer differently, the plugin writes a function decorated with ``@hookimpl`` (``from
core.kit import hookimpl``) in its ``__init__``, named as the spec below. Hooks are
called with keyword arguments; an implementation may accept fewer arguments than the spec lists.
Hooks named ``register_*`` return a list (or one object) that the core collects per plugin, so it
always knows which plugin contributed what and can hide it where that plugin is switched off.
"""

import pluggy

hookspec = pluggy.HookspecMarker("township")
hookimpl = pluggy.HookimplMarker("township")


# --- Data -----------------------------------------------------------------------------------


@hookspec
def register_models():
    """Return the plugin's model classes.

    Called once at start-up. Models with an ``office_id`` column are the plugin's office data:
    the Modules screen counts them and "delete this module's data for an office" removes them
    (children go through the relationships' cascades). Every model is audited by the core.
    """


@hookspec
def register_migrations():
    """Return the path of the plugin's Alembic ``versions`` folder (its own branch).

    The branch's first revision sets ``branch_labels = ("<plugin name>",)`` and
    ``depends_on`` the core's base revision; ``flask db upgrade`` applies every branch.
    """


@hookspec
def load_demo_data(offices):
    """Add the plugin's records to the demo township (``flask demo load``).

    ``offices`` maps office code to Office. Must be safe to run twice: create only what is
    missing. The core commits afterwards.
    """


# --- Cases -----------------------------------------------------------------------------------


@hookspec
def case_categories():
    """Return a list of ``core.kit.CategorySpec`` the plugin adds.

    Called once at start-up (the result is cached). Each spec carries a stable ``code``, a
    translatable title, the statutory ``limit`` and optionally the ``max_limit`` extensions may
    reach; the core fills ``plugin``. A code already taken by the core or another plugin is
    reported and skipped.
    """


@hookspec
def case_opened(case):
    """Called after a case is registered (``core.kit.open_case``), before the commit.

    ``case`` is the new ``core.cases.Case`` (already added to the session; ``accepted_at``,
    ``office_id``, ``first_responder_id`` set) inside the caller's transaction (do not commit).
    Every plugin is called: check that your module is on for ``case.office_id``. Return value
    ignored; an exception is logged and does not stop the registration.
    """


@hookspec
def case_registration_refusal(office_id, category, source_type, source_id):
    """Called by ``core.kit.open_case`` before a case is registered at an office, for the
    plugins switched on there: return a message (str, Chinese via gettext) to refuse the
    registration, or None to let it through.

    ``category`` is the case category code; ``source_type`` / ``source_id`` name the plugin
    record the case comes from (None for a case registered on the core's case screen). The
    core raises ``core.kit.CaseError`` with the first message returned, so nothing is saved.
    Keep it to one cheap query.
    """


@hookspec
def case_closed(case):
    """Called after a case is closed (resolved, i.e. ``core.kit.close_case``).

    ``case`` is the ``core.cases.Case`` with its outcome set, inside the caller's transaction
    (do not commit). Plugins check ``case.source_type`` / ``case.source_id`` to find the record
    the case came from and publish its outcome. Return value ignored; an exception is logged
    and does not stop the closing.
    """


# --- Archiving -----------------------------------------------------------------------------------


@hookspec(firstresult=True)
def file_record(record):
    """File one record of a module in the office's archive; returns its catalogue number.

    ``record`` is a ``core.filing.RecordToFile`` (office, source, title, year, access, url,
    activity, retention). Modules do not call this hook directly but ``core.kit.file_record``.
    An archive plugin switched on for the office catalogues an archive file and returns its
    catalogue number (str); filing the same (office_id, source_type, source_id) again returns
    the same number. Returns None where no archive takes it (none installed, or switched off
    for the office). Bad values raise ValueError with a Chinese message. Runs in the caller's
    transaction: the caller commits. Stops at first non-None result.
    """


# --- Background jobs ----------------------------------------------------------------------------


@hookspec
def register_schedules():
    """Return a list of ``core.kit.Schedule(name, func_path, every_seconds)``: periodic jobs.

    Called by whatever looks for due schedules (``flask worker``, ``flask jobs run-due``). Each
    schedule runs once per interval across all workers; the function takes no arguments, works
    only for ``core.kit.offices_with(plugin name)`` and must be idempotent (see ``core.jobs``).
    It is skipped while no office has the plugin switched on. Names must be unique.
    """


# --- Open government information ------------------------------------------------------------


@hookspec
def open_information_published(year, office_ids):
    """Return a list of ``core.kit.PublishedCount``: items the plugin published on its own
    initiative (主动公开) in the Beijing calendar ``year``, per office of ``office_ids``.

    Read by the annual open-government-information report (``core.openinfo``). One entry per
    kind of item (a stable ``kind`` and a Chinese label); count what residents were shown in
    that year, by its publication moment (``core.kit.year_bounds``). Keep it to one aggregate
    query per kind.
    """


@hookspec
def open_information_requests(year, office_ids):
    """Return a list of ``core.kit.RequestCount``: residents' requests for disclosure the
    plugin handled in ``year``, per office and by outcome as at the year's end.

    Requests received in the year count with their outcome on 31 December (``pending`` when
    still open); requests received earlier and open on 1 January count once more with
    ``carried_over=True``. Outcomes are those of ``core.openinfo.OUTCOMES``.
    """


# --- Staff side ------------------------------------------------------------------------------


@hookspec
def register_admin_views():
    """Return Flask-Admin view instances for the staff screens.

    Derive them from ``core.kit.OfficeScopedModelView`` (or ``core.kit.ModuleView`` for
    non-model screens): the core tags each with the plugin's name, so they vanish from the menu
    and answer 403 for staff whose office has the module switched off.
    """


@hookspec
def dashboard_widgets(user, office_ids):
    """Return a list of ``core.kit.Widget`` for the user's dashboard.

    ``office_ids`` are the offices the user may see that have this plugin switched on (never
    empty when called). Keep each widget to one or two cheap queries.
    """


@hookspec
def supervision_sections(user, office_ids):
    """Return a list of ``core.kit.SupervisionSection`` for the core's supervision screen.

    Called when a leader, auditor or admin opens 督办; ``office_ids`` are the offices in
    their view that have this plugin switched on (never empty when called). Keep it to a few
    aggregate queries: the screen shows the whole township at once.
    """


# --- Residents' side -----------------------------------------------------------------------


@hookspec
def register_public_blueprint():
    """Return a Flask Blueprint of public pages for one office.

    The core mounts it at ``/o/<office_code>/<plugin name>/`` and answers 404 for offices that
    have the module switched off. Views receive ``office_code`` and find the office in
    ``flask.g.office``. Never render a private person's phone or ID number.
    """


@hookspec
def public_home_sections(offices):
    """Return a list of ``core.kit.HomeSection`` for the residents' home page.

    ``offices`` are the offices that have this plugin switched on (never empty when called).
    """


@hookspec
def publication_fields():
    """Return a list of ``core.kit.declare(Model, {field: class})`` declarations.

    Every field of the plugin's records that residents may see, on a page, in a feed, a PDF or
    the API, has a class there (``PUBLIC``, ``PERSON``, ``TEXT``, ``WITHHELD``…; see
    ``core.publication.fields``). Rows reach residents' templates only as published views,
    which answer declared fields masked by their class and raise for anything else. Declare a
    model ``withdrawable=True`` when a leader may withdraw a published record of it.
    """


@hookspec
def private_person_fields():
    """Return a list of ``core.kit.PersonField(Model.column, public_when=None)``.

    The columns holding a private person's name (attendees, askers, applicants, bookers…).
    Every name saved there is masked in all published text of every office from then on;
    ``public_when`` names a boolean attribute of the row that makes the person a public
    figure (a confirmed deputy) whose name is not collected.
    """


@hookspec
def poster_items(office_ids, month):
    """Return a list of ``core.kit.PosterItem``: the plugin's items published in ``month`` for
    the notice board (公开栏海报).

    ``office_ids`` are offices that have this plugin switched on (never empty when called);
    ``month`` is the first day (a ``date``) of a month — ``core.kit.month_days`` and
    ``month_moments`` give its bounds. Each item's ``text`` is read through the publication
    gate (a published view's masked field), its ``url`` is its residents' page
    (``public_url``); withdrawn records are left out. The core lays each item out on one A4 or
    A3 page with a QR code to that URL.
    """


@hookspec
def published_record_changed(record):
    """A published record changed or was withdrawn: drop or rebuild what was cached of it.

    Called in the transaction that changed it (before the commit) with the row; a plugin
    that keeps rendered files (PDFs, audio) of such records deletes or re-queues them.
    """


@hookspec
def register_api(api):
    """Add read-only endpoints of published data to the public JSON API.

    ``api`` is the ``core.api.PublicApi`` registry: call ``api.route(...)`` with pydantic
    response models so the endpoints appear in the generated OpenAPI document. A path with an
    ``<office_code>`` segment answers 404 for offices that have the module switched off; the
    view finds the office in ``flask.g.office``. Every string field of a response model is
    typed with a class of the kit (``Text``, ``PersonName``,
    ``PublicStr``…); an endpoint with an unclassified string field is refused at start-up.
    """
