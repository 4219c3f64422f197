#!/usr/bin/env python3
"""Candidate pairs by SQL joins over `wenshan fingerprint` rows, with DuckDB.

    python3 scripts/join_duckdb.py FINGERPRINTS.jsonl OUT_DIR
writes OUT_DIR/candidates.jsonl ({"a","b"}) and OUT_DIR/frequent.jsonl
({"hash"}: frequent sentence hashes), the inputs of `wenshan verify`.
"""
import json
import os
import sys

import duckdb

fp, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
con = duckdb.connect()
con.execute(
    "CREATE TABLE fp AS SELECT * FROM read_json(?, format = 'newline_delimited', sample_size = -1, "
    "columns = {kind: 'VARCHAR', path: 'VARCHAR', hi: 'UBIGINT', lo: 'UBIGINT', windows: 'BIGINT', "
    "winnowed: 'BIGINT', keys: 'VARCHAR[]', probes: 'VARCHAR[]', \"set\": 'VARCHAR', hash: 'VARCHAR', "
    "documents: 'BIGINT', radius: 'BIGINT', frequent_threshold: 'BIGINT', posting_threshold: 'BIGINT'})",
    [fp],
)
sql = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "candidates.sql"), encoding="utf-8").read()
sql = "\n".join(l for l in sql.splitlines() if not l.strip().startswith("--"))
for stmt in sql.split(";"):
    if stmt.strip():
        con.execute(stmt)
with open(os.path.join(out, "candidates.jsonl"), "w", encoding="utf-8") as f:
    for a, b in con.execute("SELECT a, b FROM candidates ORDER BY a, b").fetchall():
        f.write(json.dumps({"a": a, "b": b}, ensure_ascii=False) + "\n")
with open(os.path.join(out, "frequent.jsonl"), "w", encoding="utf-8") as f:
    for (h,) in con.execute("SELECT hash FROM frequent_sentences ORDER BY hash").fetchall():
        f.write(json.dumps({"hash": h}) + "\n")
n = con.execute("SELECT count(*) FROM candidates").fetchone()[0]
print(f"{n} candidate pairs", file=sys.stderr)
