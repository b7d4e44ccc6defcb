"""Pure parsers from vendor log-source names to catalog event ids (shared by the catalog build and runtime).

>>> splunk_data_source_events("Sysmon EventID 1 AND Sysmon EventID 3")
('sysmon:1', 'sysmon:3')
>>> splunk_data_source_events("Windows Event Log Security 4688")
('security:4688',)
>>> attack_logsource_events("WinEventLog:Sysmon", "EventCode=3, 22")
('sysmon:3', 'sysmon:22')
>>> attack_logsource_events("auditd:SYSCALL", "open, write")
('auditd:open', 'auditd:write')
"""

from __future__ import annotations

import re

# Windows channel label (as written by Splunk data-source names or ATT&CK "WinEventLog:<x>") -> channel key
WINDOWS_CHANNELS = {
    "sysmon": "sysmon",
    "microsoft-windows-sysmon/operational": "sysmon",
    "security": "security",
    "system": "system",
    "application": "application",
    "powershell": "powershell",
    "microsoft-windows-powershell/operational": "powershell",
    "windows powershell": "powershell-classic",
    "defender": "defender",
    "microsoft-windows-windows defender/operational": "defender",
    "taskscheduler": "taskscheduler",
    "microsoft-windows-taskscheduler/operational": "taskscheduler",
    "wmi": "wmi",
    "microsoft-windows-wmi-activity/operational": "wmi",
    "printservice": "printservice",
    "capi2": "capi2",
    "certificateservicesclient": "certificateservicesclient",
    "remoteconnectionmanager": "terminalservices",
    "microsoft-windows-terminalservices-remoteconnectionmanager/operational": "terminalservices",
    "microsoft-windows-codeintegrity/operational": "codeintegrity",
    "microsoft-windows-windows firewall with advanced security/firewall": "firewall-as",
    "microsoft-windows-bits-client/operational": "bits-client",
    "microsoft-windows-dns-client/operational": "dns-client",
    "dns-client": "dns-client",
    "ntlm": "ntlm",
    "ntlm operational": "ntlm",
    "microsoft-windows-ntlm/operational": "ntlm",
}
# Linux syscall names accepted from ATT&CK "auditd:SYSCALL" channels (free text in v18; hand list)
LINUX_SYSCALLS = frozenset(
    [
        "execve",
        "execveat",
        "connect",
        "accept",
        "accept4",
        "bind",
        "listen",
        "socket",
        "sendto",
        "recvfrom",
        "open",
        "openat",
        "openat2",
        "creat",
        "read",
        "write",
        "pwrite64",
        "unlink",
        "unlinkat",
        "rename",
        "renameat",
        "renameat2",
        "chmod",
        "fchmod",
        "fchmodat",
        "chown",
        "fchown",
        "fchownat",
        "lchown",
        "setxattr",
        "fsetxattr",
        "lsetxattr",
        "removexattr",
        "mount",
        "umount",
        "umount2",
        "ptrace",
        "init_module",
        "finit_module",
        "delete_module",
        "kexec_load",
        "mmap",
        "mprotect",
        "memfd_create",
        "setuid",
        "setgid",
        "setreuid",
        "setresuid",
        "capset",
        "prctl",
        "clone",
        "fork",
        "vfork",
        "kill",
        "tkill",
        "tgkill",
        "truncate",
        "ftruncate",
        "link",
        "symlink",
        "mkdir",
        "rmdir",
        "process_vm_writev",
        "process_vm_readv",
        "bpf",
        "perf_event_open",
        "utimensat",
        "utimes",
        "sethostname",
        "settimeofday",
        "clock_settime",
        "adjtimex",
        "ioctl",
        "setsockopt",
        "reboot",
        "swapoff",
        "pivot_root",
        "chroot",
        "unshare",
        "setns",
    ]
)
_CODES = re.compile(r"\d+")
_API = re.compile(r"^[A-Z][A-Za-z0-9]+$")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _windows(label: str, codes: str) -> tuple[str, ...]:
    key = WINDOWS_CHANNELS.get(label.strip().lower()) or slug(label)
    found = _CODES.findall(codes)
    return tuple(f"{key}:{c}" for c in found) if found else (key,)


def _one_splunk(name: str) -> tuple[str, ...]:
    n = name.strip().rstrip(".")
    low = n.lower()
    if m := re.match(r"sysmon for linux eventid (\d+)", low):
        return (f"linux-sysmon:{m.group(1)}",)
    if m := re.match(r"sysmon eventid (\d+)", low):
        return (f"sysmon:{m.group(1)}",)
    if m := re.match(r"(?:windows event log|windows security|windows) (\w+) ([\d, ]+)$", n, re.I):
        label = m.group(1) if not n.lower().startswith("windows security") else "security"
        if n.lower().startswith("windows security"):
            return _windows("security", n[len("windows security") :])
        return _windows(label, m.group(2))
    if m := re.match(r"powershell script block logging (\d+)", low):
        return (f"powershell:{m.group(1)}",)
    if m := re.match(r"ntlm operational ([\d, ]+)", low):
        return _windows("ntlm", m.group(1))
    if low.startswith("aws cloudtrail"):
        api = n[len("aws cloudtrail") :].strip()
        return (f"aws-cloudtrail:{api}",) if api else ("aws-cloudtrail",)
    if low.startswith("azure active directory sign-in"):
        return ("azure-signin",)
    if low.startswith(("azure active directory", "azure audit")):
        rest = re.sub(r"^azure (active directory|audit)", "", n, flags=re.I).strip()
        return (f"azure-audit:{slug(rest)}",) if rest else ("azure-audit",)
    if low.startswith(("o365", "office 365")):
        rest = re.sub(r"^(o365|office 365)", "", n, flags=re.I).strip()
        if not rest or "universal audit log" in rest.lower():
            return ("m365-audit",)
        return (f"m365-audit:{slug(rest)}",)
    if low.startswith("linux auditd"):
        rest = slug(n[len("linux auditd") :])
        return ("auditd",) if rest in ("", "syscall") else (f"auditd:{rest.replace('-', '_')}",)
    if low.startswith(("google workspace", "g suite")):
        rest = re.sub(r"^(google workspace|g suite)", "", n, flags=re.I).strip()
        return (f"google-workspace:{slug(rest)}",) if rest else ("google-workspace",)
    simple = {
        "okta": "okta-system",
        "github": "github-audit",
        "kubernetes audit": "k8s-audit",
        "suricata": "ids:alert",
        "nginx access": "webserver:http-request",
        "windows iis": "webserver:http-request",
        "palo alto network traffic": "firewall:connection",
        "palo alto network threat": "ids:alert",
        "splunk stream http": "proxy:http-request",
        "splunk stream tcp": "netflow:connection",
        "splunk stream ip": "netflow:connection",
        "bro": "netflow:connection",
        "aws cloudwatchlogs vpcflow": "netflow:connection",
    }
    if low in simple:
        return (simple[low],)
    return (f"splunk-ds:{slug(n)}",)


def splunk_data_source_events(name: str) -> tuple[str, ...]:
    """Catalog event ids for one Splunk ``data_source`` entry (``A AND B`` means both)."""
    out: list[str] = []
    for part in re.split(r"\s+AND\s+", name):
        if part.strip():
            out.extend(e for e in _one_splunk(part) if e not in out)
    return tuple(out)


_ATTACK_SIMPLE = {
    "azure:signinlogs": "azure-signin",
    "m365:signinlogs": "azure-signin",
    "azure:audit": "azure-audit",
    "azure:activity": "azure-activity",
    "gcp:audit": "gcp-audit",
    "saas:okta": "okta-system",
    "saas:github": "github-audit",
    "saas:googleworkspace": "google-workspace",
    "kubernetes:audit": "k8s-audit",
    "kubernetes:apiserver": "k8s-audit",
    "nsm:flow": "netflow:connection",
    "nsm:connections": "netflow:connection",
    "network traffic": "netflow:connection",
    "aws:vpcflowlogs": "netflow:connection",
    "nsm:firewall": "firewall:connection",
    "nsm:dns": "dns:query",
    "linux:syslog": "linux-syslog",
}


def attack_logsource_events(name: str, channel: str | None) -> tuple[str, ...]:
    """Catalog event ids for an ATT&CK v18 analytic log source reference (name, channel)."""
    chan = (channel or "").strip()
    if chan.lower() == "none":
        chan = ""
    head, _, tail = name.partition(":")
    low = name.lower()
    if head == "WinEventLog":
        return _windows(tail, chan)
    if low == "linux:sysmon":
        found = _CODES.findall(chan)
        return tuple(f"linux-sysmon:{c}" for c in found) or ("linux-sysmon",)
    if head.lower() == "auditd":
        if tail.upper() == "SYSCALL":
            lead = re.match(r"^\s*([a-z_0-9]+(?:\s*(?:,|/|\bor\b|\band\b)\s*[a-z_0-9]+)*)", chan.lower())
            words = re.split(r"\s*(?:,|/|\bor\b|\band\b)\s*", lead.group(1)) if lead else []
            names = [w for w in words if w in LINUX_SYSCALLS]
            return tuple(f"auditd:{w}" for w in dict.fromkeys(names)) or ("auditd",)
        return (f"auditd:{tail.lower()}",)
    if low == "macos:endpointsecurity":
        types = re.findall(r"ES_EVENT_TYPE_\w+", chan)
        return tuple(f"esf:{t}" for t in types) or ("esf",)
    if low == "aws:cloudtrail":
        apis = [w.strip() for w in chan.split(",") if _API.match(w.strip())]
        return tuple(f"aws-cloudtrail:{a}" for a in apis) or ("aws-cloudtrail",)
    if head.lower() == "m365" and low != "m365:signinlogs":
        return ("m365-audit",)
    if low in _ATTACK_SIMPLE:
        return (_ATTACK_SIMPLE[low],)
    return (slug(name),)
