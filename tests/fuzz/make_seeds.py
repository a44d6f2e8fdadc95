#!/usr/bin/python3
"""Writes the seed inputs of the fuzz corpora (tests/fuzz/corpus/{wire,node,scenario}/seed-*): valid
messages of every type, node scripts that mix them, and scenarios. Rerun after a wire format change;
inputs the fuzzers found are kept beside the seeds."""
import glob
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def header(t, count):
    return struct.pack("<BBH", 1, t, count)


def tx(i, size=1535, work=2500.0, fee=80.0, nonce=0):
    return struct.pack("<QIfdQ", ((9 + 1) << 32) | i, size, fee, work, nonce)


def txs(t, records):
    body = b"".join(records)
    pad = sum(struct.unpack_from("<I", r, 8)[0] - 32 for r in records)
    return pad, header(t, len(records)) + body


def answers(entries):
    return 0, header(3, len(entries)) + b"".join(struct.pack("<QBd", i, s, r) for i, s, r in entries)


def mindiff(req):
    return 0, header(4, 1) + struct.pack("<d", req)


def block(bid, ids):
    return 200 + 24 * len(ids), header(5, len(ids)) + struct.pack("<Q", bid) + b"".join(struct.pack("<Q", i) for i in ids)


def ids(t, values):
    return 24 * len(values), header(t, len(values)) + b"".join(struct.pack("<Q", i) for i in values)


MESSAGES = {
    "stem": txs(1, [tx(1)]),
    "fluff1": txs(2, [tx(2)]),
    "fluff3": txs(2, [tx(3), tx(4, size=32), tx(5, work=1e6)]),
    "low": txs(2, [tx(6, work=10)]),
    "answers": answers([(((9 + 1) << 32) | 1, 0, 0.0), (((9 + 1) << 32) | 2, 2, 6.25e6), (77, 1, 0.0)]),
    "mindiff": mindiff(1e4),
    "mindiff_huge": mindiff(1e300),
    "block": block(5, [((9 + 1) << 32) | 2, 12345]),
    "announce": ids(6, [((9 + 1) << 32) | 7, ((9 + 1) << 32) | 2, 99]),
    "request": ids(7, [((9 + 1) << 32) | 2, 12345]),
}


def write(sub, name, data):
    d = os.path.join(HERE, "corpus", sub)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def main():
    for name, (pad, msg) in MESSAGES.items():
        write("wire", name, struct.pack("<I", pad) + msg)
    # node scripts: mode byte, then (peer, len, pad, bytes) or pauses (peer | 0x80)
    def frame(peer, pm):
        pad, msg = pm
        return struct.pack("<BHI", peer, len(msg), pad) + msg

    pause = struct.pack("<BHI", 0x80 | 40, 0, 0)
    script = b"\x00" + b"".join(frame(p, MESSAGES[m]) for p, m in [(0, "stem"), (1, "fluff3"), (2, "mindiff"),
                                                                    (0, "answers"), (3, "low")]) + pause
    write("node", "mixed", script)
    burst = b"\x00" + b"".join(frame(0, txs(2, [tx(100 + i)])) for i in range(30)) + pause
    write("node", "burst", burst)
    write("node", "block", b"\x00" + frame(1, MESSAGES["fluff1"]) + frame(2, MESSAGES["block"]) + pause +
          frame(1, MESSAGES["fluff1"]))
    # announce mode: announcements (some served, some never), requests for held and unknown ids
    write("node", "announce", b"\x02" + frame(1, MESSAGES["announce"]) + frame(3, MESSAGES["announce"]) +
          frame(1, txs(2, [tx(7)])) + frame(2, MESSAGES["fluff1"]) + frame(4, MESSAGES["request"]) + pause +
          pause + frame(1, MESSAGES["announce"]))
    write("node", "sha256", b"\x01" + frame(0, MESSAGES["fluff1"]) + frame(1, MESSAGES["stem"]) + pause)
    # scenarios: the shipped ones and a few small ones
    root = os.path.dirname(os.path.dirname(HERE))
    for path in sorted(glob.glob(os.path.join(root, "scenarios", "*.yaml"))):
        with open(path, "rb") as f:
            write("scenario", os.path.basename(path), f.read())
    write("scenario", "sweep.yaml", b"nodes: {count: 50}\nattackers:\n  - {count: 1}\nsweep:\n  pow.enabled: [true, false]\n"
          b"  attackers.0.hashrate: [1e3, {a: b}]\n  replications: 2\n")
    write("scenario", "regions.yaml", b"network:\n  regions: [{name: A, share: 1, up_mbps: 1, down_mbps: 2}]\n"
          b"  latency_ms: [[10]]\nhonest:\n  hashrate: {dist: choice, values: [50, 500], weights: [1, 3]}\n")
    write("scenario", "monero.yaml", b"blocks: {policy: monero, reward: 6e8, median_window: 4, reserved: 600}\n"
          b"honest:\n  fee: {dist: choice, values: [20, 80, 320, 4000], weights: [5, 3, 1, 0]}\n")
    write("scenario", "script.yaml", b"script:\n  - {t: 1, node: 0, work: 2500, kind: spam}\n  - {t: 2, node: 1}\n")


if __name__ == "__main__":
    main()
