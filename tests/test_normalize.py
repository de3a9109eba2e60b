"""Normalize: artefacts repaired, furniture dropped, every character traceable to the raw."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import OpenccMode
from pipeline.furniture import LineKind, classify_lines, furniture_reason
from pipeline.normalize import normalize_document, normalize_fragment, normalize_line
from pipeline.textmap import MappedText


def norm(text: str, mode: OpenccMode = OpenccMode.T2S) -> str:
    return normalize_line(MappedText.from_raw(text), mode).text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("發(fā)現(xiàn)各類問題372個(gè)", "发现各类问题372个"),
        ("巡察党组织(zǔ zhī)56个", "巡察党组织56个"),
        ("推动解决(jiě jué)问题", "推动解决问题"),
        ("問題(wen ti)线索", "问题线索"),  # toneless but valid pinyin syllables
        ("巡察456個黨組織", "巡察456个党组织"),
        ("１２３个ＡＢＣ％", "123个ABC%"),
        ("『兩個維護』「政治體檢」", "“两个维护”“政治体检”"),
        ("  市委   巡察办\u3000\u3000工作  ", "市委 巡察办 工作"),
        ("å·¡å¯Ÿ工作", "巡察工作"),
        # a character lost to `?` with its pinyin left behind: one garbled character, no question mark
        ("省屬?lài)?guó)有企業", "省属\ufffd\ufffd有企业"),
        # a stray letter between two such pairs goes with the second
        ("開展領域?qū)m?xiàng)巡視", "开展领域\ufffd\ufffd巡视"),
        # negative: a letter and a question mark in prose stay
        ("附件(2)b?是否整改", "附件(2)b?是否整改"),
    ],
)
def test_normalize_repairs_web_artefacts(raw: str, expected: str) -> None:
    assert norm(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "10个县(市、区)委巡察1975个党组织",
        "对103个村(社区)开展巡察",
        "65个乡镇(街道)",
        "巡察(含专项巡察)3轮",
        "运用大数据平台(BI)分析",
        "《条例》(试行)",
    ],
)
def test_normalize_keeps_legitimate_parentheses(kept: str) -> None:
    assert norm(kept) == kept


@pytest.mark.parametrize(
    ("raw", "garbled"),
    [("巡察\ufffd\ufffd工作", 2), ("巡察?作发现问题", 1), ("巡察？？作", 2), ("巡察工作", 0), ("What? 巡察", 0)],
)
def test_normalize_flags_garbled_spans(raw: str, garbled: int) -> None:
    assert norm(raw).count("\ufffd") == garbled


@pytest.mark.parametrize(
    ("mode", "raw", "expected"),
    [
        (OpenccMode.T2S, "巡察幹部發現問題", "巡察干部发现问题"),
        (OpenccMode.TW2S, "臺灣的巡察幹部著手整改", "台湾的巡察干部着手整改"),
        (OpenccMode.HK2S, "巡察幹部發現問題", "巡察干部发现问题"),
    ],
)
def test_normalize_opencc_mode_is_a_setting(mode: OpenccMode, raw: str, expected: str) -> None:
    assert norm(raw, mode) == expected


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("您当前的位置 : 东北网 > 绥化新闻网 > 本地新闻 > 要闻", "breadcrumb"),
        ("首页 > 工作动态 > 巡察工作", "breadcrumb"),
        ("来源:绥化日报 2026-02-03 字体:", "source_line"),
        ("2022年06月14日16:09 | 来源:人民网-黑龙江频道", "source_line"),
        ("(责编:王思迪、李忠双)", "editor_line"),
        ("编辑:韩敏", "editor_line"),
        ("小字号", "page_control"),
        ("【打印】【关闭】", "page_control"),
        ("返回顶部", "page_control"),
        ("分享让更多人看到", "page_control"),
        ("版权所有 © 某某新闻网 京ICP备12345678号", "copyright"),
        ("国内要闻 省内要闻 本地要闻 精彩点击 专题新闻 通知公告", "navigation"),
        ("网友评论 文明上网 理性发言", "comment_board"),
        ("---此处隐藏4391字,下载后查看---", "truncation"),
        ("— 3 —", "page_mark"),
        ("内部资料 注意保存", "page_mark"),
        ("内部资料 注意保管", "page_mark"),
        ("石岭县融媒体中心 2025-11-27 15:40 记者 彭雪 通讯员 石纪宣", "source_line"),
        ("上传者:匿名 下载次数:1,208 字数:2,316 评分:4.8", "document_site"),
        ("【下载全文】 【收藏】 【举报】", "page_control"),
        ("【列印】【关闭】", "page_control"),
        ("点击上方蓝字 关注我们", "page_control"),
        ("5 下载券 还剩5页未读,继续阅读", "document_site"),
        ("相关推荐:2025年县委巡察工作总结范文(精选5篇)", "document_site"),
        ("点个“在看”,分享给更多人", "page_control"),
        ("东泽理工大学新闻网 | 首页 | 东理要闻 | 综合新闻 | 媒体东理", "navigation"),
        ("磐溪新闻网 繁体版 | 简体版", "masthead"),
        ("岱阳新闻网 - 岱阳日报社主办", "masthead"),
        ("某某廉政网 手机版", "masthead"),
        ("微信图片_20250301101010.jpg", "image"),
        ("<image>data:image/png;base64,AAAA</image>", "image"),
        ("2025年3月1日,巡察组在青崖县召开动员会。新华社记者 王某某 摄", "image"),
        ("县委第二巡察组在石岭镇柳湾村走访群众了解情况", "image"),
        ("巡察组干部到澜山乡东坪村实地查看,了解水渠修缮进展。", "image"),
        ("• 信息索引号:", "open_info"),
        ("发布机构:青崖县委巡察办", "open_info"),
        ("标签:巡察;整改", "open_info"),
        ("点击数:", "open_info"),
        ("听新闻", "page_control"),
        ("展开频道 收起频道", "page_control"),
        ("打开某某新闻 查看精彩图片", "page_control"),
        ("您访问的链接即将离开“青崖县人民政府”门户网站,是否继续?", "page_control"),
        ("【诚征会员】支持我们继续报道,每年只需一份订阅费。", "page_control"),
        ("某某通讯社「快讯」 app", "page_control"),
        ("第02版:要闻", "page_mark"),
        ("《 岱阳日报 》( 2025年04月21日 03 版)", "page_mark"),
        ("进驻情况见第二版", "page_mark"),
        ("【清风播报】20250419", "page_mark"),
        ("2025-12-04", "page_mark"),
        ("新闻中心 > 地方", "page_mark"),
        ("字体【 信息来源: 县融媒体中心", "source_line"),
        ("本网站之文字、图片,非经授权,不得转载。", "copyright"),
        ("3.本站管理人员有权保留或删除其管辖留言中的任意内容", "comment_board"),
        ("5.参与本评论即表明您已经阅读并接受上述条款", "comment_board"),
        ("新闻热线:0000-12345678 投稿邮箱:news@example.cn", "page_control"),
        ("日期:03-12", "source_line"),
        ("供稿:党委巡察办;作者:某某;编审:某某", "editor_line"),
        ("3 k( Q7 P2 E! ~* L+ }, v4 _. d8", "noise"),
        ("5 J0 l1 Y; Z C; V", "noise"),
        ("?", "noise"),
        ("@ME:", "noise"),
        ("总共: 1页", "page_mark"),
        ("第B03版:要闻", "page_mark"),
        ("扫描二维码访问某某网移动版", "page_control"),
        ("看岱阳新闻,关注岱阳在线微信", "page_control"),
        ('——访澜山县委巡察办主任"/>', "page_control"),
        ("公告正文", "page_control"),
        ("项目编号-", "open_info"),
        ("图为巡察组召开小组会,部署下一阶段工作。", "image"),
    ],
)
def test_normalize_recognizes_furniture_line(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        "2025年,市委巡察机构坚持以习近平新时代中国特色社会主义思想为指导,先后开展五届市委第七、八轮巡察。",
        "坚守政治定位 “政治体检”更加精准",
        "问:请你介绍一下《规划》出台的背景和意义?",
        "向市委提交专题报告2份,有针对性地剖析成因、提出建议、服务决策。",
        "一、2025年巡察工作开展情况",
        "巡察来源于党章的授权,编辑巡察手册是规范化建设的一环。",
        "市纪委监委网站开设巡察专栏,由市委巡察办主办。",
        "2025年12月4日",
        "深入田间地头走访调研",
        "巡察组深入田间地头走访群众120户,发现问题23个,已督促整改18个。",
        "巡察组在石岭镇走访时发现,部分村集体资金管理不规范,群众反映强烈。",
        "各巡察组通过设立意见箱、公布举报电话等方式广泛听取意见,关键词是“实”。",
        "十二届县委第三轮巡察完成对12个单位的进驻,详见下文。",
        "巡察期间设立值班电话:0000-1234567,邮政信箱:青崖县A001号信箱。",
        "记者:巡察发现问题后,如何确保整改到位?",
        "记者从县委巡察办获悉,第三轮巡察已完成进驻。",
        "Inspection teams will stay for two months in the units.",
        "(1)",
        "欢迎广大群众关注并监督本轮巡察,来信请寄县委巡察办。",
        "日期和地点另行通知,各单位要做好准备。",
        "全县共有贫困村129个,图为其中之一的说法并不准确。",
    ],
)
def test_normalize_keeps_body_line(body: str) -> None:
    assert furniture_reason(body) is None


def test_normalize_drops_related_article_list_with_numbers() -> None:
    lines = [
        "巡察整改取得实效",
        "全市发现问题120个,已整改115个。",
        "相关新闻",
        "• 我市召开巡察工作会议 2025-03-01",
        "• 某县巡察发现问题52个 2025-02-11",
        "返回顶部",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[1] is LineKind.BODY
    assert all(k is LineKind.FURNITURE for k in kinds[2:])


def test_normalize_open_information_value_goes_with_its_label() -> None:
    lines = ["青崖县巡察整改情况通报", "• 发布机构:", "青崖县文旅局", "• 成文日期:", "2025-05-04", "全县发现问题12个。"]
    kinds, _ = classify_lines(lines)
    assert kinds[1:5] == [LineKind.FURNITURE] * 4
    assert kinds[5] is LineKind.BODY


def test_normalize_title_repeated_in_body_is_dropped_but_signature_kept() -> None:
    lines = ["巡察整改进展顺利", "全县发现问题12个。", "巡察整改进展顺利", "全县还将开展回访。", "回访后形成报告。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.FURNITURE
    letter = ["中共澜山县委巡察办", "全县发现问题12个。", "全县还将开展回访。", "中共澜山县委巡察办", "2025年9月12日"]
    kinds, _ = classify_lines(letter)
    assert kinds[3] is LineKind.BODY


def test_normalize_lone_token_is_dropped_but_table_cells_stay() -> None:
    lines = [
        "全县巡察整改工作取得明显成效,群众满意度提升。",
        "1",
        "全县发现问题12个,已整改10个。",
        "单位",
        "问题数",
        "市直单位",
        "12",
        "回访后形成报告。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[1] is LineKind.FURNITURE
    assert kinds[6] is LineKind.BODY


def test_normalize_label_value_on_next_line_and_late_author_credit_are_dropped() -> None:
    lines = ["巡察整改进展顺利", "全县发现问题12个,已整改10个。", "来源:", "澜山在线", "责任编辑:", "周某", "作者:吴某"]
    kinds, _ = classify_lines(lines)
    assert kinds[2:] == [LineKind.FURNITURE] * 5
    # the label's next line is body when it is a sentence; a header byline stays a byline
    kinds, _ = classify_lines(["巡察整改进展顺利", "作者:吴某", "来源:", "全县发现问题12个,已整改10个。"])
    assert kinds[1] is LineKind.BYLINE
    assert kinds[3] is LineKind.BODY


def test_normalize_byline_taken_for_title_is_kept_where_it_repeats() -> None:
    lines = ["□本刊记者 周某 吴某", "巡察整改进展顺利", "□本刊记者 周某 吴某", "全县发现问题12个,已整改10个。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is not LineKind.FURNITURE
    lines = ["巡察整改进展顺利", "全县发现问题12个。", "巡察整改进展顺利", "全县还将开展回访。", "回访后形成报告。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.FURNITURE


def test_normalize_dated_meeting_caption_is_dropped_after_the_body_starts() -> None:
    lines = [
        "青崖区委第五轮巡察全面启动",
        "日前,青崖区委第五轮巡察全面启动,3个巡察组进驻石岭镇等地。",
        "3月12日,区委第一巡察组巡察石岭镇所辖村(社区)党组织工作动员会",
        "3月12日,区委第一巡察组召开动员会,部署对石岭镇的巡察。",
        "巡察期间设值班电话。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.FURNITURE
    assert kinds[3] is LineKind.BODY
    # before any body sentence (a title) it stays
    kinds, _ = classify_lines(["3月12日,青崖区委第五轮巡察动员部署会", "区委第五轮巡察全面启动。"])
    assert kinds[0] is LineKind.TITLE


def test_normalize_zero_padded_section_number_stays() -> None:
    lines = ["全县巡察整改工作取得明显成效,群众满意度提升。", "02", "全县发现问题12个,已整改10个。"]
    kinds, _ = classify_lines(lines)
    assert kinds[1] is LineKind.BODY


def test_normalize_section_tag_above_title_is_dropped() -> None:
    kinds, meta = classify_lines(["巡察动态", "强化整改督导 压实主体责任", "全县发现问题12个。"])
    assert kinds[0] is LineKind.FURNITURE
    assert meta.title == "强化整改督导 压实主体责任"
    kinds, meta = classify_lines(["工作总结", "一、2025年巡察工作情况", "全县发现问题12个。"])
    assert kinds[0] is LineKind.TITLE


def test_normalize_takes_page_metadata() -> None:
    raw = (
        "国内 省内 本地 专题 通知 视频\n\n深化政治巡察 推动整改落实\n\n来源:某某日报 2026-02-03 字体:\n\n"
        "王英华\n\n  2025年,市委巡察机构发现问题56个。\n\n编辑:韩敏\n"
    )
    doc = normalize_document(raw, "text", OpenccMode.T2S)
    assert doc.meta.title == "深化政治巡察 推动整改落实"
    assert doc.meta.published == "2026-02-03"
    assert doc.meta.outlet == "某某日报"
    assert doc.meta.author == "王英华"
    assert doc.text.text.splitlines() == ["深化政治巡察 推动整改落实", "王英华", "2025年,市委巡察机构发现问题56个。"]


def test_normalize_truncation_marker_sets_flag_and_never_reaches_text() -> None:
    raw = "2025年巡察工作开展情况\n发现问题56个。\n---此处隐藏4391字,下载后查看---\n2026年将继续深化巡察。\n"
    doc = normalize_document(raw, "text", OpenccMode.T2S)
    assert "truncated" in doc.flags
    assert "隐藏" not in doc.text.text


def test_normalize_garbled_text_lowers_quality() -> None:
    clean = normalize_document("市委巡察组发现问题56个,移交问题线索12条。\n", "text", OpenccMode.T2S)
    garbled = normalize_document("市委巡察组发现问\ufffd\ufffd56个,移交?题线索12条。\n", "text", OpenccMode.T2S)
    assert clean.quality == 1.0
    assert garbled.quality < 0.9
    assert "garbled_chars:3" in garbled.flags


def test_normalize_html_keeps_article_and_offsets() -> None:
    raw = (
        "<html><head><title>巡察工作综述_某某网</title></head><body>"
        "<div class='nav'><a>首页</a> <a>要闻</a> <a>专题</a> <a>视频</a></div>"
        "<div class='article'><h1>巡察工作综述</h1>"
        "<p>2025年,市委巡察组对12家单位开展常规巡察,发现问题86个&ldquo;立行立改&rdquo;31个。</p>"
        "<p>市委巡察办推动建立健全制度机制15项,向市委提交专题报告2份,持续深化巡察成果运用。</p></div>"
        "<div class='footer'>版权所有 某某网 京ICP备000001号</div></body></html>"
    )
    doc = normalize_document(raw, "html", OpenccMode.T2S)
    assert "发现问题86个“立行立改”31个" in doc.text.text
    assert "ICP" not in doc.text.text
    at = doc.text.text.index("发现问题")
    a, b = doc.text.raw_span(at, at + 4)
    assert raw[a:b] == "发现问题"


@pytest.mark.parametrize(
    "paragraph",
    [
        # Full-width brackets become ASCII in our lines; the article paragraph must still be recognized.
        "市委统筹7个县（市、区）巡察力量，对14个乡镇和163个村（社区）开展巡察。",
        # A traditional-script page: our lines are simplified, trafilatura's are not.
        "市委巡察組對12個村（社區）黨組織開展巡察，發現問題56個。",
        # Full-width digits.
        "全年开展巡察３轮，覆盖单位２４个，发现问题８６个，移交问题线索１２条。",
    ],
)
def test_normalize_html_keeps_article_paragraphs_whatever_their_script_or_width(paragraph: str) -> None:
    raw = (
        "<html><head><title>巡察综述</title></head><body><div class='nav'><a>首页</a> <a>要闻</a></div>"
        f"<div class='article'><h1>巡察综述</h1><p>2025年，市委巡察工作取得新成效，各项任务全面完成。</p>"
        f"<p>{paragraph}</p><p>下一步，将持续深化政治巡察，推动巡察工作高质量发展。</p></div>"
        "<div class='footer'>版权所有 某某网</div></body></html>"
    )
    doc = normalize_document(raw, "html", OpenccMode.T2S)
    kept = doc.text.text.splitlines()
    assert normalize_line(MappedText.from_raw(paragraph), OpenccMode.T2S).text in kept
    assert "版权所有" not in doc.text.text


HAN = st.sampled_from(list("巡察组发现问题党组织村社区乡镇街道線索發現問題個黨組織"))
PIECES = st.one_of(
    HAN,
    st.sampled_from(
        ["(fā)", "(xiàn)", "(社区)", "１２", "『", "』", "\ufffd", "?", "  ", "\u3000", "372", "(市、区)", "å·¡å¯Ÿ"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(PIECES, min_size=1, max_size=25).map("".join), min_size=1, max_size=6))
def test_normalize_every_line_maps_back_to_raw(lines: list[str]) -> None:
    raw = "\n".join(lines)
    doc = normalize_document(raw, "text", OpenccMode.T2S)
    for a, b in _line_spans(doc.text.text):
        raw_start, raw_end = doc.text.raw_span(a, b)
        assert normalize_fragment(raw[raw_start:raw_end], "text", OpenccMode.T2S) == doc.text.text[a:b]


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def test_normalize_failure_on_one_document_does_not_stop_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    import pipeline.normalize as normalize_module

    real = normalize_module.normalize_document

    def fragile(raw: str, fmt: str, mode: OpenccMode) -> normalize_module.NormalizedDocument:
        if "坏" in raw:
            raise ValueError("simulated parser bug")
        return real(raw, fmt, mode)

    monkeypatch.setattr(normalize_module, "normalize_document", fragile)
    raw = pd.DataFrame(
        [
            {"doc_id": "a", "source": "a.txt", "format": "text", "raw_text": "发现问题56个。", "error": None},
            {"doc_id": "b", "source": "b.txt", "format": "text", "raw_text": "坏文件", "error": None},
        ]
    )
    docs, _ = normalize_module.normalize(raw, OpenccMode.T2S)
    assert list(docs.doc_id) == ["a", "b"]
    failed = docs.set_index("doc_id").loc["b"]
    assert failed.quality == 0.0 and failed.text == "" and list(failed["flags"]) == ["normalize_failed:ValueError"]


# --- furniture classes of real-dev round 3 (invented lines, invented places) ---------------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("- 信息来源:青崖县卫生健康局", "source_line"),
        ("- 发布日期:2025-09-24 08:02", "source_line"),
        ("- 浏览次数:", "open_info"),
        ("2024-03-18 澜山观察网", "source_line"),
        ("青崖巡视组联系方式 驻青崖巡视组联系电话", "contact"),
        ("|  信息无障碍", "page_control"),
        ("合作单位:岱阳新闻网", "copyright"),
        ("国内统一刊号:CN00-0000 岱阳日报社出版", "copyright"),
        ("【摘要】", "page_control"),
    ],
)
def test_normalize_recognizes_furniture_line_of_real_pages(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        # a source line that runs on into the report's first sentence is body
        "来源:澜山在线 发布时间:2018-03-01 08:17:05 字号:【大】【中】【小】3月1日上午,省委第四轮巡视动员部署会召开。",
        # a numbered section about how to reach the team
        "三、反映问题联系方式",
        "巡察组联系电话:0000-1234567",
        # a date with a whole sentence after it
        "2024-03-18 市委巡察组进驻石岭镇",
    ],
)
def test_normalize_keeps_body_line_of_real_pages(body: str) -> None:
    assert furniture_reason(body) is None


def test_normalize_masthead_rows_at_the_page_head_are_dropped() -> None:
    lines = [
        "岱阳日报 岱阳晚报 小岱同学",
        "岱阳头条 掌中岱阳",
        "岱阳研究院 岱阳图片社 岱阳?媒体联盟",
        "演播厅 会议室",
        "巡察整改 持续发力",
        "3月2日,市委第五轮巡察完成进驻。",
    ]
    kinds, meta = classify_lines(lines)
    assert kinds[:4] == [LineKind.FURNITURE] * 4
    assert meta.title == "巡察整改 持续发力"
    # a title and its byline are two rows of names at most
    kinds, _ = classify_lines(["巡察整改 持续发力", "记者 周某 吴某", "3月2日,市委第五轮巡察完成进驻。"])
    assert kinds[:2] == [LineKind.TITLE, LineKind.BYLINE]


def test_normalize_page_head_date_original_title_and_column_tag_are_dropped() -> None:
    lines = [
        "巡察整改 持续发力",
        "日期:03-12",
        "巡察",
        "原标题:市委巡察整改工作持续发力",
        "来源:岱阳纪检监察网",
        "2020年08月04日",
        "3月2日,市委第五轮巡察完成进驻。",
        "2020年08月04日",
    ]
    kinds, meta = classify_lines(lines)
    assert kinds[1:6] == [LineKind.FURNITURE] * 5
    assert meta.published == "2020-08-04"
    # a letter's date at the end, and the original title as the first line, stay
    assert kinds[7] is LineKind.BODY
    kinds, meta = classify_lines(["原标题:市委巡察整改工作持续发力", "3月2日,市委第五轮巡察完成进驻。"])
    assert kinds[0] is LineKind.TITLE
    # a short title right after a date line, with the body after it, stays
    kinds, meta = classify_lines(["日期:03-12", "巡察整改持续发力", "3月2日,市委第五轮巡察完成进驻。"])
    assert kinds[1] is LineKind.TITLE


def test_normalize_undated_captions_after_the_body_are_dropped() -> None:
    lines = [
        "学院巡察工作启动",
        "5月8日,设计学院召开巡察动员会,巡察组进驻。",
        "设计学院召开巡察动员会",
        "会议现场",
        "召开巡察进驻动员会",
        "巡察期间设值班电话。",
        "地址:岱阳市梅山路18号 邮箱:webmaster@example.cn",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2:4] == [LineKind.FURNITURE] * 2
    assert kinds[4] is LineKind.BODY  # no one named as holding it: a heading of the report
    assert kinds[6] is LineKind.FURNITURE
    # before the body starts a meeting's name is the title
    kinds, _ = classify_lines(["设计学院召开巡察动员会", "5月8日,巡察组进驻设计学院。"])
    assert kinds[0] is LineKind.TITLE


def test_normalize_own_heading_repeating_the_title_above_its_sections_stays() -> None:
    lines = ["巡察工作总结", "今年以来,巡察工作稳步推进。", "巡察工作总结", "一、主要工作", "发现问题12个。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.BODY
    lines = ["巡察工作总结", "今年以来,巡察工作稳步推进。", "巡察工作总结", "发现问题12个。", "回访后形成报告。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.FURNITURE


def test_normalize_source_line_kept_for_its_sentence_still_dates_the_page() -> None:
    lines = [
        "省委巡视工作启动",
        "来源:澜山在线 发布时间:2018-03-01 08:17:05 字号:【大】【中】【小】3月1日上午,省委第四轮巡视动员部署会召开。",
        "会议宣布了本轮巡视任务分工。",
    ]
    kinds, meta = classify_lines(lines)
    assert kinds[1] is LineKind.BODY
    assert meta.published == "2018-03-01"


@pytest.mark.parametrize(
    ("lines", "published"),
    [
        (["date 2025-11-28 据通讯社报道,中央政治局审议巡视综合报告。", "会议指出,巡视是重要制度。"], "2025-11-28"),
        (["澜山财经 2023-04-10 13:50:16 记者 报导 中央巡视组进驻5家金融企业。"], "2023-04-10"),
        (["巡视组进驻金融机构", "09/04/2024", "中央巡视组进驻5家金融机构。"], "2024-04-09"),
        (["巡视组进驻金融机构", "04/29/2024", "中央巡视组进驻5家金融机构。"], "2024-04-29"),
        # with dots and a clock time; negative: a version number is no date
        (["巡视组进驻金融机构", "13.09.2015  12:17", "中央巡视五组进驻5家金融机构。"], "2015-09-13"),
        (["巡视组进驻金融机构", "1.2.2015", "中央巡视五组进驻5家金融机构。"], "2015-02-01"),
        (["巡视组进驻金融机构", "13/09.2015", "中央巡视五组进驻5家金融机构。"], None),
        # an event's date in prose is no page stamp
        (["2017年12月29日下午,区委巡察工作领导小组召开动员会。"], None),
    ],
)
def test_normalize_page_stamp_in_a_body_line_dates_the_page(lines: list[str], published: str | None) -> None:
    _, meta = classify_lines(lines)
    assert meta.published == published


def test_normalize_title_cut_short_at_its_comma_is_dropped() -> None:
    lines = [
        "【聚焦】新一轮巡视开锣,各组进驻",
        "中央巡视组近日进驻12家单位。",
        "巡视期间设值班电话。",
        "【聚焦】新一轮巡视开锣",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[3] is LineKind.FURNITURE
    # a line that only begins like the title, not cut at a comma, stays
    lines = ["新一轮巡视开锣各组进驻", "中央巡视组近日进驻12家单位。", "新一轮巡视开锣各组", "巡视期间设值班电话。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.BODY


# --- furniture classes of real-dev round 4 (invented lines, invented places and names) ------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("一审:周某某 吴某", "editor_line"),
        ("三审:郑某某", "editor_line"),
        ("(审稿:吴某某)", "editor_line"),
        ("(责任编辑 周某)", "editor_line"),
        ("编辑 吴某某", "editor_line"),
        ("责编|周某某", "editor_line"),
        ("来源|澜山新闻客户端 记者:吴某", "source_line"),
        ("作者:周某 来源:澜山网", "source_line"),
        ("原文刊登于 《澜山观察》2026年第3期", "source_line"),
        ("澜山在线 2019年03月11日", "source_line"),
        ("2019/03/11/ 10:25 来源:澜山日报 记者周某", "source_line"),
        ("请输入验证码", "page_control"),
        ("欢迎加入澜山观察网!", "page_control"),
        ("(查看完整内容,您需要先登录)", "page_control"),
        ("点击进入下一页", "page_control"),
        ("页:", "page_control"),
        ("[1]", "page_control"),
        ("1. 更多", "page_control"),
        ("更多", "page_control"),
        ("声明", "page_control"),
        ("ad7_300*250", "page_control"),
        ('<iframe id="x" src="http://example.cn/a.htm">', "page_control"),
        ("- 微信", "page_control"),
        ("- QQ空间", "page_control"),
        ("】 【打 印】", "page_control"),
        ("浏览: 208", "open_info"),
        ("点击数量:", "open_info"),
        ("信息摘要:", "open_info"),
        ("首页——正文 分享", "breadcrumb"),
        ("观察 要闻 正文", "breadcrumb"),
        ("声明:本文转自澜山网,版权归原作者所有,转载请注明来源。", "copyright"),
        ("3.凡本站原创稿件,请转载时注明出处", "copyright"),
        ("资料图。图片来自澜山网", "image"),
        ("江岸新城高楼林立。周某某 摄", "image"),
        ("市委巡察动员会召开。图为会议现场。(澜山社)", "image"),
        ("巡察组进驻石岭镇,图为现场。澜山网 周某 摄  巡察组进驻石岭镇,图为现场。澜山网 周某 摄", "image"),
    ],
)
def test_normalize_recognizes_furniture_line_of_round4_pages(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        # a heading marked with arrows, not a path
        ">>信访受理范围",
        # a title set with spaces
        "巡 察 公 告",
        # a table row written with bars
        "组 别 | 县委第一巡察组 | 县委第二巡察组 |",
        "值班电话 | 0000-1234567 (工作日8:00-18:00) | 0000-7654321 (工作日8:00-18:00) |",
        # the report's own sentence that credits its picture
        "县委第二巡察组:巡察石岭镇、青崖镇、澜山镇。(图片来源:澜山县纪委微信号)",
        # the same words twice, but as a sentence of the report
        "编辑部的意见",
        "会议要求转载文件时按规定报批,注明密级。",
        "对更多问题线索进行了核查。",
    ],
)
def test_normalize_keeps_body_line_of_round4_pages(body: str) -> None:
    assert furniture_reason(body) is None


def test_normalize_lines_after_the_closing_credits_are_site_menus() -> None:
    lines = [
        "巡察整改 持续发力",
        "3月2日,市委第五轮巡察完成进驻。",
        "巡察期间设值班电话。",
        "来源:澜山融媒体中心",
        "澜山新闻",
        "直播视频",
        "下载APP",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[3:] == [LineKind.FURNITURE] * 4
    # without credits, short lines at the end (a signature) stay
    lines = ["巡察工作总结", "今年以来,巡察工作稳步推进。", "县委巡察办", "2025年1月5日"]
    kinds, _ = classify_lines(lines)
    assert kinds[2:] == [LineKind.BODY] * 2


def test_normalize_author_credit_beside_the_source_line_is_dropped() -> None:
    lines = ["巡察整改持续发力", "来源:澜山集团总部", "作者:周某", "日期:2022-03-22", "3月2日,巡察组进驻。"]
    kinds, _ = classify_lines(lines)
    assert kinds[1:4] == [LineKind.FURNITURE] * 3
    # an author credit without a source or date line beside it stays a byline
    kinds, _ = classify_lines(["巡察整改持续发力", "作者:周某", "3月2日,巡察组进驻。"])
    assert kinds[1] is LineKind.BYLINE


def test_normalize_picture_text_twice_and_cut_abstract_are_dropped() -> None:
    lines = [
        "巡察整改持续发力",
        "3月2日,市委第五轮巡察完成进驻,各组公布了联系方式。",
        "新一轮巡察开启",
        "新一轮巡察开启",
        "巡察期间设值班电话。",
        "经市委批准,市委第五轮巡察将对市教育局、市卫健委...",
        "经市委批准,市委第五轮巡察将对市教育局、市卫健委等12家单位开展常规巡察。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2:4] == [LineKind.FURNITURE] * 2
    assert kinds[5] is LineKind.FURNITURE
    assert kinds[6] is LineKind.BODY
    # a title set twice before the body starts stays
    kinds, _ = classify_lines(["巡察整改持续发力", "巡察整改持续发力", "3月2日,市委第五轮巡察完成进驻。"])
    assert kinds[1] is not LineKind.FURNITURE


def test_normalize_section_number_above_its_heading_stays() -> None:
    lines = ["全县巡察整改工作取得明显成效,群众满意度提升。", "1", "突出政治巡察定位", "全县发现问题12个,已整改10个。"]
    kinds, _ = classify_lines(lines)
    assert kinds[1] is LineKind.BODY
    # a stray number between two sentences is still dropped
    lines = ["全县巡察整改工作取得明显成效,群众满意度提升。", "1", "全县发现问题12个,已整改10个。"]
    kinds, _ = classify_lines(lines)
    assert kinds[1] is LineKind.FURNITURE


def test_normalize_a_run_of_field_work_captions_is_dropped() -> None:
    lines = [
        "巡察整改持续发力",
        "7月中旬,市委巡察组进驻各区开展专项巡察。",
        "组织老党员召开座谈会听取意见",
        "冒着高温到农户家中核实情况",
        "实地调研合作社发展情况",
        "截至目前,巡察组已走访20个村,发现问题15条。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2:5] == [LineKind.FURNITURE] * 3
    assert kinds[5] is LineKind.BODY
    # headings of the report in a row (no field work named, or numbered) stay
    lines = [
        "巡察整改持续发力",
        "7月中旬,市委巡察组进驻各区开展专项巡察。",
        "压实整改主体责任",
        "健全长效机制建设",
        "强化成果运用转化",
        "截至目前,巡察组已走访20个村,发现问题15条。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2:5] == [LineKind.BODY] * 3


@pytest.mark.parametrize(
    ("url", "published"),
    [
        ("http://news.example.cn/system/2016/07/11/000100234.shtml", "2016-07-11"),
        ("http://example.cn/html/2021-03/16/content_10023.html", "2021-03-16"),
        ("http://m.example.cn/city/20220302/1000231.html", "2022-03-02"),
        ("http://example.cn/gate/big5/news/201506/t20150624_1.htm", "2015-06-24"),
        ("http://example.cn/2019/0412/100233_1.shtml", "2019-04-12"),
        ("https://example.cn/c/2020/10/26/100554.shtml", "2020-10-26"),
        ("http://example.cn/html/201902/21/10021.html", "2019-02-21"),
        # a month alone dates the page to its month (an id after the month is no day)
        ("https://m.example.cn/china/202112/31-7700123.html", "2021-12"),
        ("https://example.cn/dangke/2022/11/11872.html", "2022-11"),
        ("https://example.cn/htmlnews/2017/6/100551.shtm", "2017-06"),
        # a year folder with a channel's month and day after it (round 8 preparation)
        ("http://example.cn/html/2017/xunshi_0812/10010.html", "2017-08-12"),
        ("http://example.cn/html/2025/bj_xc_1031/10010.html", "2025-10-31"),
        # a year alone as a whole folder dates the page to its year (round 8 preparation)
        ("http://example.cn/html/2018/news_12/10010.html", "2018"),
        ("http://example.cn/html/2018/news_1399/10010.html", "2018"),
        ("https://example.cn/xwzx/2025/", "2025"),
        # no date: a year inside a longer folder or file name, digits of the host, nothing
        ("http://example.cn/html/a2018/10010.html", None),
        ("http://example.cn/html/2018abc/10010.html", None),
        ("http://example.cn/news/2018.html", None),
        ("http://example.cn/html/12018/10010.html", None),
        ("http://10.20.100.15/static/page.php?id=79.html", None),
        ("http://20160711.example.cn/news.html", None),
        (None, None),
    ],
)
def test_normalize_date_from_the_page_address(url: str | None, published: str | None) -> None:
    from pipeline.normalize import published_from_url

    assert published_from_url(url) == published


def test_normalize_page_address_dates_a_page_without_a_date_line() -> None:
    import pandas as pd

    from pipeline.normalize import normalize

    raw = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "source": ["a.txt", "b.txt"],
            "format": ["txt", "txt"],
            "raw_text": [
                "巡察整改持续发力\n3月2日,市委第五轮巡察完成进驻。",
                "巡察整改\n来源:澜山网 2019-05-06\n巡察组进驻。",
            ],
            "error": [None, None],
            "source_url": ["http://example.cn/2016/07/11/1.html", "http://example.cn/2016/07/11/2.html"],
        }
    )
    docs, _ = normalize(raw, OpenccMode.T2S)
    # the address stands in for a page with no date; a page's own date wins
    assert docs.published.tolist() == ["2016-07-11", "2019-05-06"]
    docs, _ = normalize(raw.drop(columns=["source_url"]), OpenccMode.T2S)
    assert docs.published.isna().tolist() == [True, False]


def test_normalize_original_title_in_the_source_block_above_the_title_is_dropped() -> None:
    lines = ["原标题:巡察整改持续发力", "来源:澜山纪检监察网", "巡察整改持续发力", "3月2日,市委第五轮巡察完成进驻。"]
    kinds, meta = classify_lines(lines)
    assert kinds[0] is LineKind.FURNITURE
    assert meta.title == "巡察整改持续发力"
    # the original title as the first line, followed by a subtitle and no source block, stays
    lines = ["原标题:巡察整改持续发力", "将对22个县开展常规巡视", "3月2日,市委第五轮巡察完成进驻。"]
    kinds, _ = classify_lines(lines)
    assert kinds[0] is not LineKind.FURNITURE


# --- furniture classes of real-dev round 5 (invented lines, invented places and names) ------------------------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # site chrome: accessibility and elder editions, login, eye-care colours, the date widget, home links
        ("关怀版 长者模式 登录", "page_control"),
        ("联系我们 | 网站地图 | 返回首页", "page_control"),
        ("手机站 | 客户端", "page_control"),
        ("—分享—", "page_control"),
        ("● 阅读下一篇", "page_control"),
        ("查看上一篇", "page_control"),
        ("护眼模式:", "page_control"),
        ("澜山在线 今天是", "page_control"),
        ("您好!今天是", "page_control"),
        ("返回澜山网首页返回专题首页", "page_control"),
        ("加载更多", "page_control"),
        ("人气 307", "page_control"),
        ("澜山社青崖分社正文", "page_control"),
        ("2024年05月06日要闻", "page_control"),
        ("澜山县巡察工作综述_澜山新闻网", "page_control"),
        ("欢迎来到澜山机械(青崖)展销会", "page_control"),
        # who runs the site
        ("中共澜山县委 澜山县人民政府主管 中共澜山县委宣传部主办", "copyright"),
        ("澜山县融媒体中心承办", "copyright"),
        # picture credits in brackets, a credits block
        ("巡察组在石岭村回访整改情况。(周某某 摄)", "image"),
        ("巡察工作会议召开。(澜山网 周某 摄)", "image"),
        ("周某某在会上发言(视频截图)", "image"),
        ("(资料图片)", "image"),
        ("两位官员出席会议。(Getty Images)", "image"),
        ("[文:周某/ 图:吴某某/ 审核:郑某]", "image"),
        # a business's contact fields
        ("全国统一免费咨询电话", "contact"),
        ("Q Q:10000001", "contact"),
        ("E-mail:service@example.cn", "contact"),
        ("传真:+86-000-0000", "contact"),
        # stray marks
        ('?"', "noise"),
    ],
)
def test_normalize_recognizes_furniture_line_of_round5_pages(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        # an inspection team's own contact lines are body
        "举报电话:0000-1234567",
        "电子邮箱:xcb@example.cn",
        # a sentence naming who organised a meeting, a column heading inside the report
        "本次培训由县委巡察办主办,县委组织部承办。",
        "巡察整改工作动态",
        # a photographer's credit inside a sentence, a sentence citing the agency in the middle
        "会议要求,巡察组要摄取第一手资料(不含照片)。",
        "据新华社报道,巡察组发现问题12个。",
        # the page's date line with a time of day, a title naming the inspected body
        "2024年05月06日上午",
        "澜山县委巡察组进驻石岭镇",
        "今天是巡察组进驻的第十天,已发现问题8个。",
    ],
)
def test_normalize_keeps_body_line_of_round5_pages(body: str) -> None:
    assert furniture_reason(body) is None


def test_normalize_round5_context_rules() -> None:
    # a business's contact block: the bare numbers and fields beside it go with it
    lines = [
        "巡察整改持续发力",
        "全国统一免费咨询电话",
        "400-000-0000",
        "手机:100-0000-0000",
        "地址:澜山县某路1号",
        "3月2日,县委巡察组进驻石岭镇。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[1:5] == [LineKind.FURNITURE] * 4
    assert kinds[5] is LineKind.BODY
    # without such a field, an inspection notice's contact lines stay
    lines = ["巡察公告", "3月2日,县委巡察组进驻石岭镇。", "电话:0000-1234567", "地址:澜山县某路1号"]
    kinds, _ = classify_lines(lines)
    assert kinds[2:4] == [LineKind.BODY] * 2


def test_normalize_round5_lists_and_tails() -> None:
    # a list of headlines under a comments heading, each over its time stamp
    lines = [
        "巡察整改持续发力",
        "3月2日,县委巡察组进驻石岭镇,发现问题12个。",
        "新闻评论",
        "路灯亮了,村民笑了",
        "2024-03-02 08:15:00",
        "巡察回头看,问题清零了吗?",
        "2024-03-01 10:00:00",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2:] == [LineKind.FURNITURE] * 5
    # an English list heading; it ends at the page's title set again below it
    lines = [
        "Top 10 articles",
        "Lanshan county opens a new bridge, traffic eased",
        "石岭镇开展巡察",
        "石岭镇开展巡察",
        "3月2日,县委巡察组进驻石岭镇。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[:2] == [LineKind.FURNITURE] * 2
    assert kinds[2] is not LineKind.FURNITURE and kinds[3] is not LineKind.FURNITURE
    # after the reporter's closing name, short link lines are the site's; the name stays
    lines = ["巡察整改持续发力", "3月2日,县委巡察组进驻石岭镇。", "记者 周某某", "青崖镇巡察打通监督最后一米", "澜山"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.BODY
    assert kinds[3:] == [LineKind.FURNITURE] * 2
    # without a closing credit, short lines at the end stay (a signature)
    lines = ["巡察工作总结", "3月2日,县委巡察组进驻石岭镇。", "县委巡察办", "2025年1月5日"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.BODY
    # a channel's name under the site's chrome, before the title
    lines = ["手机站 | 客户端", "澜山要闻", "县委巡察组进驻石岭镇", "3月2日,县委巡察组进驻石岭镇。"]
    kinds, _ = classify_lines(lines)
    assert kinds[:2] == [LineKind.FURNITURE] * 2
    assert kinds[2] is LineKind.TITLE


def test_normalize_headline_set_again_above_the_first_sentence_stays() -> None:
    lines = ["石岭镇开展巡察", "发布时间:2024-03-02", "石岭镇开展巡察", "3月2日,县委巡察组进驻石岭镇。"]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is not LineKind.FURNITURE
    # the headline again after the report has started is a share card
    lines = [
        "石岭镇开展巡察",
        "3月2日,县委巡察组进驻石岭镇。",
        "石岭镇开展巡察",
        "巡察组发现问题12个。",
        "整改已完成。",
        "完。",
    ]
    kinds, _ = classify_lines(lines)
    assert kinds[2] is LineKind.FURNITURE


@pytest.mark.parametrize(
    "raw",
    [
        # a real question mark before a bracketed aside, and Latin words in brackets, stay
        "发现问题12个?(见附件)",
        "是否整改?(abc)",
    ],
)
def test_normalize_keeps_question_marks_that_are_no_lost_character(raw: str) -> None:
    assert "?" in norm(raw)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # a comment board's labels and counters
        ("评论一下", "comment_board"),
        ("评论 0人参与,0条评论", "comment_board"),
        ("还没有评论,快来抢沙发吧!", "comment_board"),
        ("已有3人发表了评论", "comment_board"),
        # a channel's reprint notice
        ("本文为澜山频道原创文章,转载请附上原文出处链接和本声明。", "copyright"),
        # a photo caption in brackets
        ("(图为2023年4月2日石岭镇巡察动员会)", "image"),
        # reading counters, markup left as text, list items cut off before a bar, an empty original-title label
        ("2 阅读:517", "page_control"),
        ('<cite id="x1"></cite><track id="x1"></track>', "page_control"),
        ("县委召开常委会议研究部署... |", "page_control"),
        ("石岭镇开展巡察整改回头看 | |", "page_control"),
        ("原标题:", "page_control"),
        # an e-paper's edition switches and pointers; a printed page's running head
        ("通版阅读请点击:", "page_mark"),
        ("收缩通版", "page_mark"),
        ("当前版:05版", "page_mark"),
        ("00012版:今日澜山", "page_mark"),
        ("(上接第一版②)", "page_mark"),
        ("Page 12 - 学习资料汇编", "page_mark"),
        ("P. 12", "page_mark"),
        # a lone arrow; a path from the home page set with spaces; an e-paper's editions in one long row
        (">", "noise"),
        ("首页 国内新闻 某某市委第六轮巡察启动 将对以上单位开展巡察", "breadcrumb"),
        (
            "0001版: 封面 0002版: 封二 01版: 卷首 02版: 目录 03版: 公益 04版: 目录 05版: 要闻 06版: 要闻 07版: 综合",
            "navigation",
        ),
    ],
)
def test_normalize_recognizes_furniture_line_of_round6_pages(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        # a body line that opens with the pointer to the page before
        "(上接第一版②)已立案6件,处理处分3人,形成有力震慑。",
        # comments and reading in the report's own words
        "巡察组对群众评论中反映的问题逐一核实。",
        "组织党员阅读:《党章》等篇目。",
        # a heading numbered once
        "石岭镇巡察工作纪实(1)",
        # a heading that opens with 首页 but is no path
        "首页建设工作 取得成效",
    ],
)
def test_normalize_keeps_body_line_of_round6_pages(body: str) -> None:
    assert furniture_reason(body) is None


def test_normalize_gallery_caption_numbered_over_each_picture_is_dropped() -> None:
    lines = [
        "石岭镇 巡察 把利剑磨得更亮",
        "石岭镇 巡察 把利剑磨得更亮(1)",
        "3月2日,县委巡察组进驻石岭镇,开展为期一个月的常规巡察。",
        "石岭镇 巡察 把利剑磨得更亮(2)",
        "巡察组发现问题12个,已整改10个。",
        "第一部分(1)",
    ]
    kinds, _ = classify_lines(lines)
    assert [kinds[i] is LineKind.FURNITURE for i in (1, 3)] == [True, True]
    assert kinds[2] is not LineKind.FURNITURE and kinds[5] is not LineKind.FURNITURE


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # skip links, back links, loading banners, in-app share prompts, an app-only notice
        ("跳至主要内容 跳至导航", "page_control"),
        ("返回上一级", "page_control"),
        ("Loading……", "page_control"),
        ("点击右上角分享给微信好友", "page_control"),
        ("请使用浏览器的分享功能", "page_control"),
        ("本文暂不支持网页浏览,请通过《澜山日报》客户端查看。", "page_control"),
        # an English menu label after a channel, a publication-version label, a counter before the date
        ("工作动态Navigation", "page_control"),
        ("(社会公开稿)", "page_control"),
        ("(公开稿)", "page_control"),
        ("本期看点", "page_control"),
        ("4821 2019-03-05", "page_control"),
        # an open-information header's lone index number and its title row
        ("001122334455667788/2023-00042", "page_control"),
        ("• 标     题: 石岭县委巡察三轮情况通报", "open_info"),
        # home-page and bookmark links; an outlet's reprint note and accessibility statement
        ("设为首页 收藏本站", "page_control"),
        ("凡本网注明“来源:某某”的稿件,系转载,不代表本网观点。", "copyright"),
        ("本站采用无障碍网站设计,有疑问请联络我们。", "copyright"),
        # a tip box's lines: its heading, its fax with a country code, its mobile site, its SMS line
        ("爆料方法 :", "page_control"),
        ("传 真: (852) 1234 5678", "contact"),
        ("手机网站: m.example.cc", "contact"),
        ("SMS: (852) 1234 0000", "contact"),
        # a photographer's name alone; a long caption that says 图为 and ends with its credit
        ("林小雨摄", "image"),
        ("王 明摄", "image"),
        (
            "澜山县持续推进巡察整改,下力气破解看病贵,群众满意度不断提升。图为近日,澜山县人民医院的工作人员为"
            "患者核对药品价格。李明 摄",
            "image",
        ),
        # a field-work caption with a quoted term
        ("石岭县委巡察一组在清河镇某村核实“三资”情况", "image"),
    ],
)
def test_normalize_recognizes_furniture_line_of_round7_pages(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        # the report's own words: a notice titled as one, a rule not to share, a body line on the client app
        "巡察公告",
        "巡察组要求各单位不得分享内部材料。",
        "县委巡察办开发了巡察客户端,便于群众来信。",
        # a long paragraph that names a picture but credits no photographer
        "澜山县持续推进巡察整改,下力气破解看病贵,群众满意度不断提升。宣传栏里的图为群众展示了整改前后的对比,"
        "县里还将整改情况在政务网站公开,接受群众监督。",
        # a title with a year range and a number, a heading ending in 摄 as part of a word
        "2024-00019号文件",
        "强化统摄",
        "现场拍摄",
    ],
)
def test_normalize_keeps_body_line_of_round7_pages(body: str) -> None:
    assert furniture_reason(body) is None


def test_normalize_page_boxes_of_round7_pages_are_dropped() -> None:
    # a caption above its photographer's lone credit
    lines = ["县巡察组干部在某单位翻阅台账。", "林小雨摄", "全县共巡察12个单位,发现问题30个。"]
    kinds, _ = classify_lines(lines)
    assert [k is LineKind.FURNITURE for k in kinds] == [True, True, False]
    # a box heading above an app-only notice after the last sentence; a tip box's slogan
    lines = ["全县共巡察12个单位,发现问题30个。", "温馨提示", "本文暂不支持网页浏览,请通过《澜山日报》客户端查看。"]
    kinds, _ = classify_lines(lines)
    assert [k is LineKind.FURNITURE for k in kinds] == [False, True, True]
    lines = [
        "全县共巡察12个单位,发现问题30个。",
        "人人当记者",
        "爆料方法 :",
        "爆料热线: 1234 5678",
        "澜山日报 读者首选",
    ]
    kinds, _ = classify_lines(lines)
    assert [k is LineKind.FURNITURE for k in kinds] == [False, True, True, True, True]
    # negative: a short heading above a report's own line stays
    lines = ["全县共巡察12个单位,发现问题30个。", "下一步", "巡察组将继续督促整改。"]
    kinds, _ = classify_lines(lines)
    assert kinds[1] is not LineKind.FURNITURE


def test_normalize_open_information_header_of_round7_pages_is_dropped() -> None:
    lines = [
        "001122334455667788/2024-00019",
        "石岭县交通局党组巡察整改进展通报",
        "石岭县交通局",
        "2024-01-18",
        "主动公开",
        "朗读",
        "按县委安排,2023年7月至9月,澜山二组对县交通局实施了巡察。",
    ]
    kinds, _ = classify_lines(lines)
    assert [k is LineKind.FURNITURE for k in kinds] == [True, False, True, True, True, True, False]
    # a channel's name above the report's first sentence; negative: a notice's own title above its text
    kinds, _ = classify_lines(["公示公告", "按县委安排,澜山二组对县交通局实施了巡察。"])
    assert kinds[0] is LineKind.FURNITURE
    kinds, _ = classify_lines(["巡察公告", "按县委安排,澜山二组对县交通局实施了巡察。"])
    assert kinds[0] is not LineKind.FURNITURE


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # a source line labelled 本文来源
        ("本文来源: 某某新闻", "source_line"),
        # English article links, close-the-tip and like prompts, a share prompt cut short
        ("Next Article", "page_control"),
        ("Previous Post", "page_control"),
        ("点击关闭提示", "page_control"),
        ("觉得好看就按个赞吧!!", "page_control"),
        ("扫一", "page_control"),
        # a site name followed only by home-page, bookmark or login links; a welcome to log in
        ("某某在线总站 | 设为首页 | 加入收藏", "page_control"),
        ("某某社区      注册", "page_control"),
        ("欢迎您登录某某纪检监察网!", "page_control"),
        # a discipline commission's masthead with both its names
        ("中共某某省纪律检查委员会 某某省监察委员会", "page_control"),
        # open-information header fields set with spaces, with or without a colon
        ("索 引 号 001122334/2025-00018 发布机构 某某局 公开日期 2024-12-10", "open_info"),
        ("文  号 某某委[2024]12号 分  类 公共文化", "open_info"),
        ("- 索 引 号:1234567890123/2023-00364", "open_info"),
        ("- 成文时间:2023年11月23日", "open_info"),
        ("- 效力状态:有效", "open_info"),
        # a long line of newsroom contacts, with its submission QQ group
        (
            "编辑:某某新闻热线:0000-1234567 广告:1234567 E-mail:news@example.cn 传真:1234567 举报电话:1234567",
            "page_control",
        ),
        ("某某新闻网投稿QQ群:12345678", "page_control"),
    ],
)
def test_normalize_recognizes_furniture_line_of_round_8_pages(line: str, reason: str) -> None:
    assert furniture_reason(line) == reason


@pytest.mark.parametrize(
    "body",
    [
        # the report's own words: a source named in a sentence, a welcome, a signature with one name, a rule on numbers
        "本文来源于巡察组在三个乡镇的调研,数据截至10月底。",
        "欢迎您对巡察工作提出意见建议。",
        "中共某某县纪律检查委员会",
        "规范文号管理,健全公文制度3项",
        "扫一遍台账,逐项销号",
        "下一步,县委巡察办将加强培训。",
        # a heading that names registration as work, not as a link
        "某某社区开展流动党员登记注册",
    ],
)
def test_normalize_keeps_body_line_of_round_8_pages(body: str) -> None:
    assert furniture_reason(body) is None
