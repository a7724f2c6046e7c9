CREATE TABLE "m365_auth_requests" (
	"state" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"purpose" text NOT NULL,
	"verifier_ciphertext" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "m365_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"entra_tenant_id" text NOT NULL,
	"client_id" text NOT NULL,
	"credential_kind" text NOT NULL,
	"credential_ciphertext" text NOT NULL,
	"credential_hint" text NOT NULL,
	"status" text DEFAULT 'pending-consent' NOT NULL,
	"status_detail" text,
	"consented_at" timestamp with time zone,
	"tested_at" timestamp with time zone,
	"delegated_cache_ciphertext" text,
	"delegated_username" text,
	"delegated_signed_in_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "m365_connections_tenant_unique" UNIQUE("tenant_id"),
	CONSTRAINT "m365_connections_entra_tenant_unique" UNIQUE("entra_tenant_id")
);
--> statement-breakpoint
ALTER TABLE "m365_auth_requests" ADD CONSTRAINT "m365_auth_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "m365_connections" ADD CONSTRAINT "m365_connections_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "m365_auth_requests_expires_idx" ON "m365_auth_requests" USING btree ("expires_at");