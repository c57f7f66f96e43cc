"""Real merges of an Alembic history replayed through `migline resolve`.

    alembic_replay_merges.py GIT_DIR VERSIONS_DIR [LIMIT] [--strategy=merge]

Every merge revision the project wrote by hand (`alembic merge heads`: a file whose
down_revision names two or more revisions) records a moment when two branches had each added
revisions to one history. For each, the situation is rebuilt in a temporary repository from
the tree of the commit that added the merge revision, without it and what followed it: the base holds the revisions both
heads reach; side A adds what only the first head reaches, side B what only the second
reaches; B is merged into A with `git merge --no-commit`, and `migline resolve` runs (MIGLINE
names the binary). Alembic's own RevisionMap (records read with `ast`, as
alembic_real_history.py does) must then report one head, every revision still there with its
id, and, when linearizing, B's chain after A's head. Prints one line per merge; exit 1 on
any failure.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
import alembic_oracle  # noqa: E402
from alembic_real_history import files_at, git, read_record  # noqa: E402

MIGLINE = os.environ.get("MIGLINE", "migline")


def as_tuple(value):
    if value is None:
        return ()
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def reach(records, start):
    """Ids reachable from `start` through down_revision, itself included."""
    seen, todo = set(), [start]
    while todo:
        r = todo.pop()
        if r in seen or r not in records:
            continue
        seen.add(r)
        todo.extend(as_tuple(records[r].get("down_revision")))
    return seen


def run(cmd, cwd, check=True):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    if check and out.returncode != 0:
        raise RuntimeError("%s: %s%s" % (" ".join(cmd), out.stdout, out.stderr))
    return out


def replay(git_dir, versions_dir, commit, merge_id, heads, strategy):
    """Rebuilds the merge of `heads` as of the parent of `commit` and resolves it."""
    texts, records = {}, {}
    for path in files_at(git_dir, commit, versions_dir, False):
        text = git(git_dir, "show", "%s:%s" % (commit, path))
        record = read_record(text)
        if record is not None:
            name = path.rsplit("/", 1)[-1]
            texts[name], records[record["revision"]] = text, dict(record, file=name)
    # The tree as it was before the merge revision: without it and what came after it.
    later = {r for r in records if merge_id in reach(records, r)}
    for r in later:
        del texts[records[r]["file"]]
    records = {r: v for r, v in records.items() if r not in later}
    if any(h not in records for h in heads):
        return "skip", "a head is not in the commit"
    a, b = reach(records, heads[0]), reach(records, heads[1])
    # Revisions neither head reaches (a third head the project merged separately) are left
    # out: the merge being replayed is of these two heads alone.
    others = set(records) - a - b
    records = {r: v for r, v in records.items() if r not in others}
    base = a & b
    root = tempfile.mkdtemp(prefix="migline-replay-")
    run(["git", "init", "-q", "-b", "main"], root)
    os.makedirs(os.path.join(root, "loc", "versions"))
    open(os.path.join(root, "loc", "env.py"), "w").close()

    def write(ids):
        for r in ids:
            with open(os.path.join(root, "loc", "versions", records[r]["file"]), "wb") as f:
                f.write(texts[records[r]["file"]])

    write(base)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-q", "-m", "base"], root)
    run(["git", "checkout", "-q", "-b", "side-b"], root)
    write(b - a)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-q", "-m", "b"], root)
    run(["git", "checkout", "-q", "main"], root)
    write(a - b)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-q", "-m", "a"], root)
    run(["git", "merge", "-q", "--no-commit", "--no-ff", "side-b"], root)
    resolved = run([MIGLINE, "resolve"] + (["--strategy", strategy] if strategy else []), root,
                   check=False)
    if resolved.returncode != 0:
        return "FAIL", "resolve exit %d (kept in %s): %s" % (
            resolved.returncode, root, resolved.stderr[:600])
    after = {}
    for name in os.listdir(os.path.join(root, "loc", "versions")):
        with open(os.path.join(root, "loc", "versions", name), "rb") as f:
            record = read_record(f.read())
        if record is not None:
            after[record["revision"]] = record
    before = alembic_oracle.heads_of_records(list(records.values()))
    answer = alembic_oracle.heads_of_records(list(after.values()))
    problems = []
    if "error" in answer:
        problems.append("RevisionMap: %s" % answer["message"])
    elif alembic_oracle.divergent(answer) or \
            len(answer["heads"]) > len(before.get("heads", [])) - 1:
        problems.append("heads %s (before: %s)" % (answer["heads"], before.get("heads")))
    if not set(records) <= set(after):
        problems.append("lost %s" % sorted(set(records) - set(after)))
    if strategy != "merge" and not problems and heads[0] not in reach(after, heads[1]):
        problems.append("B's chain does not follow A's head")
    if problems:
        return "FAIL", "; ".join(problems) + " (kept in %s)" % root
    shutil.rmtree(root)
    return "ok", "%d revisions; %d on B's side, %d on A's; heads %s%s" % (
        len(records), len(b - a), len(a - b), ", ".join(answer["heads"]),
        "; %d other revisions left out" % len(others) if others else "")


def main():
    git_dir, versions_dir = sys.argv[1], sys.argv[2].rstrip("/")
    limit = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 1000
    strategy = ""
    for arg in sys.argv:
        if arg.startswith("--strategy="):
            strategy = arg.split("=", 1)[1]
    # The commits that added a merge revision, oldest first.
    log = git(git_dir, "log", "--reverse", "--diff-filter=A", "--format=@%H", "--name-only",
              "--", versions_dir + "/").decode()
    merges, commit = [], None
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line.endswith(".py") and line.count("/") == versions_dir.count("/") + 1:
            record = read_record(git(git_dir, "show", "%s:%s" % (commit, line)))
            if record and len(as_tuple(record.get("down_revision"))) == 2:
                merges.append((commit, record["revision"], as_tuple(record["down_revision"])))
    failed = done = 0
    for commit, merge_id, heads in merges[:limit]:
        status, detail = replay(git_dir, versions_dir, commit, merge_id, list(heads), strategy)
        done += status != "skip"
        failed += status == "FAIL"
        print("%-4s %s merge %s of %s: %s" % (status, commit[:12], merge_id, ", ".join(heads),
                                               detail))
    print("%s: %d merges replayed, %d failed" % (versions_dir, done, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
