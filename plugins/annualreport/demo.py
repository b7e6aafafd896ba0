"""Demo data: last year's reports — the township's published, with its text, and the
government office's draft reported to the township; the tables counted from the demo data."""

from sqlalchemy import select

from core.kit import User, db, suspects_in
from plugins.annualreport import services

OVERVIEW = (
    "本年度，示范镇坚持以公开为常态、不公开为例外，围绕惠民政策、办事指南、村务财务和重大决策听证，"
    "通过公开栏、政务网站和信息产品主动公开政府信息；认真办理群众点题公开，依法答复，按时办结。"
)
PROBLEMS = (
    "一是部分村级公开栏更新不够及时；二是群众点题的答复说理还不够充分。"
    "下一步将建立公开栏月度检查制度，并对答复文书开展评查。"
)


def load_demo(offices) -> None:
    """Create the demo reports once (nothing for an office that has last year's already)."""
    year = services.default_year()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    township, government = offices.get("SFZ"), offices.get("SFZ-ZF")
    if township is not None and services.report_for(township.id, year) is None:
        report = services.generate(township, year)
        services.save_draft(report, overview=OVERVIEW, problems=PROBLEMS, other_matters="")
        # The demo text names nobody: whatever the recogniser suspects is let stand.
        allowed = suspects_in(OVERVIEW, PROBLEMS)
        services.publish_report(report, admin.id if admin else None, allowed_names=allowed)
    if government is not None and services.report_for(government.id, year) is None:
        report = services.generate(government, year)
        services.save_draft(
            report, overview=OVERVIEW, problems=PROBLEMS, other_matters="", review_upheld=1
        )
        services.submit_to_township(report)
