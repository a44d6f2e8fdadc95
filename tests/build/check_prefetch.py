#!/usr/bin/python3
"""The model's prefetch hints must survive compilation: GCC once deleted every call to a helper whose
only effect was __builtin_prefetch (it took it for a function without effects), so the flow loop's
transaction-slot prefetch silently did nothing. This disassembles the built powrelay and checks that
each hint function issues a prefetch. x86-64 with objdump only; otherwise skipped (exit 77).

usage: check_prefetch.py POWRELAY_BINARY"""
import platform
import shutil
import subprocess
import sys

HINTS = ["pr_node_prefetch", "pr_node_prefetch_msg", "pr_node_prefetch_timer"]


def main():
    binary = sys.argv[1]
    if platform.machine() not in ("x86_64", "AMD64") or not shutil.which("objdump"):
        print("skipped: needs objdump on x86-64")
        return 77
    failed = []
    for fn in HINTS:
        out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", f"--disassemble={fn}", binary],
                             capture_output=True, text=True, check=True).stdout
        body = out.split(f"<{fn}>:", 1)
        if len(body) < 2:
            failed.append(f"{fn}: not found in {binary}")
        elif "prefetch" not in body[1]:
            failed.append(f"{fn}: compiled without a prefetch instruction")
        else:
            print(f"ok: {fn}")
    for f in failed:
        print("FAIL:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
