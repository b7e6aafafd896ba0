"""Admin screens for offices and staff accounts."""

from flask_admin.contrib.sqla import ModelView
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, PasswordField, ValidationError
from wtforms.validators import Length, Optional

from core import permissions, storage
from core.admin.badge import BadgePhotoField
from core.admin.base import OfficeScopedModelView, SecureViewMixin, TownshipAdminEdits
from core.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from core.auth.sessions import end_user_sessions
from core.models import OfficeKind, Role


class OfficeView(TownshipAdminEdits, SecureViewMixin, ModelView):
    """Every role reads the office tree; only township admins change it."""

    can_view_details = True
    column_list = ("code", "name", "kind", "parent", "public_phone", "office_hours")
    column_searchable_list = ("code", "name")
    column_filters = ("kind",)
    column_labels = {
        "code": _l("代码"),
        "name": _l("名称"),
        "kind": _l("类型"),
        "parent": _l("上级单位"),
        "public_phone": _l("办公电话"),
        "office_hours": _l("办公时间"),
        "address": _l("地址"),
        "sort_order": _l("排序"),
    }
    column_formatters = {"kind": lambda v, c, m, n: m.kind.label}
    form_columns = (
        "code",
        "name",
        "kind",
        "parent",
        "address",
        "public_phone",
        "office_hours",
        "sort_order",
    )
    form_choices = {"kind": OfficeKind.choices()}

    township_admin_deletes = False  # offices hold history; they are renamed or moved instead


class UserView(OfficeScopedModelView):
    """Staff accounts and their badges: township admins manage all, office admins their own office."""

    allowed_roles = frozenset({Role.TOWNSHIP_ADMIN, Role.OFFICE_ADMIN, Role.AUDITOR})
    allow_delete = False  # accounts are deactivated, never deleted: the audit log names them
    details_template = "admin/badge_staff_details.html"
    column_list = (
        "username",
        "display_name",
        "role",
        "office",
        "post",
        "staff_number",
        "active",
        "last_login_at",
    )
    column_searchable_list = ("username", "display_name", "staff_number")
    column_filters = ("role", "active", "office.name")
    column_labels = {
        "username": _l("用户名"),
        "display_name": _l("姓名"),
        "role": _l("角色"),
        "office": _l("单位"),
        "post": _l("职务"),
        "staff_number": _l("工号"),
        "contact_phone": _l("联系电话"),
        "active": _l("账号启用"),
        "in_public_directory": _l("在公开名录中显示"),
        "last_login_at": _l("最近登录"),
        "new_password": _l("新密码"),
        "photo_key": _l("照片"),
        "photo": _l("工作证照片"),
        "remove_photo": _l("删除现有照片"),
        "created_at": _l("创建时间"),
        "updated_at": _l("修改时间"),
    }
    column_formatters = {
        "role": lambda v, c, m, n: m.role.label,
        "photo_key": lambda v, c, m, n: _("已上传") if m.photo_key else _("未上传"),
    }
    column_details_exclude_list = ("password_hash",)
    column_export_exclude_list = ("password_hash", "photo_key")
    column_extra_row_actions = [
        EndpointLinkRowAction("fa fa-id-card", "badge.index", title=_l("工作证")),
    ]
    # Extra fields must be named here too: with form_columns set, Flask-Admin adds only these.
    form_columns = (
        "username",
        "display_name",
        "role",
        "office",
        "active",
        "new_password",
        "post",
        "staff_number",
        "contact_phone",
        "in_public_directory",
        "photo",
        "remove_photo",
    )
    form_choices = {"role": Role.choices()}
    form_args = {
        "contact_phone": {
            "description": _l("印在工作证上并在公开名录中显示，请填写办公电话，不要填写私人手机。")
        },
        "in_public_directory": {
            "description": _l(
                "勾选后，姓名、职务、工号、照片和联系电话在群众端“工作人员公示”中显示。"
            )
        },
    }
    form_extra_fields = {
        "new_password": PasswordField(
            _l("新密码"),
            validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=256)],
            description=_l("至少 10 个字符；留空则不修改。"),
        ),
        "photo": BadgePhotoField(
            _l("工作证照片"),
            render_kw={"accept": "image/jpeg,image/png,image/webp"},
            description=_l("JPEG、PNG 或 WebP 格式的证件照，不超过 2 MB；保存时会去除拍摄信息。"),
        ),
        "remove_photo": BooleanField(_l("删除现有照片")),
    }

    def update_model(self, form, model):
        """Note the account's role and status as stored, before the form overwrites them:
        the rank rules judge the account as it was, not as the form would make it."""
        model._stored_account = (Role(model.role), bool(model.active))
        return super().update_model(form, model)

    def on_model_change(self, form, model, is_created):
        self._check_account_rules(form, model, is_created)
        if is_created and not form.new_password.data:
            raise ValidationError(_("新建账号必须设置密码。"))
        if model.id == current_user.id and not model.active:
            raise ValidationError(_("不能停用自己的账号。"))
        if form.new_password.data:
            model.password_hash = hash_password(form.new_password.data)
        super().on_model_change(form, model, is_created)
        self._replace_photo(form, model)
        if form.new_password.data and not is_created:
            # A new password ends the account's sessions everywhere; a person who sets their
            # own keeps the session they are using.
            own = model.id == current_user.id
            end_user_sessions(model.id, keep_token=current_user.session_token if own else None)

    def _check_account_rules(self, form, model, is_created):
        """Refuse (nothing saved) a change of password, role or status of an account ranked
        at or above the current user's, and a role granted at or above their own (see
        core.permissions.ROLE_RANK); the township admin is exempt."""
        new_role = Role(model.role)
        if is_created:
            old_role, old_active = new_role, bool(model.active)
        else:
            old_role, old_active = getattr(model, "_stored_account", (new_role, bool(model.active)))
        role_changed = new_role != old_role
        password_changed = bool(form.new_password.data)
        own_password_only = (
            model.id == current_user.id
            and password_changed
            and not role_changed
            and bool(model.active) == old_active
        )
        touched = password_changed or role_changed or bool(model.active) != old_active
        if (
            not is_created
            and touched
            and not own_password_only
            and not permissions.may_manage_account(current_user, old_role)
        ):
            raise ValidationError(_("您不能修改与您同级或更高级别账号的密码、角色或启用状态。"))
        if (is_created or role_changed) and not permissions.may_grant_role(current_user, new_role):
            raise ValidationError(
                _("您不能授予与您同级或更高级别的角色（%(role)s）。", role=new_role.label)
            )

    def _replace_photo(self, form, model):
        """Store a new photo (already checked and re-encoded by the form) or drop the old one.

        The old file is removed only after the commit (``after_model_change``), so a failed
        save never leaves a row pointing at a deleted file.
        """
        new_photo = getattr(form.photo, "processed", None) if hasattr(form, "photo") else None
        remove = hasattr(form, "remove_photo") and form.remove_photo.data
        if new_photo is None and not remove:
            return
        model._old_photo_key = model.photo_key
        model.photo_key = storage.get_storage().save(new_photo, ".jpg") if new_photo else None

    def after_model_change(self, form, model, is_created):
        old_key = getattr(model, "_old_photo_key", None)
        if old_key and old_key != model.photo_key:
            storage.get_storage().delete(old_key)
        super().after_model_change(form, model, is_created)

    def _in_scope(self, model) -> bool:
        return permissions.may_see_office(current_user, model.office_id)
