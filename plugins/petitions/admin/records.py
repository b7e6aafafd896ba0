"""信访人 and 信访文书: the petitioners (masked in lists) and every notice issued."""

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import ValidationError

from core.kit import (
    OfficeScopedModelView,
    RecordView,
    enum_label,
    mask_name,
)
from plugins.petitions import services
from plugins.petitions.admin.common import (
    enum_filter_options,
)
from plugins.petitions.errors import PetitionError
from plugins.petitions.models import (
    NoticeKind,
)


class PetitionerView(OfficeScopedModelView):
    """信访人: masked in the list; the full record on the detail screen (logged); corrections."""

    column_list = ("petition", "name", "phone", "id_number", "is_representative", "office")
    column_labels = {
        "petition": _l("信访事项"),
        "name": _l("姓名"),
        "phone": _l("联系电话"),
        "id_number": _l("身份证号码"),
        "address": _l("住址"),
        "is_representative": _l("代表"),
        "office": _l("单位"),
    }
    column_details_list = ("petition", "name", "phone", "id_number", "address", "is_representative")
    personal_data_columns = ("name", "phone", "id_number", "address")
    form_columns = ("name", "phone", "id_number", "address", "is_representative")
    allow_create = False
    allow_delete = False
    allow_export = False  # a list of private persons' data never leaves the screen

    def on_model_change(self, form, model, is_created):
        """Check the corrected values and refresh the hashes used to find repeats."""
        super().on_model_change(form, model, is_created)
        try:
            cleaned = services.clean_petitioner(
                {
                    "name": model.name,
                    "phone": model.phone,
                    "id_number": model.id_number,
                    "address": model.address,
                    "is_representative": model.is_representative,
                }
            )
        except PetitionError as exc:
            raise ValidationError(str(exc)) from None
        for name, value in cleaned.items():
            setattr(model, name, value)
        from plugins.petitions.repeats import fill_hashes

        fill_hashes(model)


def _recipient(view, context, model, name):
    return "、".join(mask_name(n) for n in (model.recipient or "").split("、"))


def _notice_link(view, context, model, name):
    return Markup('<a href="{}">{}</a>').format(
        url_for("petitions_petitions.notice_print", notice_id=model.id), model.number
    )


class NoticeView(RecordView):
    """信访文书: every notice issued, whether and how it was delivered."""

    column_list = (
        "number",
        "kind",
        "petition",
        "recipient",
        "issued_at",
        "delivery_method",
        "delivered_at",
    )
    column_labels = {
        "number": _l("文号"),
        "kind": _l("文书"),
        "petition": _l("信访事项"),
        "recipient": _l("受送达人"),
        "issued_at": _l("制作时间"),
        "delivery_method": _l("送达方式"),
        "delivered_at": _l("送达时间"),
    }
    column_formatters = {
        "kind": enum_label,
        "recipient": _recipient,
        "number": _notice_link,
    }
    column_filters = ("kind", "delivered_at")
    column_choices = {"kind": enum_filter_options(NoticeKind)}
    column_export_list = ("number", "kind", "issued_at", "delivery_method", "delivered_at")
    column_formatters_export = {
        "kind": enum_label,
    }
    column_default_sort = ("issued_at", True)
    can_view_details = False
