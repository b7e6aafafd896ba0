"""The core's public API endpoints: offices and their public staff directory."""

from flask import abort
from pydantic import BaseModel
from sqlalchemy import select

from core.extensions import db
from core.models import Office
from core.publication.schema import OfficeText, PublicPhone, PublicStr


class OfficeOut(BaseModel):
    """An office as residents see it."""

    code: PublicStr
    name: PublicStr
    kind: PublicStr
    parent_code: PublicStr | None
    address: OfficeText | None
    public_phone: PublicPhone | None
    office_hours: OfficeText | None
    modules: list[PublicStr]


class StaffOut(BaseModel):
    """A staff member as the public directory shows them (佩证上岗)."""

    name: PublicStr
    post: PublicStr | None
    staff_number: PublicStr | None
    contact_phone: PublicPhone | None


def _office_out(office: Office) -> dict:
    from core.modules import enabled_plugins

    return {
        "code": office.code,
        "name": office.name,
        "kind": office.kind.value,
        "parent_code": office.parent.code if office.parent else None,
        "address": office.address,
        "public_phone": office.public_phone,
        "office_hours": office.office_hours,
        "modules": sorted(enabled_plugins(office.id)),
    }


def register_core_endpoints(api) -> None:
    """Add /offices, /offices/<code> and /offices/<code>/staff."""

    @api.route("/offices", list[OfficeOut])
    def offices():
        """Every office of the township."""
        rows = db.session.scalars(select(Office).order_by(Office.sort_order, Office.code))
        return [_office_out(o) for o in rows]

    @api.route("/offices/<code>", OfficeOut)
    def office(code):
        """One office with the modules it has switched on."""
        row = db.session.scalar(select(Office).where(Office.code == code))
        if row is None:
            abort(404)
        return _office_out(row)

    @api.route("/offices/<code>/staff", list[StaffOut])
    def office_staff(code):
        """The office's public staff directory."""
        from core.public.views import public_staff

        row = db.session.scalar(select(Office).where(Office.code == code))
        if row is None:
            abort(404)
        return [
            {
                "name": u.display_name,
                "post": u.post,
                "staff_number": u.staff_number,
                "contact_phone": u.contact_phone,
            }
            for u in public_staff(row)
        ]
