"""(d) Bytes in nodes.csv are what ns-3 carried. On a network left quiet at the end (a few scripted
transactions, no blocks, no periodic MINDIFF within the run), every byte a node's sockets sent was
received: bytes_out and bytes_in sum to the same total, which is also what the time series says was
delivered, and is at least the transactions' own bytes for every delivery (plus 8 bytes of framing per
message). The flow model, which accounts the same frames, agrees on the order of magnitude."""
import unittest

from ns3test import Ns3Case

SCRIPT = "\n".join(f"      - {{t: {5 + i}, node: {i * 7}}}" for i in range(10))
SCENARIO = f"""
    name: bytes
    duration_s: 120
    nodes: {{count: 80}}
    honest: {{rate: 0}}
    blocks: {{enabled: false}}
    difficulty: {{advertise_s: 1000}}
    script:
{SCRIPT}
"""


class Bytes(Ns3Case):
    def test_bytes_as_carried(self):
        ns3, flow = self.run_both(self.scenario(SCENARIO), "bytes")
        rows = ns3.rows("nodes.csv")
        self.assertEqual(len(rows), 80)
        b_in = sum(int(r["bytes_in"]) for r in rows)
        b_out = sum(int(r["bytes_out"]) for r in rows)
        delivered = sum(int(r["bytes"]) for r in ns3.rows("timeseries.csv"))
        print(f"ns3: bytes_in {b_in}, bytes_out {b_out}, delivered {delivered}, messages "
              f"{ns3.summary['messages']}, tx deliveries {ns3.summary['tx_deliveries']}")
        self.assertEqual(b_in, b_out)
        self.assertEqual(delivered, b_in)
        tx_bytes = 1535 * ns3.summary["tx_deliveries"]
        self.assertGreaterEqual(b_in, tx_bytes + 8 * ns3.summary["messages"])
        every_node_got_all = 10 * 79 * 1535
        self.assertGreaterEqual(b_in, every_node_got_all)
        for r in rows:
            self.assertGreater(int(r["bytes_in"]), 0, r)
            self.assertGreater(int(r["bytes_out"]), 0, r)
        f_in = sum(int(r["bytes_in"]) for r in flow.rows("nodes.csv"))
        self.assertLess(abs(b_in - f_in), 0.5 * f_in)


if __name__ == "__main__":
    unittest.main()
