"""A failed run ends with its reason: which step failed, the one `reviewflow:` line that
says why (from the step's own log), the log's path, and what to do next.

Snakemake's own closing lines name a rule and a log but not the reason, which a
reviewer who is not a Snakemake user would have to dig out. The Snakefile's `onerror:`
handler prints this summary; `make report` and `make recover` print it again as their
last lines; `make verify` prints it for the copy that failed.

    python -m reviewflow.failure [--log .snakemake/log/<run>.snakemake.log]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

FAILED = re.compile(r"^Error in rule (\S+):\s*$")
LOG = re.compile(r"^\s+log: (\S+)")


def failed_jobs(main_log: str | Path) -> list[tuple[str, str]]:
    """(rule, its log) of each job Snakemake's main log says failed, in order, once each."""
    jobs: list[tuple[str, str]] = []
    rule = None
    for line in Path(main_log).read_text(encoding="utf-8", errors="replace").splitlines():
        if match := FAILED.match(line):
            rule = match.group(1)
            jobs.append((rule, ""))
        elif rule and (match := LOG.match(line)):
            jobs[-1] = (rule, match.group(1))
            rule = None
    return list(dict.fromkeys(jobs))


def reason(rule: str, log: str, root: Path) -> tuple[str, bool]:
    """The line that says why a job failed, and whether it was a bug rather than bad input."""
    path = root / log if log else None
    if path is None or not path.is_file():
        return f"reviewflow: step {rule} failed before writing its log{f' ({log})' if log else ''}", True
    text = path.read_text(encoding="utf-8", errors="replace")
    if "unexpected failure" in text or "Traceback (most recent call last)" in text:
        return f"reviewflow: step {rule} stopped on an unexpected error (a bug, not your input); log: {log}", True
    errors = [line.split(": ", 1)[1] for line in text.splitlines() if line.startswith("ERROR ") and ": " in line]
    if errors:
        return f"reviewflow: {errors[-1]}", False
    return f"reviewflow: step {rule} failed; log: {log}", True


def summary(main_log: str | Path, root: str | Path = ".") -> list[str]:
    """The closing lines of a failed run: each failed step's reason and log, then a hint."""
    root = Path(root)
    lines, bug = [], False
    for rule, log in failed_jobs(main_log):
        line, unexpected = reason(rule, log, root)
        lines.append(line)
        if not unexpected and log:
            lines.append(f"  (step {rule}; log: {log})")
        bug = bug or unexpected
    if not lines:
        return []
    if bug:
        lines.append(
            "what to do: the log named above holds the traceback; report it, then `make recover` reruns what failed"
        )
    else:
        lines.append("what to do: fix the file and place named above, then run `make report` again")
    return lines


def newest_log(root: str | Path = ".") -> Path | None:
    logs = sorted((Path(root) / ".snakemake" / "log").glob("*.snakemake.log"))
    return logs[-1] if logs else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log", help="Snakemake's main log (default: the newest under .snakemake/log/)")
    args = parser.parse_args(argv)
    log = Path(args.log) if args.log else newest_log()
    if log is None or not log.is_file():
        return 0
    for line in summary(log):
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
