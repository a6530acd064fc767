#!/usr/bin/python3
"""Records the command lines pykickstart's own test suite parses, with the verdict it asserts.

Development tool, not a kiln dependency; run it from a pykickstart checkout (with its tests/):

    cd /path/to/pykickstart && python3 /path/to/kiln/scripts/pykickstart/record-own-tests.py > /path/to/kiln/test/fixtures/pykickstart/own-tests.json

pykickstart's tests/commands/*.py call assert_parse(line) (must parse) and
assert_parse_error(line) (must fail) in test classes named after the syntax version they test
(F20_TestCase → F20). This runs that suite with both assertions wrapped to record
[version, line, valid] for every call; a line pykickstart expects to raise only a warning is left
out (warnings are not fatal in Anaconda). The suite must pass: what is recorded is what
pykickstart itself holds true. test/template/kickstart/pykickstart-own-tests.test.ts compares kiln.
"""
import io
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.abspath("."))

import pykickstart  # noqa: E402
import tests.baseclass as base  # noqa: E402
from pykickstart.errors import KickstartParseError  # noqa: E402

records = {}
_parse = base.CommandTest.assert_parse
_error = base.CommandTest.assert_parse_error


def record(test, line, valid):
    key = (test.__class__.__name__.split("_")[0], line)
    records[key] = valid if records.get(key, valid) == valid else None


def assert_parse(self, inputStr, expectedStr=None):
    result = _parse(self, inputStr, expectedStr)
    record(self, inputStr, True)
    return result


def assert_parse_error(self, inputStr, exception=KickstartParseError, regex=r".*"):
    _error(self, inputStr, exception, regex)
    if not (isinstance(exception, type) and issubclass(exception, Warning)):
        record(self, inputStr, False)


def main():
    base.CommandTest.assert_parse = assert_parse
    base.CommandTest.assert_parse_error = assert_parse_error
    suite = unittest.TestLoader().discover("tests/commands", pattern="*.py", top_level_dir=".")
    result = unittest.TextTestRunner(stream=io.StringIO(), verbosity=0).run(suite)
    if not result.wasSuccessful():
        sys.exit(f"pykickstart's own tests fail here ({len(result.failures)} failures, {len(result.errors)} errors): not recording")
    commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = [[v, line, valid] for (v, line), valid in sorted(records.items()) if valid is not None]
    json.dump({"pykickstart": {"version": getattr(pykickstart, "__version__", "?"), "commit": commit}, "tests": result.testsRun, "lines": lines}, sys.stdout, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
