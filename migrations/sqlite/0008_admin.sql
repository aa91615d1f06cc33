-- Platform administration (SQLite). Keep in step with postgres/0008.

-- Two merchants (tenants) of the same name would be told apart by no one.
CREATE UNIQUE INDEX merchants_name_unique ON merchants (lower(name));
