"""Monero's block template on ns3 as on flow: the runner drives it whatever network carries the
transactions, so each block of either run obeys the rules (docs/protocol.md#block-template), and a
flood at the lowest fee fills blocks the same way."""
import unittest

from ns3test import Ns3Case
import test_blocks  # the module, not its classes: unittest would run those here too
from test_blocks import TX, check_monero_blocks


class Ns3Blocks(Ns3Case):
    def test_monero_blocks_on_both_models(self):
        ns3, flow = self.run_both(self.scenario(test_blocks.Blocks.FLOOD), "mon", "--set", "duration_s=300")
        for run in (ns3, flow):
            blocks = run.rows("blocks.csv")
            self.assertGreater(len(blocks), 8, run.dir)
            check_monero_blocks(self, blocks, 30000, 5e7, 3)
            self.assertTrue(any(int(b["weight"]) == 20 * TX and int(b["spam"]) > 0 for b in blocks), run.dir)
            self.assertIn("confirmation_by_fee", run.summary)


if __name__ == "__main__":
    unittest.main()
