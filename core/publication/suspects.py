"""Suspected names of persons in free text that the records do not know.

An offline recogniser, erring toward privacy. Every place where a Chinese surname starts
(compound surnames first: 欧阳, 司马, 上官…) proposes a full name of the surname and one or two
given-name characters; a proposal is kept on evidence:

- context: a role or title before it (村民, 主任, 申请人, 民政办…) or a cue after it (同志, 说,
  表示, 反映, 答复…), or it stands in a list between 、 and punctuation;
- jieba's part-of-speech tagger (its dictionary ships inside the package, no download) tagging
  it, or part of it, as a person's name (``nr``);

and dropped when it is an ordinary word of jieba's dictionary that is not a name (于是, 周边,
文明), a place named after a family (马庄村, 杨家湾), or ends in a character no given name has.
The tagger runs only on the sentences that hold a surname character (each sentence's result
cached) and loads lazily, so
start-up and CLI commands do not pay for it. ``bench/names_eval.py`` measures recall and
precision on a labelled sample (``tests/data/names_sample.jsonl``).
"""

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class NameSpan:
    """A suspected person's name in text."""

    start: int
    end: int
    name: str


COMPOUND_SURNAMES = (
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 夏侯 轩辕 端木 澹台 独孤 南宫 西门 百里 "
    "司徒 司空 呼延 万俟 闻人 赫连 申屠 拓跋 钟离 第五 太史 濮阳 淳于 单于 公冶 宗政 东郭 左丘 梁丘 "
    "谷梁 乐正 巫马 公西 漆雕 壤驷 仲孙 叔孙 羊舌 鲜于 亓官 司寇 颛孙 子车 端木 巴图"
).split()
# The common single-character surnames (about 300, the 百家姓 as registered today).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥"
    "南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支"
    "卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印"
    "逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    "郦阎"
    # Rarer surnames of the 百家姓 that are no everyday word (a rare surname is no reason to
    # publish a name): 傅 萧 洪 赖 among them are common, and were missing.
    "傅萧洪赖昌凤酆贲钮荀羿汲邴糜隗宓蓬郗钭韶蓟鄂莘逄卻璩濮郏宦庾暨殳蔚夔厍訾乜蒯竺桓仉缑郈钦琴"
    "弘贝滑怀苍"
) - {"由"}
_MAX_SURNAME = 2

# Before a name: a role, a title or an office (村民张三, 民政办李四, 申请人王五).
_ROLES = tuple(
    sorted(
        set(
            (
                "村民 居民 群众 同志 书记 主任 镇长 乡长 村长 主席 委员 代表 站长 所长 院长 校长 部长 科长 局长 "
                "队长 组长 会计 网格员 专干 干事 干部 民警 老人 党员 本人 业主 户主 老师 同学 医生 志愿者 "
                "协理员 调解员 宣传员 人员 儿子 女儿 丈夫 妻子 侄子 外甥 孙子 邻居 母亲 父亲 哥哥 弟弟 姐姐 "
                "妹妹 老板 包工头 经理 董事长 指挥长 负责人 办 所 站 中队 大队 院 局 村干部 村支书 支书 文书 "
                "主管 秘书 专员 记者 律师 法官 民警 辅警 保安 门卫 厨师 司机 点题人 提问人 答复人 申请人 受理人 "
                "经办人 记录人 主持人 主讲人 复核人 参加人 发言人 当事人 联系人 举报人 反映人 投诉人 签收人 "
                "见证人 监护人 报告人"
            ).split()
        ),
        key=len,
        reverse=True,
    )
)
_LEFT_WEAK = tuple(
    "的 是 和 与 及 跟 给 让 叫 找 由 请 经 因 同意 通知 对 向 把 被 将 在 为 据 听取了 "
    "听取 委托 安排 联系 陪同 看望 探望 涉及 关于 包括 有关 举报 投诉 起诉 帮助 感谢 "
    "表扬 批评 处理 约谈 告诉 告知 慰问 走访 以及 例如 比如".split()
)
# After a name: a speech verb, an honorific, a role, a count (张三同志, 李四说, 王五等).
_CUES = tuple(
    sorted(
        set(
            (
                "同志 说 表示 反映 提出 提问 答复 回应 回复 指出 强调 介绍 汇报 主持 发言 认为 称 书记 主任 "
                "镇长 主席 老人 夫妇 兄弟 姐妹 同学 老师 家 等 两位 二位 三位 三人 两人 四人 五人 三户 四户 五户 "
                "负责 代为 代管 带队 带头 作了 通报 核对 组织 参加 讲述 出差 不是 获得 建议 申请 要求 调查 当场 "
                "记录 列席 跟进 退场 审核 联名 因病 请假 主讲 签字 签名 承诺 同意 不同意 确认 陈述 询问 来访 "
                "到场 缺席 一行 本人 女士 先生 师傅 老汉 大爷 大妈 阿姨 等人 一家 四位 五位 六位 几位 二人 俩 "
                "一起 共同 分别 各自"
            ).split()
        ),
        key=len,
        reverse=True,
    )
)
_RIGHT_WEAK = tuple(
    "的 是 在 已 和 与 及 也 又 还 都 就 对 把 被 将 向 为 于 到 未 持 帮 从来 曾 并 "
    "之 所 讲 问 答 谈 以 作 做 去 来 称 等".split()
)
_BOUNDARY = set("，。、；：！？“”‘’（）()《》〈〉「」【】,.;:!?\"' \t\r\n—…·/")
# Characters that close no given name (function words, units, places, offices).
_NOT_GIVEN = set(
    "的了是在和与及或有不也都就还被把将对从这那其她它们个以而说称等里内外后时年月日号次员会"
    "局所站办院镇村县市省区组队部委户家门口路街道乡庄屯湾岭河桥坡沟寨店场厂校园室处科股营社"
    "我你他咱某每各该此本元万亿吨亩米斤件条项份位名只台辆间座已未曾又并到代说讲问答谈让给从带因"
    "请要同"
)
_PLACE_AFTER = set("村庄屯湾镇乡路街桥河山岭寨坡沟洼店铺集坝塘堡营场厂园小区社")
_COMMON = 300  # a word of jieba's dictionary this frequent needs a role before it to be a name
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；\n]?")


@lru_cache(maxsize=1)
def _tagger():
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.posseg


def _surname_at(text: str, i: int) -> int:
    """Length of the surname starting at ``i`` (2 for a compound one), or 0."""
    if text[i : i + 2] in COMPOUND_SURNAMES:
        return 2
    return 1 if text[i] in SURNAMES else 0


def _alternation(words) -> re.Pattern:
    """All starts of any of the words (longest first), overlapping matches included."""
    return re.compile(
        "(?=(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + "))"
    )


_ROLE_RE, _LEFT_WEAK_RE = _alternation(_ROLES), _alternation(_LEFT_WEAK)
_CUE_RE, _RIGHT_WEAK_RE = _alternation(_CUES), _alternation(_RIGHT_WEAK)


class _Context:
    """Where roles end, cues start and multi-character roles lie in one sentence."""

    def __init__(self, text: str):
        self.text = text
        roles = [(m.start(), m.start() + len(m.group(1))) for m in _ROLE_RE.finditer(text)]
        self.role_end = {e for _s, e in roles}
        self.in_role = {p for s, e in roles if e - s > 1 for p in range(s, e)}
        self.weak_end = {m.start() + len(m.group(1)) for m in _LEFT_WEAK_RE.finditer(text)}
        self.cue_start = {m.start() for m in _CUE_RE.finditer(text)}
        self.weak_start = {m.start() for m in _RIGHT_WEAK_RE.finditer(text)}

    def left(self, i: int) -> int:
        """2 after a role or 、, 1 after punctuation or a weak word, else 0."""
        text = self.text
        if i == 0:
            return 1
        if text[i - 1] == "、" or i in self.role_end:
            return 2
        return 1 if text[i - 1] in _BOUNDARY or i in self.weak_end else 0

    def right(self, j: int) -> int:
        """2 before a cue or 、, 1 before punctuation or a weak word, else 0."""
        text = self.text
        if j >= len(text):
            return 1
        if text[j] == "、" or j in self.cue_start:
            return 2
        return 1 if text[j] in _BOUNDARY or j in self.weak_start else 0


def _tokens(sentence: str) -> list[tuple[int, int, str]]:
    """jieba's words of a sentence as (start, end, part of speech)."""
    out, pos = [], 0
    # Without the HMM for unknown words: 8x faster, the context rules find what it would add
    # (bench/names_eval.py: recall 0.955 with it, 0.930 without, on the sample).
    for word, flag in _tagger().cut(sentence, HMM=False):
        out.append((pos, pos + len(word), flag))
        pos += len(word)
    return out


@lru_cache(maxsize=16384)
def _names_in_sentence(text: str) -> tuple[tuple[int, int], ...]:  # noqa: C901
    """The names in one sentence (cached per sentence: a new version of a minutes text costs
    only its changed sentences)."""
    tokens = _tokens(text)
    tagged = {(s, e) for s, e, f in tokens if f.startswith("nr")}
    tagged_at = {p for s, e in tagged for p in range(s, e)}
    inside_word = {
        p for s, e, f in tokens if e - s > 1 and not f.startswith("nr") for p in range(s + 1, e)
    }
    freq, tags = _tagger().dt.FREQ, _tagger().dt.word_tag_tab
    ctx = _Context(text)
    out: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        s = _surname_at(text, i)
        left = ctx.left(i) if s else 0
        role_before = left == 2 and text[i - 1] != "、"
        if not s or (i in inside_word and not role_before) or i in ctx.in_role:
            i += 1
            continue
        best = None
        for size in (s + 2, s + 1):
            end = i + size
            if end > n:
                continue
            name, given = text[i:end], text[i + s : end]
            if not all(_HAN.match(c) for c in given) or given[-1] in _NOT_GIVEN:
                continue
            if size == s + 2 and given[0] in _NOT_GIVEN:
                continue
            if end < n and text[end] in _PLACE_AFTER and not role_before:
                continue
            right = ctx.right(end)
            tag = 2 if (i, end) in tagged else (1 if i in tagged_at or end - 1 in tagged_at else 0)
            # A role before and the tagger's word stand for a cue after; a full name the
            # tagger knows as one (张建国) needs only one side to be a boundary.
            known_full = tag == 2 and size == s + 2
            if not ((left and right) or (left == 2 and tag) or (known_full and (left or right))):
                continue
            common = freq.get(name, 0) >= _COMMON or (
                name in tags and not tags[name].startswith("nr")
            )
            if common and not (
                (role_before and right == 2)
                or (
                    tags.get(name, "").startswith("nr")
                    and "、" in (text[i - 1 : i], text[end : end + 1])
                )
            ):
                continue  # 强调, 文明, 黄河: only a title and a cue make them a name
            if (
                s == 1
                and size == 3
                and tag < 2
                and right < 2
                and freq.get(text[i : i + 2], 0) >= _COMMON
            ):
                continue  # 解释工作: the surname and the next character form a common word
            score = left + right + tag
            if score >= 3 and (best is None or score > best[1]):
                best = (end, score)
        if best:
            out.append((i, best[0]))
            i = best[0]
        else:
            i += 1
    return tuple(out)


@lru_cache(maxsize=2048)
def suspected_names(text: str) -> tuple[NameSpan, ...]:
    """Spans of text that look like a person's full name (surname + one or two characters)."""
    if not text or not _HAN.search(text):
        return ()
    out = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        if not any(c in SURNAMES for c in sentence):
            continue
        for start, end in _names_in_sentence(sentence):
            out.append(NameSpan(m.start() + start, m.start() + end, sentence[start:end]))
    return tuple(out)
