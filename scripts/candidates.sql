-- Candidate pairs from `wenshan fingerprint --format jsonl` rows, by equality
-- joins only (DuckDB here; the same joins in Spark SQL or DataFusion/Ballista).
-- Expects a table or view `fp` holding the rows (kind, path, hi, lo, windows,
-- winnowed, keys, probes, "set", hash, documents, radius, frequent_threshold).
-- Produces `candidates(a, b)` and `frequent_sentences(hash)`; the candidates are
-- exactly the pairs `wenshan scan` verifies.
CREATE OR REPLACE TEMP VIEW corpus AS
  SELECT radius, frequent_threshold AS t, posting_threshold AS p FROM fp WHERE kind = 'corpus';
CREATE OR REPLACE TEMP VIEW docs AS
  SELECT path, hi, lo, windows, winnowed, keys, probes FROM fp WHERE kind = 'document';
CREATE OR REPLACE TEMP VIEW passages AS
  SELECT path, "set", hash FROM fp WHERE kind = 'passage';
-- Passage hashes in more documents than the threshold are boilerplate
-- (sentences: frequent_threshold; windows and winnowed: posting_threshold).
CREATE OR REPLACE TEMP TABLE frequent AS
  SELECT "set", hash FROM passages GROUP BY "set", hash
  HAVING count(*) > (SELECT CASE WHEN "set" = 'sentence' THEN t ELSE p END FROM corpus);
CREATE OR REPLACE TEMP VIEW frequent_sentences AS
  SELECT hash FROM frequent WHERE "set" = 'sentence';
-- 1. Simhash within the radius: a probe key of one meets a stored key of the other.
CREATE OR REPLACE TEMP TABLE by_simhash AS
  WITH stored AS (SELECT path, unnest(keys) AS key FROM docs),
       probe AS (SELECT path, unnest(probes) AS key FROM docs),
       hit AS (SELECT DISTINCT least(p.path, s.path) AS a, greatest(p.path, s.path) AS b
               FROM probe p JOIN stored s ON p.key = s.key AND p.path <> s.path)
  SELECT hit.a, hit.b FROM hit
  JOIN docs x ON x.path = hit.a JOIN docs y ON y.path = hit.b
  WHERE bit_count(xor(x.hi, y.hi)) + bit_count(xor(x.lo, y.lo)) <= (SELECT radius FROM corpus);
-- 2. Passage hashes shared, boilerplate left out.
CREATE OR REPLACE TEMP TABLE shared AS
  WITH p AS (SELECT * FROM passages q
             WHERE "set" IN ('window', 'winnowed')
               AND NOT EXISTS (SELECT 1 FROM frequent f WHERE f."set" = q."set" AND f.hash = q.hash))
  SELECT x."set", x.path AS a, y.path AS b, count(*) AS n
  FROM p x JOIN p y ON x."set" = y."set" AND x.hash = y.hash AND x.path < y.path
  GROUP BY x."set", x.path, y.path;
CREATE OR REPLACE TEMP TABLE candidates AS
  SELECT a, b FROM by_simhash
  UNION
  SELECT a, b FROM shared WHERE "set" = 'window' AND n >= 2
  UNION
  SELECT s.a, s.b FROM shared s JOIN docs x ON x.path = s.a JOIN docs y ON y.path = s.b
  WHERE s."set" = 'winnowed' AND s.n >= 3 AND s.n >= 0.15 * least(x.winnowed, y.winnowed);
