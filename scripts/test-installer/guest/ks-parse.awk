# Kickstart reader of kiln's Anaconda TEST DOUBLE (not Anaconda, not pykickstart): splits a
# kickstart file into commands and sections for /init, which knows what each command means.
#
#   busybox awk -v out=DIR -v ks=FILE [-v mode=pre] -f ks-parse.awk
#
# Two passes, as Anaconda reads a kickstart. mode=pre is its first pass (preScriptPass): only the
# %pre sections are kept, commands are not looked at, and an %include whose file is not there yet
# is skipped (a %pre script may be about to write it). The default is the full reading (its
# parseKickstart, after %pre ran): every %include FILE is read in its place, in the command part or
# inside a section, as pykickstart does; a FILE that cannot be opened is pykickstart's error.
# A relative FILE is tried as given, then beside the file that includes it.
#
# Where a line is (LOC below): its line number in the kickstart file, or "N of FILE" for line N of
# an included FILE (pykickstart counts lines per file too, but does not name the file).
# For each command line:  DIR/c.NNNN   line 1: LOC, then one token per line (the command first),
#                                      split like pykickstart does (shlex: quotes, backslashes,
#                                      "#" starting a token begins a comment).
# For each section:       DIR/s.NNNN.hdr   line 1: LOC, line 2: section name without "%",
#                                          then the header's option tokens, one per line.
#                         DIR/s.NNNN.body  the section's lines, verbatim.
# Options that take a value are joined to it ("--size 500" → "--size=500"), as pykickstart's
# option parser reads them; the table VALUE_OPTIONS below lists them per command and section.
# On a kickstart error:   DIR/error   line 1: LOC, line 2: the message (pykickstart's wording),
#                                     exit status 1. A FILE that cannot be read: exit status 1,
#                                     no DIR/error.

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

function fail(loc, message) {
  printf "%s\n%s\n", loc, message > (out "/error")
  exit 1
}

function emit(prefix, loc, toks, n, first, start,    i, file) {
  file = out "/" prefix
  printf "%s\n", loc > file
  if (first != "") print first > file
  for (i = start; i <= n; i++) print toks[i] > file
  close(file)
}

# The file can be opened (it exists and is readable).
function readable(path,    r, x) {
  r = (getline x < path)
  if (r >= 0) close(path)
  return r >= 0
}

# %include TARGET seen at LOC in FILE, DEPTH files deep: reads TARGET's lines in its place.
function include(target, loc, file, depth,    path, dir) {
  if (target == "") fail(loc, "%include requires a file name")
  path = target
  if (substr(path, 1, 1) != "/" && !readable(path)) {
    dir = file
    if (sub(/\/[^\/]*$/, "", dir) && readable(dir "/" target)) path = dir "/" target
  }
  if (!readable(path)) {
    # The first pass skips it: %pre may write it. The full reading fails as pykickstart does.
    if (mode == "pre") return
    fail(0, "Unable to open input kickstart file: Error opening file: [Errno 2] No such file or directory: '" path "'")
  }
  # pykickstart would recurse until Python's recursion limit; the test double stops earlier.
  if (path in reading) fail(loc, "%include " target ": include loop (" path " is already being read)")
  if (depth >= MAX_DEPTH) fail(loc, "%include " target ": more than " MAX_DEPTH " nested %include files")
  read_file(path, depth + 1)
}

# Reads PATH, DEPTH %include files deep, line by line.
function read_file(path, depth,    line, lineno) {
  reading[path] = 1
  lineno = 0
  while ((getline line < path) > 0) {
    lineno++
    read_line(line, depth == 0 ? lineno : lineno " of " path, path, depth)
  }
  close(path)
  delete reading[path]
}

# One line at LOC of FILE: a command, a section header or body line, or an %include.
function read_line(line, loc, file, depth,    n, name, id) {
  sub(/\r$/, "", line)
  if (insec != "") {
    if (line ~ /^[ \t]*%end([ \t]|$)/) { if (keep) close(body); insec = ""; return }
    if (line ~ /^[ \t]*%include([ \t]|$)/) {
      n = tokenize(line, toks)
      if (n < 0) fail(loc, "No closing quotation")
      include(n > 1 ? toks[2] : "", loc, file, depth)
      return
    }
    if (line ~ /^[ \t]*%(pre|pre-install|post|packages|traceback|onerror|addon|anaconda|certificate|ksappend)([ \t]|$)/)
      fail(secloc, "Section %" insec " does not end with %end.")
    if (keep) print line > body
    return
  }
  n = tokenize(line, toks)
  if (n < 0) fail(loc, "No closing quotation")
  if (n == 0) return
  if (toks[1] == "%include") { include(n > 1 ? toks[2] : "", loc, file, depth); return }
  if (substr(toks[1], 1, 1) != "%") {
    if (mode != "pre") emit("c." next_id(), loc, toks, join_values(toks[1], toks, n), "", 1)
    return
  }
  n = join_values(toks[1], toks, n)
  name = substr(toks[1], 2)
  if (mode == "pre") {
    # Anaconda's first pass knows these sections; it keeps only %pre.
    if (name == "ksappend") return
    if (!(name in pre_known)) fail(loc, "Unknown kickstart section: %" name)
    keep = name == "pre"
  } else {
    if (name == "ksappend")
      fail(loc, "%" name " is valid kickstart, but kiln's Anaconda test double does not support it")
    if (name == "addon" || name == "anaconda" || name == "certificate")
      fail(loc, "%" name " sections are valid kickstart, but kiln's Anaconda test double does not support them")
    if (!(name in known)) fail(loc, "Unknown kickstart section: %" name)
    keep = 1
  }
  if (keep) {
    id = next_id()
    emit("s." id ".hdr", loc, toks, n, name, 2)
    body = out "/s." id ".body"
    printf "" > body
  }
  insec = name; secloc = loc
}

function next_id() {
  return sprintf("%04d", ++seq)
}

BEGIN {
  seq = 0; insec = ""; MAX_DEPTH = 16
  split("pre pre-install post packages traceback onerror", names, " ")
  for (i in names) known[names[i]] = 1
  split("pre pre-install post onerror traceback packages addon certificate", names, " ")
  for (i in names) pre_known[names[i]] = 1
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
  if (!readable(ks)) exit 1
  read_file(ks, 0)
  if (insec != "") fail(secloc, "Section %" insec " does not end with %end.")
}
