#!/usr/bin/python3
"""The model's modules call each other without cycles (docs/protocol.md is the rules; this is the code's
shape): a module is a .c and its header; module A depends on B when A's .c includes B's header, directly
or through other module headers. Two headers are exempt, being what every module shares rather than a
module one depends on: node_internal.h (the node's data, which therefore declares no function) and
hostcall.h (the calls into the host). The solver (work.c) must know no kind of job: it depends on none
of the modules that make jobs.

usage: check_modules.py MODEL_SRC_DIR"""
import os
import re
import sys

SHARED = {"node_internal", "hostcall"}
JOB_MAKERS = {"relay", "attacker", "block", "node", "cpu"}
PROTOTYPE = re.compile(r"^(?!static|extern|typedef|#|\s|/| \*)[A-Za-z_][^;{}=]*\([^;{}]*\)\s*;", re.M)
INCLUDE = re.compile(r'^#include "([a-z_0-9]+)\.h"', re.M)


def main(src):
    files = {f: open(os.path.join(src, f)).read() for f in os.listdir(src) if f.endswith((".c", ".h"))}
    direct = {f: set(INCLUDE.findall(text)) for f, text in files.items()}

    def closure(header, seen):
        for h in direct.get(header + ".h", ()):
            if h not in seen and h not in SHARED:
                seen.add(h)
                closure(h, seen)
        return seen

    deps = {}
    for f in files:
        if not f.endswith(".c"):
            continue
        mod = f[:-2]
        d = set()
        for h in direct[f]:
            if h not in SHARED:
                d.add(h)
                closure(h, d)
        d.discard(mod)
        deps[mod] = {x for x in d if x + ".c" in files}  # modules with code, not data-only headers
    problems = []
    # cycles, by depth-first search
    state = {}

    def visit(m, path):
        state[m] = 1
        for x in sorted(deps.get(m, ())):
            if state.get(x) == 1:
                problems.append("cycle: " + " -> ".join(path[path.index(x):] + [x]))
            elif x not in state:
                visit(x, path + [x])
        state[m] = 2

    for m in sorted(deps):
        if m not in state:
            visit(m, [m])
    if deps.get("work", set()) & JOB_MAKERS:
        problems.append("work.c depends on " + ", ".join(sorted(deps["work"] & JOB_MAKERS)) +
                        ": the solver must know no job kind")
    for proto in PROTOTYPE.findall(files.get("node_internal.h", "")):
        problems.append("node_internal.h declares a function (declare it in its module's header): " +
                        " ".join(proto.split()))
    for m in sorted(deps):
        print(f"{m}: {', '.join(sorted(deps[m])) or '-'}")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
