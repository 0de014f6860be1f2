"""Chinese (simplified, and traditional through OpenCC) for the booking pages' interface strings, until they move
to the gettext catalogues (developer i18n converts ``_('English')`` calls to Flask-Babel).

Templates and messages of the booking and check-in blueprints write English; :func:`install` gives those
blueprints a ``_`` in the page's language. ``zh-Hant`` is taken from ``?lang=zh-Hant`` or the cookie when the site's
language switch does not offer it yet.
"""
from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, has_request_context, request

from viewer.i18n import current_language
from viewer.strings import text

ZH: dict[str, str] = {
    # calendar, activity
    "Book a visit": "预约参观", "Book": "预约", "Book now": "提交预约", "Venue": "场馆", "All venues": "全部场馆",
    "Kind": "类型", "All kinds": "全部类型", "Show": "筛选", "Days": "日期", "Next 14 days": "未来 14 天",
    "Today": "今天", "Timed entry": "预约入馆", "Lecture": "讲座", "Workshop": "工作坊", "Performance": "演出",
    "Timed entry, lectures and intangible heritage workshops. Book with your real name; bring the document you booked with.":
        "预约入馆、讲座和非遗体验课。请实名预约，入场时携带预约所用的证件。",
    "Nothing can be booked for these days.": "这几天没有可预约的场次。",
    "Subscribe in a calendar (iCalendar)": "订阅日历（iCalendar）",
    "Cancelled": "已取消", "Booking closed": "预约已截止", "Opens": "开放预约", "Full": "已约满",
    "Join the waiting list": "排队候补", "Places left": "余票",
    "People per booking, you included": "每单人数上限（含本人）", "Booking opens days ahead": "提前开放预约天数",
    "Age": "年龄", "Cancel up to this many hours before the start": "开始前可取消的小时数", "Sessions": "场次",
    "No sessions in the coming weeks.": "近期没有场次。",
    "Monday": "星期一", "Tuesday": "星期二", "Wednesday": "星期三", "Thursday": "星期四", "Friday": "星期五",
    "Saturday": "星期六", "Sunday": "星期日",
    "Mon": "周一", "Tue": "周二", "Wed": "周三", "Thu": "周四", "Fri": "周五", "Sat": "周六", "Sun": "周日",
    # form
    "You can join the waiting list.": "可以排队候补。", "This session cannot be booked now.": "该场次现在不能预约。",
    "You": "预约人", "Real name": "真实姓名", "Mobile number": "手机号码", "Document type": "证件类型",
    "Document number": "证件号码", "Document": "证件", "Bring this document: it is checked at the door.": "请携带此证件，入场时核验。",
    "E-mail (optional, for the confirmation)": "电子邮箱（选填，用于接收确认邮件）", "E-mail": "电子邮箱",
    "Companions (optional)": "同行人（选填）", "Companion": "同行人", "Companions": "同行人",
    "Resident identity card": "居民身份证", "Passport": "护照",
    "Mainland Travel Permit for Hong Kong and Macao Residents": "港澳居民来往内地通行证",
    "Mainland Travel Permit for Taiwan Residents": "台湾居民来往大陆通行证",
    "Exit-Entry Permit for Hong Kong and Macao": "往来港澳通行证",
    "If the session is full, put me on the waiting list": "若已约满，为我排队候补",
    "Your personal information": "个人信息保护说明",
    "We ask for your real name, mobile number and document number because real-name booking is required for this venue. We keep the document and phone numbers only in a form that cannot be read back (a keyed hash) and show them masked; nobody, staff included, can see them in full. We use them only to check you in and to apply the booking rules, and we delete your booking data after the retention period. You can see and delete your booking at any time from your ticket link.":
        "本场馆实行实名预约，因此需要您的真实姓名、手机号码和证件号码。证件号码和手机号码只以无法还原的形式（加密哈希）保存，并以打码形式显示，任何人（包括工作人员）都看不到完整号码。这些信息只用于入场核验和执行预约规则，保存期满后删除。您可以随时通过电子票链接查看和删除自己的预约信息。",
    "I agree that my personal information is used as described above.": "我同意按上述说明使用我的个人信息。",
    # ticket
    "Ticket": "电子票", "Confirmed": "预约成功", "On the waiting list": "候补中", "A place is held for you": "名额已为您保留",
    "Offer expired": "保留已过期", "Session cancelled": "场次已取消", "QR code of ticket": "电子票二维码",
    "Show this code at the door": "入场时请出示此二维码", "Ticket code": "票号", "Confirm before": "请在此时间前确认",
    "People": "人数", "Name": "姓名", "Check-in": "入场", "Add to calendar (.ics)": "加入日历（.ics）",
    "Manage your booking": "管理预约", "Keep this page’s address: it is the key to your booking.": "请保存本页地址：它是管理这份预约的凭证。",
    "Confirm my place": "确认名额", "To change the time or the people, cancel and book again.": "如需更改时间或人员，请取消后重新预约。",
    "Cancel this booking": "取消预约", "Delete my personal information": "删除我的个人信息",
    "Your booking is cancelled.": "预约已取消。", "Your place is confirmed.": "名额已确认。",
    "Your personal information is deleted.": "您的个人信息已删除。",
    # messages
    "Session": "场次", "Consent": "同意", "Form": "表单", "Request": "请求",
    "Companion %(number)s: %(field)s": "同行人 %(number)s：%(field)s",
    "is required.": "为必填项。", "must be a name of at most 64 characters, without < > \" or \\.": "须为不超过 64 个字符的姓名，且不含 < > \" 或 \\。",
    "must be a mobile number: 11 digits starting with 1, or + and a country code.": "须为手机号码：以 1 开头的 11 位数字，或以 + 和国家代码开头。",
    "must be a resident ID card, passport or travel permit.": "须为居民身份证、护照或通行证。",
    "must have 18 characters: 17 digits and a digit or X.": "须为 18 位：17 位数字加一位数字或 X。",
    "starts with a region code that does not exist.": "开头的地区代码不存在。",
    "contains a birth date that is impossible.": "中的出生日期不可能。",
    "has a wrong check digit (the last character): please check the number.": "校验码（最后一位）不正确，请核对号码。",
    "is not a passport number.": "不是有效的护照号码。",
    "is not a Mainland Travel Permit number for Hong Kong and Macao residents (H or M and 8 or 10 digits).": "不是有效的港澳居民来往内地通行证号码（H 或 M 加 8 或 10 位数字）。",
    "is not a Mainland Travel Permit number for Taiwan residents (8 digits).": "不是有效的台湾居民来往大陆通行证号码（8 位数字）。",
    "is not an Exit-Entry Permit number (C and 8 characters).": "不是有效的往来港澳通行证号码（C 加 8 位）。",
    "appears twice in one booking.": "在同一份预约中出现了两次。",
    "A booking takes at most %(limit)s people, the booker included.": "每份预约最多 %(limit)s 人（含预约人）。",
    "is not an e-mail address.": "不是有效的电子邮箱地址。", "does not exist.": "不存在。",
    "must be a JSON object.": "须为 JSON 对象。", "must be a list.": "须为列表。", "is malformed.": "格式不正确。",
    "Please agree to the privacy notice to book.": "请先同意个人信息保护说明再预约。", "must be JSON.": "须为 JSON。",
    "is not valid.": "无效。",
    "This session is full.": "该场次已约满。",
    "One of these people already has a booking for this activity on that day.": "其中有人当天已预约过该活动（每人每天限一次）。",
    "One of these people already has a booking at the same time.": "其中有人在同一时段已有其他预约。",
    "Booking is suspended until %(until)s after repeated no-shows.": "因多次预约未到场，预约资格暂停至 %(until)s。",
    "Person %(number)s is outside the age range of this activity.": "第 %(number)s 位参加者的年龄不符合本活动要求。",
    "This booking is no longer active.": "该预约已失效。",
    "This booking can no longer be cancelled (until %(until)s).": "已过取消时限（%(until)s 前可取消）。",
    "Already checked in.": "已入场。", "No place is held for this booking.": "没有为该预约保留的名额。",
    "The place held for you has expired.": "为您保留的名额已过期。",
    "Booking opens at %(opens)s.": "将于 %(opens)s 开放预约。", "This session is cancelled.": "该场次已取消。",
    "Booking for this session closed at %(closes)s.": "该场次已于 %(closes)s 截止预约。",
    "This cannot be done now.": "现在无法办理。",
    "Too many booking requests from your connection. Please wait a minute and try again.": "您的网络发出的预约请求过多，请一分钟后再试。",
    # staff: check-in, sessions
    "Checked in": "已入场", "now": "刚刚", "Check in": "核验入场", "Scan with the camera": "用摄像头扫码",
    "Visitor without a phone: check in by document number": "观众没有手机：凭证件号码入场",
    "The number is compared in hashed form and not stored.": "号码只以哈希形式比对，不会保存。",
    "Sessions today": "今日场次", "Bookings": "预约", "No sessions today.": "今天没有场次。",
    "The camera is not available: type the code instead.": "无法使用摄像头，请输入票号。",
    "Point the camera at the ticket’s QR code.": "请将摄像头对准电子票二维码。",
    "Saved. Booked visitors are told by mail.": "已保存。已预约的观众会收到邮件通知。",
    "Capacity": "名额", "Booked": "已预约", "No-shows": "未到场", "Waiting list": "候补",
    "Places held for the waiting list": "为候补保留的名额", "Attendee list (CSV)": "观众名单（CSV）",
    "Attendee list (PDF, to print)": "观众名单（PDF，可打印）", "Status": "状态", "No-show": "未到场",
    "No bookings yet.": "还没有预约。", "Change the capacity": "调整名额", "Places": "名额", "Save": "保存",
    "Cancel the session": "取消场次", "Cancel every booking of this session and tell the visitors": "取消本场次的全部预约并通知观众",
    "This QR code was not issued by us or was altered: refuse it.": "此二维码不是本馆签发或已被篡改，请拒绝入场。",
    "Already checked in at %(at)s.": "已于 %(at)s 入场。", "This ticket is for another day: %(day)s.": "这张票不是今天的：%(day)s。",
    "This ticket is for another venue: %(venue)s.": "这张票属于其他场馆：%(venue)s。",
    "This booking is not confirmed (%(status)s).": "该预约未确认（%(status)s）。",
    "Too early: the session starts at %(starts)s.": "还没到入场时间：场次 %(starts)s 开始。",
    "The session ended at %(ends)s.": "场次已于 %(ends)s 结束。",
    "%(held)s places are already booked: the capacity cannot be lower.": "已有 %(held)s 个名额被预约，名额不能少于此数。",
    "No ticket has this code.": "没有这个票号。", "No booking today at this venue for this document.": "该证件今天在本场馆没有预约。",
    "No such session.": "没有这个场次。", "Capacity must be a whole number from 0 to 100000.": "名额须为 0 到 100000 的整数。",
    "Type or scan a ticket code.": "请输入或扫描票号。",
}


@lru_cache(maxsize=1)
def _to_traditional():
    from opencc import OpenCC

    return OpenCC("s2twp").convert


@lru_cache(maxsize=2048)
def _hant(message: str) -> str:
    return _to_traditional()(ZH[message]) if message in ZH else message


def language() -> str:
    """The page's language, with ``zh-Hant`` asked by ``?lang=`` or the cookie honoured already."""
    lang = current_language()
    if lang != "en" and has_request_context():
        asked = request.args.get("lang") or request.cookies.get("lang")
        if asked == "zh-Hant":
            return "zh-Hant"
    return lang


def translate(message: str, **params) -> str:
    lang = language()
    if lang == "zh":
        result = ZH.get(message) or text(message, "zh")
    elif lang == "zh-Hant":
        result = _hant(message) if message in ZH else _to_traditional()(text(message, "zh"))
    else:
        result = text(message, "en") if message not in ZH else message
    return result % params if params else result


def install(bp: Blueprint) -> None:
    """Give this blueprint's templates the bookings' ``_``."""
    bp.context_processor(lambda: {"_": translate, "page_lang": language()})
