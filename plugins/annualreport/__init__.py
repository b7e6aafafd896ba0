"""政府信息公开工作年度报告 — the annual open-government-information report (issue 21, part 3).

The Regulations on Open Government Information (art. 49–50) oblige every government body to
publish, by 31 March, a report on the previous year. For the township and each office the
module builds the national template's tables from the year's data — items published on its
own initiative (counted by the modules through ``open_information_published``), residents'
requests received and answered by outcome (``open_information_requests``), administrative
reconsideration and litigation (entered by staff), fees (none) — as a draft the office
completes, reports to the township (by 31 January) and publishes as a page and a PDF.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="annualreport",
    title=_l("信息公开年报"),
    version="1.0",
    description=_l(
        "政府信息公开工作年度报告：主动公开、依申请公开、行政复议和行政诉讼、收费情况统计表，起草、报送、发布网页和PDF。"
    ),
)
