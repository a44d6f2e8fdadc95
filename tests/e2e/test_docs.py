"""The documents' cross-references resolve: every `docs/NAME.md#anchor` (or `NAME.md#anchor` inside docs/)
that the code, scripts, tests, README and docs cite names a file that exists and an anchor in it (an
`<a id="...">` or a heading, by GitHub's rule for heading anchors). Code cites docs/protocol.md by anchor, so
a renamed section must not leave a comment pointing nowhere."""
import os
import re
import subprocess
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
REF = re.compile(r"(?:docs/)?\b([\w-]+\.md)#([\w-]+)")


def heading_anchor(title):
    """GitHub's: lower case, punctuation but '-' and '_' dropped, each space a '-'."""
    return re.sub(r"[^\w\- ]", "", title.strip().lower()).replace(" ", "-")


def anchors(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return set(re.findall(r'<a id="([^"]+)"', text)) | {heading_anchor(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}


def tracked():
    """The repository's files (git's list when this is a checkout, else a walk)."""
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return [f for f in out.split("\n") if f]
    except (OSError, subprocess.CalledProcessError):
        return [os.path.relpath(os.path.join(d, f), ROOT) for d, _, fs in os.walk(ROOT) if "/." not in d
                and "/build" not in d for f in fs]


class Docs(unittest.TestCase):
    def test_every_cited_anchor_exists(self):
        known, bad, cited = {}, [], 0
        for rel in tracked():
            if not rel.endswith((".c", ".h", ".cc", ".py", ".md", ".sh", ".txt", ".yaml")) and not \
                    rel.startswith(("plots/", "scripts/", ".ci/")):
                continue
            try:
                with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError):
                continue
            for name, anchor in REF.findall(text):
                if rel == "tests/e2e/test_docs.py":
                    continue
                doc = os.path.join(ROOT, "docs", name) if name != "README.md" else os.path.join(ROOT, name)
                if not os.path.exists(doc):
                    continue  # another project's document (a URL's), not ours
                if doc not in known:
                    known[doc] = anchors(doc)
                cited += 1
                if anchor not in known[doc]:
                    bad.append(f"{rel}: {name}#{anchor}")
        self.assertGreater(cited, 50)
        self.assertEqual(sorted(set(bad)), [])


if __name__ == "__main__":
    unittest.main()
