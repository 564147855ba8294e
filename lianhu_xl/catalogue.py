"""The message catalogue: every issue code the toolkit emits, in one place.

Each entry carries its severity, a short Chinese title, a message template and a
fix hint. Messages are rendered only from here so that they stay consistent and
short enough to fit in a cell note. Template fields: ``{column}`` (the column's
label as the sheet shows it), ``{value}`` (what was typed), ``{expected}`` (what
to type) and code-specific fields named in ``fields``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "notice"]

SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "notice": "提示"}


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    severity: Severity
    title: str
    template: str
    hint: str
    scope: Literal["file", "sheet", "row", "cell", "cross"] = "cell"


# a copy counted once (not an error): validate marks them, consolidate and merge put them apart
REPEAT_CODES = frozenset({"duplicate-card", "duplicate-diary"})

_CODES = [
    # --- the file as a whole -------------------------------------------------
    Code("file-not-found", "error", "文件不存在", "找不到文件“{value}”。", "检查文件名和所在文件夹是否写对。", "file"),
    Code("file-unreadable", "error", "文件无法打开", "文件无法读取（{detail}）。",
         "关闭正在使用它的程序，或把文件复制到本机后再试。", "file"),
    Code("folder-unreadable", "error", "文件夹无法打开", "文件夹“{value}”无法打开（{detail}），里面的登记簿都没有读取。",
         "确认有读取权限（或把文件夹复制到本机）后再试。", "file"),
    Code("not-a-file", "error", "不是文件", "“{value}”是文件夹或特殊文件，不是工作簿。",
         "把工作簿本身放进收集文件夹。", "file"),
    Code("link-outside", "error", "链接指向别处", "“{value}”是指向收集文件夹以外的快捷链接，未读取。",
         "把真正的工作簿复制进收集文件夹。", "file"),
    Code("file-empty", "error", "空文件", "文件是空的（0 字节）。", "请对方重新发送完整的文件。", "file"),
    Code("not-a-workbook", "error", "不是 Excel 工作簿", "文件不是 .xlsx 工作簿（{detail}）。",
         "用 Excel 或 WPS 打开后“另存为”Excel 工作簿（*.xlsx）再提交。", "file"),
    Code("old-xls", "error", "旧版 .xls 格式", "文件是旧版 Excel 97-2003（.xls）格式。",
         "用 Excel 或 WPS 打开，点“文件→另存为”，类型选“Excel 工作簿（*.xlsx）”。", "file"),
    Code("wps-et", "error", "WPS 表格格式", "文件是 WPS 表格（.et）格式。",
         "在 WPS 中点“文件→另存为”，类型选“Excel 工作簿（*.xlsx）”。", "file"),
    Code("console-skipped", "notice", "汇总台未读取", "“{value}”是汇总台（放按钮的工作簿），不是登记簿，没有读取。",
         "无需处理；汇总台也可以放在收集文件夹外面。", "file"),
    Code("open-elsewhere", "notice", "正在打开", "“{value}”正在 Excel 或 WPS 中打开，读到的是它最后一次保存的内容。",
         "刚改过的地方请先在 Excel 或 WPS 里保存，再校验或汇总；它其实没有打开时（电脑死机后留下的），"
         "可以删除它旁边以 ~$ 开头的小文件。", "file"),
    Code("report-skipped", "notice", "问题清单未读取", "“{value}”是本工具写出的问题清单，不是登记簿，没有读取。",
         "无需处理；问题清单也可以存在收集文件夹外面。", "file"),
    Code("archive-not-read", "error", "压缩包没有读取",
         "“{value}”是压缩包{detail}，里面的登记簿没有读取，汇总里没有它们的数字。",
         "请解压，把里面的 .xlsx 放进收集文件夹，并把压缩包移出，再校验或汇总。", "file"),
    Code("csv-not-read", "error", "CSV 文件没有读取",
         "“{value}”是 CSV 文本文件，不是 Excel 工作簿，没有读取，汇总里没有它的数字。",
         "请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”放进收集文件夹，把 CSV 移出。", "file"),
    Code("file-encrypted", "error", "文件设了密码", "文件设有打开密码（已加密），无法读取。",
         "打开文件后在“文件→信息→保护工作簿”中清除密码，另存为不加密的 .xlsx 再提交。", "file"),
    Code("file-corrupt", "error", "文件已损坏", "文件已损坏或不完整（{detail}）。",
         "用 Excel 或 WPS 打开它，问是否修复时选“是”，核对无误后另存为 .xlsx 再提交；"
         "打不开就请对方重新发送（微信/QQ 传输中断也会造成这种情况）。", "file"),
    Code("file-too-large", "error", "文件异常庞大", "文件内容异常（{detail}），为安全起见拒绝读取。",
         "登记簿正常只有几百 KB；请用标准模板重新填写后提交。", "file"),
    Code("xml-entities", "error", "文件含可疑内容", "文件内部含有不安全的定义（在 {detail} 中），为安全起见拒绝读取。",
         "用 Excel 或 WPS 打开后另存为新的 .xlsx 再提交。", "file"),
    Code("sheet-too-large", "error", "工作表范围异常", "工作表“{sheet}”声称使用到 {detail}，远超登记簿可能的大小，为安全起见拒绝读取。",
         "删除表格下方和右侧的多余内容，另存后再提交。", "file"),
    Code("reader-crashed", "error", "读取时出错", "读取这个文件时出错（{detail}）。",
         "用 Excel 或 WPS 打开后另存为新的 .xlsx 再提交；仍不行请把文件交给技术人员。", "file"),
    Code("tool-failed", "error", "程序出错", "检查这个文件时本程序出了错，多半不是文件的问题，这个文件暂未读取。",
         "请把这个文件和这条提示一起交给技术人员；原文件没有改动，其他文件照常检查。", "file"),
    Code("reader-timeout", "error", "读取超时", "读取这个文件超过 {detail}仍未完成，已跳过。",
         "用 Excel 或 WPS 打开后另存为新的 .xlsx 再提交；仍不行请把文件交给技术人员。", "file"),
    Code("formula-no-value", "error", "公式没有计算结果", "“{column}”是公式“{value}”，但文件里没有它的计算结果。",
         "用 Excel 或 WPS 打开文件、保存一次（会算出结果），或直接填写数值。", "cell"),
    Code("formula-stale", "error", "公式结果不可信", "“{column}”是公式“{value}”，文件里存的结果 {detail}，不能当真。",
         "在 Excel 或 WPS 里把“公式 → 计算选项”设为“自动”（会重新计算一遍）后保存，或直接填写数值。", "cell"),
    Code("cell-error", "error", "单元格是错误值", "“{column}”显示的是错误值“{value}”，没有可用的数值。",
         "改正这个单元格的公式，或直接填写数值。", "cell"),
    Code("unreadable-error-value", "error", "读不了的错误值",
         "这个单元格显示错误值“{detail}”（较新的 Excel 才有），读取程序处理不了，整个文件没有读取。",
         "在 Excel 中改好这个单元格的公式（溢出错误多因结果要占的格子里已有内容，清空即可）或改成数值，保存后再提交。",
         "file"),
    Code("no-standard-sheet", "error", "没有登记簿工作表", "工作簿里没有名为“联户卡”或“联户日记”的工作表（现有：{detail}）。",
         "用标准模板填写，或把工作表改名为“联户卡”“联户日记”。", "file"),
    Code("totals-sheet-renamed", "error", "汇总表没有“汇总”工作表",
         "这像是一份汇总表，但没有名为“汇总”的工作表（现有：{detail}），没有读取。",
         "把放各单位数字的那张工作表改名为“汇总”后再报；登记簿则应有“联户卡”或“联户日记”工作表。", "file"),
    Code("totals-workbook", "notice", "汇总表", "这是一个汇总表（{detail}），按汇总表读取。", "无需处理。", "file"),
    Code("mixed-inputs", "error", "登记簿与汇总表混在一起", "同时提供了登记簿和汇总表，无法一起汇总（{detail}）。",
         "把两者分开放：登记簿先汇总成乡镇汇总表，各乡镇的汇总表再单独放一起汇总到县。", "file"),
    Code("bad-totals-sheet", "error", "汇总表格式不对", "汇总表“汇总”工作表{detail}。这份汇总表未计入。",
         "请该单位改正后再报；最好用本工具重新生成汇总表，不要删改表头和数字。", "file"),
    Code("totals-incomplete", "warning", "汇总表注明有行未计入", "这份汇总表首页注明：“{value}”。它的数字不含那些行，本次汇总也就不含。",
         "请该单位改正未计入的行、重新汇总后再报；或者确认这些行确实不该计入。", "file"),
    Code("totals-duplicate", "warning", "汇总表重复", "单位“{value}”的汇总表在 {detail} 也有一份，数字相同，只计一次。",
         "无需处理；同一个汇总表只提交一次。", "file"),
    Code("totals-conflict", "error", "同一单位两份汇总表", "单位“{value}”在 {detail} 也有一份汇总表，但数字不同，两份都不计入{why}。",
         "核对后只保留正确的一份；若是不同乡镇的汇总表，生成时写明乡镇名（标题）后重新生成。", "file"),
    Code("totals-rows-disagree", "warning", "各单位之和与合计不符",
         "各单位的“{column}”加起来是 {value}，合计行写的是 {expected}；按合计行计入。",
         "核对汇总表里各单位的数字和合计行，改正后重新生成。", "file"),
    Code("totals-nested", "error", "汇总表套汇总表", "“{value}”的汇总表里已经有 {detail} 的数字（它是上一级的汇总表），再和它们一起汇总会重复计数，未计入。",
         "把上一级的汇总表移出文件夹，只放各单位自己的汇总表。", "file"),
    Code("totals-horizon-differs", "warning", "汇总表应访谈月数计到的月份不同",
         "这份汇总表的应访谈月数计到 {value}，其他汇总表计到 {expected}。计到的月份不同，合起来的访谈达标率、日记达标率就不准（数字照样计入）。",
         "请各乡镇在同一时间、用同一统计期重新生成汇总表（给了统计期的，等统计期结束以后），再汇总一次。", "file"),
    Code("totals-period-unknown", "warning", "汇总表没写统计期",
         "这份汇总表的标题和“统计期：”行都没有写统计期，无法核对它是不是“{expected}”的数字；已按“{expected}”计入。",
         "请该单位在标题里写明统计期（如“（2010年）”）或用本工具重新生成汇总表；确认是本期的数字则无需处理。", "file"),
    Code("totals-below-total", "warning", "合计行下面还有单位",
         "第 {row} 行的“{value}”在合计行（第 {expected} 行）下面，合计行不含它的数字；按合计行计入，这一行没有计入。",
         "该单位的数字应当计入的话，把这一行移到合计行上面并改正合计行（最好用本工具重新生成汇总表）；不应计入的话删去这一行。",
         "file"),
    Code("totals-same-units", "warning", "两份汇总表各单位完全相同",
         "“{value}”和 {detail} 的汇总表各单位名称和数字完全相同，可能是同一乡镇以两个名称交了两次；两份都已计入。",
         "是同一乡镇的，只保留一份（标题写对乡镇名）后重新汇总；确是两个乡镇的无需处理。", "file"),
    Code("totals-same-village", "warning", "同一个村在两份汇总表里",
         "“{value}”这一行在 {detail} 里也有，数字完全相同：可能同一个村的登记簿在两个乡镇都汇总了，合计算了两次（都已计入）。",
         "核对它属于哪个乡镇，请另一个乡镇移出这本登记簿、重新生成汇总表；确是两个同名的村则无需处理。", "row"),
    Code("totals-edited", "warning", "汇总表生成后被改过",
         "这份汇总表的数字或统计期与本工具生成时不同（生成时记下的校验码对不上），可能是有人直接改了“汇总”表；已按它的合计行计入。",
         "数字有误的，请改正登记簿后用本工具重新生成汇总表，不要直接改汇总表；改动确实无误的无需处理。", "file"),
    Code("totals-period-mismatch", "error", "汇总表统计期不同", "这份汇总表的统计期是“{value}”，与本次汇总的“{expected}”不同，未计入。",
         "请各乡镇按同一统计期重新生成汇总表。", "file"),
    Code("annotated-copy", "notice", "这是标注过的副本",
         "这本登记簿是上次校验做的标注副本：“校验结果”表、红黄底色和“【校验】”批注是上次的，以这次校验的结果为准。",
         "无需处理：汇总只读联户卡、联户日记里填的内容，旧标注不影响汇总。", "file"),
    Code("other-template-version", "warning", "模板版本不同", "工作簿记录的标准版本是“{value}”，本工具按第 {expected} 版读取。",
         "下载最新模板重新填写，或确认各列与填表说明一致。", "file"),
    Code("annotate-failed", "notice", "没有生成标注副本", "没能为这个文件生成标注副本（{detail}）。",
         "按问题清单逐项改正原文件即可。", "file"),
    Code("annotate-incomplete", "notice", "标注副本有缺失", "标注副本没能保留原文件中的{detail}。",
         "如果这些内容要紧，请在原文件中按“校验结果”逐项改正后提交。", "file"),
    Code("annotate-resent", "notice", "旧的一本没有做标注副本",
         "这本与“{value}”像是同一本交了两次（见本文件“{detail}”的警告），没有为它做标注副本：发回去改好，又会多交来一本。",
         "先按那条警告把该移走的一本移出收集文件夹，再校验、标注，把留下的那本的副本（如有）发回。", "file"),
    Code("annotate-stale", "notice", "上次的标注副本已过时",
         "这个文件现在没有要改的错误和警告，上次校验做的标注副本“{detail}”还在，里面是上次的问题，没有更新。",
         "不要再把这份副本发回去；可以删除它。", "file"),
    # --- a sheet ---------------------------------------------------------------
    Code("duplicate-sheet", "error", "工作表重名", "工作表“{sheet}”与“{expected}”名字只差空格，只读取了“{expected}”，这张表的内容没有读取。",
         "把它的内容移到“{expected}”里，再删除这张表或改名。", "sheet"),
    Code("lookalike-sheet", "error", "工作表名不对",
         "工作表“{sheet}”第 {row} 行是“{expected}”的表头，但工作表不叫“{expected}”，这张表的内容没有读取。",
         "把工作表改名为“{expected}”；本簿已有“{expected}”时，把内容移进去后删除这张表。", "sheet"),
    Code("named-sheet", "notice", "按工作表名读取",
         "工作表“{sheet}”的名字写明了是“{expected}”（本簿没有名为“{expected}”的工作表），按“{expected}”读取、计入汇总。",
         "无需处理；用标准模板时工作表名就叫“{expected}”。", "sheet"),
    Code("content-sheet", "warning", "按表头读取的工作表",
         "工作表“{sheet}”没有改名，但它的表头是“{expected}”的，本簿也没有别的“{expected}”工作表，按“{expected}”读取、计入汇总。",
         "确是登记簿的，把工作表改名为“{expected}”；不该计入的（草稿、旧表），删除这张表后再交。", "sheet"),
    Code("header-moved", "notice", "表头又出现一次，列的顺序不同",
         "第 {row} 行又是一行表头，但列的顺序与第 {expected} 行的表头不同（{detail}）：下面的行按这一行的表头读。",
         "无需处理；最好把各列调成同一顺序，或把这一页放到单独的一本登记簿里。", "sheet"),
    Code("header-no-value", "error", "表头是没有结果的公式",
         "工作表“{sheet}”的表头是公式（如“{value}”），文件里没有计算结果，读不出列名，整张表没有读取。",
         "用 Excel 或 WPS 打开文件、保存一次（会算出结果）后再提交。", "sheet"),
    Code("chart-sheet", "error", "工作表是图表", "工作表“{sheet}”是图表，不是表格，没有可读的行。",
         "把登记簿的表格放在名为“{sheet}”的普通工作表里，图表改用别的名字。", "sheet"),
    Code("no-header", "error", "找不到表头", "工作表“{sheet}”前 10 行里找不到表头（应有“{expected}”等列名）。",
         "把列名放在表格顶部一行，列名按填表说明书写。", "sheet"),
    Code("missing-column", "error", "缺少必填列", "工作表“{sheet}”缺少必填列“{column}”。",
         "在表头加上“{column}”这一列并填好。", "sheet"),
    Code("unknown-column", "warning", "多余的列", "“{value}”不是标准中的列，这一列的内容不会被读取。",
         "列名写错的请按填表说明改正；内容如需保留，联户卡写在“备注”列，日记写在“生产生活情况”列。", "sheet"),
    Code("unlabelled-column", "warning", "没有列名的列", "{column}没有列名，但下面填了内容（从 {detail} 起），这一列不会被读取。",
         "给这一列写上标准的列名（见填表说明）；内容如需保留，联户卡写在“备注”列，日记写在“生产生活情况”列。", "sheet"),
    Code("duplicate-column", "warning", "列重复", "“{column}”列出现了两次，只读取第一列（{expected}）。",
         "删除重复的列。", "sheet"),
    # --- a row -----------------------------------------------------------------
    Code("placeholder-rows", "notice", "只有预填内容的空行已跳过",
         "第 {detail} 行没有卡号，只有预先填好的“{value}”之类，按空行跳过，不算登记的行。",
         "无需处理；以后在这些行登记时填上卡号等内容即可。", "sheet"),  # said once per sheet, like hidden-rows
    Code("review-row", "warning", "只有调阅的行", "第 {row} 行只填了{detail}，没有卡号、日期和形式，不是一条日记，没有计入；"
         "这里的调阅没有记到哪条日记上。", "调阅请填在所调阅的那条日记的同一行（调阅人、调阅日期、调阅意见三列），然后删去这一行。", "row"),
    Code("hidden-rows", "notice", "隐藏的行也已计入", "第 {detail} 行在表格里是隐藏的（或被筛选掉了、行高设成了 0），看不见，但照样读取、计入汇总。",
         "这些行不该计入的，请删除整行（不要只隐藏）；该计入的无需处理。", "sheet"),
    Code("hidden-columns", "notice", "隐藏的列也已读取", "{detail}在表格里是隐藏的（或列宽设成了 0），看不见，但照样读取、计入汇总。",
         "这些列的内容不该计入的，请清除（不要只隐藏）；该计入的无需处理。", "sheet"),
    Code("unshown-cells", "notice", "看不见的单元格也已读取", "{detail}的数字格式设成了不显示内容（如“;;;”），在表格里看不见，"
         "但照样读取、计入汇总。", "这些单元格不该计入的，请清除；该计入的，把数字格式改回“常规”即可。", "sheet"),
    Code("same-colour-text", "notice", "看不见的文字也已读取", "{detail}的文字颜色和单元格底色相同（如白字白底），在表格里看不见，"
         "但照样读取、计入汇总。", "这些单元格不该计入的，请清除；该计入的，把文字颜色改回“自动”即可。", "sheet"),
    Code("hidden-sheet", "notice", "隐藏的工作表也已计入", "工作表“{sheet}”是隐藏的{detail}，打开文件时看不见，但照样读取、计入汇总。",
         "不该计入的，请删除这个工作表（不要只隐藏）；该计入的无需处理。", "sheet"),
    Code("section-row", "notice", "分段小标题已跳过", "第 {row} 行是分段的小标题（“{value}”），不是登记的一行，已跳过。",
         "无需处理。", "row"),
    Code("loose-column", "notice", "列名不标准，按内容认出",
         "列名“{value}”不是标准的列名，看下面填的（{detail}），按“{column}”读。", "无需处理；列名最好改成“{column}”。", "sheet"),
    Code("village-from-title", "notice", "村按标题读",
         "联户卡表里没有“村”这一列，标题（或工作表名）里写的村是“{value}”：各张卡都按“{value}”的读。",
         "无需处理；一本里有几个村的卡，请加上“村”这一列逐行填写。", "sheet"),
    Code("wan-column", "notice", "这一列按万元读", "“{column}”的单位是万元：这一列的数按万元读（0.3 计为 3000 元），写明“元”的按元读。",
         "无需处理；汇总表里一律换算成元。", "sheet"),
    Code("ditto-cells", "notice", "“同上”按上一行读",
         "第 {detail} 行有填“同上”（或 〃）的格子，按上一行同一列的内容读。",
         "无需处理；以后调整行的顺序前，先把“同上”改成实际内容。", "sheet"),
    Code("continued-row", "notice", "续写的一行已并入上一行",
         "第 {row} 行只写了{detail}，卡号等格子是从第 {expected} 行合并下来的：按第 {expected} 行的续写读，不算另一行。",
         "无需处理。", "row"),
    Code("struck-out", "error", "划掉的一行", "第 {row} 行的 {detail} 加了删除线，像是划掉了：算不算说不准，这一行暂不计入。",
         "不该计入的，删除这一行（只划掉一个数的，清空那一格）；该计入的，选中这一行去掉删除线。", "row"),
    Code("text-only-row", "warning", "只有文字的一行",
         "第 {row} 行只写了{detail}，没有{keys}，没有单独计入：像是第 {expected} 行没写完的文字。",
         "把文字写到第 {expected} 行同一格里原有文字的后面，删除这一行；是另一条的，补填{keys}。", "row"),
    Code("footer-row", "notice", "表尾说明行已跳过", "第 {row} 行是表尾的说明（“{value}”），不是登记的一行，已跳过。",
         "无需处理。", "row"),
    Code("totals-row", "notice", "合计行已跳过", "第 {row} 行是合计行（“{value}”），不计入汇总。",
         "无需处理；汇总由工具自动计算。", "row"),
    Code("card-excluded", "notice", "所属联户卡未计入", "卡号“{value}”的联户卡有错误未计入汇总，这条日记也不计入。",
         "先改正该联户卡的错误。", "row"),
    # --- a cell ----------------------------------------------------------------
    Code("required", "error", "必填项为空", "“{column}”是必填项，不能为空。", "请填写{column}，例如：{expected}。"),
    Code("bad-date", "error", "日期无法识别", "“{column}”填的是“{value}”，不是有效日期{detail}。",
         "日期写成 2010-9-6 或 2010年9月6日。"),
    Code("weekday-mismatch", "error", "日期和星期对不上", "“{column}”填的是“{value}”，但{expected}是{detail}，日期和星期对不上。",
         "核对是哪一天，改正日期或星期（也可以只写日期，如 2010-9-6）。"),
    Code("year-as-date", "error", "日期格子里只填了年份",
         "“{column}”显示为 {value}，像是在日期格子里只填了年份 {detail}（Excel 把它读作第 {detail} 天）。",
         "把日期写全，如 {detail}-9-6。"),
    Code("two-digit-year", "error", "年份只写了两位", "“{column}”填的是“{value}”，年份只写了两位，{detail}。",
         "请把年份写全四位，如 {expected}。"),
    Code("future-date", "error", "日期在将来", "“{column}”是 {value}，晚于今天。", "核对年份是否打错，填写实际的日期。"),
    Code("bad-number", "error", "不是数字", "“{column}”填的是“{value}”，不是数字{detail}。",
         "只填数字，例如 {expected}（可以带单位“元”“次”“件”）。"),
    Code("yuan-in-wan", "error", "万元列里像是按元填的",
         "“{column}”的单位是万元，填的 {value} 就是 {value} 万元，一户不会有这么多：是 {value} 元吧？",
         "按元填的，写成“{value}元”（写明“元”的按元读）；确是万元的，写成“{value}万”。"),
    Code("percent-cell", "error", "数字设成了百分比格式",
         "“{column}”这一格是百分比格式，显示“{value}”，存的数却是 {detail}：填的是 {expected} 还是 {detail}？",
         "右键→“设置单元格格式”→“常规”，再重填数字，如 {expected}。"),
    Code("large-number", "warning", "数字大得少见", "“{column}”填的是 {value}，大于 {expected}，很少见。",
         "核对是否多打了 0{detail}；确实如此可以不改，照样计入汇总。"),
    Code("not-whole", "error", "应为整数", "“{column}”填的是“{value}”，应为整数。", "填写整数，例如 {expected}。"),
    Code("out-of-range", "error", "数值超出范围", "“{column}”填的是 {value}，超出范围（应为 {expected}）。", "改为 {expected} 的数。"),
    Code("bad-choice", "error", "不在可选项中", "“{column}”填的是“{value}”，不是可选项。", "从下拉列表中选：{expected}。"),
    Code("vague-choice", "error", "没说是哪一项", "“{column}”填的是“{value}”，没说{detail}。",
         "从下拉列表中选：{expected}。"),
    Code("bad-yesno", "error", "应填是或否", "“{column}”填的是“{value}”，应填“是”或“否”{detail}。", "填“是”或“否”（也可以写 √ 或 ×）。"),
    Code("bad-id-number", "error", "身份证号不对", "“{column}”“{value}”{detail}。",
         "核对身份证号，共 18 位，最后一位可以是 X；单元格设为文本后再输入。"),
    Code("bad-phone", "warning", "电话号码不像", "“{column}”填的是“{value}”，不像 11 位手机号或带区号的固定电话。",
         "手机写 11 位，如 13912345678；固定电话带区号，如 0936-1234567。"),
    Code("unusual-pairing", "warning", "联系人与联系户类型不对应", "{detail}联系“{value}”，与“三联”要求不一致（应联系{expected}）。",
         "确认类型是否填对；确属特殊安排可忽略。"),
    Code("income-expected", "warning", "缺少基期收入", "经济落后户应填写“{column}”。", "填写结对时的人均纯收入（元），例如 2500。"),
    Code("conversion-not-applicable", "warning", "转化只适用于思想保守户", "“{column}”只对思想保守户有意义，这户是{detail}。",
         "非思想保守户请把“{column}”留空。"),
    Code("not-on-roster", "error", "不在名册中", "“{column}”填的是“{value}”，不在乡镇名册中。", "按名册填写，可选：{expected}。"),
    Code("before-link-date", "warning", "日期早于结对日期", "“{column}”是 {value}，早于这张联户卡的结对日期 {expected}。",
         "核对日期是否写错。"),
    Code("name-mismatch", "warning", "姓名与联户卡不一致", "“{column}”填的是“{value}”，联户卡上是“{expected}”。",
         "核对卡号或姓名是否写错。"),
    Code("solution-expected", "warning", "缺少解决办法", "填写了“发现问题”，但“{column}”为空。", "写明打算怎样解决这个问题。"),
    Code("result-required", "error", "缺少办理结果", "填写了“发现问题”，“{column}”必须填写。", "从下拉列表中选：{expected}。"),
    Code("unknown-service", "warning", "服务类别不在清单中", "“{column}”中的“{value}”不在服务类别清单中。",
         "可选：{expected}；多个用顿号“、”分开。"),
    Code("review-before-date", "warning", "调阅日期早于日记日期", "“{column}”是 {value}，早于日记日期 {expected}。",
         "核对调阅日期。"),
    Code("merged-number", "warning", "合并单元格的数只计一次",
         "“{column}”的合并单元格 {detail} 里的 {value} 只计一次（计在第 {row} 行），下面各行按空白算。",
         "如果每一行都有这个数，请取消合并，逐行填写。"),
    # --- across rows, sheets and files ----------------------------------------
    Code("unknown-card", "error", "卡号找不到联户卡", "卡号“{value}”在本次提交的联户卡中找不到{detail}。",
         "核对卡号；或把这张联户卡一起提交。", "cross"),
    Code("card-sheet-unread", "notice", "所属联户卡表未能读取",
         "卡号“{value}”所属联户卡所在的“{detail}”表未能读取（见该表的问题），本行暂不计入。",
         "先改正“{detail}”表的问题后重新校验。", "row"),
    Code("duplicate-card", "warning", "联户卡重复", "卡号“{value}”的联户卡在 {detail} 也有一份，内容相同，只计一次{fuller}。",
         "无需处理；以后同一张卡只提交一次。", "cross"),
    Code("conflicting-card", "error", "同一卡号内容不同", "卡号“{value}”在 {detail} 也有，但内容不同{diff}，各份都不计入汇总。",
         "同一户：只保留正确的一份；不同的户：给一张换个全乡不重复的卡号（如加村名缩写），日记里一起改。", "cross"),
    Code("resent-book", "warning", "同一本登记簿交了两次",
         "这本登记簿与“{value}”像是同一本改过后又交了一次：{detail}；两本有 {count} 处内容不同，各份都没有计入汇总。",
         "{fix}然后重新校验，那几处就按留下的一份计入。", "file"),
    Code("resent-book-rows", "warning", "旧的一本有几行新的一本没有",
         "这本与“{value}”卡号相同，相同的行只计一次，像是同一本交了两次；“{value}”较新（{detail}），"
         "这一本有 {count} 条日记它没有（{place}），照样计入了汇总。",
         "那几条是有意删掉的，就把这一本放到收集文件夹外留底，再汇总；该算就无需处理。", "file"),
    Code("resent-book-fixed", "warning", "改正后的一本也交来了",
         "这本与“{value}”卡号相同，像是同一本改正后又交了一次：“{value}”较新（{detail}），"
         "这一本有错误的 {count} 处（{place}）在那本里已改正。",
         "“{value}”是改正后的一本，就把这一本移出收集文件夹留底，再校验、汇总。", "file"),
    Code("duplicate-card-error", "error", "重复的联户卡有错误",
         "卡号“{value}”的联户卡在 {detail} 也有一份，除填错的格子外内容相同；有错误，各份都暂不计入汇总。",
         "改正错误后只计一次；以后同一张卡只提交一次。", "cross"),
    Code("duplicate-diary", "warning", "日记重复", "这条日记（卡号、日期、形式、发现问题相同）在 {detail} 也有，内容相同，只计一次{fuller}。",
         "无需处理；以后同一条日记只记一次。", "cross"),
    Code("conflicting-diary", "error", "同一日记内容不同", "这条日记（卡号、日期、形式、发现问题相同）在 {detail} 也有，但其他内容不同{diff}，各条都不计入。",
         "核对后只保留正确的一条。", "cross"),
    Code("duplicate-diary-error", "error", "重复的日记有错误",
         "这条日记（卡号、日期、形式、发现问题相同）在 {detail} 也有，除填错的格子外内容相同；有错误，各条都暂不计入。",
         "改正错误后只计一次；以后同一条日记只记一次。", "cross"),
    Code("duplicate-diary-review", "warning", "重复的日记调阅栏填错",
         "这条日记（卡号、日期、形式、发现问题相同）在 {detail} 也有；这一份只有调阅栏填错，本条不计入，这次联系按 {expected} 那一份计入汇总。",
         "改正这一份的调阅栏（调阅人、调阅日期、调阅意见）；不改也不影响汇总数字。", "cross"),
    Code("duplicate-household", "warning", "同一户有两张卡", "这一户（{household}）在 {detail} 也有联户卡{why}。",
         "{fix}确认是否重复结对；一户一般只由一人联系。", "cross"),
    Code("village-name-variant", "warning", "同一个村写法不同",
         "“{column}”写的是“{value}”，与{detail}的“{expected}”是同一个村，已一并按“{expected}”计入汇总的同一行。",
         "请统一写成“{expected}”。", "cross"),
]

CATALOGUE: dict[str, Code] = {c.code: c for c in _CODES}


class _Blank(dict):
    """Format mapping that renders unknown fields as empty text, never raises."""

    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, **fields: object) -> str:
    """The Chinese message for ``code``: the template, then the fix hint."""
    entry = CATALOGUE[code]
    values = _Blank({k: "" if v is None else v for k, v in fields.items()})
    text = entry.template.format_map(values)
    hint = entry.hint.format_map(values)
    return f"{text}{hint}"
