"""The interface's own words in Chinese and English (metadata carries its own language maps)."""
from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "site": ("金石数字博物馆", "Jinshi Digital Museums"),
    "tagline": ("铜陵数字铜博物馆 · 美术馆 · 非物质文化遗产馆", "Copper museum · Art museum · Intangible heritage hall"),
    "home": ("首页", "Home"),
    "museums": ("博物馆", "Museums"),
    "halls": ("展厅", "Halls"),
    "sections": ("单元", "Sections"),
    "items": ("件展品", "items"),
    "item": ("展品", "Item"),
    "search": ("搜索", "Search"),
    "search_placeholder": ("搜索展品、年代、材质……", "Search objects, periods, materials…"),
    "featured": ("精选展品", "Featured objects"),
    "enter_hall": ("进入展厅", "Enter the hall"),
    "all_sections": ("全部", "All"),
    "no_items": ("本展厅暂无展品。", "No objects are on view in this hall yet."),
    "no_image": ("暂无图像", "No image"),
    "description": ("简介", "Description"),
    "details": ("藏品信息", "Object details"),
    "permalink": ("永久链接", "Permalink"),
    "qr": ("展签二维码", "QR code for labels"),
    "iiif_manifest": ("IIIF 清单", "IIIF manifest"),
    "open_mirador": ("在 Mirador 中比较", "Open in Mirador"),
    "images": ("图像", "Images"),
    "zoom_help": ("滚动或双指缩放，拖动平移。", "Scroll or pinch to zoom, drag to pan."),
    "rights": ("权利", "Rights"),
    "breadcrumb": ("导航路径", "Breadcrumb"),
    "language": ("语言", "Language"),
    "switch_language": ("English", "中文"),
    "skip": ("跳到正文", "Skip to content"),
    "not_found": ("找不到页面", "Page not found"),
    "error": ("出错了", "Something went wrong"),
    "back_home": ("返回首页", "Back to the home page"),
    "in_hall": ("所在展厅", "In hall"),
    "collection_json": ("IIIF 合集", "IIIF collection"),
    "date": ("纪年", "Date"),
    "museum": ("馆", "Museum"),
    "hall": ("展厅", "Hall"),
    "section": ("单元", "Section"),
    "footer": ("金石 — 开放的数字博物馆与非遗展示系统。图像服务遵循 IIIF 标准。", "Jinshi — an open digital museum and intangible heritage system. Images served with IIIF."),
    "previous": ("上一件", "Previous"),
    "next": ("下一件", "Next"),
}


def text(key: str, lang: str) -> str:
    zh, en = TEXT.get(key, (key, key))
    return zh if lang == "zh" else en
