"""Interface strings of the app, Chinese first with an English toggle."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

EXAMPLE_QUESTIONS = (
    "联合国哪个部门负责裁军方案？",
    "哪项决议涉及集束弹药？",
    "Which resolution deals with cluster munitions?",
    "裁军研究金方案的绩效如何衡量？",
)

SOURCE_FOOTER = "资料来源：联合国正式文件 / Source: United Nations"

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "page_title": "联合国文件问答",
        "title": "联合国方案与决议问答",
        "subtitle": "用中文或英文提问，答案直接引自联合国正式文件，并附可引用的出处。",
        "query_label": "您的问题",
        "query_placeholder": "例如：联合国哪个部门负责裁军方案？",
        "search": "搜索",
        "examples": "示例问题",
        "loading": "正在加载索引和语义模型……",
        "index_error": "无法加载索引",
        "index_hint": "请先建立索引：`unqa ingest corpus --index {index}`",
        "answer": "答案",
        "abstained": "所收录的文件没有回答这个问题的内容。以下是最接近的段落，仅供参考，并非答案。",
        "closest": "最接近的段落",
        "results": "检索结果",
        "result_count": "{n} 条结果 · {ms:.0f} 毫秒",
        "no_results": "没有找到符合条件的段落。请尝试放宽筛选条件。",
        "query_error": "请输入问题。",
        "score": "相关度",
        "paragraph": "段落",
        "official": "查看正式文件",
        "context": "在上下文中查看",
        "english": "英文平行文本",
        "recalled_by": "后续决议（回顾这项授权的决议）",
        "continues": "延续方案授权",
        "no_recall": "本索引中没有回顾这项授权的后续决议。",
        "cite": "可直接粘贴的引文",
        "helpful": "这个段落有帮助吗？",
        "thanks": "谢谢，您的评价已记录。",
        "download_csv": "下载 CSV",
        "download_md": "下载 Markdown",
        "filters": "筛选",
        "f_documents": "文件",
        "f_subprogrammes": "次级方案",
        "f_kinds": "段落类型",
        "clear": "清除筛选",
        "choose": "全部（可多选）",
        "language": "界面语言",
        "about": "共 {p} 个段落，来自 {d} 份文件。",
        "permalink": "本页网址即为永久链接，可分享给同事以重现相同的结果。",
        "jump": "出处",
        "this_passage": "检索到的段落",
        "notice": "提示",
    },
    "en": {
        "page_title": "UN documents Q&A",
        "title": "Questions on UN programmes and resolutions",
        "subtitle": "Ask in Chinese or English; answers are quoted from UN official documents with a "
        "citation you can paste.",
        "query_label": "Your question",
        "query_placeholder": "e.g. Which resolution deals with cluster munitions?",
        "search": "Search",
        "examples": "Example questions",
        "loading": "Loading the index and the semantic model…",
        "index_error": "The index could not be loaded",
        "index_hint": "Build it first: `unqa ingest corpus --index {index}`",
        "answer": "Answer",
        "abstained": "The documents in the collection do not answer this question. The closest passages "
        "are listed below for reference; they are not an answer.",
        "closest": "Closest passages",
        "results": "Results",
        "result_count": "{n} results · {ms:.0f} ms",
        "no_results": "No passage matches. Try removing some filters.",
        "query_error": "Please type a question.",
        "score": "score",
        "paragraph": "paragraph",
        "official": "Official document",
        "context": "Show in context",
        "english": "English text",
        "recalled_by": "Later resolutions that recall this mandate",
        "continues": "Continues programme mandate",
        "no_recall": "No later resolution in this index recalls this mandate.",
        "cite": "Citation, ready to paste",
        "helpful": "Was this passage helpful?",
        "thanks": "Thank you, your judgment was recorded.",
        "download_csv": "Download CSV",
        "download_md": "Download Markdown",
        "filters": "Filters",
        "f_documents": "Document",
        "f_subprogrammes": "Sub-programme",
        "f_kinds": "Passage type",
        "clear": "Clear filters",
        "choose": "All (choose to narrow)",
        "language": "Interface language",
        "about": "{p} passages from {d} document(s).",
        "permalink": "The address of this page is a permalink: share it to reopen the same results.",
        "jump": "Source",
        "this_passage": "retrieved passage",
        "notice": "Note",
    },
}

LANG_NAMES = {"zh": "中文", "en": "English"}


def norm_lang(lang: str | None) -> str:
    """A supported interface language; anything else falls back to Chinese."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fmt: object) -> str:
    """The interface string ``key`` in ``lang`` (Chinese when missing), formatted with ``fmt``."""
    table = STRINGS[norm_lang(lang)]
    text = table.get(key) or STRINGS[DEFAULT_LANG].get(key)
    if text is None:
        logger.warning("missing interface string %r", key)
        return key
    return text.format(**fmt) if fmt else text
