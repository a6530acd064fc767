#!/usr/bin/python3
"""Records what pykickstart's handlers accept, version by version, as JSON on stdout.

Run from a pykickstart checkout (development tool, not a kiln dependency):
    PYTHONPATH=/path/to/pykickstart python3 scripts/pykickstart/dump-syntax.py > test/fixtures/pykickstart/syntax.json

For every syntax version: each command name, the class that handles it, whether that class is a
deprecated or removed command, its options (spellings, whether they take a value, the value's
type or allowed values, required, deprecated) and positional arguments, the commands it conflicts
with; and the options of each section header. kiln's tables are compared with this record by
test/template/kickstart/pykickstart-syntax.test.ts.
"""
import argparse
import json
import subprocess
import sys
import warnings

import pykickstart
from pykickstart.base import DeprecatedCommand, RemovedCommand
from pykickstart.parser import KickstartParser
from pykickstart.version import makeVersion, versionMap, versionToString

warnings.simplefilter("ignore")

MAPS = {"_type_cb": "typeMap", "_level_cb": "levelMap", "level_cb": "levelMap", "_when_cb": "whenMap"}


def value_type(obj, action):
    t = action.type
    name = getattr(t, "__name__", None)
    if t is None or name in ("str", "mountpoint", "part_cb", "_device_cb", "firewall_port_cb", "_teamslaves_cb", "commaSplit"):
        return "string"
    if name == "int":
        return "int"
    if name == "ksboolean":
        return "bool"
    if name in MAPS:
        table = getattr(obj, MAPS[name], None)
        if table:
            return {"ichoices": sorted(str(k).lower() for k in table)}
    return "callback:" + str(name)


def option_record(obj, action):
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction, argparse._StoreConstAction, argparse._AppendConstAction)):
        kind = "flag"
    elif type(action).__name__ == "ExtendConstAction":
        kind = "flag"
    elif action.nargs == "?":
        kind = "optional"
    elif action.nargs in (None, 1):
        kind = "value"
    else:
        kind = "nargs:" + str(action.nargs)
    rec = {"names": list(action.option_strings), "kind": kind}
    if kind in ("value", "optional") or kind.startswith("nargs"):
        vt = value_type(obj, action)
        if isinstance(vt, dict):
            rec.update(vt)
        else:
            rec["type"] = vt
        if action.choices:
            rec["choices"] = list(action.choices)
    if action.required:
        rec["required"] = True
    if getattr(action, "deprecated", False):
        rec["deprecated"] = True
    return rec


def parser_record(obj, op):
    options, positionals = [], []
    for action in op._actions:
        if action.option_strings:
            options.append(option_record(obj, action))
        else:
            positionals.append({"dest": action.dest, "nargs": action.nargs if action.nargs is not None else 1})
    return {"options": options, "positionals": positionals}


def command_record(obj):
    if isinstance(obj, RemovedCommand):
        status = "removed"
    elif isinstance(obj, DeprecatedCommand):
        status = "deprecated"
    else:
        status = "ok"
    rec = {"status": status}
    op = getattr(obj, "op", None)
    if op is not None and status == "ok":
        rec.update(parser_record(obj, op))
    elif status == "ok":
        rec["custom"] = True  # parses its arguments by hand (or not at all)
    conflicts = list(getattr(obj, "conflictingCommands", []) or [])
    if conflicts:
        rec["conflicts"] = conflicts
    return rec


def main():
    names = sorted((n for n in versionMap if n != "DEVEL"), key=lambda n: versionMap[n])
    classes, handlers, sections = {}, {}, {}
    for name in names:
        handler = makeVersion(versionMap[name])
        table = {}
        for cmd, obj in sorted(handler.commands.items()):
            if obj is None:
                continue
            cls = type(obj).__name__
            if cls not in classes:
                classes[cls] = command_record(obj)
            table[cmd] = cls
        handlers[name] = table
        parser = KickstartParser(handler)
        secs = {}
        for sec_name, sec in sorted(parser._sections.items()):
            get = getattr(sec, "_getParser", None)
            secs[sec_name] = parser_record(None, get()) if get else {"options": [], "positionals": [], "free": True}
        sections[name] = secs
    commit = subprocess.run(["git", "-C", pykickstart.__path__[0], "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = {
        "pykickstart": {"version": getattr(pykickstart, "__version__", "?"), "commit": commit},
        "versions": [{"name": n, "number": versionMap[n]} for n in names],
        "devel": versionToString(versionMap["DEVEL"], skipDevel=True),
        "handlers": handlers,
        "classes": classes,
        "sections": sections,
    }
    json.dump(out, sys.stdout, indent=None, sort_keys=True, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
