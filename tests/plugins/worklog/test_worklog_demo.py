"""The demo township's worklog rows: loaded once, a community short at the ended stage, a
memo item past its limit, a cadre's logs with days missing and one checked."""

from sqlalchemy import func, select

from core.extensions import db
from core.modules import enabled_office_ids
from plugins.worklog.models import FeedbackStage, MemoItem, WorkLog
from plugins.worklog.services import feedback, figures, logs


def test_demo_loads_once_with_a_short_village_a_red_item_and_logs(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(FeedbackStage.id))) == 2
        ended = db.session.scalar(select(FeedbackStage).order_by(FeedbackStage.ends_on))
        on = enabled_office_ids("worklog")
        assert [r.office for r in feedback.short_villages(ended, on)] == ["新街社区"]
        assert any(r.red for r in figures.memo_by_office(on))
        assert db.session.scalar(select(func.count(MemoItem.id))) == 3
        checked = db.session.scalar(
            select(func.count(WorkLog.id)).where(WorkLog.checked_at.is_not(None))
        )
        assert checked == 1
        [cadre] = logs.month_figures(on, ended.ends_on)
        assert cadre.person == "吴书记"
