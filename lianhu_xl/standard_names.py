"""The standard's version and the names of its workbook and sheets, without its models: what
the light modules (collecting files, the cache's key, what an output may replace) need, so
that a re-run with nothing changed answers before Pydantic and the models are imported."""

STANDARD_VERSION = "1"
CARD_SHEET = "联户卡"
DIARY_SHEET = "联户日记"
GUIDE_SHEET = "填表说明"
TOTALS_SHEET = "汇总"  # a totals workbook's sheet: what a roll-up reads
RESULT_SHEET = "校验结果"  # an annotated copy's first sheet (annotate.py)
MARKS_SHEET = "lianhu_marks"  # an annotated copy's very hidden record of its marks
WORKBOOK_NAME = "联户带创登记簿.xlsx"
