#!/usr/bin/python3
"""Records pykickstart's verdict on every kickstart of kiln's corpus, as Anaconda runs it.

Development tool, not a kiln dependency. It needs a pykickstart checkout (and Debian's
python3-requests) and writes the verdicts into the corpus:

    PYTHONPATH=/path/to/pykickstart python3 scripts/pykickstart/record-verdicts.py test/fixtures/ks-corpus

Each corpus kickstart has a JSON file beside it (NAME.json) with its provenance and the syntax
version to validate it against; this script adds (or replaces) its "pykickstart" entry:
{"verdict": "valid" | "invalid", "error": first error, "warnings": [...], "version", "commit"}.

It parses the way Anaconda does: %ksappend resolved first (relative to the kickstart's own
directory), then KickstartParser with %include followed, the first error fatal, and warnings
(deprecations, duplicates) recorded but not fatal. test/template/kickstart/corpus.test.ts
compares kiln's verdicts with these.

An %include of an absolute path that does not exist here (/tmp/part-include, written by a %pre
script; /usr/share/anaconda/…, inside the installer image) is what Anaconda reads only at install
time: Anaconda runs %pre first and parses again. Such an include is skipped, as Anaconda's first
pass skips it, and listed under "unresolved"; every other missing include is fatal.
"""
import glob
import json
import os
import subprocess
import sys
import warnings

import pykickstart
from pykickstart.errors import KickstartError
from pykickstart.parser import KickstartParser, preprocessKickstartToString
from pykickstart.version import makeVersion


class InstallerParser(KickstartParser):
    """Skips (and lists) %include targets that only exist inside the installer at install time."""

    def __init__(self, handler):
        super().__init__(handler)
        self.unresolved = []

    def _handleInclude(self, f):
        if os.path.isabs(f) and not os.path.exists(f):
            self.unresolved.append(f)
            return
        super()._handleInclude(f)


def verdict(path, syntax):
    cwd = os.getcwd()
    os.chdir(os.path.dirname(path))
    try:
        parser = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                text = preprocessKickstartToString(os.path.basename(path)).decode("utf-8")
                parser = InstallerParser(makeVersion(syntax))
                # %include targets resolve against the kickstart's directory, as readKickstart does.
                parser.currentdir[0] = os.path.dirname(path)
                parser.readKickstartFromString(text)
                result = {"verdict": "valid"}
            except (KickstartError, Exception) as err:  # pylint: disable=broad-except
                result = {"verdict": "invalid", "error": f"{type(err).__name__}: {err}"}
            if parser is not None and parser.unresolved:
                result["unresolved"] = parser.unresolved
        result["warnings"] = sorted({str(w.message).split("\n")[0] for w in caught
                                     if "pykickstart" in (w.filename or "") or issubclass(w.category, (UserWarning, DeprecationWarning))})
        return result
    finally:
        os.chdir(cwd)


def main():
    root = sys.argv[1]
    commit = subprocess.run(["git", "-C", pykickstart.__path__[0], "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    version = getattr(pykickstart, "__version__", "?")
    counts = {"valid": 0, "invalid": 0}
    for meta_path in sorted(glob.glob(os.path.join(root, "**", "*.json"), recursive=True)):
        ks = meta_path[: -len(".json")]
        if not os.path.isfile(ks):
            continue
        with open(meta_path) as f:
            meta = json.load(f)
        result = verdict(os.path.abspath(ks), meta["syntax"])
        result.update({"version": version, "commit": commit})
        meta["pykickstart"] = result
        counts[result["verdict"]] += 1
        with open(meta_path, "w") as f:
            json.dump(meta, f, indent=2, ensure_ascii=False)
            f.write("\n")
    print(f"{counts['valid']} valid, {counts['invalid']} invalid")


if __name__ == "__main__":
    main()
