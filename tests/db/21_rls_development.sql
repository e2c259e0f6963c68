-- Row level security of development (dev + discord_dev); the checks are in rls.psql.
\set env development
\set shared dev
\set disc discord_dev
\set other_shared public
\ir rls.psql
