#!/usr/bin/python3
"""The model's prefetch hints must survive compilation. GCC takes a function whose only effect is
__builtin_prefetch for one without effects and deletes calls to it: it once did so to a helper inside
node.c, and with link-time optimisation it can see that of the hint functions themselves from the flow
loop. So this disassembles the built powrelay with line and inlining information and counts, for each
hint function, the prefetch instructions that come from it where they can run: inlined into a caller,
or in its own out-of-line body if something still calls that. x86-64 with objdump and a build with
debug information only; otherwise skipped (exit 77).

usage: check_prefetch.py POWRELAY_BINARY"""
import platform
import re
import shutil
import subprocess
import sys

# Hint function (powrelay/hints.h) -> the fewest prefetch instructions it must contribute.
HINTS = {"pr_node_prefetch": 1, "pr_node_prefetch_msg": 1, "pr_node_prefetch_timer": 1}
SYMBOL = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")            # the start of a symbol's body
FUNCTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*)\(\):$")  # the innermost source function from here on
INLINED_BY = re.compile(r"^inlined by .* \(([A-Za-z_][A-Za-z0-9_.]*)\)")
INSN = re.compile(r"^\s*[0-9a-f]+:\s+(\S+)\s*(.*)$")
CALL = re.compile(r"<([^>+]+)>$")


def count(disassembly):
    """(prefetches per hint inlined somewhere, prefetches per hint in its own body, called symbols)."""
    inlined = {h: 0 for h in HINTS}
    own = {h: 0 for h in HINTS}
    called = set()
    symbol, function, chain, has_lines = None, None, [], False
    for line in disassembly.splitlines():
        if m := SYMBOL.match(line):
            symbol, function, chain = m.group(1), None, []
        elif m := FUNCTION.match(line):
            function, chain, has_lines = m.group(1), [], True
        elif m := INLINED_BY.match(line):
            chain.append(m.group(1))
        elif m := INSN.match(line):
            op = m.group(1)
            if op.startswith("call") or op.startswith("jmp"):
                if c := CALL.search(m.group(2)):
                    called.add(c.group(1))
            elif op.startswith("prefetch"):
                frames = set([function] + chain)
                for h in HINTS:
                    if h == symbol:
                        own[h] += 1
                    elif h in frames:
                        inlined[h] += 1
            chain = []
    return inlined, own, called, has_lines


def main():
    binary = sys.argv[1]
    if platform.machine() not in ("x86_64", "AMD64") or not shutil.which("objdump"):
        print("skipped: needs objdump on x86-64")
        return 77
    # Line and inlining information come from DWARF: without a .debug_info section objdump -l still
    # prints symbol labels, which are not it (a plain Release build has none).
    sections = subprocess.run(["objdump", "-h", binary], capture_output=True, text=True, check=True).stdout
    if ".debug_info" not in sections:
        print("skipped: the binary has no debug information (.debug_info); build with -g, e.g. RelWithDebInfo")
        return 77
    out = subprocess.run(["objdump", "-d", "-l", "--inlines", "--no-show-raw-insn", binary],
                         capture_output=True, text=True, check=True).stdout
    inlined, own, called, has_lines = count(out)
    if not has_lines:
        print("skipped: the binary has no line information (build with -g)")
        return 77
    failed = []
    for fn, least in HINTS.items():
        found = inlined[fn] + (own[fn] if fn in called else 0)
        where = f"{inlined[fn]} inlined, {own[fn]} in its own body ({'called' if fn in called else 'never called'})"
        if found < least:
            failed.append(f"{fn}: {found} prefetch instructions that can run, expected at least {least}: {where}")
        else:
            print(f"ok: {fn}: {where}")
    for f in failed:
        print("FAIL:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
