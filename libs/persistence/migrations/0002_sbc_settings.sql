ALTER TABLE "sites" ADD COLUMN "local_egress" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "teams_subdomain" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "max_calls" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "max_bandwidth_kbps" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "caller_id_policy" text DEFAULT 'reject' NOT NULL;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "caller_id_rewrite_to" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "dial_plan" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "sources" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "tls_names" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "max_bandwidth_kbps" integer;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "ptime" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "priority" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "trunks" ADD COLUMN "header_rules" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_teams_subdomain_uq" ON "tenants" USING btree ("teams_subdomain");