"""Chinese for the upload and job pages (same mechanism as viewer.curator_text, kept apart to stay small)."""
from __future__ import annotations

from flask import Blueprint

from viewer import curator_text
from viewer.i18n import current_language

ZH: dict[str, str] = {
    "Upload": "上传",
    "Upload files": "上传文件",
    "Drop one file or a whole batch: photos, 3D models, video or audio, with its CSV or .xlsx if you have one. Big files resume where they stopped if the connection breaks.":
        "拖入单个文件或整批文件：照片、三维模型、视频或音频，有 CSV 或 .xlsx 登记表的一并拖入。大文件在网络中断后会从中断处继续上传。",
    "Without a CSV, each file becomes an item in the hall you choose. New items start as drafts.":
        "没有登记表时，每个文件成为所选展厅中的一件展品。新展品均为草稿。",
    "Start ingest": "开始入库",
    "Wait until every file is uploaded.": "请等待所有文件上传完毕。",
    "Every file is uploaded. Start the ingest when you are ready.": "所有文件已上传。准备好后即可开始入库。",
    "Starting the ingest…": "正在开始入库……",
    "Could not start the ingest:": "无法开始入库：",
    "Job": "任务",
    "Ingest job": "入库任务",
    "File": "文件",
    "Item": "展品",
    "Reason": "原因",
    "queued": "排队中",
    "running": "处理中",
    "done": "已完成",
    "failed": "失败",
    "ingested": "已入库",
    "unchanged": "未改动",
    "waiting": "等待中",
    "of": "/",
    "files processed": "个文件已处理",
    "Replace this file": "替换此文件",
    "Uploading the replacement…": "正在上传替换文件……",
    "The replacement is uploaded; the job runs again for it.": "替换文件已上传，任务将重新处理它。",
    "Could not replace the file:": "无法替换文件：",
    "Publish the ingested items": "发布已入库的展品",
    "Published:": "已发布：",
    "Nothing to publish.": "没有可发布的展品。",
    "The job stopped:": "任务已停止：",
    "Your recent jobs": "您最近的任务",
    "No jobs yet.": "还没有任务。",
    "Started": "开始时间",
}


def translate(message: str) -> str:
    if current_language() == "zh" and message in ZH:
        return ZH[message]
    if message in ZH:
        return message
    return curator_text.translate(message)


def install(bp: Blueprint) -> None:
    bp.context_processor(lambda: {"_": translate})
