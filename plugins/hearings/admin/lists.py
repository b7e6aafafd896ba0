"""The lists of attendees, questions and messages to participants (rows the desk recorded)."""

from flask import flash
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.kit import OfficeScopedModelView, RecordView, db
from plugins.hearings.admin.hearings import hearing_link, local_time
from plugins.hearings.models import Attendee, AttendeeSource


class AttendeeView(OfficeScopedModelView):
    """The attendee lists (phones masked in the list; export is recorded in the audit log)."""

    column_list = (
        "hearing",
        "name",
        "category",
        "village",
        "affiliation",
        "phone",
        "status",
        "source",
        "checked_in_at",
    )
    column_labels = {
        "hearing": _l("听证会"),
        "name": _l("姓名"),
        "category": _l("类别"),
        "village": _l("村（社区）"),
        "affiliation": _l("单位职务"),
        "phone": _l("电话"),
        "status": _l("状态"),
        "source": _l("来源"),
        "checked_in_at": _l("签到时间"),
        "consent_public_name": _l("同意公开列名"),
        "hearing.title": _l("听证会"),
    }
    column_filters = ("hearing.title", "category", "status", "source")
    column_searchable_list = ("name", "village")
    column_default_sort = ("id", True)
    personal_data_columns = ("phone",)
    column_formatters = {
        "hearing": hearing_link,
        "checked_in_at": local_time,
    }
    column_formatters_export = {
        "checked_in_at": local_time,
    }
    column_export_list = column_list
    column_details_exclude_list = ("phone_hash", "code")
    form_columns = ("name", "village", "affiliation", "consent_public_name")
    allow_create = False  # invitations go through the desk, which holds the capacity lock
    allow_delete = False  # withdraw instead: the list keeps its history

    @action(
        "confirm_public_role",
        _l("核实代表/委员身份（按全名公开）"),
        _l(
            "确认已核实所选人员的人大代表、政协委员身份？核实后其姓名将在公开名单和纪要中全名显示。"
        ),
    )
    def action_confirm_public_role(self, ids):
        """Staff vouch for self-registered deputies and members: from now on they are named in
        full, like those staff invited (``Attendee.named_in_full``)."""
        rows = self.get_query().filter(Attendee.id.in_(self._typed_ids(ids))).all()
        confirmed = 0
        for attendee in rows:
            if attendee.category.is_public_figure and attendee.source != AttendeeSource.INVITED:
                attendee.source = AttendeeSource.INVITED
                attendee.invited_by_id = current_user.id
                confirmed += 1
        db.session.commit()
        flash(
            _("已核实 %(n)d 人的身份；其余所选人员不是代表、委员或已核实。", n=confirmed), "success"
        )


class QuestionView(RecordView):
    """Every question raised, with its answer or follow-up case (recorded on the desk)."""

    column_list = (
        "hearing",
        "number",
        "asker_name",
        "asker_category",
        "text",
        "status",
        "responsible",
        "due_at",
        "case_receipt_no",
    )
    column_labels = {
        "hearing": _l("听证会"),
        "number": _l("序号"),
        "asker_name": _l("提问人"),
        "asker_category": _l("类别"),
        "text": _l("问题"),
        "status": _l("答复方式"),
        "responsible": _l("责任人"),
        "due_at": _l("答复期限"),
        "case_receipt_no": _l("办件号"),
        "answer": _l("答复"),
        "deferred_reason": _l("不能当场答复的原因"),
        "outcome": _l("办理结果"),
        "hearing.title": _l("听证会"),
    }
    column_filters = ("hearing.title", "status", "asker_category")
    column_searchable_list = ("text", "asker_name")
    column_formatters = {
        "hearing": hearing_link,
        "due_at": local_time,
    }
    column_formatters_export = {
        "due_at": local_time,
    }


MESSAGE_CHANNELS = {"sms": _l("短信"), "email": _l("电子邮件")}
MESSAGE_STATUSES = {
    "pending": _l("待发送"),
    "recorded": _l("已记录（未接短信网关）"),
    "sent": _l("已发送"),
    "failed": _l("发送失败"),
}


def _labelled(labels):
    def formatter(view, context, model, name):
        value = getattr(model, name)
        return labels.get(value, value)

    return formatter


class MessageView(RecordView):
    """What was sent (or, without a gateway, recorded) to resident participants."""

    column_list = ("hearing", "channel", "recipient_masked", "body", "status", "created_at")
    column_labels = {
        "hearing": _l("听证会"),
        "channel": _l("渠道"),
        "recipient_masked": _l("收件人"),
        "body": _l("内容"),
        "status": _l("状态"),
        "created_at": _l("时间"),
    }
    column_formatters = {
        "hearing": hearing_link,
        "created_at": local_time,
        "channel": _labelled(MESSAGE_CHANNELS),
        "status": _labelled(MESSAGE_STATUSES),
    }
    column_default_sort = ("id", True)
    allow_export = False
