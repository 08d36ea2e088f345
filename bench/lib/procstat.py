"""CPU time and resident memory of a process together with its descendants, from /proc.

A balancer may be several processes (nginx: master and worker), so both numbers are summed
over the process tree rooted at the pid we started.
"""
import os

# Clock ticks per second, the unit of utime/stime in /proc/PID/stat (what getconf CLK_TCK prints).
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_after_comm(pid):
    """Fields of /proc/PID/stat after the command name, which may itself contain spaces."""
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()


def tree(root):
    """The pid root and every live descendant of it."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(_stat_after_comm(entry)[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_ticks(root):
    """utime + stime, in clock ticks, summed over the tree (fields 14 and 15 of stat)."""
    total = 0
    for pid in tree(root):
        try:
            fields = _stat_after_comm(pid)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def cpu_seconds(root):
    return cpu_ticks(root) / CLK_TCK


def rss_kib(root):
    """VmRSS in KiB summed over the tree (pages shared between processes are counted in each)."""
    total = 0
    for pid in tree(root):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total
