"""Teach Flask-Admin the core's column types: its form and filter converters know columns by
their type's class name, and ``UTCDateTime`` (an aware-UTC ``DateTime``) is not one it knows."""

from flask_admin.contrib.sqla import filters
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import filters as model_filters
from flask_admin.model.form import converts


class CoreModelConverter(AdminModelConverter):
    """Flask-Admin's form converter, with ``UTCDateTime`` columns edited like ``DateTime``."""

    @converts("UTCDateTime")
    def convert_utc_datetime(self, field_args, **extra):
        """The same date-time field as a plain DateTime column (``harden_form`` then swaps in
        the core's Beijing-time field)."""
        return self.convert_datetime(field_args, **extra)


class CoreFilterConverter(filters.FilterConverter):
    """Flask-Admin's filter converter, with ``UTCDateTime`` columns filtered like ``DateTime``."""

    @model_filters.convert("utcdatetime")
    def conv_utc_datetime(self, column, name, **kwargs):
        """The date-time filters (equal, between, before, after, empty)."""
        return self.conv_datetime(column, name, **kwargs)
