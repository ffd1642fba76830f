"""Interface strings of the app, Chinese first with an English toggle."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

EXAMPLES: dict[str, tuple[str, ...]] = {
    "zh": (
        "联合国哪个部门负责裁军方案？",
        "哪项决议涉及集束弹药？",
        "《武器贸易条约》决议鼓励各国做什么？",
        "裁军研究金方案的绩效如何衡量？",
    ),
    "en": (
        "Which UN department is responsible for the disarmament programme?",
        "Which resolution deals with cluster munitions?",
        "What does the Arms Trade Treaty resolution encourage States to do?",
        "How is the performance of the disarmament fellowship programme measured?",
    ),
}
EXAMPLE_QUESTIONS = EXAMPLES["zh"]

SOURCES = {"zh": "资料来源：联合国正式文件。", "en": "Source: United Nations official documents."}
SOURCE_FOOTER = SOURCES["zh"]

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "page_title": "联合国文件问答",
        "title": "联合国方案与决议问答",
        "subtitle": "用中文或英文提问，答案直接引自联合国正式文件，并附可引用的出处。",
        "query_label": "您的问题",
        "query_placeholder": "例如：《武器贸易条约》决议鼓励各国做什么？",
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
        "select_all": "全选",
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
        "chinese_text": "中文原文",
        "official_res": "决议正式文本",
        "official_prog": "方案文件",
        "programme": "方案",
        "no_english": "{docs} 在本索引中没有英文文本，以下显示中文原文。",
        "too_long": "问题过长：只保留了前 {n} 个字符。",
        "not_covered": "未涵盖",
        "earlier": "往届会议的同一段落（{n}）",
        "no_counterpart": "该届决议中没有对应段落",
        "unchanged": "未改动",
        "changed": "有改动（相似度 {pct}%）",
        "changes": "与上一届决议相比的改动",
        "changes_counts": "{old} → {new}：{changed} 段改动，{added} 段新增，{removed} 段删除，{unchanged} 段未变",
        "added": "新增",
        "removed": "删除",
        "also_in": "往届会议中几乎相同的段落",
        "same_subject": "同一主题的后续决议（按标题或名称）",
        "answer_helpful": "这个答案正确吗？",
        "judge": "评价人（可选，用于保存您的评价）",
        "page_delegates": "问答",
        "page_workbench": "评估工作台",
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
        "select_all": "Select all",
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
        "chinese_text": "Chinese original",
        "official_res": "Resolution (official text)",
        "official_prog": "Programme document",
        "programme": "Programme",
        "no_english": "{docs} has no English text in this index; its passages are shown in Chinese.",
        "too_long": "Your question was too long: only its first {n} characters are kept.",
        "not_covered": "not covered",
        "earlier": "The same paragraph in earlier sessions ({n})",
        "no_counterpart": "no matching paragraph in that session's resolution",
        "unchanged": "unchanged",
        "changed": "changed ({pct}% similar)",
        "changes": "What changed against the previous session's resolution",
        "changes_counts": "{old} → {new}: {changed} paragraphs changed, {added} added, {removed} removed, "
        "{unchanged} unchanged",
        "added": "added",
        "removed": "removed",
        "also_in": "Near-identical paragraphs in earlier sessions",
        "same_subject": "Later resolutions on the same subject (by title or name)",
        "answer_helpful": "Is this answer right?",
        "judge": "Judge (optional, to keep your judgments)",
        "page_delegates": "Questions",
        "page_workbench": "Evaluator workbench",
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
