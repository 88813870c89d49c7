#!/usr/bin/env python3
"""gwc-job.py OFFSET ID: runs one job of a Snakefile written by geowatch-compile.

Reads the JSON array [ID, arg...] that starts at byte OFFSET of gwc-argv.jsonl (next to
this file) and replaces itself with `sh gwc-run.sh arg...`, the per-job runner every target
calls. The argv goes from the table to the runner as exact bytes: Snakemake formats only
OFFSET and ID into the shell command. Exit status: the runner's, 125 when the lookup fails.
"""
import json
import os
import sys


def fail(message):
    sys.stderr.write("gwc: %s\n" % message)
    sys.exit(125)


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit():
        fail("usage: gwc-job.py OFFSET ID")
    offset, job_id = int(argv[1]), argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, "gwc-argv.jsonl"), "rb") as table:
            table.seek(offset)
            record = json.loads(table.readline())
    except (OSError, ValueError) as problem:
        fail("cannot read the argv of job %s: %s" % (job_id, problem))
    if not isinstance(record, list) or not record or record[0] != job_id:
        fail("gwc-argv.jsonl has no job %s at byte %d; compile again" % (job_id, offset))
    args = [arg.encode("utf-8") for arg in record[1:]]
    runner = os.path.join(here, "gwc-run.sh").encode("utf-8")
    sys.stdout.flush()
    os.execvp("sh", [b"sh", runner] + args)


if __name__ == "__main__":
    main(sys.argv)
