"""Sweeps on MPI: `mpirun -np 2 powrelay sweep` gives the same sweep.csv as a local sweep, each rank
running its share of the runs. Skipped when this build has no MPI sweeps or mpirun is missing."""
import filecmp
import os
import shutil
import subprocess
import unittest

from prtest import POWRELAY, Case

SWEEP = """
    name: mpi
    duration_s: 40
    nodes: {count: 50}
    attackers:
      - {count: 1, connections: 4, hashrate: 1e4, rate: 5, start_s: 5}
    sweep:
      pow.enabled: [false, true]
      attackers.0.hashrate: [1e3, 1e5]
      replications: 2
"""


def mpi_build():
    v = subprocess.run([POWRELAY, "--version"], capture_output=True, text=True).stdout
    return "MPI" in v and shutil.which("mpirun")


@unittest.skipUnless(mpi_build(), "no MPI in this build, or no mpirun")
class Mpi(Case):
    def test_mpirun_two_ranks_same_sweep_csv(self):
        s = self.scenario(SWEEP)
        local, mpi = os.path.join(self.tmp, "local"), os.path.join(self.tmp, "mpi")
        self.powrelay("sweep", s, "-o", local, "-j", "2", "-q")
        p = subprocess.run(["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", POWRELAY, "sweep", s,
                            "-o", mpi], capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("rank 0:", p.stderr)
        self.assertIn("rank 1:", p.stderr)
        self.assertTrue(filecmp.cmp(os.path.join(local, "sweep.csv"), os.path.join(mpi, "sweep.csv"), shallow=False))
        # and it resumes: a second mpirun runs nothing
        p = subprocess.run(["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", POWRELAY, "sweep", s,
                            "-o", mpi], capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("finished", p.stderr.replace("sweep.csv written", ""))


if __name__ == "__main__":
    unittest.main()
