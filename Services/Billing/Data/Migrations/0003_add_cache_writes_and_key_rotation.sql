-- US dollars per million input tokens written to a provider's prompt cache (Anthropic bills them above the input price).
ALTER TABLE prices ADD COLUMN cache_write_per_million numeric NOT NULL DEFAULT 0 CHECK (cache_write_per_million >= 0);

-- input_tokens counts every input token; cached reads and cache writes are parts of it.
ALTER TABLE usage_ledger ADD COLUMN cache_write_tokens bigint NOT NULL DEFAULT 0 CHECK (cache_write_tokens >= 0);
ALTER TABLE usage_ledger ADD CONSTRAINT usage_ledger_input_parts_check CHECK (cached_input_tokens + cache_write_tokens <= input_tokens);

-- The key that a rotation replaced, so the admin API can show which key succeeds which.
ALTER TABLE api_keys ADD COLUMN replaces_key_id uuid NULL REFERENCES api_keys (id);

-- Services poll for keys revoked in the last minutes.
CREATE INDEX api_keys_revoked_at_idx ON api_keys (revoked_at) WHERE revoked_at IS NOT NULL;
