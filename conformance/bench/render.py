"""How a bench report reads: the side-by-side console table, the verdicts against the targets, and bench.md.

The report is the JSON dictionary ``conformance.bench.cli.run_bench`` returns; nothing here measures anything.
"""

from __future__ import annotations

from typing import Any

from conformance.bench import configs as hardening

__all__ = ["AS_OF_LIMIT", "AS_OF_ROW", "TARGET_TRIVIAL_RATIO", "TARGET_UPSTREAM_RATIO", "TRIVIAL", "as_of_ratios",
           "render_markdown", "render_table", "verdicts"]

TRIVIAL = "trivial"
TARGET_UPSTREAM_RATIO = 10.0
TARGET_TRIVIAL_RATIO = 0.5
# Issue 16 "Done when": as_of queries stay within 3x of live queries (the entity row, same run, same entities).
LIVE_ROW = "GET /v1/facts?entity="
AS_OF_ROW = "GET ?entity=&as_of=T"
AS_OF_LIMIT = 3.0


def _lines(report: dict[str, Any]) -> list[tuple[int, str, str, dict[str, dict[str, Any]]]]:
    """(N, row, mode, {target: row json}) in run order."""
    lines: list[tuple[int, str, str, dict[str, dict[str, Any]]]] = []
    for level in report["levels"]:
        index: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        for row in level["rows"]:
            key = (row["row"], row["mode"])
            if key not in index:
                index[key] = {}
                lines.append((level["n"], row["row"], row["mode"], index[key]))
            index[key][row["target"]] = row
    return lines


def _main(report: dict[str, Any]) -> list[str]:
    """The targets of the main table: every one but the hardening configurations (they have their own table)."""
    extra = {c["name"] for c in report.get("configs", [])}
    return [name for name in report["targets"] if name not in extra]


def _ratio_pairs(report: dict[str, Any]) -> list[tuple[str, str]]:
    names = _main(report)
    return [(names[0], other) for other in names[1:]] if names else []


def _ratio(cells: dict[str, dict[str, Any]], num: str, den: str) -> float | None:
    if num in cells and den in cells and cells[den]["req_per_s"] > 0:
        return float(cells[num]["req_per_s"]) / float(cells[den]["req_per_s"])
    return None


def _short(name: str) -> str:
    return {"reference": "ref", "upstream": "up", TRIVIAL: "triv"}.get(name, name[:6])


def render_table(report: dict[str, Any]) -> str:
    """The side-by-side console table: per target req/s, p50, p99, errors; then the ratios."""
    names = _main(report)
    pairs = _ratio_pairs(report)
    head = f"{'N':>7} {'row':<22} {'mode':<4}"
    for name in names:
        head += f" | {name[:10]:>10} {'p50':>7} {'p99':>7} {'err':>4}"
    head += " |" + "".join(f" {_short(a) + '/' + _short(b):>9}" for a, b in pairs)
    out = [head, "-" * len(head)]
    for n, row, mode, cells in _lines(report):
        line = f"{n:>7} {row:<22} {mode:<4}"
        for name in names:
            cell = cells.get(name)
            if cell is None:
                line += f" | {'-':>10} {'-':>7} {'-':>7} {'-':>4}"
            else:
                line += (f" | {cell['req_per_s']:>10.0f} {cell['p50_ms']:>7.2f} {cell['p99_ms']:>7.2f} "
                         f"{cell['errors']:>4}")
        line += " |"
        for a, b in pairs:
            ratio = _ratio(cells, a, b)
            line += f" {'-' if ratio is None else f'{ratio:.2f}x':>9}"
        out.append(line)
    out.append("req/s per target; p50/p99 latency in ms; err = non-2xx answers (must be 0)")
    out.extend(verdicts(report))
    results = report.get("comparisons", [])
    if results:
        out.append("")
        out.extend(hardening.markdown_table(report, results))
        out.extend(hardening.verdict_lines(results))
    out.extend(as_of_ratios(report))
    return "\n".join(out)


def as_of_ratios(report: dict[str, Any]) -> list[str]:
    """Per node, N and mode: how many times slower the as_of entity row ran than the live one (goal <= 3x)."""
    out: list[str] = []
    live = {(n, mode): cells for n, row, mode, cells in _lines(report) if row == LIVE_ROW}
    for n, row, mode, cells in _lines(report):
        if row != AS_OF_ROW:
            continue
        for name, cell in cells.items():
            base = live.get((n, mode), {}).get(name)
            if name == TRIVIAL or base is None or not cell["req_per_s"]:
                continue
            ratio = base["req_per_s"] / cell["req_per_s"]
            verdict = "within" if ratio <= AS_OF_LIMIT else "OVER"
            out.append(f"as_of vs live, {name} N={n} {mode}: {cell['req_per_s']:.0f} vs {base['req_per_s']:.0f} "
                       f"req/s: as_of takes {ratio:.2f}x the live time ({verdict} the {AS_OF_LIMIT:.0f}x goal; p50 "
                       f"{cell['p50_ms']:.2f} vs {base['p50_ms']:.2f} ms)")
    return out


def verdicts(report: dict[str, Any]) -> list[str]:
    """Whether the targets were met: the first node >= 10x every other node, >= 0.5x trivial, no errors."""
    names = _main(report)
    if not names:
        return []
    lines = _lines(report)
    first = names[0]
    out: list[str] = []
    for other in names[1:]:
        goal = TARGET_TRIVIAL_RATIO if other == TRIVIAL else TARGET_UPSTREAM_RATIO
        ratios = [(n, row, mode, _ratio(cells, first, other)) for n, row, mode, cells in lines]
        measured = [(n, row, mode, r) for n, row, mode, r in ratios if r is not None]
        if not measured:
            continue
        missed = [f"N={n} {row} {mode} ({r:.2f}x)" for n, row, mode, r in measured if r < goal]
        worst = min(r for *_, r in measured)
        out.append(f"target {first} >= {goal:g}x {other}: {'met' if not missed else 'NOT met'} "
                   f"({len(measured) - len(missed)} of {len(measured)} rows reach it; lowest {worst:.2f}x)"
                   + (f"; below: {', '.join(missed)}" if missed else ""))
    ceiling = max((cells[TRIVIAL] for *_, cells in lines if TRIVIAL in cells), key=lambda c: c["req_per_s"],
                  default=None)
    if ceiling is not None:
        fastest = max((cell["req_per_s"] for *_, cells in lines for name, cell in cells.items() if name != TRIVIAL),
                      default=0.0)
        out.append(f"load generator ceiling: {ceiling['req_per_s']:.0f} req/s on the trivial endpoint "
                   f"({ceiling['row']} {ceiling['mode']}, generator at {ceiling.get('client_cpu', 0):.2f} of a core); "
                   f"the fastest node row reached {fastest:.0f} req/s, "
                   f"{fastest / ceiling['req_per_s'] if ceiling['req_per_s'] else 0:.0%} of it")
    errors = sum(cell["errors"] for *_, cells in lines for cell in cells.values())
    out.append(f"errors (non-2xx or transport): {errors}")
    return out


_CLIENT_TEXT = {"httpx": "httpx (one keep-alive httpx.Client per worker, TCP_NODELAY)",
                "raw": "raw (a minimal HTTP/1.1 keep-alive socket client per worker, TCP_NODELAY)"}


def _mib(value: int | None) -> str:
    return "n/a" if value is None else f"{value / 2**20:.0f} MiB"


def render_markdown(report: dict[str, Any]) -> str:
    """``reports/bench/bench.md``: the run's conditions, the side-by-side table, ratios, memory, CPU per request."""
    names = _main(report)
    pairs = _ratio_pairs(report)
    m = report["machine"]
    mem = m.get("mem_total_bytes")
    cfg = report["config"]
    out = ["## Benchmark", "", f"- Date: {report['date']}"]
    memory = f"memory {mem / 2**30:.1f} GiB" if mem else "memory n/a"
    out.append(f"- Machine: nproc {m.get('nproc')}, {memory}, CPU {m.get('cpu_model') or 'n/a'}, "
               f"Python {m.get('python')} ({m.get('system')})")
    if m.get("server"):
        out.append(f"- Server of the reference node and the trivial endpoint: {m['server']}; one worker each")
    out.append(f"- N (preloaded facts): {', '.join(str(n) for n in cfg['levels'])}; {cfg['requests_per_row']} requests "
               f"per row and target; concurrent rows use {cfg['concurrency']} worker threads; load generator "
               f"{_CLIENT_TEXT.get(cfg.get('client', 'httpx'), cfg.get('client'))}")
    if cfg.get("rounds", 1) > 1:
        out.append(f"- Rounds: every row ran {cfg['rounds']} times on every target, interleaved (round by round, "
                   "target by target); each cell is the fastest round, since noise on a shared machine only slows a "
                   "row down (all rates are in bench.json, `round_rates`)")
    if cfg.get("reference_auth"):
        out.append(f"- Reference node auth: {cfg['reference_auth']}")
    for name, info in report["preload"].items():
        out.append(f"- Preload of {name}: {info['loaded']} facts via {info['method']}, {info['facts_per_s']} facts/s")
    for level in report["levels"]:
        for decision in level["decisions"]:
            out.append(f"- {decision}")
    out.append(f"- `{TRIVIAL}` is a bare ASGI app answering `{{\"ok\":true}}` to any request, served like the "
               "reference node and sent the same requests right after it in each row: the load generator's ceiling")
    out.append("")
    head = "| N | row | mode |" + "".join(f" {name} req/s | p50 ms | p99 ms | err |" for name in names)
    head += "".join(f" {a}/{b} |" for a, b in pairs)
    out.append(head)
    out.append("|" + "---|" * (3 + 4 * len(names) + len(pairs)))
    for n, row, mode, cells in _lines(report):
        line = f"| {n} | `{row}` | {mode} |"
        for name in names:
            cell = cells.get(name)
            line += (" - | - | - | - |" if cell is None else
                     f" {cell['req_per_s']:.0f} | {cell['p50_ms']:.2f} | {cell['p99_ms']:.2f} | {cell['errors']} |")
        for a, b in pairs:
            ratio = _ratio(cells, a, b)
            line += f" {'-' if ratio is None else f'{ratio:.2f}x'} |"
        out.append(line)
    out.append("")
    out.extend(f"- {line}" for line in verdicts(report))
    out.extend(_configs_markdown(report))
    if report["peak_rss_bytes"]:
        out.append("")
        out.append("Peak resident memory (VmHWM) of the processes the suite started, after the rows of each N:")
        out.append("")
        out.append("| process |" + "".join(f" N={n} |" for n in cfg["levels"]))
        out.append("|---|" + "---|" * len(cfg["levels"]))
        for name, per_level in report["peak_rss_bytes"].items():
            out.append(f"| {name} |" + "".join(f" {_mib(per_level.get(str(n)))} |" for n in cfg["levels"]))
    out.append("")
    out.append("CPU per request (noise-resistant on a shared machine): server CPU ms per request where the PID is "
               "known, and the load generator's CPU use in cores (all its threads):")
    out.append("")
    every: list[str] = report["targets"]
    out.append("| N | row | mode |" + "".join(f" {name} srv ms/req | gen cores |" for name in every))
    out.append("|" + "---|" * (3 + 2 * len(every)))
    for n, row, mode, cells in _lines(report):
        line = f"| {n} | `{row}` | {mode} |"
        for name in every:
            cell = cells.get(name)
            srv = None if cell is None else cell.get("server_cpu_ms_per_req")
            gen = None if cell is None else cell.get("client_cpu")
            line += f" {'-' if srv is None else f'{srv:.3f}'} | {'-' if gen is None else f'{gen:.2f}'} |"
        out.append(line)
    out.append("")
    return "\n".join(out)


def _configs_markdown(report: dict[str, Any]) -> list[str]:
    """The hardening configurations: what each runs, the req/s side by side, the ratios and the targets."""
    results = report.get("comparisons", [])
    if not report.get("configs"):
        return []
    out = ["", "Configurations of the reference node, measured in the same run with the same requests, each row "
           "sent to every configuration in turn (the baseline `reference`: auth none, quotas off, one worker):", ""]
    out.extend(f"- `{c['name']}`: {c['text']}" for c in report["configs"])
    out.extend(f"- {note}" for note in report.get("notes", []))
    out.append("")
    out.extend(hardening.markdown_table(report, results))
    out.append("")
    out.extend(f"- {line}" for line in hardening.verdict_lines(results))
    return out
