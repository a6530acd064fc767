# Kickstart reader of kiln's Anaconda TEST DOUBLE (not Anaconda, not pykickstart): splits a
# kickstart file into commands and sections for /init, which knows what each command means.
#
#   busybox awk -v out=DIR -f ks-parse.awk ks.cfg
#
# For each command line:  DIR/c.NNNN   line 1: line number, then one token per line (the command
#                                      first), split like pykickstart does (shlex: quotes,
#                                      backslashes, "#" starting a token begins a comment).
# For each section:       DIR/s.NNNN.hdr   line 1: line number, line 2: section name without "%",
#                                          then the header's option tokens, one per line.
#                         DIR/s.NNNN.body  the section's lines, verbatim.
# Options that take a value are joined to it ("--size 500" → "--size=500"), as pykickstart's
# option parser reads them; the table VALUE_OPTIONS below lists them per command and section.
# On a syntax error:      DIR/error   "LINE<TAB>MESSAGE" (pykickstart's wording), exit status 1.

function tokenize(line, toks,    n, i, c, cur, have, q, len) {
  n = 0; cur = ""; have = 0; q = ""; len = length(line)
  for (i = 1; i <= len; i++) {
    c = substr(line, i, 1)
    if (q == "'") { if (c == "'") q = ""; else cur = cur c; continue }
    if (q == "\"") {
      if (c == "\"") q = ""
      else if (c == "\\" && i < len && index("\"\\", substr(line, i + 1, 1))) { i++; cur = cur substr(line, i, 1) }
      else cur = cur c
      continue
    }
    if (c == " " || c == "\t" || c == "\r") { if (have) { toks[++n] = cur; cur = ""; have = 0 }; continue }
    if (c == "#" && !have) break
    if (c == "\\") { if (i < len) { i++; cur = cur substr(line, i, 1) }; have = 1; continue }
    if (c == "'" || c == "\"") { q = c; have = 1; continue }
    cur = cur c; have = 1
  }
  if (q != "") return -1
  if (have) toks[++n] = cur
  return n
}

# "--opt value" → "--opt=value" for the options of `cmd` that take a value.
function join_values(cmd, toks, n,    i, m, res) {
  m = 0
  for (i = 1; i <= n; i++) {
    if (i > 1 && toks[i] ~ /^--[^=]+$/ && ((cmd ":" toks[i]) in valopt) && i < n) {
      res[++m] = toks[i] "=" toks[i + 1]; i++
    } else res[++m] = toks[i]
  }
  for (i = 1; i <= m; i++) toks[i] = res[i]
  return m
}

function fail(lineno, message) {
  printf "%d\t%s\n", lineno, message > (out "/error")
  failed = 1
  exit 1
}

function emit(prefix, lineno, toks, n, first, start,    i, file) {
  file = out "/" prefix
  printf "%d\n", lineno > file
  if (first != "") print first > file
  for (i = start; i <= n; i++) print toks[i] > file
  close(file)
}

BEGIN {
  seq = 0; insec = ""; failed = 0
  split("pre pre-install post packages traceback onerror", names, " ")
  for (i in names) known[names[i]] = 1
  VALUE_OPTIONS = \
    "part:--size part:--maxsize part:--fstype part:--ondisk part:--ondrive part:--label part:--fsoptions " \
    "part:--mkfsoptions part:--fsprofile part:--onpart part:--usepart " \
    "partition:--size partition:--maxsize partition:--fstype partition:--ondisk partition:--ondrive " \
    "autopart:--type autopart:--fstype autopart:--passphrase autopart:--cipher autopart:--luks-version " \
    "bootloader:--location bootloader:--append bootloader:--timeout bootloader:--driveorder " \
    "bootloader:--boot-drive bootloader:--password bootloader:--md5pass " \
    "liveimg:--url liveimg:--checksum liveimg:--proxy url:--url url:--mirrorlist url:--metalink url:--proxy " \
    "repo:--name repo:--baseurl repo:--mirrorlist repo:--metalink repo:--cost repo:--proxy " \
    "repo:--includepkgs repo:--excludepkgs " \
    "network:--bootproto network:--device network:--ip network:--netmask network:--gateway " \
    "network:--nameserver network:--hostname network:--mtu network:--ethtool network:--onboot " \
    "network:--ipv6 network:--ipv6gateway network:--bondslaves network:--bondopts network:--vlanid " \
    "timezone:--ntpservers lang:--addsupport keyboard:--vckeymap keyboard:--xlayouts keyboard:--switch " \
    "firewall:--port firewall:--service firewall:--trust firewall:--remove-service " \
    "services:--enabled services:--disabled " \
    "user:--name user:--password user:--groups user:--gecos user:--homedir user:--shell user:--uid user:--gid " \
    "group:--name group:--gid sshkey:--username " \
    "clearpart:--drives clearpart:--list clearpart:--disklabel ignoredisk:--drives ignoredisk:--only-use " \
    "logging:--host logging:--port logging:--level " \
    "%post:--interpreter %post:--log %pre:--interpreter %pre:--log %pre-install:--interpreter " \
    "%pre-install:--log %onerror:--interpreter %onerror:--log %traceback:--interpreter %traceback:--log"
  nv = split(VALUE_OPTIONS, vo, " ")
  for (i = 1; i <= nv; i++) valopt[vo[i]] = 1
}

{
  sub(/\r$/, "")
  line = $0
  if (insec != "") {
    if (line ~ /^[ \t]*%end([ \t]|$)/) { close(body); insec = ""; next }
    if (line ~ /^[ \t]*%(pre|pre-install|post|packages|traceback|onerror|addon|anaconda|include|ksappend)([ \t]|$)/)
      fail(secline, "Section %" insec " does not end with %end.")
    print line > body
    next
  }
  n = tokenize(line, toks)
  if (n < 0) fail(NR, "No closing quotation")
  if (n == 0) next
  n = join_values(toks[1], toks, n)
  seq++
  id = sprintf("%04d", seq)
  if (substr(toks[1], 1, 1) == "%") {
    name = substr(toks[1], 2)
    if (name == "include" || name == "ksappend")
      fail(NR, "%" name " is valid kickstart, but kiln's Anaconda test double does not support it")
    if (name == "addon" || name == "anaconda")
      fail(NR, "%" name " sections are valid kickstart, but kiln's Anaconda test double does not support them")
    if (!(name in known)) fail(NR, "Unknown kickstart section: %" name)
    emit("s." id ".hdr", NR, toks, n, name, 2)
    body = out "/s." id ".body"
    printf "" > body
    insec = name; secline = NR
    next
  }
  emit("c." id, NR, toks, n, "", 1)
}

END {
  if (failed) exit 1
  if (insec != "") fail(secline, "Section %" insec " does not end with %end.")
}
