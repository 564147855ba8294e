"""What is taken from a collection folder: a submission sent as an archive or a CSV export is
never dropped without a word (the clerk's first fear), while lock files and plain non-submissions
stay quiet."""

from __future__ import annotations

import json
import os
import zipfile

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

os.environ.setdefault("LIANHU_CACHE", "off")


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def issues_by_file(result) -> dict[str, list[dict]]:
    data = json.loads(result.output)
    out: dict[str, list[dict]] = {}
    for issue in data["issues"]:
        out.setdefault(issue["file"], []).append(issue)
    return out


def village_book(path, no="B1", village="下营村", **over):
    return write_book(path, [card(no, 村=village, **over)], [diary(no)])


def zipped(archive, *books, names=None):
    with zipfile.ZipFile(archive, "w") as z:
        for i, book in enumerate(books):
            z.write(book, names[i] if names else book.name)
    return archive


@pytest.fixture
def folder(tmp_path):
    """A collection folder as WeChat/QQ leave it: one book, three villages packed or exported,
    an open book's lock file and the usual clutter."""
    root = tmp_path / "收集"
    write_book(root / "王明个人.xlsx", [card("A1")], [diary("A1")])
    zipped(root / "下营村.zip", village_book(tmp_path / "下营村.xlsx"))
    (root / "倪家营村.rar").write_bytes(b"Rar!\x1a\x07\x00" + b"\0" * 64)
    (root / "江淮村" / "江淮村.7z").parent.mkdir()
    (root / "江淮村" / "江淮村.7z").write_bytes(b"7z\xbc\xaf\x27\x1c" + b"\0" * 64)
    (root / "江淮村日记.csv").write_text("卡号,日期,形式\nJH-1,2010-3-6,入户访谈\n", encoding="utf-8")
    (root / "~$王明个人.xlsx").write_bytes(b"lock")
    for clutter in ("desktop.ini", "Thumbs.db", "说明.docx", "照片.jpg", "通知.pdf"):
        (root / clutter).write_bytes(b"x")
    return root


def test_archives_and_a_csv_export_are_each_named_with_what_to_do(folder):
    result = invoke("validate", folder, "--json")
    by_file = issues_by_file(result)
    assert set(by_file) == {"下营村.zip", "倪家营村.rar", "江淮村/江淮村.7z", "江淮村日记.csv",  # clutter quiet
                            "王明个人.xlsx"}
    assert [i["code"] for i in by_file["王明个人.xlsx"]] == ["open-elsewhere"]  # its lock file beside it
    for name in ("下营村.zip", "倪家营村.rar", "江淮村/江淮村.7z"):
        [issue] = by_file[name]
        assert issue["code"] == "archive-not-read" and issue["severity"] == "error"
        assert f"“{name}”是压缩包" in issue["message"] and "请解压" in issue["message"]
        assert ".xlsx 放进收集文件夹" in issue["message"]
    assert "里面有 下营村.xlsx" in by_file["下营村.zip"][0]["message"]  # a zip says what it holds
    [csv] = by_file["江淮村日记.csv"]
    assert csv["code"] == "csv-not-read" and csv["severity"] == "error"
    assert "另存为" in csv["message"] and "Excel 工作簿（*.xlsx）" in csv["message"]
    assert result.exit_code == 1


def test_the_text_summary_lists_each_archive_as_not_read(folder):
    result = invoke("validate", folder)
    assert result.exit_code == 1
    assert "下营村.zip  未读取" in result.output and "江淮村日记.csv  未读取" in result.output
    assert "desktop.ini" not in result.output and "~$王明个人.xlsx" not in result.output


def test_consolidate_exits_1_and_says_which_village_is_missing(folder, tmp_path):
    result = invoke("consolidate", folder, "-o", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert result.exit_code == 1
    assert "未汇总  下营村.zip" in result.output and "未汇总  倪家营村.rar" in result.output
    assert (tmp_path / "汇总表.xlsx").is_file()  # the totals of what was read are still written


def test_a_zip_unzipped_beside_itself_is_quiet_and_its_book_counted(tmp_path):
    root = tmp_path / "收集"
    write_book(root / "王明个人.xlsx", [card("A1")], [diary("A1")])
    archive = zipped(root / "下营村.zip", village_book(tmp_path / "下营村.xlsx"))
    with zipfile.ZipFile(archive) as z:
        z.extractall(root / "下营村")  # as 解压到“下营村\” does
    result = invoke("consolidate", root, "-o", tmp_path / "汇总表.xlsx", "--period", "2010", "--json")
    data = json.loads(result.output)
    assert [i["file"] for i in data["issues"] if i["severity"] == "error"] == []
    assert data["total"]["致富明星户"] == 2  # 王明's card and 下营村's, read once
    assert result.exit_code == 0


def test_a_zip_holding_a_newer_copy_than_the_folder_is_still_reported(tmp_path):
    """A village resends its corrected book zipped under the same name: the old copy beside
    it is not the new one, so the zip is not 'already unzipped'."""
    root = tmp_path / "收集"
    village_book(root / "下营村.xlsx")
    zipped(root / "下营村(1).zip", village_book(tmp_path / "new" / "下营村.xlsx", no="B2"))
    by_file = issues_by_file(invoke("validate", root, "--json"))
    assert "里面有 下营村.xlsx" in by_file["下营村(1).zip"][0]["message"]


def test_a_zip_made_on_chinese_windows_shows_its_gbk_names(tmp_path):
    root = tmp_path / "收集"
    book = village_book(tmp_path / "b.xlsx")
    root.mkdir()
    gbk = "倪家营村四社.xlsx".encode("gbk")
    stand_in = b"x" * (len(gbk) - 5) + b".xlsx"
    with zipfile.ZipFile(root / "各社.zip", "w") as z:
        z.writestr(stand_in.decode(), book.read_bytes())
    # the name as GBK bytes without the UTF-8 flag, as Windows' own zip writes it
    (root / "各社.zip").write_bytes((root / "各社.zip").read_bytes().replace(stand_in, gbk))
    by_file = issues_by_file(invoke("validate", root, "--json"))
    assert "里面有 倪家营村四社.xlsx" in by_file["各社.zip"][0]["message"]


def test_plain_non_submissions_stay_quiet(tmp_path):
    root = tmp_path / "收集"
    write_book(root / "王明个人.xlsx", [card("A1")], [diary("A1")])
    with zipfile.ZipFile(root / "照片.zip", "w") as z:
        z.writestr("IMG_0001.jpg", b"\xff\xd8 photo")
    (root / "名册.csv").write_text("序号,村,社,备注\n1,下营村,六社,\n", encoding="utf-8")  # a roster kept beside
    result = invoke("validate", root, "--json")
    assert issues_by_file(result) == {}
    assert result.exit_code == 0


@pytest.mark.parametrize("content", [
    "倪家营乡联户日记\n日期,联系人,户主,形式\n2010-3-6,王明,李四,入户访谈\n".encode("gbk"),  # GBK, title row
    "联系人\t户主\t联系户类型\n王明\t李四\t致富明星户\n".encode("utf-16"),  # Excel's "Unicode 文本"
], ids=["gbk-with-title-row", "utf16-tab-separated"])
def test_a_register_exported_as_csv_in_any_encoding_is_reported(tmp_path, content):
    root = tmp_path / "收集"
    root.mkdir()
    (root / "导出.csv").write_bytes(content)
    result = invoke("validate", root, "--json")
    assert [i["code"] for i in issues_by_file(result)["导出.csv"]] == ["csv-not-read"]
    assert result.exit_code == 1


def test_an_archive_named_on_the_command_line_is_reported_not_read_as_a_workbook(tmp_path):
    archive = zipped(tmp_path / "下营村.zip", village_book(tmp_path / "下营村.xlsx"))
    (tmp_path / "日记.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    by_file = issues_by_file(invoke("validate", archive, tmp_path / "日记.csv", "--json"))
    assert [i["code"] for i in by_file["下营村.zip"]] == ["archive-not-read"]
    assert [i["code"] for i in by_file["日记.csv"]] == ["csv-not-read"]  # named: reported whatever it holds


def test_a_zip_with_a_huge_directory_is_reported_without_listing_it(tmp_path):
    root = tmp_path / "收集"
    root.mkdir()
    with zipfile.ZipFile(root / "炸弹.zip", "w") as z:
        for i in range(1200):
            z.writestr(f"{i}.xlsx", b"")
    [issue] = issues_by_file(invoke("validate", root, "--json"))["炸弹.zip"]
    assert issue["code"] == "archive-not-read" and "里面有" not in issue["message"]


@pytest.mark.skipif(os.name != "posix", reason="GBK file names as raw bytes and symlinks: POSIX")
def test_two_books_of_one_name_in_folders_named_in_gbk_are_both_read(tmp_path):
    """A Chinese Windows zip unpacked on Linux leaves GBK folder names; two villages' 下营村.xlsx
    are then told apart by their folders, shown as GBK, and the run does not crash."""
    for folder in ("一组", "二组"):
        raw = os.path.join(os.fsencode(tmp_path / "收集"), folder.encode("gbk"))
        os.makedirs(raw)
        good = write_book(tmp_path / f"{folder}.xlsx", [card(f"{folder}-1")], [diary(f"{folder}-1")])
        with open(os.path.join(raw, "下营村.xlsx".encode("gbk")), "wb") as fh:
            fh.write(good.read_bytes())
    folders = [os.fsdecode(os.path.join(os.fsencode(tmp_path / "收集"), f.encode("gbk"))) for f in ("一组", "二组")]
    result = invoke("validate", *folders, "--json")  # each folder's book is “下营村.xlsx”: a clash
    assert result.exit_code == 0, result.output
    files = sorted(f["file"] for f in json.loads(result.output)["files"])
    assert files[0].endswith("一组/下营村.xlsx") and files[1].endswith("二组/下营村.xlsx"), files


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_linked_folder_in_the_collection_is_said_not_skipped(tmp_path):
    write_book(tmp_path / "别处" / "村A.xlsx", [card("A-1")], [diary("A-1")])
    write_book(tmp_path / "收集" / "村B.xlsx", [card("B-1")], [diary("B-1")])
    (tmp_path / "收集" / "村A").symlink_to(tmp_path / "别处")
    result = invoke("validate", tmp_path / "收集", "--json")
    linked = issues_by_file(result).get("村A")
    assert linked and linked[0]["code"] == "link-outside" and result.exit_code == 1


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_linked_folder_pointing_inside_the_collection_is_read_once_and_not_called_outside(tmp_path):
    write_book(tmp_path / "收集" / "村B" / "村B.xlsx", [card("B-1")], [diary("B-1")])
    (tmp_path / "收集" / "快捷方式").symlink_to(tmp_path / "收集" / "村B")
    result = invoke("validate", tmp_path / "收集", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [f["file"] for f in data["files"]] == ["村B/村B.xlsx"] and data["issues"] == []


def test_the_console_kept_among_the_books_is_skipped_not_taken_for_a_totals_workbook(tmp_path):
    """A clerk keeps 联户带创汇总台.xlsm in the collection folder (the buttons skip it): the command
    line says it is the console and goes on, instead of stopping on 登记簿和汇总表混在一起."""
    from lianhu_xl.collection import collect
    from lianhu_xl.console import build_console

    write_book(tmp_path / "收集" / "村.xlsx", [card("XY-001")], [diary("XY-001")])
    build_console(tmp_path / "收集")
    res = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "收集"), "-o", str(tmp_path / "汇总表.xlsx"),
                                   "--period", "2010", "--json", "-j", "1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert [i["code"] for i in data["issues"]] == ["console-skipped"]
    assert (tmp_path / "汇总表.xlsx").exists()
    files, issues = collect([tmp_path / "收集" / "联户带创汇总台.xlsm"])  # named by itself: the same
    assert files == [] and [i.code for i in issues] == ["console-skipped"]
