"""Page furniture: which lines of a saved web page are not part of the report.

Rules run on normalized (simplified, width-folded) line text, so one pattern covers
traditional and full-width variants. This is the one file where a kind of furniture
line is recognized; `classify_lines` also picks out the title, subtitle and byline,
which stay in the text and are copied to the document's metadata.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise


class LineKind(enum.StrEnum):
    BLANK = "blank"
    FURNITURE = "furniture"
    TRUNCATION = "truncation"
    TITLE = "title"
    SUBTITLE = "subtitle"
    BYLINE = "byline"
    BODY = "body"


KEPT_KINDS = frozenset({LineKind.TITLE, LineKind.SUBTITLE, LineKind.BYLINE, LineKind.BODY})

SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?、]")
DATE = re.compile(r"(20\d{2}|19\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")

TRUNCATION = re.compile(r"此处(已)?隐藏\s*\d+\s*字|下载后查看|(剩余|余下)\s*\d+\s*字.{0,6}(阅读|查看)")
BREADCRUMB = re.compile(
    r"(您?(当前|现在)?的?(所在)?位置\s*[:：>]|^\s*首页\s*([>›»/]|[—\-]{1,2}\s*\S)|>>|»|›"
    # a path of channels ending in the article (观察 要闻 正文)
    r"|^([\u4e00-\u9fff]{1,6}\s+){1,4}正文$"
    # a path set with spaces from the home page to a channel, then the headline (首页 国内新闻 某某巡察启动)
    r"|^首页\s+[\u4e00-\u9fff]{2,6}(新闻|要闻|动态|频道|资讯|工作)\s+\S)"
)
# `>>` before a short heading marks a section of the report (>>信访受理范围), not a path.
ARROW_HEADING = re.compile(r"^>>\s*(?!更多|返回|详细|查看)[\u4e00-\u9fff“”]{2,16}$")
ANGLE_PATH = re.compile(r"\S\s+>\s+\S.*\s>\s")
# `来源:` lines, often with a date, font controls and view counts on the same line.
SOURCE_LINE = re.compile(
    r"^[-•·\s]*[\[【(]?\s*(来源|稿源|信息来源|文章来源|本文来源|发布来源|发布时间|发布日期|时间|日期)\s*[:：]"
    r"|^[-•·\s]*来源\s*[|｜]\s*\S"
    # a credit line naming the author and the source together (作者:某某 来源:某某网)
    r"|^(作者|记者)\s*[:：]\s*\S{1,12}\s+来源\s*[:：]"
    # where a reprint first appeared (原文刊登于《某某》2026年第1期)
    r"|^[-•·\s]*(原文|本文)?(刊登|刊发|刊载|原载|发表)于\s*《"
    r"|(字体|字号).{0,20}来源\s*[:：]"
    r"|(来源|发布时间)\s*[:：].{0,40}(字体|字号|浏览|点击|阅读|\d{1,2}:\d{2}|\d{4}-\d{1,2}-\d{1,2})"
    r"|^\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?\s*\d{0,2}:?\d{0,2}\s*[|｜]?\s*来源"
)
EDITOR_LINE = re.compile(
    r"^[\[【(（]?\s*(责任编辑|责编|编辑|审核|审校|校对|监制|签发|初审|复审|终审|一审|二审|三审|审稿|值班编辑|本期编辑|网络编辑|"
    r"供稿|编审)\s*([:：|｜]|\s+[\u4e00-\u9fff·]{2,4}(\s+[\u4e00-\u9fff·]{2,4})*\s*[)）\]】]?\s*$)"
)
# A date, then an outlet's name: 2020-12-21 某某网.
DATE_OUTLET = re.compile(
    r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+[^\s，,。；;]{1,10}(网|报|在线|新闻|客户端|融媒|电视台|频道)$"
    # the outlet first, then the date (某某在线 2019年02月21日)
    r"|^[^\s，,。；;]{1,10}(网|报|在线|新闻|客户端|融媒|电视台|频道)\s+\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}日?$"
)
# A source line that runs on into the report's first sentence (来源:某某 发布时间:… 字号:【大】2月27日上午,…召开。)
# is body: the sentence is part of the report.
SENTENCE_END = re.compile(r"[。；！？]")
# A box of contact links at the page head: 某某巡视组联系方式 某某巡视组联系电话 (not a numbered section heading).
CONTACT_HEADER = re.compile(r"^(\S{0,20}(联系方式|联系电话|举报电话)\s+)+\S{0,20}(联系方式|联系电话|举报电话)$")
# A site's contact footer: 地址:… 邮箱:… (used in classify_lines, in the last lines of the page).
CONTACT_FOOTER = re.compile(r"^(地址|联系地址|通讯地址)\s*[:：].{2,60}(邮箱|电话|邮编|传真)\s*[:：]")
# A short photo caption: 会议现场, 活动合影 (used in classify_lines, after the body has started).
SHORT_CAPTION = re.compile(r"^[^，,。；;:：\d\s]{0,6}(现场|合影|剪影|掠影)$")
# A photo caption naming a meeting without its date, after the body has started: 某学院召开巡察动员会.
UNDATED_MEETING_CAPTION = re.compile(
    r"^[^。；;！？!?，,:：\d]{2,30}(召开|举行)[^。；;！？!?，,]{0,20}(动员会|部署会|反馈会|座谈会|推进会|见面会)$"
)
# The original title of a repost, below the page's own title.
ORIGINAL_TITLE = re.compile(r"^原标题\s*[:：]")
# A page stamp opening a line: an ISO date (prose writes 2025年11月28日), perhaps after a label.
PAGE_STAMP = re.compile(r"^\s*(date|日期|时间)?\s*[:：]?\s*\d{4}-\d{1,2}-\d{1,2}(?!\d)", re.IGNORECASE)
# A page date written day/month/year on its own line: 09/04/2024.
# (also with dots and a clock time: 13.09.2015 12:17)
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(?P<year>(?:19|20)\d\d)(\s+\d{1,2}:\d{2})?$")
# A date on its own line: 2020年08月04日 (a dateline in the page head; a letter's date at its end is body).
LONE_CN_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
# A photo caption naming a dated meeting, with no sentence end (used in classify_lines).
MEETING_CAPTION = re.compile(
    r"^\d{1,2}月\d{1,2}日[,，]?[^。；;！？!?，,]{6,40}(动员会|部署会|反馈会|座谈会|推进会|见面会|会议)$"
)
# A line after the body has started that only credits its author (作者:某某; 撰稿:某某).
AUTHOR_CREDIT = re.compile(r"^(作者|撰稿|供稿)\s*[:：]\s*\S{1,20}$")
UI_WORDS = (
    r"字体|字号|大字号|中字号|小字号|打印|打印本页|打印文章|列印|关闭|关闭窗口|收藏|收藏本页|分享|分享到|下载全文|下载|举报|"
    r"分享让更多人看到|返回顶部|返回首页|回到顶部|扫一扫|微信扫一扫|扫码|手机看|我要纠错|纠错|上一篇|下一篇|"
    r"听新闻|朗读|展开|收起|展开频道|收起频道|信息无障碍|无障碍|大|中|小|默认|【|】|\[|\]|\||/|[:：]|\s|"
    # share targets listed one a line (- 微信, - QQ空间)
    r"微信|微博|新浪微博|腾讯微博|QQ空间|QQ好友|QQ|朋友圈|豆瓣|人人网|-|—|•|"
    # edition switches and site links set as a row (无障碍版 长者助手 登录; 关于我们 | 网站声明; 手机站 | 客户端)
    r"无障碍版|长者助手|长者模式|关怀版|适老版|登录|注册|手机站|手机版|客户端|关于我们|网站声明|免责声明|网站地图|联系我们|"
    # home-page and bookmark links (设为首页 收藏本站)
    r"设为首页|加入收藏|收藏本站"
)
UI_LINE = re.compile(rf"^(?:{UI_WORDS})+$")
UI_PHRASE = re.compile(
    r"^(【?(打印|关闭|返回顶部|分享|扫一扫|上一篇|下一篇)|.{0,12}(分享到|扫一扫|在手机上阅读|手机扫码))"
    # a link to the neighbouring article behind a bullet (♦ 阅读下一篇)
    r"|^[^\u4e00-\u9fff\w]{0,3}\s*(阅读|查看)?(上一篇|下一篇)\s*$"
)
COPYRIGHT = re.compile(
    r"©|版权所有|copyright|ICP\s*[备证]|公网安备|网站标识码|主办单位|承办单位|合作单位|协办单位|(国内)?统一刊号|技术支持\s*[:：]|联系我们|网站地图|"
    r"建议使用.{0,20}浏览器|分辨率|(未经|非经).{0,10}(授权|许可).{0,10}(转载|复制)|违法和不良信息举报|"
    # reprint disclaimers (版权归原作者所有, 转载请注明来源, 如有侵权请联系删除)
    r"版权归.{0,6}(作者|所有)|转载(时)?(请|务必)?.{0,4}注明|(请|如需)转载|侵权.{0,12}(联系|删除)|本站遵循|"
    r"转载请附上.{0,8}(出处|链接)|^本文(为|系).{0,12}原创(文章|稿件)|"
    # an outlet's note on what it reprints (凡本网注明来源为他处的作品…不代表本网观点); its accessibility statement
    r"凡本(网|站)注明|转载自其[他它]媒体|不代表本(网|站)(赞同|观点|立场)|无障碍(网页|网站)设计|联络我们|"
    # who runs the site (某某市委 某某市政府主管 某某宣传部主办; 某某融媒体中心承办)
    r"^([^\s，。,；;]{2,20}\s+){0,2}[^\s，。,；;]{2,20}(主管|主办)\s+[^\s，。,；;]{2,20}(主办|承办)$|"
    r"^[^\s，。,；;]{2,20}(中心|宣传部|报社|传媒|集团|电视台|网)(主办|承办|主管)$",
    re.IGNORECASE,
)
# Printed documents: page numbers (— 1 —, 第2页), classification marks (内部资料 注意保存).
PAGE_MARK = re.compile(
    r"^\s*([—–\-]+\s*\d+\s*[—–\-]+|第\s*\d+\s*页(\s*共\s*\d+\s*页)?|总?共\s*[:：]?\s*\d+\s*页|内部资料\s*(注意保存|注意保密|注意保管)?|注意保存)\s*$"
)
# An outlet's dateline with a clock time: 石岭县融媒体中心 2025-11-27 15:40 记者 …
DATELINE = re.compile(r"\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}[日/]?\s*\d{1,2}:\d{2}")
# WeChat public-account articles open and close with calls to follow and share.
WECHAT = re.compile(
    r"^[(（]完[)）]$|更多精彩内容|点击上方.{0,4}(蓝字|关注)|关注我们$|点个.?在看|分享给更多人|长按(识别)?二维码|阅读原文|设为星标"
)
# Document-sharing sites wrap reports in their own banners.
DOC_SITE = re.compile(
    r"下载文档|下载券|还剩\s*\d+\s*页未读|继续阅读|^(相关推荐|相关阅读|推荐阅读)[:：]|上传者|下载次数|字数\s*[:：]\s*[\d,]+|评分\s*[:：]|本文为.{0,6}(范文|模板)|请根据本单位实际|本文档共\s*\d+\s*页|下载积分|文档下载后|如有侵权|\d+\s*上传\b|上传时间|文档格式|点击下载|免费下载"
)
COMMENT_BOARD = re.compile(
    r"网友评论|发表评论|我要评论|评论须知|文明上网|理性发言|已有\d+人(参与|评论)|登录后(才能)?评论|"
    r"请遵守.{0,12}(法律|法规|管理规定)|所有评论仅代表网友意见|网友.{0,6}留言|"
    # the numbered rules of a comment board, each on its own line
    r"(本站|本网)(管理人员)?有权|上述条款|直接或间接导致的民事或刑事法律责任|评论.{0,6}(仅代表|不代表)|已(经)?阅读并接受|"
    # the board's own labels and counters (评论一下; 0人参与,0条评论; 快来抢沙发; 已有0人发表了评论)
    r"^(评论一下|最热评论|最新评论|热门评论|全部评论|精彩评论)\s*$|\d+\s*人参与\s*[,，]?\s*\d+\s*条评论|抢沙发|"
    r"已有\s*\d+\s*人发表(了)?评论"
)
RELATED_HEADING = re.compile(
    r"^[【\[]?\s*(相关新闻|相关阅读|相关文章|相关链接|相关报道|推荐阅读|推荐视频|热点推荐|延伸阅读|往期回顾|"
    r"热门文章|热门推荐|精彩推荐|新闻推荐|猜你喜欢|图片新闻|最新新闻|最新文章|更多新闻|专题推荐|相关范文|推荐范文|相关文档|热门范文|"
    r"推荐内容|相关内容|热门内容|新闻评论|热帖|热词|图集|加载更多)\s*[】\]]?\s*[:：]?\s*(更多\s*>*)?$"
    # the same lists headed in English (Top 10 articles, Most read, Related news)
    r"|^(reading number is )?top \d+ (articles|pictures|news|videos|downloads)$"
    r"|^(most (read|viewed|popular)|related (articles|news|stories))$"
    r"|^download software ranking$",
    re.IGNORECASE,
)
# A sentence's punctuation in a list item (an English headline's comma is not).
LIST_PUNCT = re.compile(r"[，。；！？、]|[,;!?]\s*[\u4e00-\u9fff]")
# A lone time stamp under a linked headline in a list (2018-03-02 08:58:39).
STAMP_LINE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?$")
LIST_ITEM = re.compile(r"^([•·▪■●◆◇○□▶►\-*]|\d{1,2}[.、])\s*\S")
TRAILING_STAMP = re.compile(r"(\d{1,2}:\d{2}|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2})\s*$")
SITE_NAME = re.compile(
    r"^[^\s:：]{1,12}(网|网站|新闻网|在线|频道|门户|门户网站|日报|晚报|报社|客户端|融媒体中心|融媒|传媒|电视台|广播电视台)\s*©?$"
)
# A site's masthead: its name, then edition switches or who runs it (某某新闻网 繁体版 | 简体版; 某某网 - 某报社主办).
MASTHEAD = re.compile(
    r"^[^\s:：|]{1,12}(网|网站|新闻网|门户网站|客户端)"
    r"(\s*[|｜/\-—·]?\s*(繁体版|简体版|繁體版|簡體版|手机版|移动版|无障碍|长者模式|English|登录|注册|设为首页|加入收藏|\S{2,14}主办))+\s*$"
)
AUTHOR_PREFIX = re.compile(r"^(作者|撰稿|文|记者|通讯员|本报记者|见习记者|特约记者)\s*[:：/]?\s*")
PERSON_NAMES = re.compile(r"^[\u4e00-\u9fff·]{2,4}(\s+[\u4e00-\u9fff·]{2,4}){0,3}$")
# Pictures left as text: file names, inline image markup, captions that credit a photographer.
IMAGE_LINE = re.compile(
    r"^\S{0,60}\.(jpe?g|png|gif|bmp|webp)\s*$|^<image>|^!\[[^\]]*\]\(|data:image/|^图片\s*$",
    re.IGNORECASE,
)
# A photographer's name alone on its line (某某摄): the line before it is the picture's caption.
LONE_PHOTO_CREDIT = re.compile(r"^[\u4e00-\u9fff](\s?[\u4e00-\u9fff]){1,3}(?<![拍统兼收])\s*摄$")
PHOTO_CREDIT = re.compile(
    r"(记者|通讯员|摄影|图)\s*[\u4e00-\u9fff]{2,4}(\s*[、,]?\s*[\u4e00-\u9fff]{2,4})*\s*摄[)）]?\s*$"
    r"|(供图|图片来源)\s*[:：]?\s*\S{0,20}$"
    # a photographer's name and 摄 after a caption (…高楼林立。某某 摄); a picture from an archive or agency
    r"|[。.]\s*[\u4e00-\u9fff]{2,4}\s+摄\s*$|^资料图(片)?[。.]|图片来自\S{0,12}$|。\s*图为"
    rf"|{LONE_PHOTO_CREDIT.pattern}"
)
# A caption closing on its credit in brackets: (某某网 某某 摄), (视频截图), (资料图片), an agency's name.
BRACKET_CREDIT = re.compile(
    r"[(（][^()（）]{0,30}[\u4e00-\u9fff]{2,4}\s*摄[)）]\s*$|[(（](视频截图|视频截屏|资料图片?|网络图片|图片)[)）]\s*$"
    r"|[(（](Getty Images|AFP|Reuters|AP|EPA|视觉中国|IC photo)[)）]\s*$",
    re.IGNORECASE,
)
# A credits block in brackets: [文:某某/ 图:某某/ 审核:某某].
CREDIT_BLOCK = re.compile(r"^[\[【(（]\s*(文|图|文字|摄影)\s*[:：][^\]】)）]{1,40}(审核|编辑|图|摄影)\s*[:：]")
CONTACT_FIELD = re.compile(r"^(\+?\d[\d\-\s]{6,}\d|(手机|电话|地址|邮编|网址|传真)\s*[:：].{1,40})$")
# A commercial site's contact fields (免费咨询电话, QQ:, E-mail:, 传真:+86): no inspection office lists them so.
SITE_CONTACT = re.compile(
    r"^\S{0,8}(免费咨询电话|咨询热线|服务热线|客服电话|客服热线)\s*[:：]?\s*$|^Q\s?Q\s*[:：]\s*\d|^E[-_\s]?mail\s*[:：]"
    r"|^传\s*真\s*[:：]\s*(\+|[(（]\+?\d{2,4}[)）])|手机网站\s*[:：]|^[SM]MS\s*[:：]",
    re.IGNORECASE,
)
# A report's own sentence that ends by crediting its picture stays: …四个镇。(图片来源:某某微信号)
CREDITED_SENTENCE = re.compile(r"^[^。]{16,}。\s*[(（](图片来源|供图)\s*[:：]")
# A photo caption: one short clause, people "at/to a place" doing a visit or a check, no full stop inside.
PHOTO_CAPTION = re.compile(
    r"^(?!.*(发现|问题\d|\d))[^,，。；;:：“”]{0,16}(组|人员|干部|同志|组长|书记|成员)[^,，。；;:：“”]{0,6}(在|到|深入)[^,，。；;:：“”]{2,30}"
    r"(走访|夜访|暗访|核实|了解|查看|察看|调研|检查|座谈|访谈|入户|宣讲)[^,，。；;]{0,24}([,，][^,，。；;“”]{2,24})?。?$"
)
# Open-government-information header fields (索引号, 发布机构, 成文日期, 公开方式 …) and page labels
# (关键词, 标签, 点击数); the value may follow on the next line.
OPEN_INFO_LABEL = re.compile(
    r"^[-•·\s]*(信息)?(索\s*引\s*号|文件名称|发布机构|成文日期|发文日期|公开方式|公开范围|主题分类|体裁分类|组配分类|发文字号|文号|"
    r"发布日期|生效日期|有效性|公开时限|所属机构|信息分类|关键词|关键字|标签|点击数|点击数量|点击量|点击|浏览|阅读数|浏览次数|浏览量|"
    r"阅读量|访问量|信息摘要|标\s*题|成文时间|发文时间|效力状态|时效说明|文\s+号)\s*[:：]"
    # the same fields set with spaces and no colon (索 引 号 0143…/2025-00018 发布机构 …; 文  号 某委[2024]38号 分  类)
    r"|^[-•·\s]*(索\s*引\s*号\s+[0-9A-Z]{6,}|文\s*号\s+\S{2,20}\s+分\s*类)"
    # a procurement notice's template fields, left empty (项目编号-, 预算金额-)
    r"|^(项目编号|预算金额|招标联系人|标书截止时间|投标截止时间|开标时间)\s*[:：\-]"
)
# Page chrome in words: read-aloud and expand buttons, app prompts, counters, edition marks, privacy banners.
PAGE_CHROME = re.compile(
    r"^(听新闻|朗读|语音播报|展开|收起|展开频道|收起频道|展开全文|收起全文|全文|阅读全文|查看全文|查看原文|"
    r"一周热门|热门排行|排行榜|免费发布信息|\[全文\]|【全文】|【摘要】|【导读】)\s*$"
    r"|部分内容阅读$|打开.{1,8}(客户端|新闻|app|APP|App).{0,8}(查看|阅读)|即将离开.{0,30}(是否继续|网站)"
    r"|^\d+\s*浏览\s*评论\s*\d+\s*条?$|隐私(权)?(声明|政策|规范)|(app|App|APP)\s*(icon|下载|Icon)|\s(app|App|APP)$|\b(iOS|Android)\s*App"
    r"|扫描二维码|关注[^。，,；;]{0,12}(微信|公众号)$|^(公告摘要|公告正文)$|\"\s*/?>\s*$"
    r"|browser does not|こちら|-->|\.s?html?\s*\d*\s*\S*$|^(\d{1,3}\.){3}\d{1,3}$"
    # captcha and login prompts, a site's welcome, pagination, "more" links, a lone disclaimer heading
    r"|^请输入验证码|您需要先登录|请先登录|^欢迎您?(登录|加入|访问|来到|光临)\S{0,12}(网|网站|平台|客户端)[!！。]?$"
    r"|点击进入(下|上)一页|^(下一页|上一页|尾页)$|^(页|页码)\s*[:：]\s*(\[\d+\]\s*)*$|^(\[\d+\]\s*)+$"
    r"|^(\d{1,2}\.\s*)?更多\s*>*$|^(免责)?声明\s*[:：]?$"
    # ad slots and markup left as text (ad9_210*60, <iframe …>)
    r"|^[A-Za-z]{1,4}\d*_\d+\*\d+$|^<\s*(iframe|script|div|img|ins|embed|a\s)"
    # eye-care colour switches, the date widget (今天是 …), links back to a home page, load-more buttons,
    # a popularity counter without a colon (人气 1241)
    r"|^(视力保护色|护眼模式|背景颜?色)\s*[:：]?\s*$|(^|\s)今天是\s*$|^您好[!！,，]?\s*今天是"
    r"|^(返回\S{0,10}首页)+$|^(加载更多|查看更多|点击加载更多)\s*$|^(人气|热度|阅读|浏览|点击)\s*\d+\s*次?$"
    # a path ending at the article (某某社某某分社正文)
    r"|^[^\s，。,；;：:]{2,16}(社|网|频道|首页)\s*[>»]?\s*正文$"
    # the page's <title>: the headline, then the site after an underscore (某某标题_某某新闻网); a site's welcome
    r"|^[^。；]{4,80}_[\u4e00-\u9fff]{0,8}(网|资讯|频道|门户|在线)$|^欢迎(来到|访问|光临)[^，,；;]{2,40}$"
    # a reading counter (阅读:128, 1 阅读:128); markup alone (<cite id="x"></cite>); list items cut off before a bar
    # (某某讲话... |); an original-title label with nothing after it
    r"|^\d{0,3}\s*(阅读|浏览|点击)(量|数)?\s*[:：]\s*\d+\s*$|^(\s*</?[a-zA-Z]+(\s+[a-z\-]+=\"[^\"]*\")*\s*/?>)+\s*$"
    r"|(\.{3}|…)\s*[|｜]\s*$|[|｜]\s*[|｜]\s*$|^原标题\s*[:：]\s*$"
    # skip links, back links, loading banners, in-app share prompts, an app-only notice, an English menu label,
    # a publication-version label ((社会公开稿)), a counter before the page's date (6517 2016-04-29)
    r"|^(跳至|跳到|跳转至)(主要)?内容|^skip to (main )?content|^返回(上一级|上一页|上级|列表)\s*$"
    r"|^(Loading|加载中)\s*[.…。]*\s*$|点击右上角.{0,10}(分享|微信|朋友)|请使用浏览器(的)?分享功能"
    r"|请(通过|使用|下载|打开).{0,12}客户端.{0,8}(浏览|查看|阅读)|不允许直接(阅读|浏览)"
    r"|^\S{0,12}\s*Navigation$|^[(（](社会)?公开(稿|版)[)）]$|^(本期看点|本期导读)$"
    r"|^\d{1,7}\s+\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2})?$"
    # a lone index number of an open-information header (113300000000000000/2024-00019)
    r"|^[0-9A-Z]{6,}\s*/\s*\d{4}-\d{2,}$"
    # round 8: English article links, close-the-tip and like prompts, a truncated share prompt, a site name
    # followed only by home-page, bookmark or login links (某某在线 | 设为首页 | 加入收藏; 某某社区    注册)
    r"|^(Next|Previous|Prev)\s+(Article|Post|Page)\s*$|^点击关闭(提示|窗口)?\s*$|按个赞吧?[!！]*$|^扫一扫?$"
    r"|^[^\s|｜]{2,16}((\s*[|｜]\s*|\s{2,})(设为首页|加入收藏|收藏本站|登录|注册))+\s*$"
    # a discipline commission's site masthead: both of its names on one line (中共某省纪律检查委员会 某省监察委员会)
    r"|^中共\S{2,12}纪律检查委员会\s+\S{2,12}监察委员会$"
    # a date with a column name (2023年04月10日时政)
    r"|^\d{4}年\d{1,2}月\d{1,2}日\s*(时政|要闻|国内|国际|社会|财经|评论|专题|地方|新闻|综合)$"
)
# Printed-paper pointers: edition/page marks and "see page N" references.
EDITION_MARK = re.compile(
    r"^第\s*[A-Z]?[\d一二三四五六七八九十]+\s*版\s*[:：]|^《\s*\S{2,12}\s*》\s*[(（]\s*\d{4}年.{0,12}版\s*[)）]$"
    r"|^.{0,12}(见|详见)第[\d一二三四五六七八九十]+(版|页)$"
    # an e-paper's edition switches and pointers (通版阅读请点击; 当前版:05版; 00012版:今日某市; (上接第一版))
    r"|^(通版阅读请点击|展开通版|收缩通版)\s*[:：]?\s*$|^当前版\s*[:：]\s*\S{1,8}版\s*$|^\d{2,5}版\s*[:：]"
    r"|^[(（]\s*(上接|下转|转自|接上)第?\s*[\d一二三四五六七八九十]+\s*版[^()（）]{0,3}[)）]\s*$"
    # a printed page's running head (Page 66 - …, P. 66)
    r"|^(Page|P\.)\s*\d{1,4}\b(\s*[-–—]\s*\S.{0,30})?$"
)
# An e-paper's list of editions in one row (0001版: 封面 0002版: 封二 01版: 卷首 …), whatever its length.
EDITION_LIST = re.compile(r"^(\s*[A-Z]?\d{1,5}版\s*[:：]\s*\S{1,8}){3,}")
# A newspaper's tip-line and submission box (not an inspection team's petition phone, which is body).
TIP_LINE = re.compile(
    r"(新闻|报料|爆料|读者)热线|(投稿|报料|爆料)(邮箱|电话|方式|方法|QQ群)|欢迎(提供|爆料|报料)新闻线索|网上(爆料|报料)"
)
LONE_TOKEN = re.compile(r"^(?!0\d$)[A-Za-z0-9]{1,6}$")  # a zero-padded ordinal (02, 03) heads a section
# Scraper noise: no Chinese, runs of one- to three-character tokens strewn with symbols
# (8 b( Y4 O8 I! ~* K+); a line of nothing but stray marks (?, |, @ME:).
NOISE_TOKENS = re.compile(r"^(?!.*[\u4e00-\u9fff])(?=(?:.*[!-/:-@\[-`{-~]){2})\S{1,3}(\s+\S{1,3}){3,}\s*$")
STRAY_MARKS = re.compile(r"^([?？|｜]+[\"“”']?|@\w{0,10}[:：]?|[>»›]+)\s*$")
# Subscription, membership and donation appeals of the hosting site.
SITE_APPEAL = re.compile(r"^【[^】]{0,8}(会员|订阅|赞助|捐款|打赏)[^】]{0,6}】")
# A column tag with a date or number only (【某某播报】20170419), a lone ISO date, a lone token of letters or digits.
LONE_TAG = re.compile(
    r"^【[^】]{2,12}】\s*\d{6,8}$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^[>›»]\s*\S"
    r"|^[Xx×]\s+\S|^[^\s>]{2,8}\s*>\s*[^\s>]{1,8}$|^\S{2,10}客户端\s+[\u4e00-\u9fff]{2,4}$"
)
OUTLET = re.compile(r"来源\s*[:：]\s*([^\s|｜:：]{2,30}?)(?=\s|$|\d{4}[-年/.]|字体|作者|编辑|[|｜])")


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None


GALLERY_NUMBER = re.compile(r"[(（]\d{1,2}[)）]\s*$")


def _is_nav_bar(line: str) -> bool:
    """A menu: many short items separated by spaces or bars, no sentence punctuation."""
    items = [t for t in re.split(r"[\s|｜/]+", line) if t]
    if len(items) < 4 or SENTENCE_PUNCT.search(line) or AUTHOR_PREFIX.match(line):
        return False
    if all(len(t) == 1 for t in items):
        return False  # a title set with spaces (巡 察 公 告)
    cells = [c.strip() for c in re.split(r"[|｜]", line)]
    if (
        re.search(r"[|｜]\s*$", line)
        and sum(len(c) >= 6 and bool(re.search(r"[\u4e00-\u9fff]", c)) for c in cells) >= 2
    ):
        return False  # a table row written with bars: cells of words, not menu items
    if len(re.findall(r"[|｜]", line)) >= 3:
        return True  # 某某新闻网 | 首页 | 要闻 | 综合新闻 …
    return all(len(t) <= 8 for t in items)


# The same words twice in one line, split by spaces (an image's alt text, then its caption).
DOUBLED = re.compile(r"^(\S.{7,}?)\s+\1$")


def furniture_reason(line: str) -> str | None:
    """Why a single line is furniture, or None. Context-free rules only. A rule capped by length
    tests the length first: body paragraphs are long, and its pattern need not run on them (the
    searches were half of normalize's CPU on the synthetic bench corpus)."""
    if TRUNCATION.search(line):
        return "truncation"
    if PAGE_MARK.match(line):
        return "page_mark"
    if len(line) < 80 and DATELINE.search(line) and not re.search(r"[。；]", line):
        return "source_line"
    if (BREADCRUMB.search(line) or ANGLE_PATH.search(line)) and not ARROW_HEADING.match(line):
        return "breadcrumb"
    if len(line) < 120 and SOURCE_LINE.search(line) and not (len(line) > 50 and SENTENCE_END.search(line)):
        return "source_line"
    if DATE_OUTLET.match(line):
        return "source_line"
    if len(line) <= 60 and CONTACT_HEADER.match(line):
        return "contact"
    if len(line) < 60 and EDITOR_LINE.search(line):
        return "editor_line"
    if NOISE_TOKENS.match(line) or STRAY_MARKS.match(line):
        return "noise"
    if len(line) <= 40 and (UI_LINE.match(line) or UI_LINE.match(re.sub(r"\s+", "", line)) or UI_PHRASE.match(line)):
        return "page_control"
    if len(line) < 200 and COPYRIGHT.search(line):
        return "copyright"
    if len(line) < 200 and COMMENT_BOARD.search(line):
        return "comment_board"
    if len(line) < 80 and DOC_SITE.search(line):
        return "document_site"
    if len(line) < 40 and WECHAT.search(line):
        return "page_control"
    if IMAGE_LINE.search(line) or (
        (len(line) <= 80 or (len(line) <= 250 and "图为" in line and PHOTO_CREDIT.search(line)))
        and (PHOTO_CREDIT.search(line) or line.lstrip("(（【[ ").startswith("图为"))
        and not CREDITED_SENTENCE.match(line)
    ):
        return "image"
    if len(line) <= 200 and (BRACKET_CREDIT.search(line) or CREDIT_BLOCK.match(line.strip())):
        return "image"
    if len(line) <= 60 and SITE_CONTACT.search(line.strip()):
        return "contact"
    if len(line) <= 300 and DOUBLED.match(line.strip()):
        return "image"  # a picture's alt text and caption run together: the same words twice
    if len(line) <= 60 and PHOTO_CAPTION.match(line):
        return "image"
    if len(line) <= 60 and OPEN_INFO_LABEL.match(line):
        return "open_info"
    if len(line) <= 200 and (PAGE_CHROME.search(line) or SITE_APPEAL.match(line)):
        return "page_control"
    if (len(line) <= 80 or (len(line) <= 160 and not SENTENCE_END.search(line))) and TIP_LINE.search(line):
        return "page_control"
    if len(line) <= 60 and (EDITION_MARK.search(line) or LONE_TAG.search(line)) and not ARROW_HEADING.match(line):
        return "page_mark"
    if _is_nav_bar(line) or EDITION_LIST.match(line):
        return "navigation"
    if MASTHEAD.match(line):
        return "masthead"
    return None


def classify_lines(lines: list[str]) -> tuple[list[LineKind], PageMeta]:
    """Kind of each normalized line, and the page metadata found in the furniture."""
    kinds: list[LineKind] = []
    for line in lines:
        if not line.strip():
            kinds.append(LineKind.BLANK)
            continue
        reason = furniture_reason(line)
        if reason == "truncation":
            kinds.append(LineKind.TRUNCATION)
        elif reason:
            kinds.append(LineKind.FURNITURE)
        else:
            kinds.append(LineKind.BODY)

    content = [i for i, k in enumerate(kinds) if k is not LineKind.BLANK]
    # A photographer's name alone on its line (某某摄): the short line right above it is the picture's caption.
    for pos, i in enumerate(content[1:], start=1):
        above = content[pos - 1]
        if (
            LONE_PHOTO_CREDIT.match(lines[i].strip())
            and kinds[above] is LineKind.BODY
            and len(lines[above].strip()) <= 60
        ):
            kinds[above] = LineKind.FURNITURE
    # Related-article lists: from their heading on, short list items and stamps are furniture.
    in_related = False
    counts = Counter(re.sub(r"\s+", "", lines[i]) for i in content)
    for pos, i in enumerate(content):
        line = lines[i].strip()
        stamped = pos + 1 < len(content) and STAMP_LINE.match(lines[content[pos + 1]].strip()) is not None
        if RELATED_HEADING.match(line):
            in_related = True
            kinds[i] = LineKind.FURNITURE
        elif in_related and kinds[i] is LineKind.BODY:
            if counts[re.sub(r"\s+", "", line)] > 1:
                in_related = False  # the page's title, set again below the list, ends it
            elif (len(line) <= 80 or (len(line) <= 120 and not re.search(r"[\u4e00-\u9fff]", line))) and (
                LIST_ITEM.match(line) or TRAILING_STAMP.search(line) or stamped or not LIST_PUNCT.search(line)
            ):
                kinds[i] = LineKind.FURNITURE
            else:
                in_related = False
        elif kinds[i] is LineKind.BODY and LIST_ITEM.match(line) and TRAILING_STAMP.search(line) and len(line) <= 80:
            kinds[i] = LineKind.FURNITURE
    # A gallery's caption set again over each picture with its number (某某标题(1), 某某标题(2)…): the same
    # short line, numbered, at least twice.
    numbered = {
        i: GALLERY_NUMBER.sub("", re.sub(r"\s+", "", lines[i])) for i in content if GALLERY_NUMBER.search(lines[i])
    }
    stems = Counter(numbered.values())
    for i, stem in numbered.items():
        if (
            kinds[i] is LineKind.BODY
            and stems[stem] >= 2
            and len(lines[i].strip()) <= 60
            and not SENTENCE_END.search(lines[i])
        ):
            kinds[i] = LineKind.FURNITURE
    # Site names stand alone in the first or last lines of a page.
    edge = set(content[:3]) | set(content[-5:])
    for i in edge:
        if kinds[i] is LineKind.BODY and SITE_NAME.match(lines[i].strip()) and not SENTENCE_PUNCT.search(lines[i]):
            kinds[i] = LineKind.FURNITURE

    # A lone token of letters or digits (a counter, a stray "1", "text") between longer lines; a run of
    # short lines is a table and its cells stay.
    for pos, i in enumerate(content):
        if kinds[i] is LineKind.BODY and LONE_TOKEN.match(lines[i].strip()):
            near = [content[k] for k in (pos - 1, pos + 1) if 0 <= k < len(content)]
            following = lines[content[pos + 1]].strip() if pos + 1 < len(content) else ""
            section_number = (
                re.fullmatch(r"[1-9]\d?", lines[i].strip()) is not None
                and pos > 0
                and 4 <= len(following) <= 40
                and not re.search(r"[。；;！？]$", following)
            )  # a section's number standing above its heading
            if not section_number and not any(kinds[j] is LineKind.BODY and len(lines[j].strip()) <= 12 for j in near):
                kinds[i] = LineKind.FURNITURE
    # An open-information field whose value stands on the next line: the value goes with its label.
    for pos, i in enumerate(content[:-1]):
        line = lines[i].strip()
        nxt = content[pos + 1]
        value = lines[nxt].strip()
        if (
            re.search(r"[:：]\s*$", line)
            and (
                (OPEN_INFO_LABEL.match(line) and len(value) <= 60)
                # 来源: / 责任编辑: with the outlet or the name alone on the next line
                or (
                    (SOURCE_LINE.match(line) or EDITOR_LINE.match(line))
                    and len(line) <= 8
                    and len(value) <= 20
                    and not SENTENCE_PUNCT.search(value)
                )
            )
            and not OPEN_INFO_LABEL.match(value)
        ):
            kinds[nxt] = LineKind.FURNITURE

    # A section tag above the title (巡察动态, 工作动态): a few characters, then the title line.
    if len(content) >= 2:
        first, second = (lines[i].strip() for i in content[:2])
        if (
            kinds[content[0]] is LineKind.BODY
            and len(first) <= 5
            and not SENTENCE_PUNCT.search(first)
            and not re.search(r"总结|报告|规划|计划|方案|通报|情况|要点|综述", first)
            and not re.match(r"^[一二三四五六七八九十]+、|^[(（]?[一二三四五六七八九十\d]+[)）.、]", second)
            and 6 <= len(second) <= 60
            and not re.search(r"[。；]", second)
        ):
            kinds[content[0]] = LineKind.FURNITURE

    # A site's contact block: beside a field only a business lists (免费咨询电话, QQ:, E-mail:), the bare
    # numbers and the 手机:/电话:/地址: fields go with it.
    contact = [pos for pos, i in enumerate(content) if SITE_CONTACT.search(lines[i].strip())]
    for pos in contact:
        for step in (-1, 1):
            k = pos + step
            while 0 <= k < len(content) and (
                SITE_CONTACT.search(lines[content[k]].strip()) or CONTACT_FIELD.match(lines[content[k]].strip())
            ):
                kinds[content[k]] = LineKind.FURNITURE
                k += step
    _mark_page_head(lines, kinds, content)
    _mark_header_lines(lines, kinds)
    _mark_page_tail(lines, kinds, content)
    _mark_caption_runs(lines, kinds, content)
    # A photo caption naming a dated meeting (3月20日,区委第一巡察组巡察某镇工作动员会): a date, the
    # meeting's name and no sentence end, after the body has started.
    started = False
    for i in content:
        line = lines[i].strip()
        if (
            kinds[i] is LineKind.BODY
            and started
            and (MEETING_CAPTION.match(line) or UNDATED_MEETING_CAPTION.match(line) or SHORT_CAPTION.match(line))
        ):
            kinds[i] = LineKind.FURNITURE
        started = started or (kinds[i] is LineKind.BODY and bool(re.search(r"[。；]", line)))
    # An author credit standing after the body (作者:某某) is not the header's byline; a site's contact
    # footer (地址:… 邮箱:…) stands in the last lines.
    for i in content:
        if kinds[i] is LineKind.BODY and AUTHOR_CREDIT.match(lines[i].strip()):
            kinds[i] = LineKind.FURNITURE
    for i in content[-5:]:
        if kinds[i] is LineKind.BODY and CONTACT_FOOTER.match(lines[i].strip()) and len(lines[i]) <= 120:
            kinds[i] = LineKind.FURNITURE
    # The title repeated within the body (image alt text, share cards) is not body; a letterhead
    # repeated as the signature in the last lines is.
    titles = {re.sub(r"\s+", "", lines[i]) for i, k in enumerate(kinds) if k is LineKind.TITLE}
    seen_title = False
    signature = set(content[-2:])
    first_sentence = next((i for i in content if kinds[i] is LineKind.BODY and SENTENCE_END.search(lines[i])), -1)
    # The report's own heading repeating the page title, right above its first numbered section, stays.
    next_content = dict(pairwise(content))
    for i, kind in enumerate(kinds):
        if i in next_content and NUMBERED_SECTION.match(lines[next_content[i]].strip()):
            if kind is LineKind.TITLE:
                seen_title = True
            continue
        if kind is LineKind.TITLE:
            seen_title = True
        elif (
            seen_title
            and kind is LineKind.BODY
            and i not in signature
            # a headline set twice above the report's first sentence stays (not a stray mark like "0")
            and (i > first_sentence or len(lines[i].strip()) < 6)
            and re.sub(r"\s+", "", lines[i]) in titles
            and not re.search(r"记者|通讯员", lines[i])  # a byline taken for the title stays where it repeats
        ):
            kinds[i] = LineKind.FURNITURE
        elif seen_title and kind is LineKind.BODY and _cut_title(re.sub(r"\s+", "", lines[i]), titles):
            kinds[i] = LineKind.FURNITURE  # the title cut short (a share card or a link back to the article)
    return kinds, _page_meta(lines, kinds)


def _cut_title(line: str, titles: set[str]) -> bool:
    """The first part of a title, cut before its end at a comma: 【专题】某某巡视开锣 of 【专题】某某巡视开锣,某某…"""
    return any(
        len(line) >= 8 and len(line) < len(title) and title.startswith(line) and title[len(line)] in "，,:：|｜"
        for title in titles
    )


NUMBERED_SECTION = re.compile(r"^[一二三四五六七八九十]+、")


# What a photo shows of an inspection team's field work: 到贫困户家中核实情况, 实地调研合作社发展.
FIELD_WORK = re.compile(r"走访|核实|调研|调查|座谈|察看|查看|了解|入户|暗访|检查|听取|召开")


def _mark_caption_runs(lines: list[str], kinds: list[LineKind], content: list[int]) -> None:
    """Three or more short lines in a row after the body has started, none a sentence or a numbered
    heading, most naming field work: the captions of a run of photos."""
    started = False
    run: list[int] = []
    for i in [*content, -1]:
        line = lines[i].strip() if i >= 0 else ""
        caption_like = (
            i >= 0
            and started
            and kinds[i] is LineKind.BODY
            and 6 <= len(line) <= 30
            and not re.search(r"[。；;！？!?:：]", line)
            and not re.match(r"^[一二三四五六七八九十\d]+[、.]|^[(（][一二三四五六七八九十\d]+[)）]", line)
        )
        if caption_like:
            run.append(i)
            continue
        if len(run) >= 3 and sum(bool(FIELD_WORK.search(lines[j])) for j in run) >= len(run) - 1:
            for j in run:
                kinds[j] = LineKind.FURNITURE
        run = []
        started = started or (i >= 0 and kinds[i] is LineKind.BODY and bool(SENTENCE_END.search(line)))


# A reporter's or author's name alone closing an article: 记者 某某; 作者:某某.
REPORTER_CREDIT = re.compile(
    r"^(记者|通讯员|作者|文字报道|撰稿)\s*[:：]?\s*[\u4e00-\u9fff·]{2,4}(\s*[、\s]\s*[\u4e00-\u9fff·]{2,4}){0,3}$"
)


def _mark_page_tail(lines: list[str], kinds: list[LineKind], content: list[int]) -> None:
    """Furniture that stands around the report rather than in it: after the credits that close an
    article (来源:…, 责编:…) and its last sentence, the short lines that follow are the site's menus and
    link lists (新闻排行, 下载APP); an author credit beside the page head's source or date line is part of
    that block (作者:某某 between 来源:… and 日期:…); the same short line twice in a row is a picture's alt text
    and caption; a summary cut with an ellipsis that another line gives in full is the page's abstract."""
    last_sentence = max((i for i in content if kinds[i] is LineKind.BODY and SENTENCE_END.search(lines[i])), default=-1)
    credits_seen = False
    for i in content:
        line = lines[i].strip()
        if i <= last_sentence:
            continue
        if kinds[i] is LineKind.FURNITURE and (
            SOURCE_LINE.search(line) or EDITOR_LINE.search(line) or TIP_LINE.search(line) or SITE_CONTACT.search(line)
        ):
            credits_seen = True  # (an outlet's tip-line box closes the page too)
        elif kinds[i] is LineKind.BODY and REPORTER_CREDIT.match(line):
            credits_seen = True  # the reporter's name closing the article (记者 某某) stays; what follows is the site's
        elif credits_seen and kinds[i] is LineKind.BODY and len(line) <= 30 and not SENTENCE_PUNCT.search(line):
            kinds[i] = LineKind.FURNITURE
    # After the last sentence, a short label right above a box of page controls or contacts is the box's
    # heading (温馨提示 above an app-only notice; a tip box's slogan above its 爆料方法 line).
    for pos, i in enumerate(content[:-1]):
        line = lines[i].strip()
        below = lines[content[pos + 1]].strip()
        if (
            i > last_sentence
            and kinds[i] is LineKind.BODY
            and len(line) <= 8
            and not SENTENCE_PUNCT.search(line)
            and kinds[content[pos + 1]] is LineKind.FURNITURE
            and furniture_reason(below) in ("page_control", "contact")
        ):
            kinds[i] = LineKind.FURNITURE
    for pos, i in enumerate(content):
        line = lines[i].strip()
        if kinds[i] not in (LineKind.BODY, LineKind.BYLINE) or not AUTHOR_CREDIT.match(line):
            continue
        near = [content[k] for k in (pos - 1, pos + 1) if 0 <= k < len(content)]
        if any(
            kinds[j] is LineKind.FURNITURE
            and (SOURCE_LINE.search(lines[j]) or EDITOR_LINE.search(lines[j]))
            and not re.search(r"[:：]\s*$", lines[j])  # a bare label's value is the next line
            for j in near
        ):
            kinds[i] = LineKind.FURNITURE
    first_sentence = next(
        (i for i in content if kinds[i] is LineKind.BODY and SENTENCE_END.search(lines[i])), len(lines)
    )

    def last_sentence_before(i: int) -> int:
        return first_sentence if first_sentence < i else len(lines)

    for i, j in pairwise(content):
        line = lines[i].strip()
        adjacent_twice = (j == i + 1 or not lines[i + 1].strip()) and line == lines[j].strip() and len(line) <= 80
        # before the report's first sentence only a picture's caption (a title may be set twice)
        if adjacent_twice and (
            re.search(r"图为|摄", line) or (i > last_sentence_before(i) and not SENTENCE_END.search(line[:-1]))
        ):
            kinds[i] = kinds[j] = LineKind.FURNITURE
    for i in content:
        line = lines[i].strip()
        cut = re.match(r"^(.{20,}?)(\.{3}|…+)$", line)
        if (
            kinds[i] is LineKind.BODY
            and cut
            and any(
                k != i and lines[k].strip().startswith(cut.group(1)) and len(lines[k].strip()) > len(cut.group(1))
                for k in content
            )
        ):
            kinds[i] = LineKind.FURNITURE


# A channel's name: a few characters ending in a news word (某某要闻, 新闻动态, 行业新闻).
COLUMN_LABEL = re.compile(r"^[\u4e00-\u9fff]{0,4}(要闻|动态|新闻|资讯|头条|快讯)$")


# A publishing body's name alone (某某市农业农村局), and a notice channel's name (公示公告, 通知公告).
PUBLISHER = re.compile(r"^[\u4e00-\u9fff()（）]{3,20}(局|委|办|厅|院|政府|委员会|中心|办公室|公司|集团)$")
CHANNEL_NAME = re.compile(r"^(公示公告|通知公告|公告公示|公告通知|要闻动态|新闻动态|工作动态)$")


def _mark_page_head(lines: list[str], kinds: list[LineKind], content: list[int]) -> None:
    """Furniture that only the page head shows, before the report's first sentence: a newspaper
    group's masthead of names over several lines, a date on its own line, the original title of a
    repost below the page's title, and a column tag right after the date line (日期:01-16 / 巡察)."""
    body_start = next((i for i in content if kinds[i] is LineKind.BODY and SENTENCE_END.search(lines[i])), len(lines))
    head = [i for i in content if i < body_start]

    def name_row(i: int) -> bool:
        line = lines[i].strip().replace("?", "")  # a broken character left as ? by a converter
        items = line.split()
        return (
            kinds[i] is LineKind.BODY
            and len(items) >= 2
            and all(len(t) <= 16 for t in items)
            and not SENTENCE_PUNCT.search(line)
            and not re.search(r"\d", line)
        )

    # Three or more rows of names in a row (惠州日报 东江时报 / 头条 掌中某某 / …): a title and its
    # byline are at most two.
    run: list[int] = []
    for i in [*head, -1]:
        if i >= 0 and name_row(i):
            run.append(i)
            continue
        if run and i == -1:
            run.pop()  # the row right above the first sentence is the title (巡察整改 持续发力)
        if len(run) >= 3:
            for j in run:
                kinds[j] = LineKind.FURNITURE
        run = []
    for pos, i in enumerate(head):
        line = lines[i].strip()
        if kinds[i] is not LineKind.BODY:
            continue
        after = lines[head[pos + 1]].strip() if pos + 1 < len(head) else ""
        if (
            pos + 1 < len(head)
            and kinds[head[pos + 1]] is LineKind.FURNITURE
            and STAMP_LINE.match(after)
            and len(line) <= 20
            and PUBLISHER.match(line)
        ):
            kinds[i] = LineKind.FURNITURE  # an open-information header's publisher above its date
            continue
        if pos == 0 and CHANNEL_NAME.match(line):
            kinds[i] = LineKind.FURNITURE  # the page's channel (公示公告) above the report
            continue
        later_title = (
            pos + 1 < len(head)
            and kinds[head[pos + 1]] is LineKind.FURNITURE
            and any(kinds[j] is LineKind.BODY and len(lines[j].strip()) <= 60 for j in head[pos + 2 :])
        )  # 原标题:… first, in the source block, then the page's own title below it
        if LONE_CN_DATE.match(line) or (ORIGINAL_TITLE.match(line) and (pos > 0 or later_title)):
            kinds[i] = LineKind.FURNITURE
        elif pos > 0 and COLUMN_LABEL.match(line) and kinds[head[pos - 1]] is LineKind.FURNITURE:
            kinds[i] = LineKind.FURNITURE  # a channel's name under the site's chrome (新闻动态, 某某要闻)
        elif (
            pos > 0
            and len(line) <= 12
            and not SENTENCE_PUNCT.search(line)
            and kinds[head[pos - 1]] is LineKind.FURNITURE
            and (DATE.search(lines[head[pos - 1]]) or re.match(r"^(日期|时间)\s*[:：]", lines[head[pos - 1]].strip()))
            and pos + 1 < len(head)
            and (kinds[head[pos + 1]] is LineKind.FURNITURE or ORIGINAL_TITLE.match(lines[head[pos + 1]].strip()))
        ):
            kinds[i] = LineKind.FURNITURE  # a column tag between the date line and the source line


def _mark_header_lines(lines: list[str], kinds: list[LineKind]) -> None:
    """Title (first short kept line), subtitle (——…) and byline (names) before the body starts."""
    title_seen = False
    for i, kind in enumerate(kinds):
        if kind is not LineKind.BODY:
            continue
        line = lines[i].strip()
        long_sentence = len(line) > 60 or bool(re.search(r"[。；！？]", line))
        if not title_seen:
            if long_sentence or re.match(r"^[一二三四五六七八九十]+、|^[(（]?[一二三四五六七八九十\d]+[)）.、]", line):
                return
            kinds[i] = LineKind.TITLE
            title_seen = True
            continue
        if line.startswith(("——", "--", "—")) and len(line) <= 60:
            kinds[i] = LineKind.SUBTITLE
        elif len(line) <= 40 and (PERSON_NAMES.match(line) or AUTHOR_PREFIX.match(line)):
            kinds[i] = LineKind.BYLINE
        else:
            return


def _page_meta(lines: list[str], kinds: list[LineKind]) -> PageMeta:
    published = outlet = None
    head = [i for i, k in enumerate(kinds) if k is not LineKind.BLANK][:15]
    for i in head:
        line = lines[i]
        # A source line kept for the sentence it runs on into still dates the page, and so does a page
        # stamp the body line opens with (date 2025-11-28 据新华社报道…; 某某新闻 2023-04-10 13:50 记者…).
        source = kinds[i] is LineKind.BODY and (
            SOURCE_LINE.match(line) or PAGE_STAMP.match(line) or DATELINE.search(line[:40])
        )
        if (kinds[i] is LineKind.FURNITURE or source) and ("来源" in line or DATE.search(line)):
            if published is None and (m := DATE.search(line)):
                published = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            if outlet is None and (o := OUTLET.search(line)):
                outlet = o.group(1)
        elif published is None and (m := DAY_MONTH_YEAR.match(line.strip())):
            # 09/04/2024 on its own line: day first (as the sites that write it so), unless it cannot be
            day, month = int(m.group(1)), int(m.group(3))
            if day <= 12 < month:
                day, month = month, day
            if 1 <= month <= 12 and 1 <= day <= 31:
                published = f"{m.group('year')}-{month:02d}-{day:02d}"
    title = author = None
    for i, k in enumerate(kinds):
        if k is LineKind.TITLE and title is None:
            title = lines[i].strip()
        elif k is LineKind.BYLINE and author is None:
            author = AUTHOR_PREFIX.sub("", lines[i].strip())
    return PageMeta(title=title, published=published, outlet=outlet, author=author)
