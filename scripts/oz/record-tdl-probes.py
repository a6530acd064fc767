#!/usr/bin/python3
"""Records Oz's verdict on small generated TDLs, for kiln's TDL reader to be compared with.

Development tool, not a kiln dependency. It needs a checkout of Oz
(https://github.com/clalancette/oz) and Debian's python3-lxml and python3-requests:

    PYTHONPATH=/path/to/oz python3 scripts/oz/record-tdl-probes.py > test/fixtures/oz/tdl-probes.json

Each probe is a valid Fedora TDL with one thing changed; Oz's TDL class (its RELAX NG schema,
then the checks of TDL.py) gives the verdict. test/template/tdl/oz-probes.test.ts compares.
"""
import json
import subprocess
import sys
import types

# Oz's utility module imports monotonic for its timeouts, which the TDL parser never uses.
sys.modules.setdefault("monotonic", types.ModuleType("monotonic"))

import oz  # noqa: E402
import oz.TDL  # noqa: E402

BASE = {
    "version": "",
    "name": "<name>probe</name>",
    "os": ("<os><name>Fedora</name><version>38</version><arch>x86_64</arch>"
           "<install type='url'><url>http://example.com/os/</url></install>{extra_os}</os>"),
    "extra_os": "",
    "rest": "",
}


def tdl(version="", os_xml=None, extra_os="", rest="", name="<name>probe</name>"):
    os_xml = os_xml if os_xml is not None else BASE["os"].replace("{extra_os}", extra_os)
    attr = f" version='{version}'" if version else ""
    return f"<template{attr}>\n  {name}\n  {os_xml}\n  {rest}\n</template>\n"


def os_with(arch="x86_64", install="<install type='url'><url>http://example.com/os/</url></install>", extra=""):
    return f"<os><name>Fedora</name><version>38</version><arch>{arch}</arch>{install}{extra}</os>"


def command(content, kind=None, name="c", where="commands", position=None):
    attrs = f" name='{name}'" if name is not None else ""
    attrs += f" type='{kind}'" if kind else ""
    attrs += f" position='{position}'" if position is not None else ""
    return f"<{where}><command{attrs}>{content}</command></{where}>"


def repo(url, extra=""):
    return f"<repositories><repository name='r'><url>{url}</url>{extra}</repository></repositories>"


def probes():
    out = [tdl()]
    out += [tdl(version=v) for v in ("1.0", "0.9", "1", "2.0")]
    out += [tdl(os_xml=os_with(arch=a)) for a in ("i386", "i686", "amd64", "ppc64", "aarch64", "s390x", "sparc", " x86_64")]
    for content in ("ZWNobyBoaQ==", "ZWNobyBoaQ", "ZWNobyBoa", "ZWNobyBoaQ=", "ZWNob", "\nZWNobyBoaQ==\n", " ZWNobyBoaQ==", "ZWNo byBoaQ==", "ZWNo!byBoaQ==", "", "abcd==", "===="):
        out.append(tdl(rest=command(content, "base64")))
        out.append(tdl(rest=command(content, "base64", where="precommands")))
    out += [
        tdl(rest=command("echo hi")),
        tdl(rest=command("echo hi", "raw")),
        tdl(rest=command("echo hi", "bogus")),
        tdl(rest=command("   ")),
        tdl(rest=command("echo hi", name=None)),
        tdl(rest=command("echo hi", position="1")),
        tdl(rest=command("echo hi", position="x")),
        tdl(rest="<commands><command name='a' position='1'>a</command><command name='b' position='3'>b</command></commands>"),
        tdl(rest="<commands><command name='a' position='1'>a</command><command name='b'>b</command></commands>"),
        tdl(rest="<commands><command name='a' position='2'>a</command><command name='b' position='1'>b</command></commands>"),
        tdl(rest="<commands/>"),
    ]
    for content in ("ZWNobyBoaQ==", "", "\nZWNobyBoaQ==\n", "ZWNo!", "ZWNobyBoaQ"):
        out.append(tdl(rest=f"<files><file name='/etc/x' type='base64'>{content}</file></files>"))
    out += [
        tdl(rest="<files><file name='/etc/x'>hello</file></files>"),
        tdl(rest="<files><file name='/etc/x' type='raw'>hello</file></files>"),
        tdl(rest="<files><file type='raw'>hello</file></files>"),
        tdl(rest="<files><file name='/etc/x' type='bogus'>hello</file></files>"),
    ]
    for url in ("http://localhost/repo/", "http://127.0.0.1/repo/", "http://localhost.localdomain/r/", "http://localhost:8080/repo/",
                "http://LOCALHOST/repo/", "http://10.0.2.2/repo/", "file:///srv/repo/", "http://[::1]/repo/", "http://mirror.example.com/repo/"):
        out.append(tdl(rest=repo(url)))
    for extra in ("<signed>yes</signed>", "<signed>True</signed>", "<signed>NO</signed>", "<signed>maybe</signed>", "<signed> yes</signed>",
                  "<persisted>false</persisted>", "<sslverify>true</sslverify>", "<clientcert>c</clientcert>", "<cacert>c</cacert>", "<bogus/>"):
        out.append(tdl(rest=repo("http://mirror.example.com/repo/", extra)))
    out += [
        tdl(rest="<repositories><repository><url>http://mirror.example.com/r/</url></repository></repositories>"),
        tdl(rest="<repositories><repository name='r'/></repositories>"),
        tdl(rest="<repositories/>"),
    ]
    iso = "<install type='iso'><iso>http://example.com/f.iso</iso>{}</install>"
    for extra in ("", "<sha256sum>http://example.com/SHA256SUM</sha256sum>", "<md5sum>m</md5sum><sha1sum>s</sha1sum>",
                  "<extras><file source='/a' destination='/b'/></extras>", "<extras/>", "<extras><directory source='/a'/></extras>", "<url>http://x/</url>"):
        out.append(tdl(os_xml=os_with(install=iso.format(extra))))
    url = "<install type='url'><url>http://example.com/os/</url>{}</install>"
    for extra in ("<md5sum>m</md5sum>", "<extras><file source='/a' destination='/b'/></extras>", "<iso>x</iso>"):
        out.append(tdl(os_xml=os_with(install=url.format(extra))))
    out += [
        tdl(os_xml=os_with(install="<install type='url'></install>")),
        tdl(os_xml=os_with(install="<install><url>http://x/</url></install>")),
        tdl(os_xml=os_with(install="<install type='nfs'><url>http://x/</url></install>")),
    ]
    for size in ("10", "10G", "10 G", "10GiB", "10 GiB", "10TB", "10kib", "10XB", " 10G", "10G ", "G", "", "10.5G", "0"):
        out.append(tdl(rest=f"<disk><size>{size}</size></disk>"))
    out += [
        tdl(rest="<disk/>"),
        tdl(rest="<packages><package name='vim'/><package name='tmux'><repository>r</repository><file>f</file><arguments>a</arguments></package></packages>"),
        tdl(rest="<packages><package/></packages>"),
        tdl(rest="<packages><package name='vim'><bogus/></package></packages>"),
        tdl(rest="<description>d</description>"),
        tdl(rest="<description>d</description><description>e</description>"),
        tdl(rest="<bogus/>"),
        tdl(name=""),
        tdl(name="<name>a</name><name>b</name>"),
        tdl(extra_os="<rootpw>pw</rootpw><key>k</key><kernelparam>console=ttyS0</kernelparam>"),
        tdl(extra_os="<icicle><extra_command>rpm -qa</extra_command></icicle>"),
        tdl(extra_os="<icicle/>"),
        tdl(extra_os="<bogus/>"),
        tdl(os_xml="<os><name>Fedora</name><arch>x86_64</arch><install type='url'><url>http://x/</url></install></os>"),
        "<template><name>x</name><os bogus='1'><name>Fedora</name><version>38</version><arch>x86_64</arch><install type='url'><url>http://x/</url></install></os></template>\n",
        "<tdl><name>x</name></tdl>\n",
    ]
    return list(dict.fromkeys(out))


def verdict(text):
    try:
        oz.TDL.TDL(text)
        return {"verdict": "valid"}
    except Exception as err:  # pylint: disable=broad-except
        return {"verdict": "invalid", "error": " ".join(str(err).split())[:200]}


def main():
    commit = subprocess.run(["git", "-C", oz.__path__[0] + "/..", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = {"oz": {"commit": commit}, "probes": [dict(tdl=t, **verdict(t)) for t in probes()]}
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
