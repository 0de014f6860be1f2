"""Chinese for the curator workspace's interface strings, until they move to the gettext catalogues.

Templates of the workspace write ``{{ _('English text') }}``; :func:`install` gives the curator
blueprints a ``_`` that answers in the page's language (the public site's keyed strings still work).
"""
from __future__ import annotations

from flask import Blueprint

from viewer.i18n import current_language
from viewer.strings import text

ZH: dict[str, str] = {
    "Curator workspace": "策展工作台",
    "Log in": "登录",
    "Log out": "退出登录",
    "User name": "用户名",
    "Password": "密码",
    "Wrong user name or password.": "用户名或密码错误。",
    "This account is locked for a while after too many wrong passwords. Try again later or ask an administrator.":
        "密码错误次数过多，账号已暂时锁定。请稍后再试，或联系管理员。",
    "Too many attempts. Wait a minute and try again.": "尝试次数过多，请一分钟后再试。",
    "Items": "展品",
    "Halls": "展厅",
    "Audit log": "操作日志",
    "Signed in as": "当前用户",
    "Overview": "概览",
    "Your museums": "您负责的博物馆",
    "all museums (administrator)": "全部博物馆（管理员）",
    "Draft": "草稿",
    "Published": "已发布",
    "Withdrawn": "已撤下",
    "Failed": "失败",
    "Pending": "处理中",
    "Ready": "就绪",
    "State": "状态",
    "Publication": "发布状态",
    "Museum": "博物馆",
    "Hall": "展厅",
    "Section": "单元",
    "Title": "名称",
    "Updated": "更新时间",
    "Edit": "编辑",
    "Preview": "预览",
    "Publish": "发布",
    "Withdraw": "撤下",
    "Back to draft": "退回草稿",
    "Delete": "删除",
    "Save": "保存",
    "Saved.": "已保存。",
    "Filter": "筛选",
    "All": "全部",
    "No items match.": "没有符合条件的展品。",
    "History": "修改记录",
    "Restore": "恢复此版本",
    "Before": "修改前",
    "After": "修改后",
    "Fields": "字段",
    "When": "时间",
    "Who": "操作人",
    "Action": "操作",
    "Target": "对象",
    "Details": "详情",
    "Export CSV": "导出 CSV",
    "Files": "文件",
    "Move up": "上移",
    "Move down": "下移",
    "Remove": "移除",
    "Replace": "替换",
    "Chinese": "中文",
    "English": "英文",
    "Traditional Chinese": "繁体中文",
    "Someone else saved this item while you were editing it. Nothing was overwritten: compare the two versions and save again.":
        "您编辑期间，其他人已保存了这件展品。您的修改没有覆盖对方的内容：请比较两个版本后重新保存。",
    "Your version": "您的版本",
    "Saved version": "已保存的版本",
    "Please correct the fields marked below.": "请修改下面标出的字段。",
    "Introduction": "简介",
    "Cover image": "封面图像",
    "Order": "顺序",
    "New hall": "新建展厅",
    "New section": "新建单元",
    "New museum": "新建博物馆",
    "Slug (in the address)": "地址名（用于网址）",
    "Create": "创建",
    "Drag to reorder, or use the arrows.": "拖动排序，或使用箭头按钮。",
    "Save order": "保存顺序",
    "none": "无",
    "Page": "页",
    "Next": "下一页",
    "Previous": "上一页",
    "Actor": "操作人",
    "From": "从",
    "To": "至",
    "This is a preview: visitors do not see this item yet.": "这是预览：访客目前还看不到这件展品。",
    "This is a preview of a withdrawn item: visitors no longer see it.": "这是已撤下展品的预览：访客已看不到它。",
    "Sections": "单元",
    "Museums": "博物馆",
}


def translate(message: str) -> str:
    if current_language() == "zh":
        return ZH.get(message) or text(message, "zh")
    return text(message, "en") if message not in ZH else message


def install(bp: Blueprint) -> None:
    """Give this blueprint's templates the workspace's ``_``."""
    bp.context_processor(lambda: {"_": translate})
