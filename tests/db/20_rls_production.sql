-- Row level security of production (public + discord); the checks are in rls.psql.
\set env production
\set shared public
\set disc discord
\set other_shared dev
\ir rls.psql
