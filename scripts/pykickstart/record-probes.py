#!/usr/bin/python3
"""Records pykickstart's verdict on small generated kickstarts ("probes"), for every syntax version.

Development tool, not a kiln dependency; run it from a pykickstart checkout:

    PYTHONPATH=/path/to/pykickstart python3 scripts/pykickstart/record-probes.py > test/fixtures/pykickstart/probes.json

Each probe is one command with a minimal set of arguments it needs, then that with each option
pykickstart has ever known for it (a flag alone, a value of the right kind, and a value of the
wrong kind for numbers and booleans), with an extra word, and without arguments; plus a few
hand-written lines (abbreviated options, values starting with '-', sections, conflicts). For each
probe the record holds one character per version: '1' valid, '0' invalid (warnings are not
fatal, as in Anaconda). test/template/kickstart/probes.test.ts compares kiln's verdicts with it.
"""
import json
import subprocess
import sys
import warnings

import pykickstart
from pykickstart.errors import KickstartError
from pykickstart.parser import KickstartParser
from pykickstart.version import makeVersion, versionMap

warnings.simplefilter("ignore")

# The least each command needs to be valid in most releases (mount points, required options).
BASE = {
    "part": ["/"], "partition": ["/"], "logvol": ["/", "--vgname=vg", "--name=lv", "--size=1"],
    "raid": ["/", "--device=md0", "--level=1", "raid.1", "raid.2"], "volgroup": ["vg", "pv.1"],
    "btrfs": ["/", "btrfs.1"], "mount": ["/dev/sda1", "/"], "lang": ["en_US"], "keyboard": ["us"],
    "timezone": ["UTC"], "rootpw": ["pw"], "user": ["--name=u"], "group": ["--name=g"],
    "sshkey": ["--username=u", "key"], "sshpw": ["--username=u", "pw"], "url": ["--url=http://x/"],
    "method": [], "repo": ["--name=r", "--baseurl=http://x/"], "liveimg": ["--url=http://x/i.img"],
    "harddrive": ["--partition=sda1", "--dir=/x"], "nfs": ["--server=s", "--dir=/x"],
    "ostreesetup": ["--osname=o", "--url=http://x/", "--ref=r"], "ostreecontainer": ["--url=quay.io/x"],
    "bootc": ["--source-imgref=x"], "updates": ["http://x/u.img"], "driverdisk": ["sda1"],
    "iscsi": ["--ipaddr=1.2.3.4"], "iscsiname": ["iqn.x"], "fcoe": ["--nic=eth0"],
    "zfcp": ["--devnum=0.0.1", "--wwpn=1", "--fcplun=1"], "dmraid": ["--name=d", "--dev=sda"],
    "multipath": ["--name=m", "--device=sda", "--rule=r"], "device": ["mod"], "services": ["--enabled=sshd"],
    "eula": ["--agreed"], "snapshot": ["vg/lv", "--name=s", "--when=pre-install"],
    "timesource": ["--ntp-server=x"], "module": ["--name=m"], "nvdimm": ["use", "--namespace=n"],
    "rhsm": ["--organization=o", "--activation-key=k"], "realm": ["join", "example.com"], "key": ["--skip"],
    "mouse": ["generic"], "ignoredisk": ["--drives=sda"], "auth": ["--enableshadow"],
    "authconfig": ["--enableshadow"], "authselect": ["select", "sssd"],
}

# Lines written by hand: argparse corners, sections, conflicts.
EXTRA = [
    "bootloader --disable",
    "bootloader --timeo=5",
    "bootloader --append -quiet",
    'bootloader --append "-quiet splash"',
    "firewall --en",
    "firewall --ena",
    "part / --size -1",
    'part / --fstype=xfs --mkfsoptions "-m bigtime=0,inobtcount=0"',
    "part / --fstype=xfs --mkfsoptions -m",
    "part / --size=1 --",
    "part -- /",
    "part prepboot --size=4 --fstype=prepboot",
    "part biosboot --size=1 --fstype=biosboot",
    "part /boot/efi --size=100 --fstype=efi",
    "part home --size=10",
    "part / --grow=yes",
    "part / --size=1_000",
    "part / --size=' 12 '",
    "network --onboot=YES",
    "network --bootproto dhcp --device eth0",
    "rootpw --plaintext",
    "rootpw --lock",
    "rootpw -secret",
    "rootpw -- -secret",
    "rootpw --iscrypted a b",
    "timezone --utc",
    "timezone --isUtc America/New_York",
    "timezone America/New_York Europe/Paris",
    "zerombr yes",
    "firstboot --enable --reconfig",
    "selinux --enforcing --disabled",
    "autopart --type=LVM",
    "autopart --type=lvm --nolvm",
    "autopart --type=thinp",
    "autopart\npart / --size=1",
    "part / --size=1\nautopart",
    "part / --size=1\nmount /dev/sda1 /home",
    "reqpart\nautopart",
    "realm join a.example\nrealm join b.example",
    "realm join --one-time-password=x example.com",
    "realm join --one=x example.com",
    "realm join example.com --no-password",
    "realm leave example.com",
    "snapshot vg/lv --name=s --when=pre-install\nsnapshot vg/lv --name=s --when=post-install",
    "snapshot vglv --name=s --when=pre-install",
    "%certificate --filename=c.pem --dir=/etc/pki\n-----BEGIN CERTIFICATE-----\n%end",
    "%certificate --filename=c.pem\nx\n%end",
    "%certificate --filename=c.pem --dir=/x\n%end",
    "%packages --default --nocore\n%end",
    "%packages --default --nobase\n%end",
    "%packages --instLangs=en\n%end",
    "%packages --excludeWeakdeps\n%end",
    "%packages --ignorebroken\n%end",
    "%packages --nobase\n%end",
    "%packages --retries=x\n%end",
    "%packages\n@core --nodefaults --optional\n%end",
    "%packages\n-\n%end",
    "%packages\n@core --bogus\n%end",
    "%packages\nvim\n",
    "%post\necho\n",
    "%post\necho\n%packages\nvim\n%end",
    "%pre --nochroot\n%end",
    "%post --nochroot --log=/x\n%end",
    "%post --erroronfail --interpreter /usr/bin/python3\n%end",
    "%pre-install\n%end",
    "%onerror\n%end",
    "%traceback\n%end",
    "%addon com_redhat_kdump --enable\n%end",
    "%anaconda\npwpolicy root --minlen=6\n%end",
    "%bogus\n%end",
    "%end",
    "method",
    "cdrom x",
    "hmc x",
    "reboot --eject",
    "reboot --bogus",
    "cmdline --non-interactive",
    "text --non-interactive",
    "install --root-device=",
    "network --device=eth0\nnetwork --device=eth0",
    "network\nnetwork",
    "network --bridgeopts=stp=yes --bridgeslaves=eth0",
    "network --bridgeopts=stp --bridgeslaves=eth0",
    "network --interfacename=vlan5000 --vlanid=5000 --device=eth0",
    "ignoredisk --drives=sda --only-use=sdb",
    "ignoredisk --interactive",
    "logging --port=514",
    "logvol / --vgname=vg --name=lv",
    "logvol / --vgname=vg --name=lv --size=1 --percent=50",
    "logvol / --vgname=vg --name=lv --thin",
    "logvol / --vgname=vg --name=lv --size=1 --cachesize=1",
    "volgroup vg --useexisting pv.1",
    "volgroup vg pv.1 --reserved-percent=1",
    "part pv.1\nvolgroup vg pv.1 --bogus",
    "volgroup vg",
    "volgroup vg --reserved-percent=100 pv.1",
    "raid / --device=md0 raid.1",
    "raid / --device=md0 --useexisting",
    "raid / --device=md0 --level=raid7 raid.1",
    "btrfs / --subvol --name=root LABEL=fedora",
    "btrfs / --subvol LABEL=fedora",
    "btrfs /home --subvol --name=home",
    "part btrfs.1\nbtrfs none --label=fedora btrfs.1",
    "part btrfs.1\nbtrfs none --label=fedora btrfs.1\nbtrfs / --subvol --name=root LABEL=fedora",
    "clearpart --all --initlabel --disklabel=gpt",
    "clearpart --none --all",
    "url --url=",
    "url --mirrorlist=http://x/ --url=http://y/",
    "repo --name=r",
    "repo --name=r --baseurl=http://x/ --mirrorlist=http://y/",
    "harddrive --dir=/x",
    "harddrive --dir=/x --biospart=80p1 --partition=sda1",
    "driverdisk",
    "driverdisk sda1 --source=http://x/",
    "ostreesetup --osname=o --url=ftp://x/ --ref=r",
    "keyboard --vckeymap=us",
    "keyboard",
    "updates",
    "zfcp --devnum=0.0.1",
    "zfcp --devnum=0.0.1 --wwpn=1",
    "eula",
    "services",
    "mount /dev/sda1 home",
    "mount --reformat /dev/sda1 /home",
    "mount /dev/sda1 /home --mkfsoptions=x",
    "lang en_US --addsupport=cs_CZ",
    "lang",
    "key",
    "nvdimm reconfigure",
    "nvdimm bogus",
]


# Lines a probe needs before its command (the members a volume is made of).
BEFORE = {"raid": "part raid.1\npart raid.2\n", "volgroup": "part pv.1\n", "btrfs": "part btrfs.1\n"}


def value_for(option):
    if option["kind"] == "flag":
        return None
    if "ichoices" in option:
        return option["ichoices"][0].upper()
    if "choices" in option:
        return option["choices"][0]
    return {"int": "1", "bool": "yes"}.get(option.get("type"), "x")


def probes(syntax):
    """The generated probes, from the record of every handler's options (dump-syntax.py's output)."""
    out = []
    names = sorted({c for table in syntax["handlers"].values() for c in table})
    for cmd in names:
        base = BASE.get(cmd, [])
        pre = BEFORE.get(cmd, "")
        out.append(" ".join([cmd] + base))
        if base:
            out.append(cmd)
        out.append(pre + " ".join([cmd] + base + ["extra"]))
        options = {}
        for v in syntax["versions"]:
            cls = syntax["handlers"][v["name"]].get(cmd)
            for o in syntax["classes"].get(cls, {}).get("options", []) if cls else []:
                for name in o["names"]:
                    options.setdefault(name, o)
        for name, o in sorted(options.items()):
            if any(w.split("=")[0] == name for w in base):
                continue
            val = value_for(o)
            out.append(pre + " ".join([cmd] + base + [name if val is None else f"{name}={val}"]))
            if o.get("type") in ("int", "bool"):
                out.append(pre + " ".join([cmd] + base + [f"{name}=nope"]))
            if val is None:
                out.append(pre + " ".join([cmd] + base + [f"{name}=yes"]))
    return out + EXTRA


def judge(handler, text, version):
    """pykickstart's verdict on one probe. A handler is costly to build (~0.1 s), so single-line
    probes share one per version: every command is marked unseen (conflicts) and the probe's own
    command is rebuilt, so nothing an earlier probe set remains; a probe of several lines gets a
    handler of its own."""
    if "\n" in text:
        handler = makeVersion(versionMap[version])
    else:
        for obj in handler.commands.values():
            if obj is not None:
                obj.seen = False
        old = handler.commands.get(text.split(" ")[0])
        # `method` is a proxy to url/cdrom/…, which it finds through the handler: keep it.
        if old is not None and not type(old).__name__.endswith("_Method"):
            fresh = type(old)()
            fresh.handler = handler
            for alias, obj in list(handler.commands.items()):
                if obj is old:
                    handler.commands[alias] = fresh
    try:
        KickstartParser(handler).readKickstartFromString(text + "\n")
        return "1"
    except (KickstartError, Exception):  # pylint: disable=broad-except
        return "0"


def main():
    syntax = json.load(open(sys.argv[1])) if len(sys.argv) > 1 else json.load(sys.stdin)
    versions = [v["name"] for v in syntax["versions"]]
    texts = list(dict.fromkeys(probes(syntax)))
    verdicts = {t: [] for t in texts}
    for name in versions:
        handler = makeVersion(versionMap[name])
        for t in texts:
            verdicts[t].append(judge(handler, t, name))
    commit = subprocess.run(["git", "-C", pykickstart.__path__[0], "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = {
        "pykickstart": {"version": getattr(pykickstart, "__version__", "?"), "commit": commit},
        "versions": versions,
        "probes": [[t, "".join(verdicts[t])] for t in texts],
    }
    json.dump(out, sys.stdout, indent=0, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
