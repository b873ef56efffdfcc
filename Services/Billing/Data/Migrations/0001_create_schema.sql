CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    name        text NOT NULL,
    -- SHA-256 of the plaintext key; the plaintext is never stored.
    key_hash    bytea NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    prefix      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NULL,
    revoked_at  timestamptz NULL
);

CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id);

-- US dollars per million tokens.
CREATE TABLE prices (
    provider                  text NOT NULL,
    model                     text NOT NULL,
    effective_from            date NOT NULL,
    input_per_million         numeric NOT NULL CHECK (input_per_million >= 0),
    output_per_million        numeric NOT NULL CHECK (output_per_million >= 0),
    cached_input_per_million  numeric NOT NULL CHECK (cached_input_per_million >= 0),
    PRIMARY KEY (provider, model, effective_from)
);

CREATE INDEX prices_model_effective_from_idx ON prices (model, effective_from);

CREATE TABLE usage_ledger (
    request_id           text PRIMARY KEY CHECK (char_length(request_id) BETWEEN 1 AND 200),
    tenant_id            uuid NOT NULL REFERENCES tenants (id),
    key_id               uuid NOT NULL REFERENCES api_keys (id),
    service              text NOT NULL,
    provider             text NOT NULL,
    model                text NOT NULL,
    input_tokens         bigint NOT NULL CHECK (input_tokens >= 0),
    cached_input_tokens  bigint NOT NULL CHECK (cached_input_tokens >= 0 AND cached_input_tokens <= input_tokens),
    output_tokens        bigint NOT NULL CHECK (output_tokens >= 0),
    cache_hit            boolean NOT NULL,
    cost                 numeric(30, 10) NOT NULL CHECK (cost >= 0),
    saved_cost           numeric(30, 10) NOT NULL CHECK (saved_cost >= 0),
    priced               boolean NOT NULL,
    occurred_at          timestamptz NOT NULL,
    recorded_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX usage_ledger_tenant_occurred_at_idx ON usage_ledger (tenant_id, occurred_at);
