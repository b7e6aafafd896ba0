"""What of the petitions plugin residents may see: nothing but the masking of its people.

No petition, petitioner, dispute or reception record is ever published (the residents' page shows
only the office and the statutory limits), so the plugin declares no published fields: undeclared
models cannot reach residents through the gate.
"""

from core.kit import PersonField


def person_fields() -> list[PersonField]:
    """Petitioners and the observers of reception sessions who are private persons: their
    names are masked in every office's published text."""
    from plugins.petitions.models import Petitioner, SessionObserver

    return [
        PersonField(Petitioner.name),
        PersonField(SessionObserver.name, public_when="is_public_figure"),
    ]
