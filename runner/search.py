#!/usr/bin/python3
"""powrelay search's driver (docs/search.md): a multi-objective search over relay defences' parameters
with Optuna's NSGA-II sampler, each trial a set of `powrelay run`s (the same seeds for every trial, so
trials are compared paired), its objectives the means of summary.json answers over those seeds.

usage: search.py DIR/search.json   (written by `powrelay search`, which checks the scenario first)

Writes DIR/trials.csv, DIR/pareto.csv, DIR/figures/pareto.png and DIR/best/*.yaml; keeps Optuna's
storage (default DIR/study.db) and every run in DIR/runs/. Reproducible: with one worker, a trial's
parameters depend only on the search's seed, the trial's number and the trials told before it (trials are
asked in batches of -j and told in order), so a search killed and resumed gives the same trials.csv."""
import concurrent.futures
import contextlib
import csv
import fcntl
import hashlib
import json
import math
import os
import subprocess
import sys
import time

import optuna

STUDY = "powrelay"


def flat(doc, prefix=""):
    """summary.json's numeric answers as dotted keys, in their order."""
    out = {}
    for k, v in doc.items():
        if isinstance(v, dict):
            out.update(flat(v, prefix + k + "."))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[prefix + k] = float(v)
    return out


@contextlib.contextmanager
def storage_lock(url):
    """Holds the steps that claim a trial to one worker at a time, for a SQLite storage. Optuna claims a
    waiting trial (the enqueued baseline) by reading its row `FOR UPDATE`, which SQLite ignores: two workers
    sharing one file could both read it waiting and both run it (then clash writing its parameters), or
    both find the study new and both enqueue the baseline. Other databases lock the row themselves."""
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
    if not path or path == ":memory:":
        yield
        return
    with open(path + ".lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


class Search:
    def __init__(self, spec):
        self.spec = spec
        self.dir = spec["outdir"]
        self.names = list(spec["defences"])
        self.seeds = [spec["base_seed"] + r for r in range(spec["replications"])]

    # ---- one trial ----

    def sets_of(self, params):
        """The --set overrides of a trial's parameters."""
        defence = params["defence"]
        out = [f"defence.policy={defence}"]
        for name, value in params.items():
            if name == "defence":
                continue
            d, path = name.split(":", 1)
            if d == defence:
                out.append(f"{path}={value}")
        return out

    def run_one(self, number, params, seed):
        d = os.path.join(self.dir, "runs", f"t{number:04d}-s{seed}")
        if not os.path.isfile(os.path.join(d, "summary.json")):  # written last: present means whole
            cmd = [self.spec["powrelay"], "run", self.spec["scenario"], "-o", d, "-q", "--seed", str(seed)]
            for s in self.spec["sets"] + self.sets_of(params):
                cmd += ["--set", s]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                raise RuntimeError(f"trial {number}, seed {seed}: {p.stderr.strip()}")
        with open(os.path.join(d, "summary.json")) as f:
            return flat(json.load(f))

    def means(self, answers):
        keys = list(answers[0])
        out = {}
        for k in keys:
            vals = [a[k] for a in answers if k in a and not math.isnan(a[k])]
            out[k] = sum(vals) / len(vals) if vals else float("nan")
        return out

    def objectives(self, mean):
        vals = []
        for key, direction in self.spec["objectives"]:
            v = mean.get(key, float("nan"))
            if math.isnan(v):  # no data (nothing reached 90%, say): the worst there is
                v = math.inf if direction == "minimize" else -math.inf
            vals.append(v)
        return vals

    # ---- the study ----

    def suggest(self, trial):
        defence = trial.suggest_categorical("defence", self.names)
        if trial.user_attrs.get("baseline"):
            return trial.params  # the original rules at their defaults
        for path, rng in self.spec["defences"][defence].items():
            name = f"{defence}:{path}"
            if "choices" in rng:
                trial.suggest_categorical(name, rng["choices"])
            elif rng.get("int"):
                trial.suggest_int(name, math.ceil(rng["low"]), math.floor(rng["high"]), log=rng.get("log", False))
            else:
                trial.suggest_float(name, rng["low"], rng["high"], log=rng.get("log", False))
        return trial.params

    def open_study(self):
        fingerprint = hashlib.sha256(json.dumps({k: self.spec[k] for k in (
            "scenario_text", "sets", "defences", "objectives", "replications", "base_seed", "seed")},
            sort_keys=True).encode()).hexdigest()
        with storage_lock(self.spec["storage"]):
            return self.open_study_locked(fingerprint)

    def open_study_locked(self, fingerprint):
        # Workers starting together on a fresh shared database race to create its tables: try again.
        for attempt in range(20):
            try:
                study = optuna.create_study(study_name=STUDY, storage=self.spec["storage"], load_if_exists=True,
                                            directions=[d for _, d in self.spec["objectives"]])
                break
            except Exception:  # sqlalchemy's OperationalError / IntegrityError, optuna's DuplicatedStudyError
                if attempt == 19:
                    raise
                time.sleep(0.1 * (1 + attempt))
        old = study.user_attrs.get("fingerprint")
        if old is None:
            study.set_user_attr("fingerprint", fingerprint)
            if "original" in self.names:  # the original rules at their defaults: the mark to beat
                study.enqueue_trial({"defence": "original"}, user_attrs={"baseline": True})
        elif old != fingerprint:
            print(f"powrelay search: {self.dir} holds a search of another scenario or search section; "
                  "search into another directory", file=sys.stderr)
            sys.exit(2)
        return study

    def run(self):
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        study = self.open_study()
        jobs, total = self.spec["jobs"], self.spec["trials"]
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            # Trials a killed search left unfinished keep their parameters: run them again. (Not with a
            # storage shared by several workers: there, another worker may be running them right now.)
            for t in study.get_trials(deepcopy=False):
                if not self.spec["shared"] and t.state == optuna.trial.TrialState.RUNNING and t.params:
                    self.finish(study, t.number, dict(t.params), pool)
            while True:
                started = [t for t in study.get_trials(deepcopy=False)
                           if t.state != optuna.trial.TrialState.WAITING or t.params]
                if len(started) >= total:
                    break
                batch = [self.claim(study) for _ in range(min(jobs, total - len(started)))]
                futures = [(n, p, pool.submit(self.evaluate_all, n, p)) for n, p in batch]
                for n, p, f in futures:
                    self.tell(study, n, f.result())
                self.report(study)
        self.report(study)

    def claim(self, study):
        """The study's next trial for this worker: its number and parameters (storage_lock: no other
        worker claims it too)."""
        with storage_lock(self.spec["storage"]):
            # A sampler seeded by the trial's number: what it draws depends on the trials told before it,
            # not on when this process started.
            number = len(study.get_trials(deepcopy=False, states=None))
            study.sampler = optuna.samplers.NSGAIISampler(seed=self.spec["seed"] * 1000003 + number)
            trial = study.ask()
            return trial.number, self.suggest(trial)

    def evaluate_all(self, number, params):
        # the replications run one after another here; -j trials run at once
        return [self.run_one(number, params, s) for s in self.seeds]

    def finish(self, study, number, params, pool):
        self.tell(study, number, self.evaluate_all(number, params))

    def tell(self, study, number, answers):
        mean = self.means(answers)
        trial = next(t for t in study.get_trials(deepcopy=False) if t.number == number)
        # kept beside the objectives: trials.csv reports every answer's mean, best/ its resolved scenario,
        # whichever worker writes them
        study._storage.set_trial_user_attr(trial._trial_id, "means", json.dumps(mean))
        with open(os.path.join(self.dir, "runs", f"t{number:04d}-s{self.seeds[0]}", "scenario.yaml")) as f:
            study._storage.set_trial_user_attr(trial._trial_id, "scenario", f.read())
        study.tell(number, self.objectives(mean))
        if not self.spec.get("quiet"):
            shown = ", ".join(f"{k} {mean.get(k, float('nan')):.4g}" for k, _ in self.spec["objectives"])
            print(f"powrelay search: trial {number} ({trial.params.get('defence')}): {shown}", file=sys.stderr)

    # ---- outputs ----

    def rows(self, study):
        out = []
        for t in sorted(study.get_trials(deepcopy=False), key=lambda t: t.number):
            if t.state != optuna.trial.TrialState.COMPLETE:
                continue
            mean = json.loads(t.user_attrs.get("means", "{}"))
            out.append((t, mean))
        return out

    def report(self, study):
        rows = self.rows(study)
        if not rows:
            return
        param_cols = []
        for name in self.names:
            for path in self.spec["defences"][name]:
                param_cols.append(f"{name}:{path}")
        answer_cols = list(rows[0][1])
        header = ["trial", "defence", "baseline"] + param_cols + ["seeds"] + [f"{k}_mean" for k in answer_cols]
        pareto = {t.number for t in study.best_trials}

        def line(t, mean):
            vals = [str(t.number), t.params["defence"], "1" if t.user_attrs.get("baseline") else "0"]
            vals += ["" if c not in t.params else f"{t.params[c]:.17g}" if isinstance(t.params[c], float)
                     else str(t.params[c]) for c in param_cols]
            vals.append(" ".join(str(s) for s in self.seeds))
            vals += ["" if math.isnan(mean.get(k, float("nan"))) else f"{mean[k]:.12g}" for k in answer_cols]
            return vals

        def table(select):
            import io
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(header)
            for t, mean in rows:
                if select(t):
                    w.writerow(line(t, mean))
            return buf.getvalue()

        write_atomic(os.path.join(self.dir, "trials.csv"), table(lambda t: True))
        write_atomic(os.path.join(self.dir, "pareto.csv"), table(lambda t: t.number in pareto))
        best = os.path.join(self.dir, "best")
        os.makedirs(best, exist_ok=True)
        for f in os.listdir(best):
            os.remove(os.path.join(best, f))
        for t, _ in rows:
            if t.number in pareto:
                write_atomic(os.path.join(best, f"t{t.number:04d}-{t.params['defence']}.yaml"),
                             t.user_attrs.get("scenario", ""))
        self.figure(rows, pareto)

    def figure(self, rows, pareto):
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        objs = self.spec["objectives"]
        pairs = [(i, j) for i in range(len(objs)) for j in range(i + 1, len(objs))] or [(0, 0)]
        fig, axes = plt.subplots(1, len(pairs), figsize=(6 * len(pairs), 4.8), squeeze=False)
        colours = {name: f"C{k}" for k, name in enumerate(self.names)}
        for ax, (i, j) in zip(axes[0], pairs):
            for name in self.names:
                pts = [(m.get(objs[i][0]), m.get(objs[j][0]), t.number in pareto) for t, m in rows
                       if t.params["defence"] == name]
                if not pts:
                    continue
                ax.scatter([p[0] for p in pts], [p[1] for p in pts], s=[60 if p[2] else 18 for p in pts],
                           color=colours[name], edgecolors=["k" if p[2] else "none" for p in pts], label=name,
                           alpha=0.8)
            for t, m in rows:
                if t.user_attrs.get("baseline"):
                    ax.scatter([m.get(objs[i][0])], [m.get(objs[j][0])], marker="*", s=220, color="gold",
                               edgecolors="k", zorder=5, label="original, defaults")
            ax.set_xlabel(f"{objs[i][0]} ({objs[i][1]})")
            ax.set_ylabel(f"{objs[j][0]} ({objs[j][1]})")
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7, loc="best")
        fig.suptitle(f"{self.spec['name']}: trials (mean over {len(self.seeds)} seeds); "
                     "outlined: the Pareto front", fontsize=10)
        fig.tight_layout()
        os.makedirs(os.path.join(self.dir, "figures"), exist_ok=True)
        tmp = os.path.join(self.dir, "figures", "pareto.tmp.png")
        fig.savefig(tmp, dpi=90)
        plt.close(fig)
        os.replace(tmp, os.path.join(self.dir, "figures", "pareto.png"))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        spec = json.load(f)
    try:
        Search(spec).run()
    except RuntimeError as e:
        print(f"powrelay search: {e}", file=sys.stderr)
        return 1
    if not spec.get("quiet"):
        print(f"powrelay search: {spec['outdir']}/trials.csv, pareto.csv, figures/pareto.png, best/",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
