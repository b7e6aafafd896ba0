from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.kit import Office, db


class ExampleNote(db.Model):
    __tablename__ = "example_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20))
    author: Mapped[str | None] = mapped_column(String(64))  # a private person's name

    office: Mapped[Office] = relationship()

    def __str__(self):
        return self.title
