"""The residents' page of the petitions module: how to petition and how to follow a petition.

Nothing about any petition is public. Progress is looked up with the receipt number on the
core's receipt page (status and dates only), where a closed matter can also be rated once.
"""

from flask import Blueprint, g

from core.kit import render_public
from plugins.petitions import cases

bp = Blueprint("petitions_public", __name__, template_folder="templates")


@bp.route("/")
def index():
    """Channels, the office's address and hours, the statutory limits, and the link to the
    receipt lookup (mounted at /o/<office_code>/petitions/)."""
    rows = [(spec.title, spec.describe()) for spec in cases.categories()]
    return render_public("petitions/public/index.html", office=g.office, rows=rows)
