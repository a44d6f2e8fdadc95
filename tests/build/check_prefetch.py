#!/usr/bin/python3
"""The model's prefetch hints must survive compilation: GCC once deleted every call to a helper whose
only effect was __builtin_prefetch (it took it for a function without effects), so the flow loop's
transaction-slot prefetch silently did nothing. This disassembles the built powrelay and checks that
each hint function issues its prefetches. x86-64 with objdump only; otherwise skipped (exit 77).

usage: check_prefetch.py POWRELAY_BINARY"""
import platform
import re
import shutil
import subprocess
import sys

# Hint function -> the fewest prefetch instructions it must contain: the timer hint has three kinds
# of target (a fluff queue, a hold's rate state, a transaction's slot), so dropping one shows.
HINTS = {"pr_node_prefetch": 1, "pr_node_prefetch_msg": 1, "pr_node_prefetch_timer": 3}
PREFETCH = re.compile(r"^\s*[0-9a-f]+:\s+prefetch")  # an instruction line, not a jump to a label


def main():
    binary = sys.argv[1]
    if platform.machine() not in ("x86_64", "AMD64") or not shutil.which("objdump"):
        print("skipped: needs objdump on x86-64")
        return 77
    failed = []
    for fn, least in HINTS.items():
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--disassemble={fn}", binary],
                             capture_output=True, text=True, check=True).stdout
        body = out.split(f"<{fn}>:", 1)
        if len(body) < 2:
            failed.append(f"{fn}: not found in {binary}")
        else:
            found = sum(1 for line in body[1].splitlines() if PREFETCH.match(line))
            if found < least:
                failed.append(f"{fn}: {found} prefetch instructions, expected at least {least}")
            else:
                print(f"ok: {fn} ({found} prefetch instructions)")
    for f in failed:
        print("FAIL:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
