"""社会监督考评 — social supervision and evaluation of offices and cadres (issue 18).

Residents, leaders and colleagues evaluate the cadres of an evaluation campaign; the residents'
view weighs 70 % by default (群众测评分值占70, 称职不称职群众说了算). Residents evaluate on a
public page with a one-time code handed out at the service hall, once per phone per cadre; the
core's case ratings (好差评) of the period count as residents' evaluations of the case's
handler. Closing a campaign computes the weighted results, warns cadres with low residents'
satisfaction (no 评优/晋职/后备干部 that year), flags those residents do not recognise for a
leader's decision on 停职候岗, and turns the problems residents raised into rectification cases
with deadlines, each with a supervisor of record (服务监督制度). Offices' overall results are
published to residents through the publication gate.
"""

from flask_babel import lazy_gettext as _l

from core.kit import Manifest

manifest = Manifest(
    name="evaluation",
    title=_l("社会监督考评"),
    version="1.0",
    description=_l(
        "群众评、领导评、互相评（群众评默认占 70%），警示与评优资格、停职候岗决定、"
        "限期整改和监督小组责任、单位考评结果公示。"
    ),
)
