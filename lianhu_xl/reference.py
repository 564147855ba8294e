"""The field reference (docs/fields.md) and the message catalogue (docs/messages.md),
generated from the models and the catalogue so that the docs can never disagree with
what the toolkit does. Regenerate with ``.venv/bin/python -m lianhu_xl.reference``;
a test fails when the files in docs/ are out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .atomic import write_atomic
from .catalogue import CATALOGUE, SEVERITY_ZH
from .reader import col_letter
from .standard import EXPECTED_PAIRING, STANDARD_VERSION, CardRow, DiaryRow, StandardRow, columns_of

COMMAND = ".venv/bin/python -m lianhu_xl.reference"
DOCS = Path(__file__).resolve().parent.parent / "docs"
GENERATED = f"> 本文件由 `{COMMAND}` 从代码生成，请勿手改；改了模型或消息目录后重新生成。"

KIND_ZH = {"text": "文本", "choice": "单选", "many": "多选", "date": "日期", "whole": "整数",
           "number": "数字", "yesno": "是/否", "id": "身份证号", "phone": "电话"}
SCOPE_ZH = {"file": "整个文件", "sheet": "工作表", "row": "一行", "cell": "单元格", "cross": "跨行、跨表、跨文件"}
SHEET_INTRO = {
    CardRow: "一行填一户：联系人是谁、联系哪一户、这一户的情况和年末评议。",
    DiaryRow: "每次联系记一行，用“卡号”对应联户卡。",
}

# Rules the standard leaves to the toolkit ("choose what a township clerk would expect
# and write it down"): how this toolkit reads what the standard does not spell out.
READING_RULES = [
    "表头：列名前后的 `*`（有人用来标必填）不影响识别；给本来没有单位的列加了单位（`家庭人口（人）`）也能识别；"
    "标准的单位按表格的习惯写也认（`担保贷款（单位：元）`、`办实事（件数）`、`基期人均纯收入（元/人）`）；"
    "金额列写的单位是万元（`担保贷款（万元）`、`基期人均纯收入（单位：万元）`）的，这一列按万元读：`0.3` 计为 3000 元，"
    "格子里自己写明“元”的（`3000元`）按元读，汇总表里一律是元，并在表头给出提示（这一列按万元读）；"
    "别的单位（`担保贷款（千元）`）按多余的列处理并给出警告，以免读错。",
    "两行表头：表头下一行只有文字、并且有表头行没有的列名（如“帮扶成效”合并在“办实事（件）”“担保贷款（元）”"
    "“帮耕帮畜（次）”上面，“年末评议”合并在三项评议上面）时，两行一起算表头，列名以下一行为准，数据从再下一行开始；列名多在第二行、上一行只有分组名和向下合并的"
    "“卡号”“结对日期”等时也一样。",
    "表尾：表格下面的“填表人：…”“审核人：…”“填表日期：…”“以下空白”“注：…”这样的说明行不是登记的一行，"
    "跳过并给出提示（表尾说明行已跳过），不算读入的行，也不影响汇总。",
    "Excel 表格的汇总行（第一列是“汇总”）和合计行一样跳过，计入“合计行”。",
    "隐藏的行：在 Excel 里隐藏的行（或被筛选掉、看不见的行）照样读取、计入汇总，每张表给一条提示说明是哪几行；"
    "不该计入的行请删除，不要只隐藏。",
    "分段小标题：一行里只写了 `四月份`、`2010年第二季度`、`二〇一〇年下半年`，或 `一社`、`二社农户：`、`下营村三社`、`下营村` 这样的小标题（可以合并整行），"
    "跳过并给出提示，不算读入的行。向下合并的卡号（或形式）下面的一行不是小标题：只填了 `2010年5月` 的，"
    "是日期没写到日的一条日记，按错误指出。",
    "同上：格子里只写了 `同上`（或 `〃`、`″`、`\"`）的，按上一行同一列的内容读（联户卡的村、社、联系人、结对日期，"
    "日记的卡号、日期、形式等都可以）；每张表给一条提示，说明是哪几行。表里第一行写“同上”没有上一行可依，照写的读。",
    "预先填好的空行：没有卡号、只有提前往下拖好的“否”“0”“无”之类，或干部自己的联系人、联系人类别、职务、所属支部、"
    "村、社（日记里是联系人、调阅人）的行按空行跳过，不算读入的行；"
    "每张表给一条提示，说明是哪几行。",
    "只有调阅的行：日记里一行只填了调阅日期或调阅意见（可连同调阅人、联系人），没有卡号、日期、形式，是支部调阅时"
    "另起一行写的“已阅”，不是一条日记：不计入，给出警告 `review-row`，提醒把调阅填在所调阅日记的同一行。",
    "重复的表头：表格中间又出现一遍表头（两页表格粘在一起），这一行和空行一样跳过，不算一行；第二遍表头写法略有不同"
    "（`卡号*` 与 `卡 号`、`担保贷款（元）` 与 `担保贷款`，或写成“联户卡号”“联系日期”这样的别名）也算。",
    "合并单元格：数据区里向下合并的单元格（比如几户同一个“村”、几条日记同一个“卡号”）算作每一行都填了这个值；"
    "只有合并单元格伸进去、别的列都空的行仍是空行。数字列（办实事、担保贷款、帮耕帮畜，联户卡上的家庭人口、"
    "人均纯收入）例外：向下合并的数只计一次，计在合并单元格的第一行，下面各行这一列按空白算（几次走访办成的一笔 "
    "5000 元贷款合并填写，汇总是 5000，不是 10000），并给出警告“合并单元格的数只计一次”，指明合并的范围。"
    "一张卡或一条日记分两行写（联户卡的卡号，日记的卡号、日期、形式都从上一行向下合并下来），下一行自己只写了"
    "主导产业、主要问题、帮扶措施、备注（日记：生产生活情况、发现问题、解决办法、调阅意见）这样的文字时，这一行是上一行的续写："
    "文字换行接在上一行后面，不算另一行（以前算成同一卡号内容不同，整张卡和它的日记都不计入），给出提示“续写的一行已并入上一行”；"
    "下一行自己填了别的（自己的日期、办理结果等）仍是单独的一行。",
    "工作表：只读名为“联户卡”“联户日记”的表（名字前后的空格不算）；别的表前 10 行里有一行含某张表的全部必填列名"
    "（改了名的“联户日记表”、留在 Sheet1 里的日记）时，这张表不读，但报错误“工作表名不对”，提示改名，不会悄悄漏掉。",
    "合计行：`合 计`、`总 计：` 这样中间有空格的也算合计行；最左边有“序号”列时，序号后面第一个填了的格子是"
    "“合计”也算（预先编好序号的表，合计行也有序号）。",
    "日期：除标准列出的写法外，`2010。9。6`、末尾多打的句点或逗号（`2010.9.6.`）、用逗号隔开的 `2010,9,6`、"
    "中文数字写的 `二〇一〇年九月六日` 也能识别；日期后面写了星期或时间（`2010年9月6日 星期一`、`2010-9-6 周一`、"
    "`2010.9.6（周一）`、`2010年9月6日14:30`、`2010-9-6 下午3点`）按这一天读，但星期与日期对不上（2010年9月6日写成星期二）"
    "认不出是哪一天，是错误“日期和星期对不上”；从别处粘来时前面带的 `'` 不算。没有年份的 `9月6日`（以及文本的 `9.6`、`9-6`）："
    "表格上方的标题里只写了一个年份（`下营村联户日记（2010年）`、`二〇一〇年度`）时按那一年读，否则是“日期无法识别”"
    "（标题写了两个年份，如 `2009—2010年度`，也认不出是哪一年）；单元格丢了日期格式、只剩 Excel 序号（如 40427）时，"
    "1950 年到 2100 年之间的序号按日期读，其他数字（如单独的 `2010`）是“日期无法识别”。",
    "数字：金额前的 `¥`/`￥` 可以有；`万元` 同 `万`，`3千`、`3千元` 是 3000；`5口人`、`2500元/人`、`2500元/年`、`3000块`、"
    "`2人次` 这样带单位的也认，单位写在括号里（`3000（元）`）、句末多打的句号（`3000元。`）、粘来时前面带的 `'` 也不算；"
    "收据上的写法 `5000元整`、`1.2万元整` 也认。中文数字写的 `五口`、`一件`、`两次`、`五千`、`叁仟元`、`一万二`（12000）、"
    "`三千五`（3500）也认；但 `三四千`、`约3000`、`5千左右` 不是一个数，是错误；单独一个 `一` 可能是当作横线打的，也是错误。"
    "全角字母、数字、标点一律按半角读。",
    "是/否：还认 `✔`（手机输入法的 `✔️` 也算）、`☑`、`✅` 和 `✗`、`✕`、`✖`、`╳`、`❌`（输入法里打“dui”“cha”给出的符号）、`有`/`无`、`对`/`不`、`1`/`0` 和 Excel 的 TRUE/FALSE；句末多打的句号（`是。`）不算；"
    "写这一列自己的词也认：`已转化`、`转化了`、`有发展`、`有所提高`、`是主要问题` 是“是”，`未转化`、`没有发展`、`不是主要问题` 是“否”。",
    "卡号：全角字母数字、中文输入法的破折号（—）、从 Word 粘来的减号（−）、中间的空格和换行都不影响对应；"
    "字母不分大小写（`xy-2010-001` 就是 `XY-2010-001`），汇总表里一律写成大写；从别处粘来时前面带的 `'` 不算"
    "（身份证号、联系电话也一样）。",
    "“没有”的写法：数字列、服务类别、办理结果、发现问题、解决办法、身份证号、联系电话里填 `无`、`没有`、`暂无`、`无问题`、`未提供`、`—`、`-`、`/`，"
    "按空白读（办实事填“无”就是没有办实事，这一行照样计入；发现问题填“无”不算发现了问题）。是/否列里 `无` 仍是“否”。",
    "身份证号：只认 18 位（末位可为 X，大小写均可）；15 位旧号、被 Excel 变成数字的号码都是错误，并说明原因。",
    "联系电话：手机号中间有空格或“-”、前面带 `+86` 都可以；固定电话须带 0 开头的区号。同一张联户卡的几份，电话号码"
    "只差在这些写法（`139-1234-5678` 与 `13912345678`）算内容相同，只计一次。",
    "看不见的字符：从微信或网页复制来的零宽字符、BOM 会被去掉。",
    "服务类别：除顿号、逗号、分号、空格外，用 `+` 或 `|` 隔开的也认；各项前面编的号（`1.政策宣传 2.实用技术`、"
    "`(1)…(2)…`、`①…②…`）和最后的“等”（`政策宣传、实用技术等`）不算服务类别的一部分。",
    "下拉选项（形式、联系人类别、联系户类型、办理结果）：句末多打的标点（`入户访谈。`）、`其它`（即“其他”）、"
    "只写了某个选项独有的一部分（`入户`、`电话`、`保守户`、`村干`）都按那个选项读；几个选项共有的部分"
    "（`解决`、`干部`）认不出是哪一个，仍是错误。",
    "姓名和地名（联系人、户主、村、社、调阅人，名册的村、社）：汉字之间为了对齐打的空格不算，"
    "`李　四` 就是 `李四`，`下 营村` 就是 `下营村`。",
    "一行有错误时，这一行的其他问题（包括同一行各列之间的规则、日记卡号是否存在）照样列出，一次改完；这一行不计入汇总。",
    "同一卡号的联户卡、同一条日记（卡号、日期、形式、发现问题相同）有一份有错误时，其他各份也都不计入"
    "（无法判断哪份对），每一份都会说明其他各份在哪里；各份只差在填错的格子的，改正错误后只计一次。"
    "卡号、日期或形式本身填错的日记认不出是哪一条的副本。",
    "发现问题、解决办法只差在全角半角、空格或句末的标点（`缺水，缺肥。` 与 `缺水,缺肥`）算写的是同一件事："
    "两本里的同一条日记照样只计一次，不算两次走访，也不算内容不同。",
    "村名：同一个村写法不同——后面带不带“村”“村委会”“村村委会”“行政村”“村民委员会”（`下营村`、`下营`、`下营村委会`），"
    "或前面加了乡镇名（`倪家营乡倪家营村` 与 `倪家营村`）——算同一个村，在汇总表里只占一行，按用得最多的写法计入"
    "（有名册时按名册的写法，不再算“不在名册中”）；每种其他写法在第一次出现的格子给一条警告“同一个村写法不同”。"
    "别的不同（`上营` 与 `下营`、`沙河一村` 与 `沙河村`）是不同的村；前面是两个不同乡镇名的（`甲乡下营村`、`乙乡下营村`）不合并。"
    "社：`6社`、`第六社`、`六社` 是同一个社，查“同一户有两张卡”时也一样。"
    "同一张联户卡在两本里只差在村、社的这种写法（`下营村 六社` 与 `下营 6社`）算内容相同，只计一次，不算“同一卡号内容不同”。",
]


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", "<br>")


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _sheet_section(model: type[StandardRow]) -> list[str]:
    cols = columns_of(model)
    lines = [f"## 工作表“{model.SHEET}”", "", SHEET_INTRO[model], ""]
    rows = [[col_letter(i), f"**{c.label}**" if c.required else c.label, "是" if c.required else "",
             KIND_ZH[c.kind], c.rule, c.help, f"`{c.example}`" if c.example else "", "、".join(c.aliases)]
            for i, c in enumerate(cols)]
    lines += _table(["模板列", "列名", "必填", "类型", "规则", "说明", "示例", "也认作"], rows)
    lines += ["", "### 同一行各列之间的规则", ""]
    lines += _table(["代码", "级别", "标题", "消息"],
                    [[f"`{code}`", SEVERITY_ZH[CATALOGUE[code].severity], CATALOGUE[code].title,
                      CATALOGUE[code].template] for code in model.ROW_RULES])
    if model is CardRow:
        pairs = "；".join(f"{k} → {v}" for k, v in EXPECTED_PAIRING.items())
        lines += ["", f"预期的对应（“三联”）：{pairs}。其他对应是警告，不是错误。"]
    return lines + [""]


def fields_md() -> str:
    """docs/fields.md: every column of both sheets, from the models."""
    lines = [f"# 字段参考（联户带创登记簿，标准第{STANDARD_VERSION}版）", "", GENERATED, "",
             "列名按下表书写（列的顺序不限，列名中的空格、换行、全角括号不影响识别，带单位的列也可以不写单位；"
             "“也认作”一栏是常见的别名，读取时当作这一列）。"
             "加粗的列必填。模板列是标准模板（`lianhu template`）里这一列的位置。", ""]
    for model in (CardRow, DiaryRow):
        lines += _sheet_section(model)
    cross = [c for c in CATALOGUE.values() if c.scope == "cross"]
    lines += ["## 跨行、跨表、跨文件的规则", ""]
    lines += _table(["代码", "级别", "标题", "消息"],
                    [[f"`{c.code}`", SEVERITY_ZH[c.severity], c.title, c.template] for c in cross])
    lines += ["", "## 读取约定（标准没有写明、本工具的做法）", ""]
    lines += [f"- {rule}" for rule in READING_RULES]
    return "\n".join(lines) + "\n"


def messages_md() -> str:
    """docs/messages.md: every code of the catalogue."""
    lines = ["# 消息目录", "", GENERATED, "",
             "每个问题有级别、代码（英文，稳定不变，供程序使用）、文件、工作表、单元格、列名、填写的值和一句中文消息。"
             "消息 = 位置（如 `联户日记!F17：`）+ 下表的“消息”+“怎样改”。花括号是填入的内容："
             "`{column}` 列名，`{value}` 填写的值，`{expected}` 应填的内容，`{detail}`、`{sheet}`、`{row}` 见各条。",
             "", "级别：**错误**（这一行或这个文件不计入汇总，须改正）、**警告**（请核对，不影响汇总）、**提示**（无需处理）。", ""]
    for scope, title in SCOPE_ZH.items():
        codes = [c for c in CATALOGUE.values() if c.scope == scope]
        if not codes:
            continue
        lines += [f"## {title}", ""]
        lines += _table(["代码", "级别", "标题", "消息", "怎样改"],
                        [[f"`{c.code}`", SEVERITY_ZH[c.severity], c.title, c.template, c.hint] for c in codes])
        lines.append("")
    return "\n".join(lines)


def outputs(docs: Path = DOCS) -> dict[Path, str]:
    return {docs / "fields.md": fields_md(), docs / "messages.md": messages_md()}


def main(argv: list[str] | None = None) -> int:
    """Write both files (``--check``: only say whether they are up to date)."""
    args = sys.argv[1:] if argv is None else argv
    stale = [p for p, text in outputs().items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if "--check" in args:
        for p in stale:
            print(f"{p} is out of date; run {COMMAND}")
        return 1 if stale else 0
    for path, text in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8", newline="\n"))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
