ALTER TABLE "api_keys" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "agents_tenant_list_idx" ON "agents" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "api_keys_tenant_list_idx" ON "api_keys" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "number_ranges_tenant_list_idx" ON "number_ranges" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "queues_tenant_list_idx" ON "queues" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "sites_tenant_list_idx" ON "sites" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "skills_tenant_list_idx" ON "skills" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tenants_list_idx" ON "tenants" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "trunks_tenant_list_idx" ON "trunks" USING btree ("tenant_id","created_at","id");