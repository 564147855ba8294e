"""Measure lianhu against the floor: ``python benchmarks/run.py --books 100``.

Generates N realistic village books once (kept in ``benchmarks/.cache``), then
measures, in one run, interleaved in a shuffled order each round and repeated:

* floor      python-calamine reading every cell of both sheets, nothing else;
* naive      openpyxl read-only plus the Pydantic models row by row (on a sample);
* validate   ``lianhu validate`` with 1 process and with every core;
* consolidate  ``lianhu consolidate`` from a cold cache, then again with no file changed;
* ``lianhu --help``.

Every measurement is a fresh child process, so the times include start-up as a
user sees it, and the peak memory is the child's ``ru_maxrss`` (the largest
single process of its tree, worker processes included). Ratios are medians of
the per-round ratios, which is what a noisy machine measures reliably. Prints a
table of the targets with PASS/FAIL, writes the figures to
``benchmarks/results.json`` (one entry per N, merged across runs) and, with two
or more N, draws ``docs/performance.png``.

    python benchmarks/run.py --books 10 100 1000 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results.json"
PLOT = ROOT / "docs" / "performance.png"
HELP_LIMIT = 0.3
MEMORY_LIMIT_MB = 300
MEMORY_AT = 10_000

# --------------------------------------------------------------------------- children


def child_floor(list_file: str) -> None:
    """Read every cell of both sheets with python-calamine; nothing else."""
    from python_calamine import CalamineWorkbook

    cells = 0
    for path in Path(list_file).read_text(encoding="utf-8").splitlines():
        wb = CalamineWorkbook.from_path(path)
        for name in ("联户卡", "联户日记"):
            rows = wb.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
    print(cells)


def child_naive(list_file: str) -> None:
    """What one would write first: openpyxl read-only and the models row by row."""
    import openpyxl
    from pydantic import ValidationError

    from lianhu_xl.standard import MODELS, columns_of

    ok = bad = 0
    for path in Path(list_file).read_text(encoding="utf-8").splitlines():
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for sheet, model in MODELS.items():
            by_label = {c.label: c.name for c in columns_of(model)}
            header: list[str | None] | None = None
            for row in wb[sheet].iter_rows(values_only=True):
                if header is None:
                    if sum(1 for v in row if v in by_label) >= 2:
                        header = [by_label.get(v) if isinstance(v, str) else None for v in row]
                    continue
                values = {name: (None if v == "" else v) for name, v in zip(header, row, strict=False) if name}
                if all(v is None for v in values.values()):
                    continue
                try:
                    model.model_validate(values)
                    ok += 1
                except ValidationError:
                    bad += 1
        wb.close()
    print(ok, bad)


# --------------------------------------------------------------------------- measuring


def run_child(cmd: list[str], env: dict[str, str] | None = None,
              ok: tuple[int, ...] = (0,)) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MB, largest process of the tree) and CPU seconds (the tree's
    user + system time: what the work costs whatever else the machine is doing) of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:  # interrupted: take the child's whole group (its workers) with us
        try:
            os.killpg(proc.pid, 9)
        except OSError:
            pass
        raise
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # ru_maxrss is KiB on Linux


def lianhu_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("lianhu")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "lianhu_xl"]


def has_consolidate() -> bool:
    probe = subprocess.run([*lianhu_cmd(), "consolidate", "--help"], capture_output=True, text=True)
    return probe.returncode == 0


def consolidate_options() -> str:
    return subprocess.run([*lianhu_cmd(), "consolidate", "--help"], capture_output=True, text=True).stdout


def measure(n: int, paths: list[Path], folder: Path, repeat: int, jobs: int, sample: int,
            seed: int) -> dict:
    """One interleaved, repeated run for N books."""
    work = Path(tempfile.mkdtemp(prefix="lianhu-bench-"))
    all_list = work / "all.txt"
    all_list.write_text("\n".join(str(p) for p in paths), encoding="utf-8")
    sample_paths = paths[: min(sample, len(paths))]
    sample_list = work / "sample.txt"
    sample_list.write_text("\n".join(str(p) for p in sample_paths), encoding="utf-8")
    lianhu = lianhu_cmd()
    off = {"LIANHU_CACHE": "off"}
    tasks: dict[str, object] = {
        "floor": lambda: run_child([sys.executable, __file__, "_floor", str(all_list)]),
        "floor_sample": lambda: run_child([sys.executable, __file__, "_floor", str(sample_list)]),
        "naive_sample": lambda: run_child([sys.executable, __file__, "_naive", str(sample_list)]),
        "validate_1": lambda: run_child([*lianhu, "validate", "-q", "-j", "1", str(folder)], off, ok=(0, 1)),
        f"validate_{jobs}": lambda: run_child([*lianhu, "validate", "-q", "-j", str(jobs), str(folder)], off,
                                              ok=(0, 1)),
    }
    consolidate = has_consolidate()
    if consolidate:
        help_text = consolidate_options()
        quiet = ["-q"] if "--quiet" in help_text else []
        cache_dir = work / "cache"

        def pair() -> tuple[tuple[float, float, float], ...]:
            shutil.rmtree(cache_dir, ignore_errors=True)
            env = {"LIANHU_CACHE_DIR": str(cache_dir)}
            cmd = [*lianhu, "consolidate", str(folder), "-o", str(work / "汇总.xlsx"), "-j", str(jobs),
                   "--period", "2010", *quiet]  # the books record 2010, as a clerk's year-end run
            cold = run_child(cmd, env, ok=(0, 1))
            warm = run_child(cmd, env, ok=(0, 1))
            # another title: the run is new, every file's own result comes from the cache; this is
            # what a re-run after one village re-sent its book costs, less reading that one book
            files_only = run_child([*cmd, "--title", "基准乡"], env, ok=(0, 1))
            return cold, warm, files_only

    times: dict[str, list[float]] = {k: [] for k in tasks}
    peaks: dict[str, list[float]] = {k: [] for k in tasks}
    cpus: dict[str, list[float]] = {k: [] for k in tasks}
    if consolidate:
        for k in ("consolidate", "consolidate_cached", "consolidate_files_cached"):
            times[k], peaks[k], cpus[k] = [], [], []
    rng = random.Random(seed)
    names = list(tasks) + (["consolidate"] if consolidate else [])
    for round_no in range(repeat):
        rng.shuffle(names)
        for name in names:
            if name == "consolidate":
                for key, (t, m, c) in zip(("consolidate", "consolidate_cached", "consolidate_files_cached"),
                                          pair(), strict=True):
                    times[key].append(t)
                    peaks[key].append(m)
                    cpus[key].append(c)
            else:
                t, m, c = tasks[name]()  # type: ignore[operator]
                times[name].append(t)
                peaks[name].append(m)
                cpus[name].append(c)
        print(f"  N={n} round {round_no + 1}/{repeat}: " + ", ".join(
            f"{k} {times[k][-1]:.2f}s" for k in times), flush=True)
    help_times = [run_child([*lianhu, "--help"])[0] for _ in range(max(5, repeat))]
    shutil.rmtree(work, ignore_errors=True)

    def ratio(a: str, b: str, scale: float = 1.0, of: dict[str, list[float]] = times) -> float:
        return statistics.median(x / y * scale for x, y in zip(of[a], of[b], strict=True))

    out: dict = {
        "books": n, "jobs": jobs, "repeat": repeat, "sample": len(sample_paths),
        "median_s": {k: statistics.median(v) for k, v in times.items()},
        "median_cpu_s": {k: statistics.median(v) for k, v in cpus.items()},
        "all_s": times,
        "peak_mb": {k: max(v) for k, v in peaks.items()},
        "help_s": statistics.median(help_times),
        "ratios": {
            "validate_1/floor": ratio("validate_1", "floor"),
            f"validate_1/validate_{jobs}": ratio("validate_1", f"validate_{jobs}"),
            # per book: the naive run covers only the sample
            "naive/validate_1": ratio("naive_sample", "validate_1", len(paths) / len(sample_paths)),
            "naive_sample/floor_sample": ratio("naive_sample", "floor_sample"),
        },
    }
    out["cpu_ratios"] = {
        "validate_1/floor": ratio("validate_1", "floor", of=cpus),
        "naive/validate_1": ratio("naive_sample", "validate_1", len(paths) / len(sample_paths), of=cpus),
    }
    if consolidate:
        out["ratios"]["consolidate/floor"] = ratio("consolidate", "floor")
        out["ratios"]["consolidate_cached/consolidate"] = ratio("consolidate_cached", "consolidate")
        out["ratios"]["consolidate_files_cached/consolidate"] = ratio("consolidate_files_cached", "consolidate")
        out["cpu_ratios"]["consolidate/floor"] = ratio("consolidate", "floor", of=cpus)
        out["cpu_ratios"]["consolidate_cached/consolidate"] = ratio("consolidate_cached", "consolidate", of=cpus)
    out["ms_per_book"] = {k: 1000 * v / (len(sample_paths) if "sample" in k else n)
                          for k, v in out["median_s"].items()}
    return out


def measure_memory(n: int, folder: Path, jobs: int) -> dict:
    """``--memory-at N``: validate and consolidate once each over N books, for their peak RSS
    (the target is stated at 10,000 books, where a straight line through small N misleads)."""
    work = Path(tempfile.mkdtemp(prefix="lianhu-bench-"))
    lianhu = lianhu_cmd()
    off = {"LIANHU_CACHE": "off"}
    v_s, v_mb, _ = run_child([*lianhu, "validate", "-q", "-j", str(jobs), str(folder)], off, ok=(0, 1))
    c_s, c_mb, _ = run_child([*lianhu, "consolidate", str(folder), "-o", str(work / "汇总.xlsx"), "-j", str(jobs),
                              "--period", "2010", "-q"], off, ok=(0, 1))
    shutil.rmtree(work, ignore_errors=True)
    return {"books": n, "jobs": jobs, "validate_s": v_s, "validate_mb": v_mb, "consolidate_s": c_s,
            "consolidate_mb": c_mb, "when": time.strftime("%Y-%m-%d %H:%M")}


# --------------------------------------------------------------------------- reporting


def targets(entry: dict, memory_trend: tuple[float, float] | None,
            memory_at: dict | None = None) -> list[tuple[str, str, str, bool | None]]:
    """(target, wanted, measured, passed) rows for one N. The memory verdict comes from a
    measurement at MEMORY_AT books when there is one (``--memory-at``), else from the fit."""
    r = entry["ratios"]
    jobs = entry["jobs"]
    rows: list[tuple[str, str, str, bool | None]] = [
        ("validate, 1 process vs floor", "≤ 1.5×", f"{r['validate_1/floor']:.2f}×", r["validate_1/floor"] <= 1.5),
        (f"validate, {jobs} processes vs 1", "≥ 1.8× faster", f"{r[f'validate_1/validate_{jobs}']:.2f}×",
         r[f"validate_1/validate_{jobs}"] >= 1.8 if jobs >= 2 else None),
        ("validate vs naive (openpyxl + Pydantic)", "≥ 10× faster", f"{r['naive/validate_1']:.1f}×",
         r["naive/validate_1"] >= 10),
    ]
    if "consolidate/floor" in r:
        rows.append(("consolidate vs floor", "≤ 2×", f"{r['consolidate/floor']:.2f}×", r["consolidate/floor"] <= 2))
        cached = r["consolidate_cached/consolidate"]
        rows.append(("consolidate again, no file changed", "< 10 % of first", f"{100 * cached:.1f} %", cached < 0.10))
        if "consolidate_files_cached/consolidate" in r:
            part = r["consolidate_files_cached/consolidate"]
            rows.append(("  (another title: files from the cache, run anew)", "", f"{100 * part:.1f} %", None))
    else:
        rows.append(("consolidate", "≤ 2× floor", "not measured (no `lianhu consolidate` yet)", None))
    peak = max(v for k, v in entry["peak_mb"].items() if k.startswith(("validate", "consolidate")))
    if memory_at is not None and memory_at.get("books") == MEMORY_AT:
        worst = max(memory_at["validate_mb"], memory_at["consolidate_mb"])
        when = memory_at.get("when", "")  # from --memory-at in this run, or an earlier one kept in results.json
        rows.append((f"peak memory at {MEMORY_AT:,} books (measured {when})", f"< {MEMORY_LIMIT_MB} MB",
                     f"validate {memory_at['validate_mb']:,.0f} MB, consolidate {memory_at['consolidate_mb']:,.0f} MB",
                     worst < MEMORY_LIMIT_MB))
    elif memory_trend is not None:
        slope, intercept = memory_trend
        at = intercept + slope * MEMORY_AT
        rows.append((f"peak memory at {MEMORY_AT:,} books (straight line over N)", f"< {MEMORY_LIMIT_MB} MB",
                     f"{at:,.0f} MB (+{slope * 1000:,.0f} MB per 1,000 books; --memory-at {MEMORY_AT} measures)",
                     at < MEMORY_LIMIT_MB))
    else:
        rows.append((f"peak memory at N={entry['books']}", f"< {MEMORY_LIMIT_MB} MB at {MEMORY_AT:,}",
                     f"{peak:,.0f} MB (run 2+ sizes to see the trend)", None))
    rows.append(("`lianhu --help`", f"< {HELP_LIMIT} s", f"{entry['help_s']:.2f} s", entry["help_s"] < HELP_LIMIT))
    return rows


def memory_fit(entries: list[dict]) -> tuple[float, float] | None:
    """Least-squares line of the worst peak RSS (MB) against N."""
    points = sorted((e["books"], max(v for k, v in e["peak_mb"].items() if k.startswith(("validate", "consolidate"))))
                    for e in entries)
    if len(points) < 2:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x in xs)
    return slope, my - slope * mx


def load_text(entry: dict) -> str:
    """The 1-minute load average before → after the measurements."""
    loads = [x for x in entry.get("load_average") or [] if x is not None]
    return " → ".join(f"{x:.1f}" for x in loads) or "unknown"


def print_table(entry: dict, memory_trend: tuple[float, float] | None, memory_at: dict | None = None) -> None:
    n = entry["books"]
    print(f"\nN = {n} books, {entry['repeat']} rounds, {entry['jobs']} cores; naive on {entry['sample']} books"
          f"; load average {load_text(entry)} (other work on the machine slows every figure)")
    print(f"{'measurement':<26}{'median s':>10}{'ms/book':>10}{'CPU s':>10}{'peak MB':>10}")
    for k, v in entry["median_s"].items():
        print(f"{k:<26}{v:>10.2f}{entry['ms_per_book'][k]:>10.1f}{entry['median_cpu_s'][k]:>10.2f}"
              f"{entry['peak_mb'][k]:>10.0f}")
    print(f"{'lianhu --help':<26}{entry['help_s']:>10.2f}")
    print()
    print(f"{'target':<44}{'wanted':<22}{'measured':<46}result")
    for name, wanted, measured, passed in targets(entry, memory_trend, memory_at):
        verdict = "n/a" if passed is None else ("PASS" if passed else "FAIL")
        print(f"{name:<44}{wanted:<22}{measured:<46}{verdict}")
    print("same ratios in CPU time (less sensitive to a busy machine): "
          + ", ".join(f"{k} {v:.2f}" for k, v in entry["cpu_ratios"].items()))


def print_markdown(runs: list[dict], trend: tuple[float, float] | None, memory_at: dict | None = None) -> None:
    """The figures as Markdown tables, for docs/performance.md."""
    keys = list(runs[-1]["median_s"])
    print("\n| measurement | " + " | ".join(f"N={e['books']:,} wall s (CPU s)" for e in runs) + " |")
    print("|---|" + "---:|" * len(runs))
    for k in keys:
        cells = [f"{e['median_s'][k]:.2f} ({e['median_cpu_s'][k]:.2f})" if k in e["median_s"] else "–" for e in runs]
        print(f"| {k} | " + " | ".join(cells) + " |")
    print("| peak MB, largest process (validate / consolidate) | " + " | ".join(
        f"{max(e['peak_mb'][k] for k in e['peak_mb'] if k.startswith('validate')):.0f} / "
        f"{max((e['peak_mb'][k] for k in e['peak_mb'] if k.startswith('consolidate')), default=0):.0f}"
        for e in runs) + " |")
    for e in runs:
        print(f"\n**N = {e['books']:,}** (load average {load_text(e)})\n")
        print("| target | wanted | measured (wall) | CPU-time ratio | result |\n|---|---|---|---|---|")
        cpu = e.get("cpu_ratios", {})
        cpu_of = {"validate, 1 process vs floor": "validate_1/floor",
                  "validate vs naive (openpyxl + Pydantic)": "naive/validate_1",
                  "consolidate vs floor": "consolidate/floor",
                  "consolidate again, no file changed": "consolidate_cached/consolidate"}
        for name, wanted, measured, passed in targets(e, trend, memory_at):
            c = cpu.get(cpu_of.get(name, ""), None)
            verdict = "n/a" if passed is None else ("PASS" if passed else "FAIL")
            print(f"| {name} | {wanted} | {measured} | {'' if c is None else f'{c:.2f}'} | {verdict} |")


def plot(entries: list[dict], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -e '.[dev]'): no plot drawn.")
        return
    entries = sorted(entries, key=lambda e: e["books"])
    ns = [e["books"] for e in entries]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    labels = {"floor": "floor (calamine, cells only)", "validate_1": "validate, 1 process",
              "consolidate": "consolidate", "consolidate_cached": "consolidate, unchanged (cache)",
              "consolidate_files_cached": "consolidate, other title (files from cache)"}
    jobs_key = next((k for k in entries[-1]["median_s"] if k.startswith("validate_") and k != "validate_1"), None)
    if jobs_key:
        labels[jobs_key] = f"validate, {jobs_key.split('_')[1]} processes"
    for key, label in labels.items():
        pts = [(e["books"], e["median_s"][key]) for e in entries if key in e["median_s"]]
        if pts:
            ax1.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
    naive = [(e["books"], e["ms_per_book"]["naive_sample"] * e["books"] / 1000) for e in entries]
    ax1.plot([p[0] for p in naive], [p[1] for p in naive], marker="x", linestyle="--",
             label="naive (openpyxl + Pydantic), per-book rate × N")
    ax1.set(xscale="log", yscale="log", xlabel="books (50 cards + 600 diary rows each)", ylabel="seconds",
            title="Time")
    ax1.grid(True, which="both", alpha=0.3)
    ax1.legend(fontsize=7)
    for key, label in labels.items():
        pts = [(e["books"], e["peak_mb"][key]) for e in entries if key in e["peak_mb"]]
        if pts:
            ax2.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)
    ax2.axhline(MEMORY_LIMIT_MB, color="red", linestyle=":", label=f"{MEMORY_LIMIT_MB} MB target (at 10,000)")
    ax2.set(xscale="log", xlabel="books", ylabel="peak RSS of the largest process, MB", title="Peak memory")
    ax2.grid(True, which="both", alpha=0.3)
    ax2.legend(fontsize=7)
    fig.suptitle(f"lianhu_xl benchmark, {platform.machine()}, {os.cpu_count()} cores, N = "
                 + ", ".join(map(str, ns)), fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"plot written: {path}")


def freeze_code() -> None:
    """Children import a copy of the package taken now, so that every measurement of the
    run sees the same code, and the cache's code fingerprint cannot change between the
    first and the second consolidate because someone saved a module meanwhile."""
    import atexit

    import lianhu_xl

    source = Path(lianhu_xl.__file__).resolve().parent
    frozen = Path(tempfile.mkdtemp(prefix="lianhu-bench-code-"))
    shutil.copytree(source, frozen / "lianhu_xl", ignore=shutil.ignore_patterns("__pycache__"))
    atexit.register(shutil.rmtree, frozen, True)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(frozen), os.environ.get("PYTHONPATH")]))
    probe = subprocess.run([sys.executable, "-c", "import lianhu_xl; print(lianhu_xl.__file__)"],
                           capture_output=True, text=True, cwd=frozen)  # -c puts the cwd first on sys.path
    if str(frozen) not in probe.stdout:
        print(f"note: could not freeze the code for the children ({probe.stdout.strip()})")


def link_books(pool: list[Path], folder: Path) -> Path:
    """``folder`` holding exactly the books of ``pool``, as hard links (copies where links fail)."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in pool}
    for extra in {p.name for p in folder.glob("*.xlsx")} - wanted:
        (folder / extra).unlink()
    for p in pool:
        link = folder / p.name
        if not link.exists():
            try:
                os.link(p, link)
            except OSError:
                shutil.copy2(p, link)
    return folder


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] in ("_floor", "_naive"):
        (child_floor if sys.argv[1] == "_floor" else child_naive)(sys.argv[2])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--books", type=int, nargs="+", default=[100], help="N (one or more sizes)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds per size (default 3)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the parallel runs")
    ap.add_argument("--sample", type=int, default=20, help="books for the (slow) naive baseline")
    ap.add_argument("--cards", type=int, default=50)
    ap.add_argument("--diaries", type=int, default=600)
    ap.add_argument("--results", type=Path, default=RESULTS)
    ap.add_argument("--plot", type=Path, default=PLOT)
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--memory-at", type=int, metavar="N",
                    help=f"also run validate and consolidate once over N books for their peak memory "
                         f"(the target is at {MEMORY_AT:,}: --memory-at {MEMORY_AT}; generating the books takes a while)")
    ap.add_argument("--from-results", action="store_true",
                    help="measure nothing: print the tables (and Markdown) and draw the plot from --results")
    args = ap.parse_args()
    if args.from_results:
        saved = json.loads(args.results.read_text(encoding="utf-8"))
        runs, memory_at = saved["runs"], saved.get("memory_at")
        trend = memory_fit(runs)
        for e in runs:
            print_table(e, trend, memory_at)
        print_markdown(runs, trend, memory_at)
        if not args.no_plot and len(runs) >= 2:
            plot(runs, args.plot)
        return
    sys.path.insert(0, str(HERE))
    from books import ensure_books

    freeze_code()

    import lianhu_xl

    folder_all = CACHE / f"books-{args.cards}x{args.diaries}"
    entries = []
    for n in args.books:
        print(f"books: making sure {n} exist in {folder_all} ...", flush=True)
        pool = ensure_books(folder_all, n, args.cards, args.diaries)
        folder = link_books(pool, CACHE / f"run-{args.cards}x{args.diaries}-{n}")
        paths = sorted(folder.glob("*.xlsx"))
        load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        entry = measure(n, paths, folder, args.repeat, args.jobs, args.sample, args.seed)
        entry["load_average"] = [load_before, os.getloadavg()[0] if hasattr(os, "getloadavg") else None]
        entry.update(cards=args.cards, diaries=args.diaries, version=getattr(lianhu_xl, "__version__", ""),
                     python=platform.python_version(), cores=os.cpu_count(), when=time.strftime("%Y-%m-%d %H:%M"))
        entries.append(entry)
    stored: dict[str, dict] = {}
    memory_at = None
    if args.results.exists():
        try:
            saved = json.loads(args.results.read_text(encoding="utf-8"))
            stored = {str(e["books"]): e for e in saved["runs"]}
            memory_at = saved.get("memory_at")
        except (ValueError, KeyError):
            stored = {}
    if args.memory_at:
        n = args.memory_at
        print(f"memory: making sure {n} books exist (once; slow the first time) ...", flush=True)
        pool = ensure_books(folder_all, n, args.cards, args.diaries)
        memory_at = measure_memory(n, link_books(pool, CACHE / f"run-{args.cards}x{args.diaries}-{n}"), args.jobs)
        print(f"  N={n}: validate {memory_at['validate_s']:.0f} s, {memory_at['validate_mb']:.0f} MB; "
              f"consolidate {memory_at['consolidate_s']:.0f} s, {memory_at['consolidate_mb']:.0f} MB", flush=True)
    for e in entries:
        stored[str(e["books"])] = e
    runs = sorted(stored.values(), key=lambda e: e["books"])
    args.results.write_text(json.dumps({"runs": runs, **({"memory_at": memory_at} if memory_at else {})},
                                       ensure_ascii=False, indent=1), encoding="utf-8")
    trend = memory_fit(runs)
    for e in entries:
        print_table(e, trend, memory_at)
    print(f"\nresults written: {args.results}")
    if not args.no_plot and len(runs) >= 2:
        plot(runs, args.plot)


if __name__ == "__main__":
    main()
