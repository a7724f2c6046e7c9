CREATE TABLE "experts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"display_name" text NOT NULL,
	"user_id" text NOT NULL,
	"phone_number" text NOT NULL,
	"topics" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queue_intervals" (
	"tenant_id" text NOT NULL,
	"queue_id" uuid NOT NULL,
	"interval_start" timestamp with time zone NOT NULL,
	"label" text NOT NULL,
	"offered" integer DEFAULT 0 NOT NULL,
	"answered" integer DEFAULT 0 NOT NULL,
	"abandoned" integer DEFAULT 0 NOT NULL,
	"short_abandoned" integer DEFAULT 0 NOT NULL,
	"answered_within_sl" integer DEFAULT 0 NOT NULL,
	"wait_ms_sum" bigint DEFAULT 0 NOT NULL,
	"handle_ms_sum" bigint DEFAULT 0 NOT NULL,
	"busy_ms" bigint DEFAULT 0 NOT NULL,
	"staffed_ms" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "queue_intervals_tenant_id_queue_id_interval_start_pk" PRIMARY KEY("tenant_id","queue_id","interval_start")
);
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "capacity" jsonb DEFAULT '{"voice":1,"chat":0}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "opt_out_queues" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "max_missed_offers" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "phone_number" text;--> statement-breakpoint
ALTER TABLE "number_ranges" ADD COLUMN "queue_id" uuid;--> statement-breakpoint
ALTER TABLE "number_ranges" ADD COLUMN "flow_id" uuid;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "method" text;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "escalation" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "priority_aging_per_minute" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "max_size" integer DEFAULT 100 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "overflow" jsonb DEFAULT '{"kind":"disconnect"}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "hours" jsonb;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "offer_timeout_seconds" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "wrap_up_seconds" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "presence_aware" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "serial_order" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "queues" ADD COLUMN "service_level_seconds" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "experts" ADD CONSTRAINT "experts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flows" ADD CONSTRAINT "flows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queue_intervals" ADD CONSTRAINT "queue_intervals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "experts_tenant_user_uq" ON "experts" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE INDEX "experts_topics_idx" ON "experts" USING gin ("topics");--> statement-breakpoint
CREATE INDEX "experts_tenant_list_idx" ON "experts" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "flows_tenant_name_uq" ON "flows" USING btree ("tenant_id","name");--> statement-breakpoint
CREATE INDEX "flows_tenant_list_idx" ON "flows" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
ALTER TABLE "number_ranges" ADD CONSTRAINT "number_ranges_queue_id_queues_id_fk" FOREIGN KEY ("queue_id") REFERENCES "public"."queues"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_ranges" ADD CONSTRAINT "number_ranges_flow_id_flows_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."flows"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Data migration (hand-written): old rows into the routing model's fields.
-- Queues: strategy -> method (skills-weighted becomes most-proficient).
UPDATE "queues" SET "method" = CASE "strategy" WHEN 'skills-weighted' THEN 'most-proficient' ELSE "strategy" END;--> statement-breakpoint
ALTER TABLE "queues" ALTER COLUMN "method" SET NOT NULL;--> statement-breakpoint
-- Queues: overflowQueueId -> overflow ({kind:'queue', target} when set; {kind:'disconnect'} is the column default).
UPDATE "queues" SET "overflow" = jsonb_build_object('kind', 'queue', 'target', "overflow_queue_id"::text) WHERE "overflow_queue_id" IS NOT NULL;--> statement-breakpoint
-- Skill levels 1-10 -> 1-5: ceil(level / 2).
UPDATE "queues" SET "required_skills" = (
  SELECT coalesce(jsonb_agg(jsonb_set(s.value, '{minLevel}', to_jsonb(ceil((s.value->>'minLevel')::numeric / 2)::int)) ORDER BY s.ordinality), '[]'::jsonb)
  FROM jsonb_array_elements("required_skills") WITH ORDINALITY AS s(value, ordinality)
);--> statement-breakpoint
UPDATE "agents" SET "skills" = (
  SELECT coalesce(jsonb_agg(jsonb_set(s.value, '{level}', to_jsonb(ceil((s.value->>'level')::numeric / 2)::int)) ORDER BY s.ordinality), '[]'::jsonb)
  FROM jsonb_array_elements("skills") WITH ORDINALITY AS s(value, ordinality)
);--> statement-breakpoint
-- Agents: maxConcurrent n -> voice 1 and chat n - 1 (the same number of interactions at once).
UPDATE "agents" SET "capacity" = jsonb_build_object('voice', 1, 'chat', greatest(least("max_concurrent", 21) - 1, 0));--> statement-breakpoint
ALTER TABLE "agents" DROP COLUMN "max_concurrent";--> statement-breakpoint
ALTER TABLE "queues" DROP COLUMN "strategy";--> statement-breakpoint
ALTER TABLE "queues" DROP COLUMN "overflow_queue_id";