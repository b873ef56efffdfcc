-- An IANA or Windows time zone id. Budget periods start at midnight in this zone.
ALTER TABLE tenants ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';

-- A spending limit in US dollars for a tenant, one of its keys, or one model used through a key.
-- Spend in a period is the sum of usage_ledger.cost in that period, counted from reset_at when a reset
-- happened inside the period.
CREATE TABLE budgets (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants (id),
    key_id            uuid NULL REFERENCES api_keys (id),
    model             text NULL,
    period            text NOT NULL CHECK (period IN ('daily', 'monthly')),
    limit_usd         numeric(30, 10) NOT NULL CHECK (limit_usd > 0),
    enforcement       text NOT NULL CHECK (enforcement IN ('hard', 'soft')),
    alert_thresholds  integer[] NOT NULL DEFAULT '{}',
    reset_at          timestamptz NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (model IS NULL OR key_id IS NOT NULL)
);

CREATE INDEX budgets_tenant_id_idx ON budgets (tenant_id);

-- One row per alert sent, so each threshold alerts once per budget period.
CREATE TABLE budget_alerts (
    budget_id     uuid NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
    period_start  timestamptz NOT NULL,
    threshold     integer NOT NULL,
    spend         numeric(30, 10) NOT NULL,
    sent_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (budget_id, period_start, threshold)
);

CREATE INDEX usage_ledger_tenant_key_occurred_at_idx ON usage_ledger (tenant_id, key_id, occurred_at);
