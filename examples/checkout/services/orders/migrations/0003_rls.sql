-- Row-level security on tenant_id (ADR 0007). The service sets
-- app.tenant_id from verified claims at the start of every transaction.
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON orders
  USING (tenant_id = current_setting('app.tenant_id')::uuid)
  WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

REVOKE ALL ON orders FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON orders TO orders_svc;
